import { PLATFORM_ROUTES } from '../catalog/platform';
import { platformUrls } from '../config/urls';
import type { Fields } from '../model/fields';
import { configFrom, findObject, MINIMAL, objectsOf, render, sampleConfig, SAMPLES } from './helpers';

type Objects = Awaited<ReturnType<typeof objects>>;
const objects = async (yaml = MINIMAL) => objectsOf(await render(configFrom(yaml)));
const rendered = new Map<string, Promise<ReturnType<typeof objectsOf>>>();
/** A sample customer's objects, rendered once for the file (the tests only read them). */
const sample = (name: string) => rendered.get(name) ?? rendered.set(name, render(sampleConfig(name)).then(objectsOf)).get(name)!;

const BACKENDS = ['astrago-backend-core', 'astrago-backend-batch', 'astrago-backend-monitor'];
const WORKLOADS = [...BACKENDS, 'astrago-frontend'];

const annotations = (o: Objects[number]) => ((o.metadata as { annotations?: Record<string, string> }).annotations ?? {});
const podSpec = (all: Objects, kind: string, name: string) => (findObject(all, kind, name).spec as Fields).template.spec;
const container = (all: Objects, name: string) => podSpec(all, 'Deployment', name).containers[0];
/** Plain env values by name; Secret references as `secret:<name>/<key>`. */
function envOf(all: Objects, name: string): Record<string, string> {
  return Object.fromEntries(container(all, name).env.map((e: Fields) =>
    [e.name, e.valueFrom ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : e.value]));
}

describe('applications tier', () => {
  test('the MPI operator v2 (CRD and controller) is in the controllers stage; the platform applies after it, with time to start', async () => {
    const all = await objects();
    expect(findObject(all, 'CustomResourceDefinition', 'mpijobs.kubeflow.org').file).toBe('dist/acme/applications/controllers/mpi-operator.yaml');
    expect(findObject(all, 'Deployment', 'mpi-operator-v2').file).toBe('dist/acme/applications/controllers/mpi-operator.yaml');
    expect(all.filter((o) => o.kind === 'HelmRelease').map((o) => o.metadata.name)).not.toContain('mpi-operator');
    for (const name of [...WORKLOADS, 'binpack-scheduler']) expect(findObject(all, 'Deployment', name).file).toMatch(/^dist\/acme\/applications\/configs\//);
    const configs = findObject(all, 'Kustomization', 'applications-configs').spec as Fields;
    expect(configs.dependsOn).toEqual([{ name: 'applications-controllers', namespace: 'flux-system' }]);
    expect(configs.timeout).toBe('15m');
    expect(configs.decryption).toMatchObject({ provider: 'sops' });
  });

  test('disabling the platform or the operator removes exactly that part', async () => {
    const noPlatform = await objects(`${MINIMAL}components: {astrago: {enabled: false}}\n`);
    expect(noPlatform.filter((o) => o.metadata.namespace === 'astrago' || o.kind === 'Namespace' && o.metadata.name === 'astrago')).toEqual([]);
    expect(noPlatform.filter((o) => o.file.includes('/applications/configs/'))).toEqual([]);
    expect(noPlatform.map((o) => o.metadata.name)).not.toContain('applications-configs');
    const noOperator = await objects(`${MINIMAL}components: {mpiOperator: {enabled: false}}\n`);
    expect(noOperator.filter((o) => o.metadata.namespace === 'mpi-operator' || o.kind === 'CustomResourceDefinition')).toEqual([]);
    expect(findObject(noOperator, 'Deployment', 'astrago-backend-core')).toBeTruthy();
  });

  test('dataLayout helmfile: MariaDB on the old Bitnami claim as its owner, workload logs ReadWriteOnce', async () => {
    const all = await objects(`${MINIMAL}astrago: {dataLayout: helmfile}\n`);
    expect(all.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name).sort()).toEqual(['data-astrago-mariadb-0', 'workload-log-pvc']);
    expect(podSpec(all, 'StatefulSet', 'astrago-mariadb').securityContext).toMatchObject({ runAsUser: 1001 });
    expect((findObject(all, 'PersistentVolumeClaim', 'workload-log-pvc').spec as Fields).accessModes).toEqual(['ReadWriteOnce']);
  });

  describe.each(SAMPLES)('sample customer %s', (name) => {
    test('every Ingress route reaches a Service port that exists and serves the selected pods', async () => {
      const all = await sample(name);
      const ingress = findObject(all, 'Ingress', 'astrago');
      const rules = (ingress.spec as Fields).rules;
      expect(rules).toHaveLength(1);
      expect(rules[0].http.paths).toHaveLength(PLATFORM_ROUTES.length);
      for (const path of rules[0].http.paths) {
        const service = findObject(all, 'Service', path.backend.service.name);
        const port = (service.spec as Fields).ports.find((p: Fields) => p.port === path.backend.service.port.number);
        expect(port).toBeDefined();
        const pods = podSpec(all, 'Deployment', path.backend.service.name);
        expect(pods.containers[0].ports.map((p: Fields) => p.containerPort)).toContain(port.targetPort);
        expect((findObject(all, 'Deployment', path.backend.service.name).spec as Fields).template.metadata.labels)
          .toMatchObject((service.spec as Fields).selector);
      }
    });

    test('host, TLS and every URL follow externalAccess', async () => {
      const config = sampleConfig(name);
      const urls = platformUrls(config);
      const all = await sample(name);
      const ingress = findObject(all, 'Ingress', 'astrago');
      const spec = ingress.spec as Fields;
      if (config.externalAccess.mode === 'ip') {
        expect(spec.rules[0].host).toBeUndefined();
        expect(spec.tls).toBeUndefined();
        expect(urls.baseUrl).toBe(`http://${config.externalAccess.ip.address}`);
      } else {
        expect(spec.rules[0].host).toBe(config.externalAccess.domain.name);
        expect(spec.tls).toEqual([{ hosts: [config.externalAccess.domain.name], secretName: config.externalAccess.domain.tls.secretName }]);
        expect(annotations(ingress)['cert-manager.io/cluster-issuer']).toBe(config.externalAccess.domain.tls.issuer);
      }
      const realm = config.astrago.keycloak.realm;
      for (const backend of BACKENDS) {
        const env = envOf(all, backend);
        expect(env['SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_ISSUER-URI']).toBe(`${urls.baseUrl}/auth/realms/${realm}`);
        expect(env['SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_JWK-SET-URI']).toBe(`${urls.baseUrl}/auth/realms/${realm}/protocol/openid-connect/certs`);
        expect(env['KEYCLOAK_AUTH-SERVER-URL']).toBe(`${urls.baseUrl}/auth`);
      }
      expect(envOf(all, 'astrago-backend-core').ASTRAGO_INGRESS_DEFAULT_HOST).toBe(urls.host ?? '');
      const frontend = envOf(all, 'astrago-frontend');
      expect(frontend.NEXTAUTH_URL).toBe(urls.baseUrl);
      expect(frontend.KEYCLOAK_HOST).toBe(`${urls.baseUrl}/auth`);
      expect(frontend.NEXT_PUBLIC_API_URL).toBe('http://astrago-backend-core.astrago.svc:8080');
    });

    test('no credential is a literal: passwords and secrets come from sealed Secrets in the tree', async () => {
      const all = await sample(name);
      const text = JSON.stringify(all.filter((o) => o.kind !== 'Secret'));
      for (const literal of ['xiirocks', 'astragosecret', 'Harbor12345', 'uuNj1L0Yg2xKcBPVp7yOVlm2nigL3hoHOzbwQXAwx1I=', 'NODE_TLS_REJECT_UNAUTHORIZED']) {
        expect(text).not.toContain(literal);
      }
      const workloads = all.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
      const refs = workloads.flatMap((w) => (w.spec as Fields).template.spec.containers
        .flatMap((c: Fields) => (c.env ?? []).map((e: Fields) => ({ e, ns: w.metadata.namespace }))));
      const credentials = refs.filter(({ e }) => /PASSWORD|SECRET/.test(e.name));
      expect(credentials.map(({ e }) => e.name)).toEqual(expect.arrayContaining(['SPRING_DATASOURCE_PASSWORD', 'ADMIN_PASSWORD', 'ADMIN_INIT-PASSWORD', 'HARBOR_PASSWORD', 'AUTH_CLIENT_SECRET', 'NEXTAUTH_SECRET', 'MARIADB_ROOT_PASSWORD', 'MARIADB_PASSWORD']));
      for (const { e, ns } of credentials) {
        expect(e.value).toBeUndefined();
        const secret = findObject(all.filter((o) => o.metadata.namespace === ns), 'Secret', e.valueFrom.secretKeyRef.name);
        expect(secret.sops).toBeDefined();
        const data = secret.data as Record<string, string>;
        expect(data[e.valueFrom.secretKeyRef.key]).toMatch(/^ENC\[/);
      }
    });

    test('nothing in the tree is bound to cluster-admin; the backends run as the platform account', async () => {
      const all = await sample(name);
      for (const binding of all.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
        expect((binding as Fields).roleRef.name).not.toBe('cluster-admin');
      }
      for (const backend of BACKENDS) expect(podSpec(all, 'Deployment', backend).serviceAccountName).toBe('astrago-sa');
    });

    test('every Service is ClusterIP only; the namespace is never pruned; claims follow the customer file and core and batch mount the log claim', async () => {
      const config = sampleConfig(name);
      const all = await sample(name);
      expect(all.filter((o) => o.kind === 'Service').map((o) => (o.spec as Fields).type)).toEqual(expect.arrayContaining(['ClusterIP']));
      for (const service of all.filter((o) => o.kind === 'Service')) {
        expect((service.spec as Fields).type).toBe('ClusterIP');
        for (const port of (service.spec as Fields).ports) expect(port.nodePort).toBeUndefined();
      }
      const prune = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
      expect(findObject(all, 'Namespace', 'astrago').metadata).toMatchObject({ annotations: prune });
      expect((findObject(all, 'PersistentVolumeClaim', 'astrago-mariadb-data').spec as Fields).resources.requests.storage).toBe(config.astrago.mariadb.storageSize);
      const logs = findObject(all, 'PersistentVolumeClaim', 'workload-log-pvc');
      expect(logs.metadata).toMatchObject({ annotations: prune });
      expect(logs.spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: config.nfs.storageClassName, resources: { requests: { storage: config.nfs.size } } });
      for (const backend of ['astrago-backend-core', 'astrago-backend-batch']) {
        expect(podSpec(all, 'Deployment', backend).volumes).toContainEqual({ name: 'workload-log', persistentVolumeClaim: { claimName: 'workload-log-pvc', readOnly: false } });
      }
    });

    test('images, pull policy and pull secrets come from the customer file', async () => {
      const config = sampleConfig(name);
      const all = await sample(name);
      const { repository, pullPolicy } = config.astrago.imageDefaults;
      // An air-gapped customer pulls the same path from its mirror.
      const registry = config.offline.registry ?? config.astrago.imageDefaults.registry;
      for (const kind of ['core', 'batch', 'monitor'] as const) {
        const c = container(all, `astrago-backend-${kind}`);
        expect(c.image).toBe(`${registry}/${repository}:${config.astrago.components[kind].tag}`);
        expect(c.imagePullPolicy).toBe(pullPolicy);
      }
      expect(container(all, 'astrago-frontend').image).toBe(`${registry}/xiilab/astrago-frontend:${config.astrago.components.frontend.tag}`);
      // Online, the platform images come from private ghcr.io/xiilab: pulled with the registry login; offline, from the mirror.
      const login = config.offline.registry ? [] : [config.secrets.existing['registry-login']?.secretName ?? 'registry-login'];
      const pullSecrets = [...new Set([...config.astrago.global.imagePullSecrets, ...login])].map((n) => ({ name: n }));
      for (const workload of WORKLOADS) expect(podSpec(all, 'Deployment', workload).imagePullSecrets).toEqual(pullSecrets.length ? pullSecrets : undefined);
      expect(findObject(all, 'Deployment', 'astrago-backend-core').spec).toMatchObject({ replicas: 3 });
      expect(container(all, 'binpack-scheduler').image).toBe(`${config.offline.registry ?? 'registry.k8s.io'}/kube-scheduler:v${config.kubernetesVersion}`);
    });
  });

  test('component images, replicas and the Kubernetes version override the defaults', async () => {
    const all = await objects(`${MINIMAL}kubernetesVersion: 1.32.8
astrago:
  imageDefaults: {registry: harbor.lab.local:443/mirror, pullPolicy: Always}
  components:
    core: {registry: registry.lab.local, repository: lab/core, tag: core-9, replicas: 2}
    frontend: {tag: fe-7}
  global: {imagePullSecrets: [lab-pull]}
`);
    expect(container(all, 'astrago-backend-core').image).toBe('registry.lab.local/lab/core:core-9');
    expect(container(all, 'astrago-backend-core').imagePullPolicy).toBe('Always');
    expect(findObject(all, 'Deployment', 'astrago-backend-core').spec).toMatchObject({ replicas: 2 });
    expect(container(all, 'astrago-backend-batch').image).toBe('harbor.lab.local:443/mirror/xiilab/astrago-backend:batch-stage-c5ad');
    expect(container(all, 'astrago-frontend').image).toBe('harbor.lab.local:443/mirror/xiilab/astrago-frontend:fe-7');
    expect(podSpec(all, 'StatefulSet', 'astrago-mariadb').imagePullSecrets).toEqual([{ name: 'lab-pull' }]);
    expect(container(all, 'binpack-scheduler').image).toBe('registry.k8s.io/kube-scheduler:v1.32.8');
  });

  test('an external Keycloak moves every Keycloak URL, not the platform URL', async () => {
    const all = await objects(`${MINIMAL}astrago: {keycloak: {baseUrl: 'https://sso.lab.local/', realm: lab}}\n`);
    const env = envOf(all, 'astrago-backend-batch');
    expect(env['SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_ISSUER-URI']).toBe('https://sso.lab.local/auth/realms/lab');
    expect(env['KEYCLOAK_AUTH-SERVER-URL']).toBe('https://sso.lab.local/auth');
    expect(envOf(all, 'astrago-frontend')).toMatchObject({ KEYCLOAK_HOST: 'https://sso.lab.local/auth', NEXTAUTH_URL: 'http://10.0.0.5' });
  });

  test('the customer\'s private CA reaches every platform workload, with verification on', async () => {
    const all = await objects(`externalAccess: {mode: domain, domain: {name: lab.example.org, tls: {enabled: true, issuer: lab-ca, caSecret: lab-ca-bundle}}}\nnfs: {server: 10.0.0.6}\n${MINIMAL.split('\n').find((l) => l.startsWith('secrets'))}\n`);
    for (const workload of WORKLOADS) {
      expect(podSpec(all, 'Deployment', workload).volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'lab-ca-bundle' }) }));
    }
    expect(JSON.stringify(all)).not.toContain('NODE_TLS_REJECT_UNAUTHORIZED');
  });

  test('without Harbor or Keycloak, no variable or Secret points at them', async () => {
    const all = await objects(`${MINIMAL}components: {harbor: {enabled: false}, keycloak: {enabled: false}}\n`);
    for (const workload of WORKLOADS) {
      const names = Object.keys(envOf(all, workload));
      expect(names.filter((n) => /^(HARBOR_|KEYCLOAK_|ADMIN_NAME|ADMIN_PASSWORD|AUTH_CLIENT_SECRET|SPRING_SECURITY_)/.test(n))).toEqual([]);
    }
    const secrets = all.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name);
    expect(secrets).not.toEqual(expect.arrayContaining(['harbor-admin']));
    expect(secrets.filter((s) => ['harbor-admin', 'keycloak-admin', 'keycloak-client-secret'].includes(s))).toEqual([]);
    expect(envOf(all, 'astrago-backend-core')).toHaveProperty('SPRING_DATASOURCE_PASSWORD', 'secret:mariadb-user/password');
  });
});
