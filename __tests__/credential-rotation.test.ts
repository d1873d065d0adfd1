/**
 * Replacing a credential of a running customer: each credential's consumption in the catalog,
 * `rotate` and `set` refusing what would lock a service out of its own data, and what they say
 * happens in the cluster. The in-service change itself runs against a real MariaDB in
 * `npm run test:servers` (__tests__/servers/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CREDENTIAL_NAMES, CREDENTIALS, type Consumption } from '../catalog/credentials';
import type { Io } from '../commands/io';
import { ROTATION_EFFECTS, TREE_CHANGES } from '../commands/secrets-rotation';
import { synth } from '../pipeline/synth';
import { SCHEMAS_ENV } from '../validate/schema-store';
import { runCli } from './cli-session';
import { readTree, SCHEMAS_DIR, scratchRepo, withEnv, withOperatorKey } from './helpers';

const CUSTOMER = 'seoul-lab';
const run = (root: string, args: string[]) => runCli(root, args, { interactive: false, prompts: {} as Io['prompts'] });


describe('the consumption of each credential', () => {
  test.each(CREDENTIAL_NAMES)('%s says when it is read and, if a service keeps it, how it changes there', (credential) => {
    const consumption: Consumption = CREDENTIALS[credential].consumption;
    expect(['every-start', 'initialisation']).toContain(consumption?.mode);
    if (consumption.mode === 'every-start') {
      expect(consumption.readers).not.toBe('');
    } else {
      expect(consumption.keptIn).not.toBe('');
      expect(['mariadb-alter-user', 'postgresql-alter-user', 'keycloak-admin-api', 'harbor-api', 'none']).toContain(consumption.change);
      // Either the tree makes the change, or the operator gets the exact steps.
      expect(TREE_CHANGES.has(consumption.change) || (consumption.procedure ?? '').length > 20).toBe(true);
    }
    expect(ROTATION_EFFECTS[credential]).toMatch(/Flux/);
  });

  test('every credential the tree changes in MariaDB is read by the accounts Job of the sample customer; PostgreSQL\'s have a Job once rotated', () => {
    const inMariaDb = CREDENTIAL_NAMES.filter((c) => {
      const consumption: Consumption = CREDENTIALS[c].consumption;
      return consumption.mode === 'initialisation' && consumption.change === 'mariadb-alter-user';
    });
    expect(inMariaDb).toEqual(['mariadb-hub', 'mariadb-root', 'mariadb-user']);
    const file = path.join(__dirname, '..', 'dist', CUSTOMER, 'applications', 'configs', 'mariadb.yaml');
    const job = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).find((o) => o.kind === 'Job');
    const secrets = job.spec.template.spec.containers[0].env
      .flatMap((e: { valueFrom?: { secretKeyRef?: { name: string } } }) => e.valueFrom?.secretKeyRef?.name ?? []);
    expect(secrets.sort()).toEqual(inMariaDb);
    const inPostgres = CREDENTIAL_NAMES.filter((c) => {
      const consumption: Consumption = CREDENTIALS[c].consumption;
      return consumption.mode === 'initialisation' && consumption.change === 'postgresql-alter-user';
    });
    // The Jobs themselves run against a real PostgreSQL in __tests__/servers/postgres-rotation.test.ts.
    expect(inPostgres).toEqual(['harbor-db', 'keycloak-db']);
  });
});

describe('rotate and set on a running customer', () => {
  test.each(['keycloak-admin', 'keycloak-client-secret', 'harbor-admin'] as const)(
    'rotate refuses %s, which only the operator can change in its service, prints the procedure and writes nothing', async (credential) => {
      const repo = scratchRepo();
      const before = readTree(repo);
      const result = await run(repo, ['secrets', 'rotate', CUSTOMER, credential]);
      expect(result.code).toBe(1);
      const consumption: Consumption = CREDENTIALS[credential].consumption;
      expect(result.err).toContain(`error: ${credential}: expected a credential the tree changes in its service`);
      expect(result.err).toContain(consumption.mode === 'initialisation' ? consumption.procedure : '');
      expect(result.err).toContain(`npx astrago secrets set ${CUSTOMER} ${credential} --changed-in-service`);
      expect(result.err.split('\n')).toHaveLength(1);
      expect(readTree(repo)).toEqual(before);
    });

  test('set of a credential a service keeps is refused without --changed-in-service, and nothing is written', async () => {
    const repo = scratchRepo();
    const before = readTree(repo);
    const result = await run(repo, ['secrets', 'set', CUSTOMER, 'keycloak-admin']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: keycloak-admin: expected --changed-in-service, found none: the value is kept in Keycloak's database.*Users → admin → Credentials/);
    expect(readTree(repo)).toEqual(before);
  });

  test('harbor-secret-key, which Harbor cannot change in place, rotates only when the operator accepts what it costs', async () => {
    const repo = scratchRepo();
    const refused = await run(repo, ['secrets', 'rotate', CUSTOMER, 'harbor-secret-key']);
    expect(refused.err).toMatch(/^error: harbor-secret-key: expected --changed-in-service, found none.*enter the passwords of registry endpoints/);
    const accepted = await withOperatorKey(() => run(repo, ['secrets', 'rotate', CUSTOMER, 'harbor-secret-key', '--changed-in-service']));
    expect(accepted.code).toBe(0);
    expect(accepted.err).toContain(`once committed and applied: ${ROTATION_EFFECTS['harbor-secret-key']}`);
  });

  test('rotate of a MariaDB credential needs no confirmation and says what the cluster does, in order, and what is unavailable', async () => {
    const repo = scratchRepo();
    const result = await withOperatorKey(() => run(repo, ['secrets', 'rotate', CUSTOMER, 'mariadb-user']));
    expect(result.code).toBe(0);
    expect(result.err).toContain('once committed and applied: Flux (applications-configs) applies Secret mariadb-user and Job mariadb-accounts-');
    expect(result.err).toContain('The old pods serve until the new ones are Ready (1–3 minutes)');
    const job = fs.readFileSync(path.join(repo, 'dist', CUSTOMER, 'applications', 'configs', 'mariadb.yaml'), 'utf8');
    expect(job).toMatch(/name: mariadb-accounts-1-[0-9a-f]{10}\n/);
  });

  test('a tree with every database credential rotated validates and passes secrets check, and synth rebuilds it byte for byte from the store without any key', async () => {
    const repo = scratchRepo();
    const rotated = ['mariadb-root', 'keycloak-db', 'harbor-db'];
    await withOperatorKey(async () => {
      for (const credential of rotated) expect((await run(repo, ['secrets', 'rotate', CUSTOMER, credential])).code).toBe(0);
    });
    const before = readTree(path.join(repo, 'dist'));
    expect(Object.keys(before)).toEqual(expect.arrayContaining([
      `${CUSTOMER}/applications/configs/secret-astrago-mariadb-root-previous.yaml`,
      `${CUSTOMER}/security/controllers/secret-keycloak-keycloak-db-previous.yaml`,
      `${CUSTOMER}/security/controllers/secret-harbor-harbor-db-previous.yaml`,
    ]));
    expect(before[`${CUSTOMER}/security/controllers/keycloak.yaml`]).toMatch(/name: keycloak-db-password-1-[0-9a-f]{10}\n/);
    // State is input: dist/ deleted, a keyless synth writes the same tree (Jobs, previous values and all).
    fs.rmSync(path.join(repo, 'dist'), { recursive: true });
    expect(process.env.SOPS_AGE_KEY_FILE).toBeUndefined();
    expect(await synth({ root: repo, log: () => undefined })).toBe(0);
    expect(readTree(path.join(repo, 'dist'))).toEqual(before);
    expect(await withOperatorKey(() => run(repo, ['secrets', 'check']))).toMatchObject({ code: 0, err: 'credentials intact: store and dist/ agree, no plaintext, every MAC verifies' });
    const report = await withEnv({ [SCHEMAS_ENV]: SCHEMAS_DIR }, () => run(repo, ['validate', CUSTOMER, '--no-kustomize']));
    expect([report.code, report.err]).toEqual([0, '']);
  });

  test('the help of rotate and set says what happens in the cluster and never that a restart is enough', async () => {
    for (const command of ['rotate', 'set']) {
      const help = await run(scratchRepo(), ['secrets', command, '--help']);
      expect(help.out).toContain('must change in the service first');
      expect(help.out).toContain('--changed-in-service');
      expect(help.out).not.toMatch(/next restart/);
    }
  });
});
