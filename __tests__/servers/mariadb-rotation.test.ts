/**
 * MariaDB's credentials rotated against a real server (Debian's mariadb-server 10.11): the data
 * directory initialised with the old passwords as the official image does, then the Job of the
 * tree that `secrets rotate` writes (its script and environment read from dist/, its Secrets
 * decrypted) run as the cluster would run it, pointed at the test server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CredentialName } from '../../catalog/credentials';
import { reseal } from '../../commands/secrets-command';
import { HUB_DATABASE_USER } from '../../constructs/applications/mariadb-accounts';
import { readStoredCredential } from '../../secrets/credential-store';
import { generateCredential } from '../../secrets/sops-vault';
import { SAMPLE_IDENTITY_FILE, scratchRepo } from '../helpers';
import { IDENTITY, jobOf, runJob, type JobUnderTest } from './job-under-test';
import { startMariaDb, type MariaDbServer } from './mariadb-server';

const CUSTOMER = 'seoul-lab';
const CONFIGS = (repo: string) => path.join(repo, 'dist', CUSTOMER, 'applications', 'configs');
/** What the backend seeds into TB_HUB.ENVS (xiilab/astrago-backend server-core/src/main/resources/data.sql, hubs 1 and 2). */
const SEEDED_ENVS = '{     "DB_HOST": "astrago-mariadb.astrago.svc",     "DB_PORT": "3306",     "DB_USER": "root",     "DB_PASSWORD": "root",     "DB_DATABASE": "astrago" }';
const OWN_HUB_ENVS = '{"DB_HOST": "db.example.org", "DB_USER": "root", "DB_PASSWORD": "theirs"}';

let server: MariaDbServer;
let repo: string;
const quiet = () => undefined;

beforeAll(async () => {
  process.env.SOPS_AGE_KEY_FILE = SAMPLE_IDENTITY_FILE;
  repo = scratchRepo();
  server = await startMariaDb();
});

afterAll(async () => {
  await server?.stop();
  if (repo) fs.rmSync(repo, { recursive: true, force: true });
});

const stored = async (credential: CredentialName, customer = CUSTOMER) => (await readStoredCredential(repo, customer, credential, [IDENTITY]))!;
const lit = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The data directory as the official image leaves it, plus the tables and hubs core creates at its first start. */
async function initialise(): Promise<void> {
  const [root, user] = [await stored('mariadb-root'), await stored('mariadb-user')];
  const result = server.bootstrap(`
    DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';
    FLUSH PRIVILEGES;
    SET PASSWORD FOR 'root'@'localhost' = PASSWORD(${lit(root)});
    CREATE USER 'root'@'%' IDENTIFIED BY ${lit(root)};
    GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
    CREATE DATABASE astrago;
    CREATE USER 'astrago'@'%' IDENTIFIED BY ${lit(user)};
    GRANT ALL ON astrago.* TO 'astrago'@'%';
    CREATE TABLE astrago.TB_HUB (HUB_ID bigint auto_increment primary key, ENVS varchar(1000) null, TITLE varchar(255) null);
    CREATE TABLE astrago.TB_JOB_PREDICTION (idnew_table int auto_increment primary key);
    CREATE TABLE astrago.TB_JOB_PREDICTION_PARAMETER (JOB_PREDICTION_PARAMETER_ID int auto_increment primary key, MODEL varchar(50) not null, EPOCH int null);
    CREATE TABLE astrago.TB_JOB_PREDICTION_EPOCH_LOG (JOB_PREDICTION_EPOCH_LOG_ID int auto_increment primary key, JOB_PREDICTION_PARAMETER_ID int not null, EPOCH_CNT varchar(45) null);
    INSERT INTO astrago.TB_HUB (HUB_ID, ENVS, TITLE) VALUES (1, ${lit(SEEDED_ENVS)}, 'YOLOv8'), (2, ${lit(SEEDED_ENVS)}, 'YOLOv5'), (3, ${lit(OWN_HUB_ENVS)}, 'own');
  `);
  expect(result.stderr).toBe('');
}

/** The MariaDB accounts Job of the customer's tree. */
async function accountsJob(): Promise<JobUnderTest> {
  return (await jobOf(CONFIGS(repo), 'mariadb.yaml'))!;
}

/** Runs the Job against the test server (the Service name does not resolve here). */
const run = (job: JobUnderTest) => runJob(job, { DB_HOST: '127.0.0.1', DB_PORT: String(server.port) });

const opens = (user: string, password: string) => server.sql(user, password, 'SELECT 1').status === 0;

async function rotate(credential: CredentialName): Promise<void> {
  expect(await reseal(repo, CUSTOMER, { newValues: { [credential]: generateCredential(credential) } }, quiet, credential)).toBe(0);
}

describe('MariaDB credentials rotated in a real server by the tree\'s Job', () => {
  test('on a new install the Job keeps root and the platform user, and no value reaches its command line or log', async () => {
    await initialise();
    const job = await accountsJob();
    expect(job.name).toMatch(/^mariadb-accounts-0-[0-9a-f]{10}$/);
    expect(job.env.ROOT_PREVIOUS).toBeUndefined();
    const result = run(job);
    expect(result.status).toBe(0);
    expect(opens('root', await stored('mariadb-root'))).toBe(true);
    expect(opens('astrago', await stored('mariadb-user'))).toBe(true);
    for (const credential of ['mariadb-root', 'mariadb-user', 'mariadb-hub'] as const) {
      const value = await stored(credential);
      expect(result.output).not.toContain(value);
      expect(job.command.join(' ')).not.toContain(value);
    }
  });

  test('rotating root changes it in the server: the new password opens it, the old one no longer does, and a rerun changes nothing', async () => {
    const old = await stored('mariadb-root');
    await rotate('mariadb-root');
    const rotated = await stored('mariadb-root');
    const job = await accountsJob();
    expect(job.name).toMatch(/^mariadb-accounts-1-/);
    expect(job.env.ROOT_PREVIOUS).toBe(old);
    expect(run(job).status).toBe(0);
    expect(opens('root', rotated)).toBe(true);
    expect(opens('root', old)).toBe(false);
    expect(run(job).status).toBe(0);
    expect(opens('root', rotated)).toBe(true);
    expect(opens('astrago', await stored('mariadb-user'))).toBe(true);
  });

  test('rotating the platform user changes it in the server and rolls the backends that read it', async () => {
    const old = await stored('mariadb-user');
    await rotate('mariadb-user');
    const job = await accountsJob();
    expect(job.name).toMatch(/^mariadb-accounts-2-/);
    expect(run(job).status).toBe(0);
    expect(opens('astrago', await stored('mariadb-user'))).toBe(true);
    expect(opens('astrago', old)).toBe(false);
    for (const backend of ['core', 'batch', 'monitor']) {
      expect(fs.readFileSync(path.join(CONFIGS(repo), `backend-${backend}.yaml`), 'utf8')).toContain('astrago.io/rotation-mariadb-user: \'1\'');
    }
  });

  test('a value set by hand with quotes, backslashes and shell characters reaches MariaDB exactly, and nothing else changes', async () => {
    const chosen = `O'Re\\il$ly"; DROP USER root; --\`x\``;
    expect(await reseal(repo, CUSTOMER, { newValues: { 'mariadb-user': chosen } }, quiet, 'mariadb-user')).toBe(0);
    expect(run(await accountsJob()).status).toBe(0);
    expect(opens('astrago', chosen)).toBe(true);
    expect(opens('root', await stored('mariadb-root'))).toBe(true);
  });

  test('a Job that stopped after changing root finishes when run again', async () => {
    const old = await stored('mariadb-root');
    await rotate('mariadb-root');
    const rotated = await stored('mariadb-root');
    // As if the previous attempt died right after its first statement: root has the new password, the user still the old one.
    expect(server.sql('root', old, `SET PASSWORD FOR 'root'@'%' = PASSWORD(${lit(rotated)}); SET PASSWORD FOR 'astrago'@'%' = PASSWORD('stale');`).status).toBe(0);
    expect(run(await accountsJob()).status).toBe(0);
    expect(opens('root', rotated)).toBe(true);
    expect(opens('astrago', await stored('mariadb-user'))).toBe(true);
  });

  test('the hub login works without root, may only use the prediction tables, and the seeded hubs carry it', async () => {
    const hub = await stored('mariadb-hub');
    expect(hub).not.toBe(await stored('mariadb-hub', 'demo'));
    const insert = server.sql(HUB_DATABASE_USER, hub, 'INSERT INTO astrago.TB_JOB_PREDICTION_PARAMETER (MODEL, EPOCH) VALUES (\'yolov8\', 120); '
      + 'INSERT INTO astrago.TB_JOB_PREDICTION_EPOCH_LOG (JOB_PREDICTION_PARAMETER_ID, EPOCH_CNT) VALUES (LAST_INSERT_ID(), \'1\');');
    expect(insert).toMatchObject({ status: 0, stderr: '' });
    for (const forbidden of ['SELECT * FROM astrago.TB_HUB', 'SELECT * FROM mysql.user', 'CREATE TABLE astrago.T (i int)', 'DELETE FROM astrago.TB_JOB_PREDICTION_PARAMETER']) {
      expect(server.sql(HUB_DATABASE_USER, hub, forbidden).stderr).toMatch(/denied/);
    }
    const rows = server.sql('root', await stored('mariadb-root'), 'SELECT HUB_ID, ENVS FROM astrago.TB_HUB ORDER BY HUB_ID').stdout.trim().split('\n')
      .map((line) => line.split('\t')).map(([id, envs]) => [id, JSON.parse(envs)]);
    expect(rows.slice(0, 2).map(([, envs]) => [envs.DB_USER, envs.DB_PASSWORD, envs.DB_HOST])).toEqual([
      [HUB_DATABASE_USER, hub, 'astrago-mariadb.astrago.svc'], [HUB_DATABASE_USER, hub, 'astrago-mariadb.astrago.svc'],
    ]);
    expect(rows[2][1]).toEqual(JSON.parse(OWN_HUB_ENVS));
  });

  test('rotating the hub login changes it in the server and in the seeded hubs', async () => {
    const old = await stored('mariadb-hub');
    await rotate('mariadb-hub');
    const hub = await stored('mariadb-hub');
    expect(run(await accountsJob()).status).toBe(0);
    expect(opens(HUB_DATABASE_USER, hub)).toBe(true);
    expect(opens(HUB_DATABASE_USER, old)).toBe(false);
    const envs = server.sql('root', await stored('mariadb-root'), 'SELECT ENVS FROM astrago.TB_HUB WHERE HUB_ID = 1').stdout.trim();
    expect(JSON.parse(envs)).toMatchObject({ DB_USER: HUB_DATABASE_USER, DB_PASSWORD: hub });
  });
});
