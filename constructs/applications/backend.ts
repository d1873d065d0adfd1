import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PLATFORM_SERVICES, serviceUrl, type PlatformGeneration } from '../../catalog/platform';
import type { CredentialRegistry } from '../credentials/credential-registry';
import { BACKEND_PROFILES, backendEnv, type BackendHarbor, type BackendIdentity, type BackendKind, type ProbeTiming } from './backend-profile';
import type { MariaDb } from './mariadb';
import { PRIVATE_CA_DIR, ROOT_IMAGE_SECURITY, clusterService, componentLabels, containerEnv, imageName, platformDeployment, privateCaVolume, type PlatformWorkloadProps } from './platform-pod';
import type { WorkloadLogVolume } from './workload-log-volume';

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
   * Keycloak settings; the admin password is credential keycloak-admin.
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
 * Service. Its profile (`BACKEND_PROFILES`) decides its environment and so which credentials it
 * asks the registry for; every URL comes from props (derived from `externalAccess`), every
 * password from a Secret through `secretKeyRef`. TLS verification stays on: the reference's
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
    const profile = BACKEND_PROFILES[props.kind];
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

    const mounts: kplus.VolumeMount[] = [];
    if (profile.workloadLogs && props.workloadLogs) {
      mounts.push({ volume: props.workloadLogs.claim.volume(this, 'workload-log', 'workload-log'), path: '/root/astrago' });
    }
    if (props.caSecretName) mounts.push(this.trustPrivateCa(deployment, props, props.caSecretName));

    const probe = (timing: ProbeTiming) => backendProbe(props.generation.probe, port, timing);
    deployment.addContainer({
      name: props.kind,
      image: imageName(props.image),
      imagePullPolicy: props.pullPolicy,
      // `ports` rather than `portNumber`: cdk8s-plus would add its own TCP startup probe.
      ports: [{ name: 'http', number: port }],
      envVariables: this.environment(deployment, props),
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

  /** The profile's environment, each credential read from the Secret the registry names. */
  private environment(deployment: kplus.Deployment, props: BackendProps): Record<string, kplus.EnvValue> {
    const db = props.database;
    const env = backendEnv(BACKEND_PROFILES[props.kind], {
      databaseUrl: `jdbc:mariadb://${db.service.name}:${db.service.port}/${db.database}`,
      databaseUser: db.username,
      connectionMaxLifetimeMs: props.connectionMaxLifetimeMs,
      prometheusUrl: props.prometheusUrl,
      externalUrl: props.externalUrl,
      privateRegistry: props.privateRegistry ?? '',
      ingressHost: props.ingressHost ?? '',
      identity: props.identity,
      harbor: props.harbor,
      javaToolOptions: props.caSecretName
        ? `-Djavax.net.ssl.trustStore=${TRUSTSTORE_DIR}/cacerts -Djavax.net.ssl.trustStorePassword=${TRUSTSTORE_PASSWORD}` : undefined,
    });
    return containerEnv(deployment, env, props.credentials, props.namespace);
  }

  /**
   * An init container that copies the JVM's trust store and adds the private CA to it; returns
   * the app container's mount of the copy.
   */
  private trustPrivateCa(deployment: kplus.Deployment, props: BackendProps, caSecretName: string): kplus.VolumeMount {
    const truststore = kplus.Volume.fromEmptyDir(this, 'truststore', 'truststore');
    const ca = privateCaVolume(this, caSecretName);
    // Same image as the app: it has the JDK's keytool and cacerts, and nothing extra to mirror.
    deployment.addInitContainer({
      name: 'truststore',
      image: imageName(props.image),
      imagePullPolicy: props.pullPolicy,
      command: ['sh', '-c', `cp "$JAVA_HOME/lib/security/cacerts" ${TRUSTSTORE_DIR}/cacerts && keytool -importcert -noprompt -alias astrago-private-ca -file ${PRIVATE_CA_DIR}/ca.crt -keystore ${TRUSTSTORE_DIR}/cacerts -storepass ${TRUSTSTORE_PASSWORD}`],
      securityContext: ROOT_IMAGE_SECURITY,
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
      volumeMounts: [{ volume: truststore, path: TRUSTSTORE_DIR }, { volume: ca, path: PRIVATE_CA_DIR, readOnly: true }],
    });
    return { volume: truststore, path: TRUSTSTORE_DIR, readOnly: true };
  }
}

/** A health probe of the app's port: `GET /actuator/health` or a TCP connect, as the image generation allows. */
function backendProbe(kind: PlatformGeneration['probe'], port: number, t: ProbeTiming): kplus.Probe {
  const timing = {
    initialDelaySeconds: Duration.seconds(t.delay),
    periodSeconds: Duration.seconds(t.period),
    timeoutSeconds: Duration.seconds(t.timeout),
    failureThreshold: t.failures,
  };
  return kind === 'actuator' ? kplus.Probe.fromHttpGet('/actuator/health', { port, ...timing }) : kplus.Probe.fromTcpSocket({ port, ...timing });
}
