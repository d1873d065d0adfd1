import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PLATFORM_SERVICES } from '../../catalog/platform';
import type { CredentialRegistry } from '../credentials/credential-registry';
import type { Backend } from './backend';
import type { BackendKind } from './backend-profile';
import { PRIVATE_CA_DIR, ROOT_IMAGE_SECURITY, clusterService, componentLabels, containerEnv, imageName, platformDeployment, privateCaVolume, type EnvEntry, type PlatformWorkloadProps } from './platform-pod';

/** Keycloak as the frontend's NextAuth sees it; absent when the customer has no Keycloak. */
export interface FrontendIdentity {
  /** `K/auth` (KEYCLOAK_HOST). */
  readonly keycloakUrl: string;
  readonly realm: string;
  /** OIDC client id; its secret is credential keycloak-client-secret. */
  readonly client: string;
}

export interface FrontendProps extends PlatformWorkloadProps {
  /** What users type in the browser (NEXTAUTH_URL). */
  readonly baseUrl: string;
  /** Credential registry: the NextAuth signing secret, and the OIDC client secret with Keycloak. */
  readonly credentials: CredentialRegistry;
  /**
   * Keycloak settings.
   * @default - no Keycloak variables: the customer runs without Keycloak
   */
  readonly identity?: FrontendIdentity;
  /** The backends the frontend calls inside the cluster (and core's WebSocket). */
  readonly apis: Readonly<Record<BackendKind, Pick<Backend, 'url'>>>;
  /** Enables the OneView feature flag (`astrago.oneview.enabled`). */
  readonly oneview: boolean;
}

/** The frontend's environment, in the order the container lists it. */
export function frontendEnv(values: Pick<FrontendProps, 'baseUrl' | 'identity' | 'apis' | 'oneview' | 'caSecretName'>): EnvEntry[] {
  const env: EnvEntry[] = [];
  const set = (name: string, value: string) => env.push({ name, value });
  const { identity, apis } = values;
  if (identity) {
    set('KEYCLOAK_HOST', identity.keycloakUrl);
    // Sic: the frontend reads this misspelt name.
    set('KEYCLOAK_REALME', identity.realm);
    set('KEYCLOAK_CLIENT_ID', identity.client);
    env.push({ name: 'AUTH_CLIENT_SECRET', credential: 'keycloak-client-secret' });
  }
  set('NEXTAUTH_URL', values.baseUrl);
  env.push({ name: 'NEXTAUTH_SECRET', credential: 'nextauth-secret' });
  set('NEXT_PUBLIC_API_URL', apis.core.url);
  set('NEXT_PUBLIC_MONITOR_API_URL', apis.monitor.url);
  set('NEXT_PUBLIC_BATCH_API_URL', apis.batch.url);
  set('NEXT_PUBLIC_WEBSOCKET_HOST', apis.core.url);
  set('NEXT_PUBLIC_API_MOCKING', 'disabled');
  set('NEXT_PUBLIC_ONEVIEW_ENABLED', String(values.oneview));
  set('NEXT_PUBLIC_ONLYADMIN_ENABLE', 'true');
  // Keycloak's tokens make large headers.
  set('NODE_OPTIONS', '--max-http-header-size=41960');
  if (values.caSecretName) set('NODE_EXTRA_CA_CERTS', `${PRIVATE_CA_DIR}/ca.crt`);
  return env;
}

/**
 * The Next.js frontend: Deployment and ClusterIP Service. It talks to the backends inside the
 * cluster and to Keycloak on its public URL, with TLS verification on (the reference's
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` is dropped; a private CA goes in `NODE_EXTRA_CA_CERTS`).
 */
export class Frontend extends Construct {
  /** The ClusterIP Service the Ingress reaches it through. */
  public readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: FrontendProps) {
    super(scope, id);
    const { name, port } = PLATFORM_SERVICES.frontend;
    const labels = componentLabels(name);

    // The frontend never calls the Kubernetes API: no token in the pod.
    const deployment = platformDeployment(this, {
      name, namespace: props.namespace, labels, imagePullSecrets: props.imagePullSecrets, replicas: props.replicas,
      automountServiceAccountToken: false,
    });

    const env = containerEnv(deployment, frontendEnv(props), props.credentials, props.namespace);
    const mounts: kplus.VolumeMount[] = [];
    if (props.caSecretName) mounts.push({ volume: privateCaVolume(this, props.caSecretName), path: PRIVATE_CA_DIR, readOnly: true });

    const probe = () => kplus.Probe.fromHttpGet('/', {
      port,
      initialDelaySeconds: Duration.seconds(30),
      periodSeconds: Duration.seconds(10),
      timeoutSeconds: Duration.seconds(5),
      failureThreshold: 3,
    });
    deployment.addContainer({
      name: 'frontend',
      image: imageName(props.image),
      imagePullPolicy: props.pullPolicy,
      // `ports` rather than `portNumber`: cdk8s-plus would add its own TCP startup probe.
      ports: [{ name: 'http', number: port }],
      envVariables: env,
      volumeMounts: mounts,
      liveness: probe(),
      readiness: probe(),
      resources: {
        cpu: { request: kplus.Cpu.millis(300), limit: kplus.Cpu.millis(600) },
        memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
      },
      securityContext: ROOT_IMAGE_SECURITY,
    });

    this.service = clusterService(this, 'service', { name, namespace: props.namespace, labels, port, portName: 'http' });
  }
}
