import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PostgresPassword, type PostgresPasswordProps } from '../../constructs/credentials/postgres-password';
import { oneOf } from './synth';

// What the script does against a real server: __tests__/servers/postgres-rotation.test.ts.
const job = (props: Partial<PostgresPasswordProps> = {}) => {
  const chart = Testing.chart();
  const construct = new PostgresPassword(chart, 'db-password', {
    name: 'keycloak-db-password', namespace: 'keycloak',
    image: 'docker.io/bitnami/postgresql:16.4.0', uid: 1001,
    server: { host: 'keycloak-postgresql', port: 5432 },
    database: 'keycloak', user: 'keycloak',
    password: { name: 'keycloak-db', key: 'password', rotation: 2 },
    previous: { name: 'keycloak-db-previous', key: 'password' },
    rotation: 2,
    ...props,
  });
  return { construct, job: oneOf(chart, k8s.KubeJob) };
};
const container = (props: Partial<PostgresPasswordProps> = {}) => job(props).job.spec!.template.spec!.containers[0];
const env = (props: Partial<PostgresPasswordProps> = {}) =>
  Object.fromEntries((container(props).env ?? []).map((e) => [e.name, e.value ?? e.valueFrom?.secretKeyRef]));

describe('PostgresPassword', () => {
  test('one Job per rotation: its name carries the rotation count, so each rotation runs once more', () => {
    const { construct, job: j } = job();
    expect(j.metadata?.name).toMatch(/^keycloak-db-password-2-[0-9a-f]{10}$/);
    expect(j.metadata?.namespace).toBe('keycloak');
    expect(construct.job.name).toBe(j.metadata?.name);
    expect(job({ rotation: 3 }).job.metadata?.name).toMatch(/^keycloak-db-password-3-/);
  });

  test('it runs the server\'s own image as the image\'s user, which has bash and psql', () => {
    const c = container();
    expect(c.image).toBe('docker.io/bitnami/postgresql:16.4.0');
    expect(c.command?.slice(0, 2)).toEqual(['bash', '-c']);
    expect(c.securityContext).toMatchObject({ runAsUser: 1001, runAsNonRoot: true });
  });

  test('the new and the previous password reach it only from their Secrets; server, database and role are plain values', () => {
    expect(env()).toEqual({
      DB_HOST: 'keycloak-postgresql', DB_PORT: '5432', DB_NAME: 'keycloak', DB_USER: 'keycloak', CONNECT_ATTEMPTS: '60',
      DB_PASSWORD: { name: 'keycloak-db', key: 'password' },
      DB_PREVIOUS: { name: 'keycloak-db-previous', key: 'password' },
    });
    expect(env({ connectAttempts: 3 }).CONNECT_ATTEMPTS).toBe('3');
  });

  test('the script logs in with the new password first, then the previous one, and sends the password to psql on standard input only', () => {
    const script = container().command![2];
    expect(script).toContain('for candidate in "$DB_PASSWORD" "${DB_PREVIOUS:-}"; do');
    expect(script).toContain('printf \'ALTER ROLE CURRENT_USER PASSWORD %s;\\n\' "$(lit "$DB_PASSWORD")" | as "$current"');
    // Never on a command line, where the process list shows it.
    expect(script.match(/psql[^\n]*\$DB_PASSWORD/)).toBeNull();
  });
});
