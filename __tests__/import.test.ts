/**
 * `npx astrago import`: every old environment of __tests__/fixtures/legacy-environments becomes a
 * customer that synthesizes and validates clean, keeps its credentials (encrypted, same
 * values) and its data volumes, and no old credential is ever written or printed in plain text.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decryptSops } from 'sops-age';
import { parse, stringify } from 'yaml';
import type { Io } from '../commands/io';
import { validateCommand } from '../commands/validate-command';
import { isPlainObject } from '../config/layering';
import { loadCustomerFile } from '../config/load';
import { existingTarget, isRefusal, planImport, writeImport } from '../migrate/import';
import { LEGACY_CREDENTIALS } from '../migrate/legacy-credentials';
import { readLegacyEnvironment } from '../migrate/legacy-environment';
import { leaves } from '../migrate/legacy-mapping';
import { fieldsOf } from '../model/fields';
import { synth } from '../pipeline/synth';
import { readStoredCredential } from '../secrets/credential-store';
import { runCli, type CliSession } from './cli-session';
import { killAtEachStep } from './fault-injection';
import { findObject, objectsOf, readTree, ROOT, SAMPLE_IDENTITY_FILE, SAMPLE_RECIPIENT, SCHEMAS_DIR } from './helpers';

/** The old system's environment files, as its repository has them (README.md beside them). */
const LEGACY = path.join(__dirname, 'fixtures', 'legacy-environments');

const IDENTITY = fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
// A synth that must seal Secrets from the store reads the operator's key like SOPS does.
process.env.SOPS_AGE_KEY_FILE = SAMPLE_IDENTITY_FILE;
// Keys the import generates go to a scratch folder, never to the developer's ~/.config.
process.env.ASTRAGO_KEYS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-import-keys-'));

type Session = CliSession;
const run = (root: string, args: string[]) => runCli(root, args, { interactive: false, prompts: {} as Io['prompts'] });

/** An empty repository to import into: the imported customers never land in customers/. */
/** An empty repository but for what it vendors (read-only, shared). */
const scratchRoot = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-import-'));
  fs.symlinkSync(path.join(ROOT, 'vendor'), path.join(root, 'vendor'));
  return root;
};
const importArgs = (folder: string, env: string, ...extra: string[]) => ['import', folder, env, '--age-recipient', SAMPLE_RECIPIENT, ...extra];

/** Every credential value an old environment holds in plain text (the files' and the old charts'). */
function oldCredentialValues(folder: string, env: string): Map<string, string> {
  const merged = readLegacyEnvironment(folder, env).values;
  const values = new Map<string, string>();
  const at = (keyPath: string) => keyPath.split('.').reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), merged);
  const fromFile: Record<string, string> = {
    'keycloak-admin': 'keycloak.adminPassword', 'astrago-user-init-password': 'astrago.userInitPassword',
    'keycloak-client-secret': 'astrago.keycloak.clientSecret', 'mariadb-root': 'astrago.mariadb.rootPassword',
    'mariadb-user': 'astrago.mariadb.password', 'harbor-admin': 'harbor.adminPassword',
  };
  for (const [credential, key] of Object.entries(fromFile)) {
    const value = at(key);
    if (typeof value === 'string' && value !== '') values.set(credential, value);
  }
  for (const [credential, legacy] of Object.entries(LEGACY_CREDENTIALS)) {
    if ('implicit' in legacy) values.set(credential, legacy.publicDefault);
  }
  return values;
}

/** Everything an import and the synth after it wrote, and what they printed. */
function everything(root: string, ...sessions: Session[]): string {
  return [...Object.values(readTree(root)), ...sessions.flatMap((s) => [s.out, s.err])].join('\n');
}

/** Every object synth wrote into dist/ of a scratch repository. */
const distObjects = (root: string) => objectsOf(Object.entries(readTree(root)).filter(([f]) => f.startsWith('dist/')).map(([f, content]) => ({ path: f, content })));

const ENVIRONMENTS: ReadonlyArray<{ folder: string; env: string; flags?: string[] }> = [
  { folder: 'stabilize-1.0', env: 'xiilab' },
  { folder: 'stabilize-1.0', env: 'default', flags: ['--ip', '10.61.3.20', '--nfs-server', '10.61.3.2'] },
  { folder: 'main', env: 'dev' },
  { folder: 'main', env: 'dev2' },
  { folder: 'main', env: 'stage' },
  { folder: 'main', env: 'prod', flags: ['--ip', '10.61.3.21', '--nfs-server', '10.61.3.2', '--nfs-path', '/kube_storage/prod'] },
  { folder: 'main', env: 'seoultech', flags: ['--ip', '10.61.3.22', '--nfs-server', 'nfs.seoultech.example', '--nfs-path', '/export'] },
];

describe('importing each old environment', () => {
  describe.each(ENVIRONMENTS)('$folder/$env', ({ folder, env, flags }) => {
    const oldFolder = path.join(LEGACY, folder);
    let root: string;
    let imported: Session;
    let synthLog: string[];

    beforeAll(async () => {
      root = scratchRoot();
      imported = await run(root, importArgs(oldFolder, env, ...(flags ?? [])));
      synthLog = [];
      if (imported.code === 0) await synth({ root, only: env, log: (l) => synthLog.push(l) });
    });

    test('writes the customer file and its store, and the customer synthesizes', () => {
      expect(imported.err).not.toMatch(/error:/);
      expect(imported.code).toBe(0);
      const loaded = loadCustomerFile(path.join(root, 'customers', `${env}.yaml`));
      expect(loaded.errors).toEqual([]);
      expect(loaded.config!.astrago.dataLayout).toBe('helmfile');
      expect(loaded.config!.secrets.ageRecipients).toEqual([SAMPLE_RECIPIENT]);
      expect(synthLog.join('\n')).toMatch(new RegExp(`^synthesized ${env}:`, 'm'));
    });

    test('the synthesized tree validates clean, but for the registry login an old environment never had', async () => {
      const log: string[] = [];
      const code = await validateCommand({ root, customers: [env], schemas: SCHEMAS_DIR, kustomize: false, log: (l) => log.push(l) });
      const errors = log.filter((l) => /error/.test(l) && !/ 0 errors/.test(l) && !/^\d+ objects, /.test(l));
      // An old environment pulling from private ghcr.io/xiilab without a pull Secret: its pods could not start
      // there either; validate names the login to store, and the import report says so.
      const config = loadCustomerFile(path.join(root, 'customers', `${env}.yaml`)).config!;
      const withoutLogin = config.astrago.global.imagePullSecrets.length === 0 && config.astrago.imageDefaults.registry === 'ghcr.io';
      expect(errors.filter((l) => !(withoutLogin && l.includes('platform/pull-credential') && l.includes(`npx astrago secrets set ${env} registry-login`)))).toEqual([]);
      if (withoutLogin) expect(imported.out).toContain('credential registry-login: never generated');
      else expect(code).toBe(0);
    });

    test('the report has exactly one line per old key', () => {
      const lines = imported.out.trimEnd().split('\n');
      for (const { path: keyPath } of leaves(readLegacyEnvironment(oldFolder, env).values)) {
        const key = keyPath.join('.');
        expect([key, lines.filter((l) => l.startsWith(`${key} → `) || l.startsWith(`${key}: `)).length]).toEqual([key, 1]);
      }
    });

    test('the encrypted credentials decrypt to the old values', async () => {
      const old = oldCredentialValues(oldFolder, env);
      expect(old.size).toBeGreaterThanOrEqual(8);
      for (const [credential, value] of old) {
        expect([credential, await readStoredCredential(root, env, credential as never, [IDENTITY])]).toEqual([credential, value]);
      }
    });

    test('the Secrets synth writes into dist/ hold the old values', async () => {
      const old = oldCredentialValues(oldFolder, env);
      const secrets = distObjects(root).filter((o) => o.kind === 'Secret');
      for (const [credential, value] of old) {
        const holders = secrets.filter((o) => (o.metadata as { annotations?: Record<string, string> }).annotations?.['astrago.io/credential'] === credential);
        expect([credential, holders.length > 0]).toEqual([credential, true]);
        for (const { file: _file, ...secret } of holders) {
          // sops-age: the SOPS reader's view, independent of our own encryption code.
          const plain = await decryptSops(secret, { secretKey: IDENTITY });
          const key = Object.keys(plain.data).find((k) => k !== 'username')!;
          expect([credential, Buffer.from(plain.data[key], 'base64').toString('utf8')]).toEqual([credential, value]);
        }
      }
    });

    test('the old public defaults are flagged with how to rotate them', () => {
      for (const credential of oldCredentialValues(oldFolder, env).keys()) {
        const line = imported.out.split('\n').find((l) => l.includes(`credential ${credential}:`))!;
        expect(line).toMatch(/public default: after the move, .*npx astrago secrets (set|rotate) /);
      }
    });

    test('no distinctive old credential is written or printed in plain text', () => {
      const all = everything(root, imported);
      // Three defaults are also names in the tree (a namespace, a user, a chart); the others must not appear.
      for (const value of oldCredentialValues(oldFolder, env).values()) {
        if (!['root', 'astrago', 'keycloak'].includes(value)) expect(all.includes(value) ? value : 'absent').toBe('absent');
      }
      expect(all).not.toMatch(/mongodb:\/\/[^\s]*:[^\s]*@/);
    });

    test('MariaDB reads the existing claim of the old chart, workload logs keep their access mode', () => {
      const objects = distObjects(root);
      const claim = findObject(objects, 'PersistentVolumeClaim', 'data-astrago-mariadb-0');
      expect(claim.metadata).toMatchObject({ namespace: 'astrago', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
      expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '8Gi' } } });
      expect(objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'astrago-mariadb-data')).toBe(false);
      const pod = fieldsOf(findObject(objects, 'StatefulSet', 'astrago-mariadb').spec).template.spec;
      expect(pod.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 });
      expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-astrago-mariadb-0', readOnly: false } });
      expect(pod.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ name: 'data', mountPath: '/bitnami/mariadb' }));
      expect(pod.containers[0].args).toEqual(['--datadir=/bitnami/mariadb/data']);
      expect(findObject(objects, 'PersistentVolumeClaim', 'workload-log-pvc').spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    });
  });

  test('an environment whose credentials differ from the defaults keeps them, unflagged and never in plain text', async () => {
    // Built from a given file: the xiilab customer with every password changed, in a temporary folder.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-legacy-'));
    fs.cpSync(path.join(LEGACY, 'stabilize-1.0'), folder, { recursive: true });
    const file = path.join(folder, 'customers', 'xiilab', 'values.yaml');
    const changed = {
      'keycloak-admin': 'Kc-admin-7f3e9a1d', 'astrago-user-init-password': 'Init-pw-40c2b7e8', 'keycloak-client-secret': 'Client-secret-9b1f0c55',
      'mariadb-root': 'Maria-root-2d8e6f0a', 'mariadb-user': 'Maria-user-51a7c3e9', 'harbor-admin': 'Harbor-admin-c6e2d4b0',
    };
    const values = parse(fs.readFileSync(file, 'utf8'));
    values.keycloak = { ...values.keycloak, adminPassword: changed['keycloak-admin'] };
    values.astrago = {
      ...values.astrago,
      userInitPassword: changed['astrago-user-init-password'],
      keycloak: { clientSecret: changed['keycloak-client-secret'], userInitPassword: 'Unused-init-3e5d' },
      mariadb: { rootPassword: changed['mariadb-root'], password: changed['mariadb-user'] },
    };
    values.harbor = { adminPassword: changed['harbor-admin'] };
    fs.writeFileSync(file, stringify(values));

    const root = scratchRoot();
    const imported = await run(root, importArgs(folder, 'xiilab', '--as', 'acme'));
    expect(imported.code).toBe(0);
    const log: string[] = [];
    expect(await synth({ root, only: 'acme', log: (l) => log.push(l) })).toBe(0);
    for (const [credential, value] of Object.entries(changed)) {
      expect(await readStoredCredential(root, 'acme', credential as never, [IDENTITY])).toBe(value);
      expect(imported.out).toMatch(new RegExp(`→ credential ${credential}: kept, encrypted$`, 'm'));
    }
    const all = everything(root, imported);
    for (const value of [...Object.values(changed), 'Unused-init-3e5d']) expect(all.includes(value) ? value : 'absent').toBe('absent');
    expect(imported.err).toMatch(/3 of them are the old system's public defaults \(harbor-db, harbor-secret-key, keycloak-db\)/);
  });
});

describe('bad input: one error line, nothing written', () => {
  /** A stabilize/1.0 layout written for the test. */
  function oldEnvironments(customer: string): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-legacy-'));
    fs.mkdirSync(path.join(folder, 'base'));
    fs.writeFileSync(path.join(folder, 'base', 'values.yaml'), 'externalAccess:\n  mode: ip\nnfs:\n  server: 10.0.0.6\nkeycloak:\n  adminPassword: Secret-value-1234\n');
    fs.mkdirSync(path.join(folder, 'customers', 'acme'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'customers', 'acme', 'values.yaml'), customer);
    return folder;
  }

  const cases: ReadonlyArray<{ name: string; customer: string; args?: (folder: string) => string[]; code: number; error: RegExp }> = [
    { name: 'an unknown environment', customer: '{}', args: (f) => importArgs(f, 'nope'), code: 2, error: /^error: <environment>: expected one of default, acme \(stabilize\/1\.0 layout\), found "nope"$/ },
    { name: 'a missing folder', customer: '{}', args: (f) => importArgs(path.join(f, 'missing'), 'acme'), code: 2, error: /^error: <old-environments-folder>: expected the folder of the old environments .*, found no folder / },
    { name: 'invalid YAML', customer: 'nfs:\n  server: [unclosed\n', code: 1, error: /^error: .*customers\/acme\/values\.yaml:3: expected valid YAML, found / },
    { name: 'an invalid value', customer: 'externalAccess:\n  ip:\n    address: 10.0.0.5\nnfs:\n  server: nfs_server\n', code: 1, error: /^error: .*customers\/acme\/values\.yaml:5: nfs\.server: expected an IPv4 address .*or a DNS hostname.*, found "nfs_server" \(nothing was written\)$/ },
    { name: 'a password that is no string', customer: 'externalAccess:\n  ip:\n    address: 10.0.0.5\nastrago:\n  mariadb:\n    rootPassword: 12345678\n', code: 1, error: /^error: .*customers\/acme\/values\.yaml:6: astrago\.mariadb\.rootPassword: expected the password as a string .*, found a number/ },
    { name: 'a missing address', customer: '{}', code: 1, error: /^error: .*customers\/acme\/values\.yaml: externalAccess\.ip\.address: expected the address users reach \(required in ip mode\); the old environment leaves it empty: pass --ip, found nothing/ },
    { name: 'an invalid age recipient', customer: 'externalAccess:\n  ip:\n    address: 10.0.0.5\n', args: (f) => ['import', f, 'acme', '--age-recipient', 'age1nope'], code: 2, error: /^error: --age-recipient: expected an age public key \(age1…\), found .* \(nothing was written\)$/ },
    { name: 'an invalid customer name', customer: '{}', args: (f) => importArgs(f, 'acme', '--as', 'Acme'), code: 2, error: /^error: --as: expected a DNS-1123 name/ },
    {
      name: 'a map where a password belongs (an unquoted {{ … }}) is refused by its key, not dropped',
      customer: 'externalAccess:\n  ip:\n    address: 10.0.0.5\nkeycloak:\n  adminPassword: {{ .Values.secret }}\n', code: 1,
      error: /^error: .*customers\/acme\/values\.yaml:5: keycloak\.adminPassword: expected the password as a string \(quote it, so its exact characters are kept\), found a map \(an unquoted \{\{ … \}\}\?\) \(nothing was written\)$/,
    },
    {
      name: 'a password with a control character is refused, the character named',
      customer: 'externalAccess:\n  ip:\n    address: 10.0.0.5\nkeycloak:\n  adminPassword: "Secret\\0value"\n', code: 1,
      error: /^error: .*customers\/acme\/values\.yaml:5: keycloak\.adminPassword: expected text without control characters, found U\+0000 at character 7 \(nothing was written\)$/,
    },
    {
      name: 'an alias bomb is one error line',
      customer: `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(', ')}]\nc: &c [${Array(10).fill('*b').join(', ')}]\nd: [${Array(10).fill('*c').join(', ')}]\n`,
      code: 1, error: /^error: .*customers\/acme\/values\.yaml: expected YAML with at most 1000 alias uses, found more \(an alias bomb\?\)$/,
    },
    { name: 'a file far larger than an environment is refused unread', customer: `# ${'x'.repeat(300 * 1024)}\n`, code: 1, error: /^error: .*customers\/acme\/values\.yaml: expected an environment values file of at most 262144 bytes, found 30\d{4}$/ },
  ];

  test.each(cases)('$name', async ({ customer, args, code, error }) => {
    const folder = oldEnvironments(customer);
    const root = scratchRoot();
    const keys = fs.readdirSync(process.env.ASTRAGO_KEYS_DIR!);
    const session = await run(root, args ? args(folder) : importArgs(folder, 'acme'));
    expect(session.code).toBe(code);
    expect(session.err.split('\n')).toEqual([expect.stringMatching(error)]);
    expect(session.out).toBe('');
    expect(readTree(root)).toEqual({});
    expect(fs.readdirSync(process.env.ASTRAGO_KEYS_DIR!)).toEqual(keys);
    expect(session.err).not.toContain('Secret-value-1234');
  });

  test('old files are read as Helmfile read them: << merge keys merge, yes/on are booleans where a setting is one and text where a password is', async () => {
    const folder = oldEnvironments([
      'externalAccess: {ip: {address: 10.0.0.5}}',
      'shared: &shared',
      '  adminPassword: From-An-Anchor-9',
      'keycloak:',
      '  <<: *shared',
      'astrago:',
      '  oneview:',
      '    enabled: on',
      '  mariadb:',
      '    rootPassword: yes',
    ].join('\n'));
    const root = scratchRoot();
    const session = await run(root, importArgs(folder, 'acme'));
    expect(session.code).toBe(0);
    expect(parse(fs.readFileSync(path.join(root, 'customers', 'acme.yaml'), 'utf8'))).toMatchObject({ astrago: { oneview: { enabled: true } } });
    // The anchor's password wins over base/values.yaml's, as the merge made it.
    expect(await readStoredCredential(root, 'acme', 'keycloak-admin', [IDENTITY])).toBe('From-An-Anchor-9');
    expect(await readStoredCredential(root, 'acme', 'mariadb-root', [IDENTITY])).toBe('yes');
  });

  test('no library warning prints a line of the old file', async () => {
    const warnings = jest.spyOn(process, 'emitWarning');
    try {
      const folder = oldEnvironments('externalAccess: {ip: {address: 10.0.0.5}}\nastrago:\n  extra: {{ .Values.Secret-value-1234 }}\n');
      expect((await run(scratchRoot(), importArgs(folder, 'acme'))).code).toBe(0);
      expect(warnings).not.toHaveBeenCalled();
    } finally {
      warnings.mockRestore();
    }
  });

  test('a file that is not UTF-8 is refused by name, never read with replaced characters', async () => {
    const folder = oldEnvironments('{}');
    fs.writeFileSync(path.join(folder, 'customers', 'acme', 'values.yaml'), Buffer.concat([Buffer.from('keycloak:\n  adminPassword: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const root = scratchRoot();
    const session = await run(root, importArgs(folder, 'acme'));
    expect(session).toMatchObject({ code: 1, err: `error: ${path.join(folder, 'customers', 'acme', 'values.yaml')}: expected UTF-8 text, found bytes that are not (binary data, or text in another encoding such as Latin-1 or EUC-KR)` });
    expect(readTree(root)).toEqual({});
  });

  test('--as runs init\'s checks: a retired name and a .yml twin are refused before anything is written', async () => {
    const folder = oldEnvironments('externalAccess: {ip: {address: 10.0.0.5}}\n');
    const root = scratchRoot();
    fs.mkdirSync(path.join(root, 'customers'));
    fs.writeFileSync(path.join(root, 'customers', 'twin.yml'), 'nfs: {server: x}\n');
    fs.mkdirSync(path.join(root, 'credentials'));
    fs.writeFileSync(path.join(root, 'credentials', 'retired.yaml'), 'retired: [gone]\n');
    const before = readTree(root);
    const twin = await run(root, importArgs(folder, 'acme', '--as', 'twin'));
    expect(twin).toMatchObject({ code: 1, err: 'error: customers/twin.yml: expected no second spelling of customer twin (synth reads only .yaml and refuses both), found one: rename it to customers/twin.yaml or delete it' });
    const retired = await run(root, importArgs(folder, 'acme', '--as', 'gone'));
    expect(retired.code).toBe(1);
    expect(retired.err).toMatch(/^error: credentials\/retired\.yaml: expected a new customer name, found "gone" retired/);
    expect(readTree(root)).toEqual(before);
    const allowed = await run(root, importArgs(folder, 'acme', '--as', 'gone', '--new-credentials'));
    expect(allowed.code).toBe(0);
    expect(fs.readFileSync(path.join(root, 'credentials', 'retired.yaml'), 'utf8')).toMatch(/\nretired: \[\]\n$/);
  });

  test('an address that happens to be 10.0.0.1 is kept: required keys have no default to drop it as', async () => {
    const root = scratchRoot();
    expect((await run(root, importArgs(oldEnvironments('externalAccess: {ip: {address: 10.0.0.1}}\n'), 'acme'))).code).toBe(0);
    expect(parse(fs.readFileSync(path.join(root, 'customers', 'acme.yaml'), 'utf8'))).toMatchObject({ externalAccess: { ip: { address: '10.0.0.1' } } });
  });

  test('each kind of setting lands on its key: access, TLS, NFS, images, offline registry, Keycloak image', async () => {
    const folder = oldEnvironments([
      'externalAccess: {mode: domain, ip: {address: 10.0.0.5}, domain: {name: astrago.acme.example, tls: {enabled: true, secretName: acme-tls}}}',
      'nfs: {basePath: /export/astrago, storageClassName: acme-nfs}',
      'keycloak: {image: {registry: harbor.acme.example, tag: v1.2.0-acme}}',
      'astrago: {imageDefaults: {registry: harbor.acme.example}, components: {core: {tag: core-acme-1}}, global: {imagePullSecrets: [{name: acme-pull}]}, mariadb: {maxLifetime: "1700000"}}',
      'offline: {registry: "192.168.56.11:35000"}',
    ].join('\n'));
    const root = scratchRoot();
    const session = await run(root, importArgs(folder, 'acme'));
    expect(session.code).toBe(0);
    expect(parse(fs.readFileSync(path.join(root, 'customers', 'acme.yaml'), 'utf8'))).toMatchObject({
      externalAccess: { mode: 'domain', ip: { address: '10.0.0.5' }, domain: { name: 'astrago.acme.example', tls: { enabled: true, secretName: 'acme-tls' } } },
      nfs: { server: '10.0.0.6', basePath: '/export/astrago', storageClassName: 'acme-nfs' },
      keycloak: { image: { registry: 'harbor.acme.example', tag: 'v1.2.0-acme' } },
      astrago: {
        dataLayout: 'helmfile', imageDefaults: { registry: 'harbor.acme.example' }, components: { core: { tag: 'core-acme-1' } },
        global: { imagePullSecrets: ['acme-pull'] }, mariadb: { maxLifetime: 1700000 },
      },
      offline: { registry: '192.168.56.11:35000' },
    });
    expect(session.out).toContain('offline.registry → offline.registry = "192.168.56.11:35000"\n');
  });

  test('killed at any instant, an import never leaves a customer file without its credentials', async () => {
    const planned = planImport({ folder: oldEnvironments('externalAccess:\n  ip:\n    address: 10.0.0.5\n'), environment: 'acme', ageRecipients: [SAMPLE_RECIPIENT] });
    if (isRefusal(planned)) throw new Error(planned.problems.join('\n'));
    const root = scratchRoot();
    const storeIsComplete = async () => {
      for (const [credential, value] of Object.entries(planned.credentials)) {
        if (await readStoredCredential(root, 'acme', credential as never, [IDENTITY]) !== value) return false;
      }
      return true;
    };
    const kills = await killAtEachStep(root, async (steps) => { await writeImport(root, planned, steps); }, async () => {
      if (fs.existsSync(path.join(root, 'customers', 'acme.yaml'))) {
        expect(await storeIsComplete()).toBe(true);
      } else if (fs.existsSync(path.join(root, 'credentials', 'acme'))) {
        expect(existingTarget(root, 'acme')).toMatch(/an interrupted import left it/);
      }
      for (const leftover of ['customers', 'credentials']) fs.rmSync(path.join(root, leftover), { recursive: true, force: true });
    });
    expect(kills).toBeGreaterThanOrEqual(6);
    expect(await storeIsComplete()).toBe(true);
    expect(Object.keys(readTree(root)).filter((f) => !f.startsWith('.astrago/')).sort()).toEqual([
      ...Object.keys(planned.credentials).map((c) => `credentials/acme/${c}.yaml`), 'customers/acme.import-report.txt', 'customers/acme.yaml'].sort());
  });

  test('an existing customer is never overwritten', async () => {
    const folder = oldEnvironments('externalAccess:\n  ip:\n    address: 10.0.0.5\n');
    const root = scratchRoot();
    fs.mkdirSync(path.join(root, 'customers'));
    fs.writeFileSync(path.join(root, 'customers', 'acme.yaml'), 'mine\n');
    const session = await run(root, importArgs(folder, 'acme'));
    expect(session.code).toBe(1);
    expect(session.err).toBe('error: customers/acme.yaml: expected no such path (import creates a new customer), found one: pass --as <another name>, or remove it first');
    expect(readTree(root)).toEqual({ 'customers/acme.yaml': 'mine\n' });
  });

  test('every problem of an environment is named, each on its own line', async () => {
    const folder = oldEnvironments('nfs:\n  server: ""\n');
    const session = await run(scratchRoot(), importArgs(folder, 'acme'));
    expect(session.code).toBe(1);
    expect(session.err.split('\n')).toEqual([
      expect.stringMatching(/nfs\.server: expected an IPv4 address or a DNS hostname \(required\); the old environment leaves it empty: pass --nfs-server, found nothing$/),
      expect.stringMatching(/externalAccess\.ip\.address: expected .*pass --ip, found nothing \(nothing was written\)$/),
    ]);
  });

  test('a generated key is named, the report goes to standard output and beside the customer file, an empty password is generated later', async () => {
    const folder = oldEnvironments('externalAccess:\n  ip:\n    address: 10.0.0.5\nharbor:\n  adminPassword: ""\n');
    const root = scratchRoot();
    const session = await run(root, ['import', folder, 'acme']);
    expect(session.code).toBe(0);
    expect(session.err).toContain(`the age key of acme: ${path.join(process.env.ASTRAGO_KEYS_DIR!, 'acme.agekey')}`);
    expect(session.out).toMatch(/^keycloak\.adminPassword → credential keycloak-admin: kept, encrypted$/m);
    expect(session.out.split('\n').filter((l) => l.includes('credential harbor-admin'))).toEqual([
      'harbor.adminPassword → credential harbor-admin: empty in the old environment: the first synth generates it',
    ]);
    expect(Object.keys(readTree(root)).sort()).toEqual(['credentials/acme/keycloak-admin.yaml', 'credentials/acme/keycloak-db.yaml',
      'credentials/acme/harbor-db.yaml', 'credentials/acme/harbor-secret-key.yaml', 'customers/acme.import-report.txt', 'customers/acme.yaml'].sort());
    expect(fs.readFileSync(path.join(root, 'customers/acme.import-report.txt'), 'utf8')).toBe(session.out);
    expect(session.err).toContain('The report is in customers/acme.import-report.txt: commit it with the customer.');
    expect(everything(root, session)).not.toContain('Secret-value-1234');
  });
});
