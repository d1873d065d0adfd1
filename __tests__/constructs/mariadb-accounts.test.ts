import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { DATA_LAYOUTS } from '../../catalog/data-layouts';
import { MariaDb } from '../../constructs/applications/mariadb';
import { HUB_DATABASE_USER, HUB_PRIVILEGES, HUB_TABLES, MariaDbAccounts } from '../../constructs/applications/mariadb-accounts';
import { customerManagedCredentials } from './credentials';
import { oneOf, SCHEMA_DEFAULTS } from './synth';

function accounts() {
  const chart = Testing.chart();
  const credentials = customerManagedCredentials();
  const pod = {
    namespace: 'astrago', image: { registry: 'docker.io', repository: 'library/mariadb', tag: '10.11.4' },
    pullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, imagePullSecrets: ['lab-pull'],
  };
  const volume = DATA_LAYOUTS[SCHEMA_DEFAULTS.astrago.dataLayout].mariadb;
  const server = new MariaDb(chart, 'db', { ...pod, username: 'astrago-app', credentials, storageClassName: 'astrago-nfs-csi', storageSize: '8Gi', volume });
  new MariaDbAccounts(chart, 'accounts', { ...pod, uid: volume.uid, server, credentials });
  const job = oneOf(chart, k8s.KubeJob);
  const container = job.spec!.template.spec!.containers[0];
  return { job, container, env: Object.fromEntries((container.env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef ?? e.value])) };
}

describe('MariaDbAccounts', () => {
  test('reaches the MariaDb it is given: its Service, port, database and application user; hubs name its qualified host', () => {
    expect(accounts().env).toMatchObject({
      DB_HOST: 'astrago-mariadb',
      DB_PORT: '3306',
      DATABASE: 'astrago',
      APP_USER: 'astrago-app',
      HUB_DB_HOST: 'astrago-mariadb.astrago.svc',
    });
  });

  test('sets root\'s, the application user\'s and the hub login\'s passwords from their credentials\' Secrets; no previous root without a rotation', () => {
    const { env } = accounts();
    expect(env).toMatchObject({
      ROOT_PASSWORD: { name: 'mariadb-root', key: 'password' },
      APP_PASSWORD: { name: 'mariadb-user', key: 'password' },
      HUB_PASSWORD: { name: 'mariadb-hub', key: 'password' },
      HUB_USER: HUB_DATABASE_USER,
    });
    expect(env).not.toHaveProperty('ROOT_PREVIOUS');
  });

  test('the hub login gets only its privileges on the hub tables', () => {
    const { env } = accounts();
    expect(env.HUB_PRIVILEGES).toBe(HUB_PRIVILEGES);
    expect(env.HUB_TABLES).toBe(HUB_TABLES.map((t) => `'${t}'`).join(','));
    expect(HUB_PRIVILEGES).not.toMatch(/ALL|GRANT|DROP|DELETE/);
  });

  test('a one-shot Job named by the rotation count (0: none) and its spec, as the server image\'s user, with its pull secrets', () => {
    const { job, container } = accounts();
    expect(job.metadata?.name).toMatch(/^mariadb-accounts-0-[0-9a-f]{10}$/);
    expect(container.image).toBe('docker.io/library/mariadb:10.11.4');
    expect(job.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'lab-pull' }]);
    expect(job.spec?.template.spec?.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999 });
  });
});
