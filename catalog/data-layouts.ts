/**
 * Where the platform's own data volumes live (`astrago.dataLayout`): the layout this
 * repository creates for a new customer, or the one the old Helmfile system created, which a
 * migrated customer keeps so its database and logs stay where they are. Charts (Keycloak,
 * Harbor, Prometheus) keep the same release names, so their claims keep their names anyway.
 */

/** The MariaDB data volume: which claim, where it is mounted, and who owns its files. */
export interface MariaDbVolume {
  /** PersistentVolumeClaim holding the database. */
  readonly claimName: string;
  /** Where the claim is mounted in the server container. */
  readonly mountPath: string;
  /**
   * MariaDB's data directory (`--datadir`), when it is not the mount itself.
   * @default - the mount path
   */
  readonly dataDir?: string;
  /** User, group and fsGroup that own the files. */
  readonly uid: number;
}

export interface DataLayout {
  /** What the layout is, in the operator's terms. */
  readonly description: string;
  readonly mariadb: MariaDbVolume;
  /** Access mode of the workload-log claim (immutable once the claim exists). */
  readonly workloadLogAccessMode: 'ReadWriteOnce' | 'ReadWriteMany';
}

export const DATA_LAYOUTS = {
  gitops: {
    description: 'a new installation: MariaDB on claim astrago-mariadb-data at /var/lib/mysql as the official image\'s mysql user (999), workload-log-pvc ReadWriteMany',
    // The official image's data directory and user.
    mariadb: { claimName: 'astrago-mariadb-data', mountPath: '/var/lib/mysql', uid: 999 },
    workloadLogAccessMode: 'ReadWriteMany',
  },
  helmfile: {
    description: 'volumes the old Helmfile system created, kept by a migrated customer: MariaDB on claim data-astrago-mariadb-0 '
      + '(data in /bitnami/mariadb/data, user and fsGroup 1001, as the Bitnami chart wrote it), workload-log-pvc ReadWriteOnce',
    // Bitnami chart 12.2.9: claim template "data" of StatefulSet astrago-mariadb, mounted at
    // /bitnami/mariadb, runAsUser and fsGroup 1001 (platform contract §7).
    mariadb: { claimName: 'data-astrago-mariadb-0', mountPath: '/bitnami/mariadb', dataDir: '/bitnami/mariadb/data', uid: 1001 },
    // The old chart's claim; an access mode cannot change on an existing claim.
    workloadLogAccessMode: 'ReadWriteOnce',
  },
} as const satisfies Record<string, DataLayout>;

export type DataLayoutName = keyof typeof DATA_LAYOUTS;

export const DATA_LAYOUT_NAMES = Object.keys(DATA_LAYOUTS) as DataLayoutName[];
