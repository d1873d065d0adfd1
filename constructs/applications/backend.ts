import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PLATFORM_SERVICES, serviceUrl, type PlatformGeneration } from '../../catalog/platform';
import type { CredentialName } from '../../catalog/credentials';
import type { CredentialRegistry } from '../credentials/credential-registry';
import type { MariaDb } from './mariadb';
import { PRIVATE_CA_DIR, ROOT_IMAGE_SECURITY, clusterService, componentLabels, imageName, platformDeployment, privateCaVolume, secretEnv, type PlatformWorkloadProps } from './platform-pod';
import type { WorkloadLogVolume } from './workload-log-volume';

/** The three Spring Boot backends: one image repository, one construct, three profiles. */
export const BackendKind = { CORE: 'core', BATCH: 'batch', MONITOR: 'monitor' } as const;
export type BackendKind = (typeof BackendKind)[keyof typeof BackendKind];

interface ProbeTiming {
  readonly delay: number;
  readonly period: number;
  readonly timeout: number;
  readonly failures: number;
}

/** What differs between the backends (docs/old-system.md §2.1 and §2.2). */
interface BackendProfile {
  readonly cpu: { readonly request: number; readonly limit: number };
  readonly memoryMiB: { readonly request: number; readonly limit: number };
  readonly liveness: ProbeTiming;
  readonly readiness: ProbeTiming;
  readonly startup: ProbeTiming;
  readonly gracePeriodSeconds: number;
  readonly pool: { readonly minimumIdle: number; readonly maximumPoolSize: number };
  /** Writes workload logs to the shared volume. */
  readonly workloadLogs: boolean;
  /** Creates users (initial password) and talks to Harbor. */
  readonly managesUsersAndImages: boolean;
  /** Sends report mails with links to the frontend (FRONTEND_URL). */
  readonly mailsLinks: boolean;
}

const liveness: ProbeTiming = { delay: 30, period: 10, timeout: 5, failures: 3 };
const jobProbes = { liveness, readiness: { delay: 15, period: 5, timeout: 5, failures: 3 }, startup: { delay: 60, period: 10, timeout: 5, failures: 10 } };

const PROFILES: Record<BackendKind, BackendProfile> = {
  core: {
    cpu: { request: 500, limit: 1000 }, memoryMiB: { request: 1536, limit: 2048 }, ...jobProbes,
    gracePeriodSeconds: 10, pool: { minimumIdle: 10, maximumPoolSize: 30 },
    workloadLogs: true, managesUsersAndImages: true, mailsLinks: false,
  },
  batch: {
    cpu: { request: 500, limit: 1000 }, memoryMiB: { request: 1024, limit: 1536 }, ...jobProbes,
    gracePeriodSeconds: 30, pool: { minimumIdle: 5, maximumPoolSize: 20 },
    workloadLogs: true, managesUsersAndImages: true, mailsLinks: false,
  },
  monitor: {
    cpu: { request: 500, limit: 1000 }, memoryMiB: { request: 1536, limit: 2560 },
    // Its startup takes up to ~270 s (metric caches warm up before the port opens).
    liveness, readiness: { delay: 30, period: 10, timeout: 10, failures: 3 }, startup: { delay: 90, period: 15, timeout: 10, failures: 12 },
    gracePeriodSeconds: 30, pool: { minimumIdle: 3, maximumPoolSize: 10 },
    workloadLogs: false, managesUsersAndImages: false, mailsLinks: true,
  },
};

/** Keycloak as the backends see it; absent when the customer has no Keycloak at all. */
export interface BackendIdentity {
  /** `K/auth` (KEYCLOAK_AUTH-SERVER-URL). */
  readonly keycloakUrl: string;
  /** OIDC issuer of the realm. */
  readonly issuerUrl: string;
  /** JWKS endpoint of the realm. */
  readonly jwksUrl: string;
  readonly realm: string;
  readonly client: string;
  /** Keycloak administrator the backends manage users with; its password is credential keycloak-admin. */
  readonly adminUser: string;
}

/** Harbor as the backends see it; absent when Harbor is disabled. */
export interface BackendHarbor {
  /** HARBOR_URL: Harbor's address in the form the image generation expects (`harborUrlFor`). */
  readonly url: string;
  /** Harbor's administrator; its password is credential harbor-admin. */
  readonly adminUser: string;
}

export interface BackendProps extends PlatformWorkloadProps {
  /** Which backend: its profile decides which credentials it reads. */
  readonly kind: BackendKind;
  /** Credential registry: database user, and per profile Keycloak admin, users' initial password, Harbor admin. */
  readonly credentials: CredentialRegistry;
  /** ServiceAccount with the platform's ClusterRole. */
  readonly serviceAccount: kplus.IServiceAccount;
  /** The platform database: the backend connects as its application user (password: credential mariadb-user). */
  readonly database: MariaDb;
  /** Hikari connection max lifetime, in milliseconds. */
  readonly connectionMaxLifetimeMs: number;
  /**
   * Prometheus the backend queries (PROMETHEUS_URL, with scheme; `/api/v1/query` is appended).
   * All three need it: without it batch's resource-optimisation job falls back to an address
   * baked into the image.
   */
  readonly prometheusUrl: string;
  /** What users type to reach the platform: FRONTEND_URL, the links of monitor's report mails. */
  readonly externalUrl: string;
  /** What the image generation of this backend expects: its health probes. */
  readonly generation: Pick<PlatformGeneration, 'probe'>;
  /**
   * Keycloak settings and admin credential.
   * @default - no Keycloak variables: the customer runs without Keycloak
   */
  readonly identity?: BackendIdentity;
  /**
   * Harbor, for the backends whose profile talks to it.
   * @default - no Harbor variables: Harbor is disabled
   */
  readonly harbor?: BackendHarbor;
  /**
   * Registry workload images are pulled from (ASTRAGO_PRIVATE-REGISTRY-URL).
   * @default '' - the images' own registries
   */
  readonly privateRegistry?: string;
  /**
   * Host of the platform Ingress (ASTRAGO_INGRESS_DEFAULT_HOST), core only.
   * @default '' - ip mode, no host
   */
  readonly ingressHost?: string;
  /**
   * The shared workload-log volume, mounted by the backends whose profile writes workload logs.
   * @default - none
   */
  readonly workloadLogs?: WorkloadLogVolume;
}

const TRUSTSTORE_DIR = '/etc/astrago/truststore';
// The store holds public certificates only; its password guards nothing secret (JDK default).
const TRUSTSTORE_PASSWORD = 'changeit';

/**
 * One Spring Boot backend of the platform (core, batch or monitor): Deployment and ClusterIP
 * Service. Every URL comes from props (derived from `externalAccess`), every password from a
 * Secret through `secretKeyRef`. TLS verification stays on: the reference's
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` and its `keytool -noverify` init container are not carried
 * over. A private CA, when configured, is added to a copy of the JVM trust store instead.
 */
export class Backend extends Construct {
  /** The ClusterIP Service the Ingress reaches it through. */
  public readonly service: kplus.Service;
  /** In-cluster URL of that Service, for the frontend. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: BackendProps) {
    super(scope, id);
    const profile = PROFILES[props.kind];
    const { name, port } = PLATFORM_SERVICES[props.kind];
    const labels = componentLabels(name);
    this.url = serviceUrl(props.kind, props.namespace);

    // Core adds a volume and mount per storage to its own Deployment at run time (contract §2).
    // Flux applies this object server-side and owns only the fields written here, so those
    // entries, owned by the backend's field manager, survive every reconcile.
    const deployment = platformDeployment(this, {
      name,
      namespace: props.namespace,
      labels,
      imagePullSecrets: props.imagePullSecrets,
      replicas: props.replicas,
      serviceAccount: props.serviceAccount,
      // The backends create workloads through the Kubernetes API with the platform's ServiceAccount.
      automountServiceAccountToken: true,
      terminationGracePeriod: Duration.seconds(profile.gracePeriodSeconds),
    });

    const ref = (credential: CredentialName) => props.credentials.ref(this, credential, props.namespace);
    const env: Record<string, kplus.EnvValue> = {};
    const set = (key: string, value: string) => { env[key] = kplus.EnvValue.fromValue(value); };
    set('SPRING_JPA_HIBERNATE_DDL-AUTO', 'none');
    const db = props.database;
    set('SPRING_DATASOURCE_URL', `jdbc:mariadb://${db.service.name}:${db.service.port}/${db.database}`);
    set('SPRING_DATASOURCE_USERNAME', db.username);
    env.SPRING_DATASOURCE_PASSWORD = secretEnv(deployment, ref('mariadb-user'));
    set('SPRING_DATASOURCE_HIKARI_MAX-LIFETIME', String(props.connectionMaxLifetimeMs));
    set('SPRING_DATASOURCE_HIKARI_CONNECTION-TIMEOUT', '30000');
    set('SPRING_DATASOURCE_HIKARI_IDLE-TIMEOUT', '300000');
    set('SPRING_DATASOURCE_HIKARI_MINIMUM-IDLE', String(profile.pool.minimumIdle));
    set('SPRING_DATASOURCE_HIKARI_MAXIMUM-POOL-SIZE', String(profile.pool.maximumPoolSize));
    set('SPRING_DATASOURCE_HIKARI_LEAK-DETECTION-THRESHOLD', '60000');
    set('SPRING_DATASOURCE_HIKARI_VALIDATION-TIMEOUT', '5000');
    set('SPRING_DATASOURCE_HIKARI_CONNECTION-TEST-QUERY', 'SELECT 1');
    if (props.identity) {
      const id = props.identity;
      set('SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_ISSUER-URI', id.issuerUrl);
      set('SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_JWK-SET-URI', id.jwksUrl);
      set('KEYCLOAK_REALM', id.realm);
      set('KEYCLOAK_AUTH-SERVER-URL', id.keycloakUrl);
      set('KEYCLOAK_RESOURCE', id.client);
      set('ADMIN_NAME', id.adminUser);
      env.ADMIN_PASSWORD = secretEnv(deployment, ref('keycloak-admin'));
    }
    // All three read it (contract §1): image references get it as prefix while the network is closed.
    set('ASTRAGO_PRIVATE-REGISTRY-URL', props.privateRegistry ?? '');
    if (profile.managesUsersAndImages) {
      env['ADMIN_INIT-PASSWORD'] = secretEnv(deployment, ref('astrago-user-init-password'));
      if (props.harbor) {
        set('HARBOR_URL', props.harbor.url);
        set('HARBOR_ID', props.harbor.adminUser);
        env.HARBOR_PASSWORD = secretEnv(deployment, ref('harbor-admin'));
      }
    }
    set('PROMETHEUS_URL', props.prometheusUrl);
    if (profile.mailsLinks) set('FRONTEND_URL', props.externalUrl);
    if (props.kind === BackendKind.CORE) set('ASTRAGO_INGRESS_DEFAULT_HOST', props.ingressHost ?? '');
    if (props.kind === BackendKind.MONITOR) set('SPRING_MVC_PATHMATCH_MATCHING-STRATEGY', 'ant_path_matcher');

    const mounts: kplus.VolumeMount[] = [];
    if (profile.workloadLogs && props.workloadLogs) {
      mounts.push({ volume: props.workloadLogs.claim.volume(this, 'workload-log', 'workload-log'), path: '/root/astrago' });
    }
    if (props.caSecretName) {
      const truststore = kplus.Volume.fromEmptyDir(this, 'truststore', 'truststore');
      const ca = privateCaVolume(this, props.caSecretName);
      // Same image as the app: it has the JDK's keytool and cacerts, and nothing extra to mirror.
      deployment.addInitContainer({
        name: 'truststore',
        image: imageName(props.image),
        imagePullPolicy: props.pullPolicy,
        command: ['sh', '-c', `cp "$JAVA_HOME/lib/security/cacerts" ${TRUSTSTORE_DIR}/cacerts && keytool -importcert -noprompt -alias astrago-private-ca -file ${PRIVATE_CA_DIR}/ca.crt -keystore ${TRUSTSTORE_DIR}/cacerts -storepass ${TRUSTSTORE_PASSWORD}`],
        securityContext: ROOT_IMAGE_SECURITY,
        resources: { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
        volumeMounts: [{ volume: truststore, path: TRUSTSTORE_DIR }, { volume: ca, path: PRIVATE_CA_DIR, readOnly: true }],
      });
      mounts.push({ volume: truststore, path: TRUSTSTORE_DIR, readOnly: true });
      set('JAVA_TOOL_OPTIONS', `-Djavax.net.ssl.trustStore=${TRUSTSTORE_DIR}/cacerts -Djavax.net.ssl.trustStorePassword=${TRUSTSTORE_PASSWORD}`);
    }

    const probe = (t: ProbeTiming) => {
      const timing = {
        initialDelaySeconds: Duration.seconds(t.delay),
        periodSeconds: Duration.seconds(t.period),
        timeoutSeconds: Duration.seconds(t.timeout),
        failureThreshold: t.failures,
      };
      return props.generation.probe === 'actuator' ? kplus.Probe.fromHttpGet('/actuator/health', { port, ...timing }) : kplus.Probe.fromTcpSocket({ port, ...timing });
    };
    deployment.addContainer({
      name: props.kind,
      image: imageName(props.image),
      imagePullPolicy: props.pullPolicy,
      // `ports` rather than `portNumber`: cdk8s-plus would add its own TCP startup probe.
      ports: [{ name: 'http', number: port }],
      envVariables: env,
      volumeMounts: mounts,
      liveness: probe(profile.liveness),
      readiness: probe(profile.readiness),
      startup: probe(profile.startup),
      resources: {
        cpu: { request: kplus.Cpu.millis(profile.cpu.request), limit: kplus.Cpu.millis(profile.cpu.limit) },
        memory: { request: Size.mebibytes(profile.memoryMiB.request), limit: Size.mebibytes(profile.memoryMiB.limit) },
      },
      securityContext: ROOT_IMAGE_SECURITY,
    });

    this.service = clusterService(this, 'service', { name, namespace: props.namespace, labels, port, portName: 'http' });
  }
}
