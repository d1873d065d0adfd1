import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Frontend, frontendEnv, type FrontendProps } from '../../constructs/applications/frontend';
import { customerManagedCredentials } from './credentials';
import { oneOf } from './synth';

const IDENTITY = { keycloakUrl: 'https://lab.example.org/auth', realm: 'lab', client: 'lab-portal' };

function frontend(props: Partial<FrontendProps> = {}) {
  const chart = Testing.chart();
  new Frontend(chart, 'frontend', {
    namespace: 'astrago',
    image: { registry: 'ghcr.io', repository: 'xiilab/astrago-frontend', tag: 'frontend-stage-3770' },
    pullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    imagePullSecrets: ['lab-pull'],
    replicas: 1,
    credentials: customerManagedCredentials(),
    baseUrl: 'https://lab.example.org',
    identity: IDENTITY,
    apis: { core: { url: 'http://core.test:8080' }, batch: { url: 'http://batch.test:8080' }, monitor: { url: 'http://monitor.test:8080' } },
    oneview: false,
    ...props,
  });
  const deployment = oneOf(chart, k8s.KubeDeployment);
  const spec = deployment.spec!.template.spec!;
  return { chart, deployment, spec, container: spec.containers[0] };
}

/** Plain values by name; Secret references as `{ name, key }`. */
const envOf = (props: Partial<FrontendProps> = {}) =>
  Object.fromEntries((frontend(props).container.env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef ?? e.value]));

describe('Frontend', () => {
  test('a ClusterIP Service on 3000 that selects exactly its pods, probed on /', () => {
    const { chart, deployment, container } = frontend();
    const service = oneOf(chart, k8s.KubeService);
    expect(service.metadata).toMatchObject({ name: 'astrago-frontend', namespace: 'astrago' });
    expect(service.spec?.ports).toEqual([{ name: 'http', port: 3000, targetPort: 3000 }]);
    expect(service.spec?.selector).toEqual(deployment.spec?.template.metadata?.labels);
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/', port: 3000 } });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/', port: 3000 } });
  });

  test('NextAuth runs on the platform URL with its secret; Keycloak settings and the client secret come with the identity (the realm under its misspelt name)', () => {
    expect(envOf()).toMatchObject({
      NEXTAUTH_URL: 'https://lab.example.org',
      NEXTAUTH_SECRET: { name: 'nextauth-secret', key: 'password' },
      KEYCLOAK_HOST: 'https://lab.example.org/auth',
      KEYCLOAK_REALME: 'lab',
      KEYCLOAK_CLIENT_ID: 'lab-portal',
      AUTH_CLIENT_SECRET: { name: 'keycloak-client-secret', key: 'password' },
    });
    const without = envOf({ identity: undefined });
    expect(Object.keys(without).filter((n) => n.startsWith('KEYCLOAK_') || n === 'AUTH_CLIENT_SECRET')).toEqual([]);
    expect(without.NEXTAUTH_SECRET).toEqual({ name: 'nextauth-secret', key: 'password' });
  });

  test('calls the backends it is given inside the cluster, core also for the WebSocket', () => {
    expect(envOf()).toMatchObject({
      NEXT_PUBLIC_API_URL: 'http://core.test:8080',
      NEXT_PUBLIC_BATCH_API_URL: 'http://batch.test:8080',
      NEXT_PUBLIC_MONITOR_API_URL: 'http://monitor.test:8080',
      NEXT_PUBLIC_WEBSOCKET_HOST: 'http://core.test:8080',
    });
  });

  test('the OneView flag follows the customer file', () => {
    expect(envOf().NEXT_PUBLIC_ONEVIEW_ENABLED).toBe('false');
    expect(envOf({ oneview: true }).NEXT_PUBLIC_ONEVIEW_ENABLED).toBe('true');
  });

  test('never gets a Kubernetes API token; image, pull secrets and replicas follow the props', () => {
    const { deployment, spec, container } = frontend({ replicas: 3 });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.imagePullSecrets).toEqual([{ name: 'lab-pull' }]);
    expect(deployment.spec?.replicas).toBe(3);
    expect(container).toMatchObject({ image: 'ghcr.io/xiilab/astrago-frontend:frontend-stage-3770', imagePullPolicy: 'IfNotPresent' });
  });

  test('a private CA is mounted and given to Node as extra CAs, with verification on', () => {
    const { spec, container } = frontend({ caSecretName: 'lab-ca-bundle' });
    expect(spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'lab-ca-bundle' }) }));
    expect(container.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/etc/astrago/ca', readOnly: true }));
    expect(envOf({ caSecretName: 'lab-ca-bundle' }).NODE_EXTRA_CA_CERTS).toBe('/etc/astrago/ca/ca.crt');
    expect(envOf()).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
    expect(JSON.stringify(Testing.synth(frontend().chart))).not.toContain('NODE_TLS_REJECT_UNAUTHORIZED');
  });
});

describe('frontendEnv', () => {
  const apis = { core: { url: 'http://core:8080' }, monitor: { url: 'http://monitor:8080' }, batch: { url: 'http://batch:8080' } };

  test('without Keycloak the frontend gets no Keycloak variable and no client secret; with it, the misspelt realm name it reads', () => {
    const names = (identity?: typeof IDENTITY) => frontendEnv({ baseUrl: 'https://lab.example.org', apis, oneview: false, identity }).map((e) => e.name);
    expect(names().filter((n) => n.startsWith('KEYCLOAK_') || n === 'AUTH_CLIENT_SECRET')).toEqual([]);
    expect(names(IDENTITY)).toEqual(expect.arrayContaining(['KEYCLOAK_HOST', 'KEYCLOAK_REALME', 'KEYCLOAK_CLIENT_ID', 'AUTH_CLIENT_SECRET']));
  });

  test('secrets are named as credentials, never as values; the private CA is trusted only when there is one', () => {
    const env = frontendEnv({ baseUrl: 'https://lab.example.org', apis, oneview: true, identity: IDENTITY });
    expect(env.filter((e) => 'credential' in e)).toEqual([
      { name: 'AUTH_CLIENT_SECRET', credential: 'keycloak-client-secret' }, { name: 'NEXTAUTH_SECRET', credential: 'nextauth-secret' },
    ]);
    expect(env.map((e) => e.name)).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(frontendEnv({ baseUrl: 'https://lab.example.org', apis, oneview: true, caSecretName: 'lab-ca' }).map((e) => e.name)).toContain('NODE_EXTRA_CA_CERTS');
  });
});
