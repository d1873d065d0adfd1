import type { Construct } from 'constructs';
import { chartImage, CHARTS } from '../../catalog/charts';
import { formatImage } from '../../catalog/images';
import { INGRESS_CLASS } from '../../catalog/platform';
import { PRUNE_DISABLED } from '../core/namespace';
import { rolloutAnnotations, type CredentialRegistry } from '../credentials/credential-registry';
import { PostgresPassword } from '../credentials/postgres-password';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';
import { ValuesFromKind } from '../flux/helm-release';

/** Harbor's Service in `clusterIP` exposure (its nginx, HTTP on port 80). */
const HARBOR_SERVICE = 'harbor';
/** Harbor's URL inside the cluster, when it is not exposed on a host of its own. */
const IN_CLUSTER_URL = `http://${HARBOR_SERVICE}.${CHARTS.harbor.namespace}.svc.cluster.local`;
/** Harbor's API for the platform's backends: its core Service, the same in every exposure. */
export const HARBOR_API_URL = `http://${CHARTS.harbor.releaseName}-core.${CHARTS.harbor.namespace}.svc.cluster.local`;

export interface HarborExposure {
  /** DNS name of Harbor's own Ingress. */
  readonly host: string;
  /**
   * cert-manager ClusterIssuer of the certificate; without one Harbor is served over HTTP.
   * @default - plain HTTP
   */
  readonly tlsIssuer?: string;
}

export interface HarborVolumes {
  /** Image storage. */
  readonly registry: string;
  /** Internal PostgreSQL. */
  readonly database: string;
  /** Internal Redis. */
  readonly redis: string;
}

export interface HarborProps extends ChartComponentProps {
  /** Credential registry: admin password, encryption key, database password. */
  readonly credentials: CredentialRegistry;
  /** StorageClass of every Harbor volume. */
  readonly storageClassName: string;
  /** Volume sizes. */
  readonly volumes: HarborVolumes;
  /**
   * Serve Harbor on a host of its own through ingress-nginx (Harbor cannot live under a path
   * of the platform host, whose `/` is the frontend's).
   * @default - reached inside the cluster only
   */
  readonly exposure?: HarborExposure;
}

/**
 * Harbor, the platform's image registry: inside the cluster (as in the old system), or on a
 * host of its own when `exposure` is given. Its external URL, which Harbor hands to clients
 * for tokens and pushes, follows the exposure.
 */
export class Harbor extends ChartRelease {
  constructor(scope: Construct, id: string, props: HarborProps) {
    const ns = CHARTS.harbor.namespace;
    const admin = props.credentials.ref(scope, 'harbor-admin', ns);
    // The chart reads the encryption key only under this key.
    const secretKey = props.credentials.ref(scope, 'harbor-secret-key', ns, { key: 'secretKey', fixedKey: true });
    const database = props.credentials.ref(scope, 'harbor-db', ns);
    const volume = (size: string) => ({ storageClass: props.storageClassName, size, annotations: { ...PRUNE_DISABLED } });

    const values = {
      ...exposureValues(props.exposure),
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
      // Core reads the database password at start: a rotation changes the release and rolls it.
      core: { podAnnotations: rolloutAnnotations(database) },
      trivy: { enabled: false },
    };

    super(scope, id, {
      chart: CHARTS.harbor,
      component: props,
      holdsData: true,
      values,
      // Chart 1.14 has no existing-secret option for its internal database: Flux writes the
      // password into the values from the Secret at install time.
      valuesFrom: [{ kind: ValuesFromKind.SECRET, name: database.name, valuesKey: database.key, targetPath: 'database.internal.password' }],
    });
    // The database keeps the password of its first start: a rotation changes it in the server.
    const previous = props.credentials.previousRef(scope, 'harbor-db', ns);
    if (previous) {
      new PostgresPassword(this, 'db-password', {
        name: 'harbor-db-password', namespace: ns,
        image: formatImage(chartImage(CHARTS.harbor, 'database.internal.image')),
        // The harbor-db image's user (the chart's database StatefulSet runs as 999); the image's own
        // healthcheck runs bash and psql (goharbor/harbor make/photon/db/docker-healthcheck.sh).
        uid: 999,
        server: { host: `${CHARTS.harbor.releaseName}-database`, port: 5432 },
        database: 'registry', user: 'postgres',
        password: database, previous, rotation: database.rotation ?? 0,
      });
    }
  }
}

/** `expose` and `externalURL` values of the chart for an exposure. */
function exposureValues(exposure: HarborExposure | undefined): Record<string, unknown> {
  if (!exposure) {
    return { expose: { type: 'clusterIP', tls: { enabled: false }, clusterIP: { name: HARBOR_SERVICE } }, externalURL: IN_CLUSTER_URL };
  }
  const tls = exposure.tlsIssuer !== undefined;
  return {
    expose: {
      type: 'ingress',
      // cert-manager writes the certificate into this Secret, named in the Ingress.
      tls: tls ? { enabled: true, certSource: 'secret', secret: { secretName: 'harbor-tls' } } : { enabled: false },
      ingress: {
        hosts: { core: exposure.host },
        className: INGRESS_CLASS,
        annotations: {
          // Image layers are large.
          'nginx.ingress.kubernetes.io/proxy-body-size': '0',
          'nginx.ingress.kubernetes.io/ssl-redirect': String(tls),
          ...(tls ? { 'cert-manager.io/cluster-issuer': exposure.tlsIssuer } : {}),
        },
      },
    },
    externalURL: `${tls ? 'https' : 'http'}://${exposure.host}`,
  };
}
