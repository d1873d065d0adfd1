import type { Fields } from '../model/fields';
import { configFrom, findObject, MINIMAL, objectsOf, render, SAMPLE_RECIPIENT, sampleConfig, SAMPLES } from './helpers';

type Objects = ReturnType<typeof objectsOf>;
const objects = async (yaml = MINIMAL) => objectsOf(await render(configFrom(yaml)));
const samples = async () => Promise.all(SAMPLES.map(async (name) => ({ name, all: objectsOf(await render(sampleConfig(name))) })));
const values = (all: Objects, release: string) => (findObject(all, 'HelmRelease', release).spec as Fields).values;
const realmOf = (all: Objects) => JSON.parse(Object.values(findObject(all, 'ConfigMap', 'keycloak-realm').data as Record<string, string>)[0]);

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
  test('/auth is served on each sample\'s platform host, and tokens carry its URL', async () => {
    for (const { name, all } of await samples()) {
      const ingress = findObject(all, 'Ingress', 'keycloak');
      const spec = ingress.spec as Fields;
      expect(spec.rules.map((r: Fields) => r.host)).toEqual([SAMPLE_URLS[name].host]);
      // Keycloak's Ingress shares the platform host: the frontend and the backends reach it at baseUrl/auth.
      expect((findObject(all, 'Ingress', 'astrago').spec as Fields).rules[0].host).toBe(SAMPLE_URLS[name].host);
      expect(values(all, 'keycloak').extraEnvVars).toContainEqual({ name: 'KC_HOSTNAME_URL', value: `${SAMPLE_URLS[name].baseUrl}/auth` });
    }
  });

  test('each sample\'s realm: redirect URIs from its externalAccess, TLS required on a domain', async () => {
    for (const { name, all } of await samples()) {
      const realm = realmOf(all);
      const { baseUrl, sslRequired } = SAMPLE_URLS[name];
      expect(realm).toMatchObject({ realm: 'astrago', sslRequired });
      expect(realm.clients[0]).toMatchObject({ clientId: 'astrago-client', redirectUris: [`${baseUrl}/*`], webOrigins: [baseUrl] });
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
      const env = values(all, 'keycloak').extraEnvVars.find((e: Fields) => `\${${e.name}}` === secret);
      expect(env.valueFrom.secretKeyRef).toEqual({ name: 'keycloak-client-secret', key: 'password' });
      expectSecret(all, 'keycloak', 'keycloak-client-secret', 'password');
    }
  });

  test('the admin and database Secrets the release names are sealed in the tree; no password in values or on a command line', async () => {
    for (const { all } of await samples()) {
      const v = values(all, 'keycloak');
      expectSecret(all, 'keycloak', v.auth.existingSecret, v.auth.passwordSecretKey);
      expectSecret(all, 'keycloak', v.postgresql.auth.existingSecret, v.postgresql.auth.secretKeys.userPasswordKey);
      expect(keysOf(v).filter((k) => PLAIN_CREDENTIAL_KEYS.includes(k))).toEqual([]);
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
  test('volumes on the NFS class at the sizes of the customer file; the namespace is kept from pruning', async () => {
    for (const { all } of await samples()) {
      const v = values(all, 'harbor');
      const claims: Record<string, Fields> = v.persistence.persistentVolumeClaim;
      expect(Object.fromEntries(Object.entries(claims).map(([k, c]) => [k, [c.storageClass, c.size]])))
        .toEqual({ registry: ['astrago-nfs-csi', '5Gi'], database: ['astrago-nfs-csi', '1Gi'], redis: ['astrago-nfs-csi', '1Gi'] });
      expect(findObject(all, 'Namespace', 'harbor').metadata).toMatchObject({ annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
    }
    const custom = values(await objects(`${MINIMAL}harbor: {persistence: {registry: 200Gi, database: 5Gi}}\n`), 'harbor').persistence.persistentVolumeClaim;
    expect([custom.registry.size, custom.database.size, custom.redis.size]).toEqual(['200Gi', '5Gi', '1Gi']);
  });

  test('the admin, secret key and database Secrets the release names are sealed in the tree', async () => {
    for (const { all } of await samples()) {
      const release = findObject(all, 'HelmRelease', 'harbor').spec as Fields;
      const v = release.values;
      expectSecret(all, 'harbor', v.existingSecretAdminPassword, v.existingSecretAdminPasswordKey);
      expectSecret(all, 'harbor', v.existingSecretSecretKey, 'secretKey');
      for (const from of release.valuesFrom) expectSecret(all, 'harbor', from.name, from.valuesKey);
      expect(keysOf(v).filter((k) => PLAIN_CREDENTIAL_KEYS.includes(k))).toEqual([]);
    }
  });

  test('a customer-managed secret key Secret must use the key the chart reads', async () => {
    const yaml = MINIMAL.replace(/^secrets:.*$/m, `secrets: {ageRecipients: [${SAMPLE_RECIPIENT}], existing: {harbor-secret-key: {secretName: my-harbor, key: value}}}`);
    await expect(render(configFrom(yaml)))
      .rejects.toThrow('secrets.existing.harbor-secret-key.key: expected "secretKey"');
  });

  test('without harbor.host it stays inside the cluster: no Ingress in its namespace', async () => {
    const all = await objects();
    expect(values(all, 'harbor').expose.type).toBe('clusterIP');
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
  });

  test('the backends reach Harbor\'s API on its core Service whatever the exposure', async () => {
    for (const { all } of await samples()) {
      const core = all.find((o) => o.kind === 'Deployment' && o.metadata.name === 'astrago-backend-core')!;
      const env = (core.spec as Fields).template.spec.containers[0].env;
      // host[:port]: the form the default (2025) images expect (astrago.imageGeneration).
      expect(env).toContainEqual({ name: 'HARBOR_URL', value: 'harbor-core.harbor.svc.cluster.local' });
    }
  });

  test('an offline registry rewrites every Harbor image', async () => {
    const v = values(await objects(`${MINIMAL}offline: {registry: harbor.local:443/astrago}\n`), 'harbor');
    const repositories = [v.nginx, v.portal, v.core, v.jobservice, v.registry.registry, v.registry.controller, v.database.internal, v.redis.internal]
      .map((c: Fields) => c.image.repository);
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
      const k = findObject(all, 'Kustomization', 'security-controllers').spec as Fields;
      expect(k.dependsOn).toEqual([{ name: 'monitoring-configs', namespace: 'flux-system' }]);
      expect(k).toMatchObject({ wait: true, timeout: '15m', decryption: { provider: 'sops' } });
    }
  });
});
