import { Testing, type App } from 'cdk8s';
import { ComponentChart } from '../../constructs/core/component-chart';
import { CredentialRegistry, rolloutAnnotations } from '../../constructs/credentials/credential-registry';
import { placementFile, Stage, type Tier } from '../../model/layout';
import { configFrom, MINIMAL, SAMPLE_RECIPIENT } from '../helpers';
import { RecordingVault } from './recording-vault';

const withExisting = (existing: string) => `${MINIMAL.replace(/secrets:.*\n/, '')}secrets: {ageRecipients: [${SAMPLE_RECIPIENT}], existing: {${existing}}}\n`;

/** A registry over a fresh app; `file` makes a component chart (a consumer's file) of a tier's controllers in it. */
const setup = (yaml = MINIMAL, vault = new RecordingVault()) => {
  const app: App = Testing.app();
  const registry = new CredentialRegistry(configFrom(yaml), vault);
  const file = (tier: Tier, component: string) => new ComponentChart(app, { placement: { kind: 'component', tier, stage: Stage.CONTROLLERS, component } });
  /** The Secrets addSecrets emits: each one's request and the file it is written to. */
  const emitted = () => {
    const before = new Set(ComponentChart.all(app));
    registry.addSecrets(app);
    const files = ComponentChart.all(app).filter((c) => !before.has(c)).map((c) => placementFile('acme', c.placement));
    return vault.requests.map((request, i) => ({ ...request, file: files[i] }));
  };
  return { app, registry, file, emitted };
};

describe('CredentialRegistry', () => {
  test('one Secret per credential and namespace, in the folder of its first consumer, with every requested key', () => {
    const { registry, file, emitted } = setup();
    const grafana = file('monitoring', 'prometheus');
    const late = file('applications', 'core');
    expect(registry.ref(grafana, 'grafana-admin', 'prometheus', { key: 'admin-password', username: { key: 'admin-user', value: 'admin' } }))
      .toEqual({ name: 'grafana-admin', key: 'admin-password', usernameKey: 'admin-user' });
    expect(registry.ref(late, 'grafana-admin', 'prometheus')).toEqual({ name: 'grafana-admin', key: 'password', usernameKey: undefined });
    expect(emitted()).toEqual([{
      name: 'grafana-admin', namespace: 'prometheus', type: undefined,
      entries: { 'admin-password': { credential: 'grafana-admin' }, 'admin-user': { value: 'admin' }, password: { credential: 'grafana-admin' } },
      file: 'dist/acme/monitoring/controllers/secret-prometheus-grafana-admin.yaml',
    }]);
  });

  test('each namespace that reads a credential gets its own Secret: a pod reads Secrets of its namespace only', () => {
    const { registry, file, emitted } = setup();
    registry.ref(file('security', 'keycloak'), 'keycloak-client-secret', 'keycloak');
    registry.ref(file('applications', 'core'), 'keycloak-client-secret', 'astrago');
    expect(emitted().map((s) => s.file)).toEqual([
      'dist/acme/applications/controllers/secret-astrago-keycloak-client-secret.yaml',
      'dist/acme/security/controllers/secret-keycloak-keycloak-client-secret.yaml',
    ]);
  });

  test('an existing credential is referenced, not generated', () => {
    const { registry, file, emitted } = setup(withExisting('grafana-admin: {secretName: my-grafana, key: pw}'));
    expect(registry.ref(file('monitoring', 'prometheus'), 'grafana-admin', 'prometheus'))
      .toEqual({ name: 'my-grafana', key: 'pw', usernameKey: undefined });
    expect(emitted()).toEqual([]);
  });

  test('an existing Secret must use the key a consumer cannot change', () => {
    const { registry, file } = setup(withExisting('harbor-secret-key: {secretName: hk, key: key}'));
    expect(() => registry.ref(file('security', 'harbor'), 'harbor-secret-key', 'harbor', { key: 'secretKey', fixedKey: true }))
      .toThrow('customers/acme.yaml: secrets.existing.harbor-secret-key.key: expected "secretKey" (the consumer reads only this key), found "key"');
  });

  test('a rotated credential\'s reference carries its rotation count, which restarts the workloads that read it at start', () => {
    const { registry, file } = setup(MINIMAL, new RecordingVault([], { 'grafana-admin': 2 }));
    const chart = file('monitoring', 'prometheus');
    const rotated = registry.ref(chart, 'grafana-admin', 'prometheus');
    const fresh = registry.ref(chart, 'keycloak-admin', 'prometheus');
    expect(rotated.rotation).toBe(2);
    expect(fresh).not.toHaveProperty('rotation');
    expect(rolloutAnnotations(rotated, fresh)).toEqual({ 'astrago.io/rotation-grafana-admin': '2' });
    expect(rolloutAnnotations(fresh)).toBeUndefined();
  });

  test('a customer-managed credential is never rotated here: no count, no restart', () => {
    const { registry } = setup(withExisting('grafana-admin: {secretName: my-grafana}'), new RecordingVault([], { 'grafana-admin': 2 }));
    expect(registry.rotation('grafana-admin')).toBe(0);
  });

  test('the previous value is emitted as <credential>-previous only after a rotation, for the Job that changes it in the service', () => {
    const never = setup();
    expect(never.registry.previousRef(never.file('security', 'keycloak'), 'keycloak-db', 'keycloak')).toBeUndefined();
    expect(never.emitted()).toEqual([]);

    const { registry, file, emitted } = setup(MINIMAL, new RecordingVault([], { 'keycloak-db': 1 }));
    expect(registry.previousRef(file('security', 'keycloak'), 'keycloak-db', 'keycloak')).toEqual({ name: 'keycloak-db-previous', key: 'password' });
    expect(emitted()).toEqual([{
      name: 'keycloak-db-previous', namespace: 'keycloak', type: undefined,
      entries: { password: { credential: 'keycloak-db', previous: true } },
      file: 'dist/acme/security/controllers/secret-keycloak-keycloak-db-previous.yaml',
    }]);
  });

  test('a pull secret is a kubernetes.io/dockerconfigjson Secret; none while its value is missing; the customer\'s own when it manages it', () => {
    const held = setup(withExisting('grafana-admin: {secretName: g}'), new RecordingVault(['registry-login']));
    expect(held.registry.pullSecret(held.file('applications', 'namespace'), 'registry-login', 'astrago')).toBe('registry-login');
    expect(held.emitted()).toEqual([{
      name: 'registry-login', namespace: 'astrago', type: 'kubernetes.io/dockerconfigjson',
      entries: { '.dockerconfigjson': { credential: 'registry-login' } },
      file: 'dist/acme/applications/controllers/secret-astrago-registry-login.yaml',
    }]);

    const missing = setup(withExisting('grafana-admin: {secretName: g}'));
    expect(missing.registry.pullSecret(missing.file('applications', 'namespace'), 'registry-login', 'astrago')).toBeUndefined();
    expect(missing.emitted()).toEqual([]);

    const own = setup(withExisting('registry-login: {secretName: lab-pull}'), new RecordingVault(['registry-login']));
    expect(own.registry.pullSecret(own.file('applications', 'namespace'), 'registry-login', 'astrago')).toBe('lab-pull');
    expect(own.emitted()).toEqual([]);
  });
});
