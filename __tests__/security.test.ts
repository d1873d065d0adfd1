import { configFrom, findObject, MINIMAL, objectsOf, render, SAMPLE_RECIPIENT, sampleConfig, SAMPLES } from './helpers';

type Objects = ReturnType<typeof objectsOf>;
const objects = async (yaml = MINIMAL) => objectsOf(await render(configFrom(yaml)));
const samples = async () => Promise.all(SAMPLES.map(async (name) => ({ name, all: objectsOf(await render(sampleConfig(name))) })));
const values = (all: Objects, release: string) => (findObject(all, 'HelmRelease', release).spec as any).values;
const realmOf = (all: Objects) => JSON.parse(Object.values(findObject(all, 'ConfigMap', 'keycloak-realm').data as Record<string, string>)[0]);

/** Every map key of a values tree, at any depth. */
/** Keys holding a value (a scalar or a list), at any depth: where a literal credential or command line would sit. */
const keysOf = (v: unknown): string[] => (v && typeof v === 'object'
  ? Object.entries(v).flatMap(([k, child]) => {
    const holdsValue = !Array.isArray(v) && (typeof child !== 'object' || child === null || Array.isArray(child));
    return [...(holdsValue ? [k] : []), ...keysOf(child)];
  })
  : []);
/** Keys through which a chart would take a credential or a command line in plain text. */
const PLAIN_CREDENTIAL_KEYS = ['adminPassword', 'password', 'postgresPassword', 'harborAdminPassword', 'secretKey', 'secret', 'command', 'args', 'lifecycleHooks'];

/** An encrypted Secret of the tree holding `key`. */
function expectSecret(all: Objects, namespace: string, name: string, key: string): void {
  const secret = all.find((o) => o.kind === 'Secret' && o.metadata.name === name && o.metadata.namespace === namespace);
  expect(secret).toBeDefined();
  expect((secret!.data as Record<string, string>)[key]).toMatch(/^ENC\[AES256_GCM,/);
}

const SAMPLE_URLS: Record<string, { host?: string; baseUrl: string; sslRequired: string }> = {
  demo: { host: 'demo.astrago.ai', baseUrl: 'https://demo.astrago.ai', sslRequired: 'external' },
  'seoul-lab': { baseUrl: 'http://10.61.3.163', sslRequired: 'none' },
  factory: { baseUrl: 'http://192.168.10.20', sslRequired: 'none' },
  plant: { host: 'astrago.plant.local', baseUrl: 'https://astrago.plant.local', sslRequired: 'external' },
};

describe('Keycloak', () => {
  test('/auth is served through the Ingress in ip and domain mode', async () => {
    for (const { name, all } of await samples()) {
      const ingress = findObject(all, 'Ingress', 'keycloak');
      expect(ingress.metadata.namespace).toBe('keycloak');
      const spec = ingress.spec as any;
      expect(spec.ingressClassName).toBe('nginx');
      expect(spec.rules).toHaveLength(1);
      expect(spec.rules[0].host).toBe(SAMPLE_URLS[name].host);
      expect(spec.rules[0].http.paths).toEqual([
        { path: '/auth', pathType: 'Prefix', backend: { service: { name: 'keycloak', port: { number: 80 } } } },
      ]);
      const v = values(all, 'keycloak');
      expect(v.ingress).toEqual({ enabled: false });
      expect(v).toMatchObject({ proxy: 'edge', production: true, httpRelativePath: '/auth/', service: { type: 'ClusterIP' } });
      expect(v.extraEnvVars).toContainEqual({ name: 'KC_HOSTNAME_URL', value: `${SAMPLE_URLS[name].baseUrl}/auth` });
    }
  });

  test('the realm comes from typed config: no wildcard, redirect URIs from externalAccess, TLS required on a domain', async () => {
    for (const { name, all } of await samples()) {
      const realm = realmOf(all);
      const { baseUrl, sslRequired } = SAMPLE_URLS[name];
      expect(realm).toMatchObject({ realm: 'astrago', enabled: true, sslRequired });
      expect(realm.clients).toHaveLength(1);
      const client = realm.clients[0];
      expect(client).toMatchObject({ clientId: 'astrago-client', publicClient: false, redirectUris: [`${baseUrl}/*`], webOrigins: [baseUrl] });
      expect(JSON.stringify(realm)).not.toMatch(/"\*"/);
      // The realm file is mounted into the import folder and imported at start.
      const v = values(all, 'keycloak');
      expect(v.extraStartupArgs.split(' ')).toContain('--import-realm');
      expect(v.extraVolumes).toEqual([{ name: 'realm', configMap: { name: 'keycloak-realm' } }]);
      expect(v.extraVolumeMounts).toEqual([{ name: 'realm', mountPath: '/opt/bitnami/keycloak/data/import', readOnly: true }]);
    }
  });

  test('realm name and client id follow the customer file', async () => {
    const all = await objects(`${MINIMAL}astrago: {keycloak: {realm: lab, client: lab-portal}}\n`);
    const realm = realmOf(all);
    expect(realm.realm).toBe('lab');
    expect(realm.clients[0].clientId).toBe('lab-portal');
    expect(Object.keys(findObject(all, 'ConfigMap', 'keycloak-realm').data as object)).toEqual(['lab-realm.json']);
  });

  test('the client secret reaches the realm from its Secret through an environment placeholder', async () => {
    for (const { all } of await samples()) {
      const secret = realmOf(all).clients[0].secret;
      expect(secret).toMatch(/^\$\{[A-Z_]+\}$/);
      const env = values(all, 'keycloak').extraEnvVars.find((e: any) => `\${${e.name}}` === secret);
      expect(env.valueFrom.secretKeyRef).toEqual({ name: 'keycloak-client-secret', key: 'password' });
      expectSecret(all, 'keycloak', 'keycloak-client-secret', 'password');
    }
  });

  test('admin and database credentials come from Secrets; no password in values or on a command line', async () => {
    for (const { all } of await samples()) {
      const v = values(all, 'keycloak');
      expect(v.auth).toEqual({ adminUser: 'admin', existingSecret: 'keycloak-admin', passwordSecretKey: 'password' });
      expectSecret(all, 'keycloak', 'keycloak-admin', 'password');
      expect(v.postgresql.auth).toMatchObject({ existingSecret: 'keycloak-db', secretKeys: { userPasswordKey: 'password' }, enablePostgresUser: false });
      expectSecret(all, 'keycloak', 'keycloak-db', 'password');
      expect(v.postgresql.primary.persistence.storageClass).toBe('astrago-nfs-csi');
      expect(keysOf(v).filter((k) => PLAIN_CREDENTIAL_KEYS.includes(k))).toEqual([]);
      expect(v.extraStartupArgs).toBe('--import-realm --spi-login-protocol-openid-connect-legacy-logout-redirect-uri=true');
    }
  });

  test('the theme image reaches the release, from the mirror for an offline customer', async () => {
    expect(values(await objects(`${MINIMAL}keycloak: {image: {tag: v1.3.0}}\n`), 'keycloak').image)
      .toEqual({ registry: 'docker.io', repository: 'xiilab/astrago-keycloak-theme', tag: 'v1.3.0' });
    const v = values(await objects(`${MINIMAL}keycloak: {image: {tag: v1.3.0}}\noffline: {registry: harbor.local:443/astrago}\n`), 'keycloak');
    expect(v.image).toEqual({ registry: 'harbor.local:443/astrago', repository: 'xiilab/astrago-keycloak-theme', tag: 'v1.3.0' });
    expect(v.global).toEqual({ imageRegistry: 'harbor.local:443/astrago' });
  });
});

describe('Harbor', () => {
  test('persistence on the NFS class with the configured sizes, kept from pruning', async () => {
    for (const { all } of await samples()) {
      const v = values(all, 'harbor');
      const claims = v.persistence.persistentVolumeClaim;
      expect(v.persistence).toMatchObject({ enabled: true, resourcePolicy: 'keep' });
      expect(Object.fromEntries(Object.entries(claims).map(([k, c]: [string, any]) => [k, [c.storageClass, c.size]])))
        .toEqual({ registry: ['astrago-nfs-csi', '5Gi'], database: ['astrago-nfs-csi', '1Gi'], redis: ['astrago-nfs-csi', '1Gi'] });
      for (const c of Object.values(claims) as any[]) expect(c.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
      expect(findObject(all, 'Namespace', 'harbor').metadata).toMatchObject({ annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
    }
    const custom = values(await objects(`${MINIMAL}harbor: {persistence: {registry: 200Gi, database: 5Gi}}\n`), 'harbor').persistence.persistentVolumeClaim;
    expect([custom.registry.size, custom.database.size, custom.redis.size]).toEqual(['200Gi', '5Gi', '1Gi']);
  });

  test('admin password, secret key and database password come from Secrets', async () => {
    for (const { all } of await samples()) {
      const release = findObject(all, 'HelmRelease', 'harbor').spec as any;
      const v = release.values;
      expect(v).toMatchObject({ existingSecretAdminPassword: 'harbor-admin', existingSecretAdminPasswordKey: 'password', existingSecretSecretKey: 'harbor-secret-key' });
      expectSecret(all, 'harbor', 'harbor-admin', 'password');
      expectSecret(all, 'harbor', 'harbor-secret-key', 'secretKey');
      expect(release.valuesFrom).toEqual([{ kind: 'Secret', name: 'harbor-db', valuesKey: 'password', targetPath: 'database.internal.password' }]);
      expectSecret(all, 'harbor', 'harbor-db', 'password');
      expect(keysOf(v).filter((k) => PLAIN_CREDENTIAL_KEYS.includes(k))).toEqual([]);
    }
  });

  test('a customer-managed secret key Secret must use the key the chart reads', async () => {
    const yaml = MINIMAL.replace(/^secrets:.*$/m, `secrets: {ageRecipients: [${SAMPLE_RECIPIENT}], existing: {harbor-secret-key: {secretName: my-harbor, key: value}}}`);
    await expect(render(configFrom(yaml)))
      .rejects.toThrow('secrets.existing.harbor-secret-key.key: expected "secretKey"');
  });

  test('without harbor.host it stays inside the cluster: ClusterIP, plain HTTP, its in-cluster URL as external URL', async () => {
    const all = await objects();
    const v = values(all, 'harbor');
    expect(v.expose).toEqual({ type: 'clusterIP', tls: { enabled: false }, clusterIP: { name: 'harbor' } });
    expect(v.externalURL).toBe('http://harbor.harbor.svc.cluster.local');
    expect(all.filter((o) => o.kind === 'Ingress' && o.metadata.namespace === 'harbor')).toEqual([]);
  });

  test('with harbor.host it is served on that name, over HTTPS when externalAccess has a cert-manager issuer', async () => {
    const demo = values((await samples()).find((s) => s.name === 'demo')!.all, 'harbor');
    expect(demo.externalURL).toBe('https://registry.demo.astrago.ai');
    expect(demo.expose).toMatchObject({
      type: 'ingress',
      tls: { enabled: true, certSource: 'secret', secret: { secretName: 'harbor-tls' } },
      ingress: { hosts: { core: 'registry.demo.astrago.ai' }, className: 'nginx', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' } },
    });
    const plain = values(await objects(`${MINIMAL}harbor: {host: registry.lab.local}\n`), 'harbor');
    expect(plain.externalURL).toBe('http://registry.lab.local');
    expect(plain.expose.tls).toEqual({ enabled: false });
  });

  test('the backends reach Harbor\'s API on its core Service whatever the exposure', async () => {
    for (const { all } of await samples()) {
      const core = all.find((o) => o.kind === 'Deployment' && o.metadata.name === 'astrago-backend-core')!;
      const env = (core.spec as any).template.spec.containers[0].env;
      // host[:port]: the form the default (2025) images expect (astrago.imageGeneration).
      expect(env).toContainEqual({ name: 'HARBOR_URL', value: 'harbor-core.harbor.svc.cluster.local' });
    }
  });

  test('an offline registry rewrites every Harbor image', async () => {
    const v = values(await objects(`${MINIMAL}offline: {registry: harbor.local:443/astrago}\n`), 'harbor');
    const repositories = [v.nginx, v.portal, v.core, v.jobservice, v.registry.registry, v.registry.controller, v.database.internal, v.redis.internal]
      .map((c: any) => c.image.repository);
    expect(repositories).toHaveLength(8);
    for (const r of repositories) expect(r).toMatch(/^harbor\.local:443\/astrago\/goharbor\/[a-z-]+$/);
  });

  test('switchable per customer, and off in the dev profile', async () => {
    for (const yaml of [`${MINIMAL}components: {harbor: {enabled: false}}\n`, `${MINIMAL}profile: dev\n`]) {
      const all = await objects(yaml);
      expect(all.filter((o) => o.metadata.namespace === 'harbor' || o.metadata.name === 'harbor')).toEqual([]);
      expect(findObject(all, 'HelmRelease', 'keycloak')).toBeDefined();
    }
  });
});

describe('security tier', () => {
  test('applies after the monitoring tier and waits for its releases', async () => {
    for (const { all } of await samples()) {
      const k = findObject(all, 'Kustomization', 'security-controllers').spec as any;
      expect(k.dependsOn).toEqual([{ name: 'monitoring-configs', namespace: 'flux-system' }]);
      expect(k).toMatchObject({ wait: true, timeout: '15m', decryption: { provider: 'sops' } });
    }
  });
});
