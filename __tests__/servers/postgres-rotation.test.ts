/**
 * Keycloak's and Harbor's database passwords rotated against a real PostgreSQL (Debian's 15):
 * the role created with the old password as the charts' images do at initialisation, then the
 * Job of the tree that `secrets rotate` writes (read from dist/, Secrets decrypted) run against it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CredentialName } from '../../catalog/credentials';
import { reseal } from '../../commands/secrets-command';
import { readStoredCredential } from '../../secrets/credential-store';
import { generateCredential } from '../../secrets/sops-vault';
import { SAMPLE_IDENTITY_FILE, scratchRepo } from '../helpers';
import { IDENTITY, jobOf, runJob } from './job-under-test';
import { startPostgres, type PostgresServer } from './postgres-server';

const CUSTOMER = 'seoul-lab';
const CONTROLLERS = (repo: string) => path.join(repo, 'dist', CUSTOMER, 'security', 'controllers');

let server: PostgresServer;
let repo: string;

beforeAll(async () => {
  process.env.SOPS_AGE_KEY_FILE = SAMPLE_IDENTITY_FILE;
  repo = scratchRepo();
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
  if (repo) fs.rmSync(repo, { recursive: true, force: true });
});

const stored = async (credential: CredentialName) => (await readStoredCredential(repo, CUSTOMER, credential, [IDENTITY]))!;
const lit = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Each database as its chart initialises it, and the file of the tree whose Job changes its password. */
const DATABASES = [
  {
    credential: 'keycloak-db', file: 'keycloak.yaml', job: /^keycloak-db-password-1-[0-9a-f]{10}$/, user: 'bn_keycloak', database: 'bitnami_keycloak',
    // Bitnami's image: the user owns its database, the superuser has no password.
    initialise: (password: string) => `CREATE ROLE bn_keycloak LOGIN PASSWORD ${lit(password)}; CREATE DATABASE bitnami_keycloak OWNER bn_keycloak;`,
  },
  {
    credential: 'harbor-db', file: 'harbor.yaml', job: /^harbor-db-password-1-[0-9a-f]{10}$/, user: 'postgres', database: 'registry',
    // harbor-db: the superuser postgres has the password, core's database is registry.
    initialise: (password: string) => `ALTER ROLE postgres PASSWORD ${lit(password)}; CREATE DATABASE registry;`,
  },
] as const;

describe.each(DATABASES)('$credential rotated in a real PostgreSQL by the tree\'s Job', ({ credential, file, job: jobName, user, database, initialise }) => {
  test('before any rotation the tree has no Job for it', async () => {
    expect(await jobOf(CONTROLLERS(repo), file)).toBeUndefined();
  });

  test('the new password opens the database, the old one no longer does, a rerun changes nothing, and no value reaches the command line or log', async () => {
    const old = await stored(credential);
    expect(server.bootstrap(initialise(old)).stderr).toBe('');
    expect(await reseal(repo, CUSTOMER, { newValues: { [credential]: generateCredential(credential) } }, () => undefined, credential)).toBe(0);
    const rotated = await stored(credential);
    const job = (await jobOf(CONTROLLERS(repo), file))!;
    expect(job.name).toMatch(jobName);
    const run = () => runJob(job, { DB_HOST: '127.0.0.1', DB_PORT: String(server.port) });
    const opens = (password: string) => server.sql(user, password, database, 'SELECT 1').status === 0;
    const first = run();
    expect(first).toMatchObject({ status: 0 });
    expect(opens(rotated)).toBe(true);
    expect(opens(old)).toBe(false);
    expect(run().status).toBe(0);
    expect(opens(rotated)).toBe(true);
    for (const value of [old, rotated]) {
      expect(first.output).not.toContain(value);
      expect(job.command.join(' ')).not.toContain(value);
    }
    // The release rolls the reader of the password.
    expect(fs.readFileSync(path.join(CONTROLLERS(repo), file), 'utf8')).toContain(`astrago.io/rotation-${credential}: '1'`);
  });
});
