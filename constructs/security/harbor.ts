import { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import { PRUNE_DISABLED } from '../core/namespace';
import type { CredentialRegistry } from '../credentials/credential-registry';
import type { ChartSources } from '../flux/chart-sources';
import { ChartRelease } from '../flux/chart-release';
import { ValuesFromKind, type HelmRelease } from '../flux/helm-release';

/** Harbor's Service in `clusterIP` exposure (its nginx, HTTP on port 80). */
const HARBOR_SERVICE = 'harbor';
/** The URL the platform's backends and Harbor's own token service use. */
export const HARBOR_URL = `http://${HARBOR_SERVICE}.${CHARTS.harbor.namespace}.svc.cluster.local`;

export interface HarborVolumes {
  /** Image storage. */
  readonly registry: string;
  /** Internal PostgreSQL. */
  readonly database: string;
  /** Internal Redis. */
  readonly redis: string;
}

export interface HarborProps {
  /** Chart sources of the customer. */
  readonly sources: ChartSources;
  /** Credential registry: admin password, encryption key, database password. */
  readonly credentials: CredentialRegistry;
  /** StorageClass of every Harbor volume. */
  readonly storageClassName: string;
  /** Volume sizes. */
  readonly volumes: HarborVolumes;
  /**
   * Chart version override.
   * @default - the catalog version
   */
  readonly version?: string;
}

/**
 * Harbor, the platform's image registry, reached inside the cluster only (as in the old
 * system): Harbor cannot be served under a sub-path of the platform host, whose `/` is the
 * frontend's. Its external URL is therefore the in-cluster one its clients use.
 */
export class Harbor extends Construct {
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: HarborProps) {
    super(scope, id);
    const chart = CHARTS.harbor;
    const ns = chart.namespace;
    const admin = props.credentials.ref(this, 'harbor-admin', ns);
    // The chart reads the encryption key only under this key.
    const secretKey = props.credentials.ref(this, 'harbor-secret-key', ns, { key: 'secretKey', fixedKey: true });
    const database = props.credentials.ref(this, 'harbor-db', ns);
    const volume = (size: string) => ({ storageClass: props.storageClassName, size, annotations: { ...PRUNE_DISABLED } });

    const values = {
      expose: { type: 'clusterIP', tls: { enabled: false }, clusterIP: { name: HARBOR_SERVICE } },
      externalURL: HARBOR_URL,
      existingSecretAdminPassword: admin.name,
      existingSecretAdminPasswordKey: admin.key,
      existingSecretSecretKey: secretKey.name,
      persistence: {
        enabled: true,
        resourcePolicy: 'keep',
        persistentVolumeClaim: {
          registry: volume(props.volumes.registry),
          database: volume(props.volumes.database),
          redis: volume(props.volumes.redis),
        },
      },
      // Job logs go to the database: no job-log volume.
      jobservice: { jobLoggers: ['database', 'stdout'] },
      trivy: { enabled: false },
    };

    this.release = new ChartRelease(this, 'chart', {
      chart,
      sources: props.sources,
      holdsData: true,
      version: props.version,
      values,
      // Chart 1.14 has no existing-secret option for its internal database: Flux writes the
      // password into the values from the Secret at install time.
      valuesFrom: [{ kind: ValuesFromKind.SECRET, name: database.name, valuesKey: database.key, targetPath: 'database.internal.password' }],
    }).release;
  }
}
