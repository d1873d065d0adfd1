import { createHash } from 'node:crypto';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { MariaDbVolume } from '../../catalog/data-layouts';
import { PLATFORM_DATABASE, PLATFORM_SERVICES } from '../../catalog/platform';
import type { CredentialRegistry } from '../credentials/credential-registry';
import { DataClaim } from './data-claim';
import { clusterService, componentLabels, imageName, stablePods, type PlatformPodProps } from './platform-pod';

/** Server settings of docs/old-system.md §2.1, for the official image's `conf.d`. */
const SERVER_CONFIG = `[mysqld]
skip-name-resolve
explicit_defaults_for_timestamp
max_allowed_packet=16M
# utf8 (= utf8mb3) as in the existing databases; changing it needs a data migration.
character-set-server=utf8
collation-server=utf8_general_ci
max_connections=200
connect_timeout=30
interactive_timeout=3600
wait_timeout=1800
thread_cache_size=50
query_cache_type=1
query_cache_size=64M
slow_query_log=1
long_query_time=10
# Binary log in the data directory (the old chart kept it on the container filesystem).
log-bin=mysql-bin
binlog_format=STATEMENT
binlog_checksum=NONE
binlog_row_image=FULL
binlog_expire_logs_seconds=604800

[client]
default-character-set=utf8
`;

/** `image` is the server's (`astrago.mariadb.image`). */
export interface MariaDbProps extends PlatformPodProps {
  /** Application user, owner of the platform database; its password is credential mariadb-user. */
  readonly username: string;
  /** Credential registry: the root password and the application user's. */
  readonly credentials: CredentialRegistry;
  /** StorageClass of the data volume. */
  readonly storageClassName: string;
  /** Size of the data volume (`astrago.mariadb.storageSize`). */
  readonly storageSize: string;
  /**
   * The data volume: its claim, mount, data directory and owner (the `mariadb` of the customer's
   * `astrago.dataLayout`). The official image reads a data directory the Bitnami chart wrote as
   * long as it runs as the files' owner.
   */
  readonly volume: MariaDbVolume;
}

/**
 * The platform's MariaDB as a plain StatefulSet of the official image rather than the Bitnami
 * chart: Bitnami froze its free images (`bitnamilegacy`, no security fixes) in 2025, and one
 * server with one volume is a few reviewable objects. Reachable only inside the cluster
 * (ClusterIP; the old chart published it on NodePort 30010). Its data claim is a plain object
 * Flux never prunes, in a namespace Flux never prunes.
 */
export class MariaDb extends Construct {
  /** The ClusterIP Service clients in the namespace connect to. */
  public readonly service: kplus.Service;
  /** The Service's name with its namespace, for clients in other namespaces (the hub workloads). */
  public readonly qualifiedHost: string;
  /** The platform database (`PLATFORM_DATABASE`). */
  public readonly database = PLATFORM_DATABASE;
  /** The application user. */
  public readonly username: string;

  constructor(scope: Construct, id: string, props: MariaDbProps) {
    super(scope, id);
    const { name, port } = PLATFORM_SERVICES.mariadb;
    const labels = componentLabels(name);
    this.qualifiedHost = `${name}.${props.namespace}.svc`;
    this.username = props.username;

    const config = new kplus.ConfigMap(this, 'config', {
      metadata: { name: `${name}-config`, namespace: props.namespace, labels },
      data: { 'astrago.cnf': SERVER_CONFIG },
    });
    const volume = props.volume;
    const claim = new DataClaim(this, 'data', {
      name: volume.claimName, namespace: props.namespace, labels, storageClassName: props.storageClassName,
      size: props.storageSize, accessMode: 'ReadWriteOnce',
    });
    this.service = clusterService(this, 'service', { name, namespace: props.namespace, labels, port, portName: 'mysql' });

    const statefulSet = new kplus.StatefulSet(this, 'statefulset', {
      metadata: { name, namespace: props.namespace, labels },
      // The config is mounted as files: a change must restart the server.
      podMetadata: { labels, annotations: { 'astrago.io/config-sha256': createHash('sha256').update(SERVER_CONFIG).digest('hex') } },
      select: false,
      service: this.service,
      // One server on one RWO volume: a second replica would be a second, empty database.
      replicas: 1,
      automountServiceAccountToken: false,
      securityContext: {
        ensureNonRoot: true, user: volume.uid, group: volume.uid, fsGroup: volume.uid,
        // Do not walk the whole data directory on every start.
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
      terminationGracePeriod: Duration.seconds(60),
    });
    stablePods(statefulSet, { labels, imagePullSecrets: props.imagePullSecrets });
    // cdk8s-plus makes the StatefulSet's Service select its path-hashed pod label too: keep only ours.
    ApiObject.of(this.service).addJsonPatch(JsonPatch.remove('/spec/selector/cdk8s.io~1metadata.addr'));

    const secret = (credential: 'mariadb-root' | 'mariadb-user') => {
      const ref = props.credentials.ref(this, credential, props.namespace);
      return kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(this, `secret-${ref.name}`, ref.name), key: ref.key });
    };
    const tcp = (delay: number, period: number, failures: number) => kplus.Probe.fromTcpSocket({
      port, initialDelaySeconds: Duration.seconds(delay), periodSeconds: Duration.seconds(period),
      timeoutSeconds: Duration.seconds(5), failureThreshold: failures,
    });
    const emptyDir = (volumeName: string) => kplus.Volume.fromEmptyDir(this, volumeName, volumeName);
    statefulSet.addContainer({
      name: 'mariadb',
      image: imageName(props.image),
      imagePullPolicy: props.pullPolicy,
      // The entrypoint reads --datadir too: it initialises or upgrades that directory.
      args: volume.dataDir ? [`--datadir=${volume.dataDir}`] : undefined,
      ports: [{ name: 'mysql', number: port }],
      envVariables: {
        MARIADB_ROOT_PASSWORD: secret('mariadb-root'),
        MARIADB_DATABASE: kplus.EnvValue.fromValue(this.database),
        MARIADB_USER: kplus.EnvValue.fromValue(props.username),
        MARIADB_PASSWORD: secret('mariadb-user'),
        // Runs mariadb-upgrade when a new image finds older system tables.
        MARIADB_AUTO_UPGRADE: kplus.EnvValue.fromValue('1'),
      },
      volumeMounts: [
        { volume: claim.volume(this, 'data-volume', 'data'), path: volume.mountPath },
        { volume: kplus.Volume.fromConfigMap(this, 'config-volume', config, { name: 'config' }), path: '/etc/mysql/conf.d', readOnly: true },
        // The root filesystem is read-only: the socket and temporary tables get their own volumes.
        { volume: emptyDir('run'), path: '/run/mysqld' },
        { volume: emptyDir('tmp'), path: '/tmp' },
      ],
      // A first start initialises the database before the port opens: up to 5 minutes.
      startup: tcp(10, 10, 30),
      liveness: tcp(0, 20, 3),
      readiness: tcp(0, 10, 3),
      resources: {
        cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
        memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) },
      },
      securityContext: {
        ensureNonRoot: true, user: volume.uid, group: volume.uid, readOnlyRootFilesystem: true,
        privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: [kplus.Capability.ALL] },
      },
    });
  }
}
