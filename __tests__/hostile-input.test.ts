import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommanderError } from 'commander';
import { buildProgram } from '../commands/cli';
import type { Io } from '../commands/io';
import { guard, realSteps } from '../files/file-steps';
import { writeCustomers } from '../output/write';
import { loadAll, NOTHING_WRITTEN, renderAll, synth } from '../pipeline/synth';
import { ensureCustomerKey } from '../secrets/operator-key';
import { MINIMAL, readTree, SAMPLE_IDENTITY_FILE, SAMPLE_RECIPIENT, scratchRepo } from './helpers';

const trees = (repo: string) => ({ ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')), ...readTree(path.join(repo, 'credentials')) });
const customers = (repo: string, file: string) => path.join(repo, 'customers', file);
const BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
/** Nothing of these may ever reach the terminal. */
const NEVER_PRINTED = /AGE-SECRET-KEY-1[0-9A-Z]{8}|hunter2|Hunter2|\n\s+at /;

describe('hostile customer files and damaged store entries: one error line, nothing echoed, nothing written', () => {
  test.each<[string, (repo: string) => void, RegExp]>([
    ['a symbolic link to a private key', (r) => fs.symlinkSync(SAMPLE_IDENTITY_FILE, customers(r, 'evil.yaml')),
      /^error: customers\/evil\.yaml: \(file\): expected a regular file inside customers\/ \(no symbolic link, no folder\), found a symbolic link$/],
    ['a broken symbolic link', (r) => fs.symlinkSync('/nonexistent/x.yaml', customers(r, 'gone.yaml')), /^error: customers\/gone\.yaml: .*found a symbolic link$/],
    ['a folder named like a customer file', (r) => fs.mkdirSync(customers(r, 'folder.yaml')), /^error: customers\/folder\.yaml: .*found a folder$/],
    ['a .yml beside the .yaml', (r) => fs.copyFileSync(customers(r, 'demo.yaml'), customers(r, 'demo.yml')),
      /^error: customers\/demo\.yml: \(file\): expected one file per customer \(customers\/demo\.yaml is the one synth reads\), found both customers\/demo\.yaml and customers\/demo\.yml: delete one$/],
    ['a lone .yml', (r) => fs.writeFileSync(customers(r, 'other.yml'), MINIMAL),
      /^error: customers\/other\.yml: \(file\): expected the extension \.yaml, found \.yml: rename it to customers\/other\.yaml$/],
    ['a YAML alias bomb', (r) => fs.writeFileSync(customers(r, 'bomb.yaml'), BOMB),
      /^error: customers\/bomb\.yaml: \(file\): expected YAML with at most 100 alias uses, found more \(an alias bomb\?\)$/],
    ['an NFS path leaving the export', (r) => fs.writeFileSync(customers(r, 'nfs.yaml'), MINIMAL.replace('nfs: {server: 10.0.0.6}', 'nfs: {server: 10.0.0.6, basePath: /srv/../etc}')),
      /^error: customers\/nfs\.yaml:2: nfs\.basePath: expected an absolute path without "\.\.", control or invisible characters, such as \/kube_storage, found "\/srv\/\.\.\/etc"$/],
    ['an NFS path with a control character', (r) => fs.writeFileSync(customers(r, 'nfs.yaml'), MINIMAL.replace('nfs: {server: 10.0.0.6}', 'nfs: {server: 10.0.0.6, basePath: "/srv\\nx"}')),
      /^error: customers\/nfs\.yaml:2: nfs\.basePath: expected an absolute path without/],
    ['a password in the Git URL', (r) => fs.writeFileSync(customers(r, 'url.yaml'), `${MINIMAL}offline: {git: "https://bob:hunter2@git.local/gitops.git"}\n`),
      /^error: customers\/url\.yaml:4: offline\.git: expected a URL starting with .* without credentials, query or fragment \(dist\/ is committed in plain text: .*, found "https:\/\/\*\*\*@git\.local\/gitops\.git"$/],
    ['a token as the user of the Git URL', (r) => fs.writeFileSync(customers(r, 'url.yaml'), `${MINIMAL}offline: {git: "https://hunter2@git.local/gitops.git"}\n`),
      /^error: customers\/url\.yaml:4: offline\.git: expected a URL starting with .* without credentials/],
    ['a token in the query of the Git URL', (r) => fs.writeFileSync(customers(r, 'url.yaml'), `${MINIMAL}offline: {git: "https://git.local/gitops.git?private_token=hunter2"}\n`),
      /^error: customers\/url\.yaml:4: offline\.git: expected a URL starting with .* without credentials, query or fragment .*, found "https:\/\/git\.local\/gitops\.git\?\*\*\*"$/],
    ['a token in the fragment of the Git URL', (r) => fs.writeFileSync(customers(r, 'url.yaml'), `${MINIMAL}offline: {git: "https://git.local/gitops.git#hunter2"}\n`),
      /^error: customers\/url\.yaml:4: offline\.git: expected a URL starting with .* without credentials, query or fragment/],
    ['a password before the mirror registry', (r) => fs.writeFileSync(customers(r, 'reg.yaml'), `${MINIMAL}offline: {registry: "robot:hunter2@registry.local:5000/astrago"}\n`),
      /^error: customers\/reg\.yaml:4: offline\.registry: expected a registry .*, found "\*\*\*@registry\.local:5000\/astrago"$/],
    ['a password typed in the wrong place', (r) => fs.writeFileSync(customers(r, 'typo.yaml'), MINIMAL.replace(/ageRecipients: \[\w+\]/, 'ageRecipients: [Hunter2-Password]')),
      /^error: customers\/typo\.yaml:3: secrets\.ageRecipients\.0: expected .*, found a text of 16 characters$/],
    ['a store entry cut in half', (r) => {
      const file = path.join(r, 'credentials', 'demo', 'harbor-admin.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 1500));
    }, /^error: credentials\/demo\/harbor-admin\.yaml: (expected one valid YAML document|expected sops metadata|sops\.)/],
  ])('%s', async (_what, hostile, expected) => {
    const repo = scratchRepo();
    hostile(repo);
    const before = trees(repo);
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
    const errors = log.filter((l) => l.startsWith('error:'));
    // One line: the problem, then what it means.
    expect(errors).toHaveLength(1);
    expect(errors[0].endsWith(` (${NOTHING_WRITTEN})`)).toBe(true);
    expect(errors[0].slice(0, -` (${NOTHING_WRITTEN})`.length)).toMatch(expected);
    expect(log.join('\n')).not.toMatch(NEVER_PRINTED);
    expect(trees(repo)).toEqual(before);
  });
});

/** An old environments folder (stabilize layout) whose environment file holds a private age key. */
function keyAsEnvironment(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-legacy-'));
  fs.mkdirSync(path.join(dir, 'base'));
  fs.mkdirSync(path.join(dir, 'customers', 'x'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'base', 'values.yaml'), 'keycloak: {}\n');
  fs.writeFileSync(path.join(dir, 'customers', 'x', 'values.yaml'), fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').filter((l) => l.startsWith('AGE-SECRET-KEY-1')).join('\n'));
  return dir;
}

async function cli(root: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const io: Io = { out: () => undefined, err: (l) => err.push(l), interactive: false, prompts: {} as Io['prompts'] };
  const saved = { code: process.exitCode, env: { ...process.env } };
  Object.assign(process.env, env);
  let code: number;
  try {
    await buildProgram(root, io).parseAsync(['node', 'astrago', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 2;
  } finally {
    process.exitCode = saved.code;
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved.env);
  }
  return { code, err: err.join('\n') };
}

describe('hostile command lines: one error line and the documented exit code', () => {
  test.each<[string, string[], Record<string, string>, number, RegExp]>([
    ['a path as customer name', ['render', '../customers/demo'], {}, 2, /^error: <customer>: expected a customer name \(a DNS-1123 name such as acme\), found "\.\.\/customers\/demo"/],
    ['a path among customer names', ['validate', 'demo', 'a/b'], {}, 2, /^error: <customer>: expected a customer name/],
    ['a key that is an object property', ['explain', 'demo', 'constructor'], {}, 2, /^error: constructor: expected one of the keys: /],
    ['a password where the credential name goes', ['secrets', 'set', 'demo', 'Hunter2-Password'], {}, 2,
      /^error: <credential>: expected one of .*, found another word of 16 characters \(not echoed: it may be a value typed in the wrong place\)$/],
    ['an old environment whose values file is a key', ['import', keyAsEnvironment(), 'x', '--age-recipient', SAMPLE_RECIPIENT], {}, 1,
      /^error: .*\/customers\/x\/values\.yaml:1: expected a map of values, found a text of \d+ characters$/],
    ['a malformed SOPS_AGE_KEY', ['secrets', 'check'], { SOPS_AGE_KEY: 'AGE-SECRET-KEY-1hunter2' }, 1,
      /^error: SOPS_AGE_KEY: line 1: expected an age identity \(AGE-SECRET-KEY-1 and 58 characters\) or a # comment, found another text$/],
    ['a missing SOPS_AGE_KEY_FILE', ['secrets', 'check'], { SOPS_AGE_KEY_FILE: '/nonexistent/key' }, 1,
      /^error: SOPS_AGE_KEY_FILE \/nonexistent\/key: ENOENT \(no such file or folder\)$/],
  ])('%s', async (_what, args, env, code, expected) => {
    const repo = scratchRepo();
    const before = trees(repo);
    const run = await cli(repo, args, env);
    expect(run.code).toBe(code);
    expect(run.err.split('\n')[0]).toMatch(expected);
    expect(run.err.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(run.err).not.toMatch(NEVER_PRINTED);
    expect(trees(repo)).toEqual(before);
  });
});

describe('file-system failures and key files', () => {
  test.each(['ENOSPC', 'EIO', 'EACCES'])('%s while writing is one line naming the path, and dist/ is unchanged', async (code) => {
    const repo = scratchRepo();
    fs.appendFileSync(customers(repo, 'demo.yaml'), 'monitoring: {retention: 2d}\n');
    const before = trees(repo);
    const outputs = await renderAll(repo, loadAll(repo, () => undefined));
    const real = realSteps(repo);
    const failing = { ...real, writeFile: (file: string, content: string) => real.writeFile(file.endsWith('kube-prometheus-stack.yaml') ? '/' : file, content) };
    // Writing to "/" as a file fails for real (EISDIR); the errno the user's disk gives is mimicked below.
    expect(() => writeCustomers(repo, outputs, failing)).toThrow(/^\/: EISDIR \(is a folder, expected a file\)$/);
    const injected = { ...real, writeFile: (file: string) => guard(file, () => { throw Object.assign(new Error(`${code}: from the disk`), { code }); }) };
    expect(() => writeCustomers(repo, outputs, injected)).toThrow(new RegExp(`^\\.astrago/staging/demo\\.partial/\\S+: ${code} \\(.+\\)$`));
    expect(trees(repo)).toEqual(before);
  });

  test('a failure of the file system during synth is one error line, exit 1', async () => {
    const repo = scratchRepo();
    fs.writeFileSync(path.join(repo, '.astrago'), '');
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
    expect(log).toEqual([expect.stringMatching(/^error: \.astrago: E[A-Z]+ \(.+\)$/)]);
  });

  test('init makes an existing key file readable by its owner only', async () => {
    const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-keys-'));
    const file = path.join(keys, 'acme.agekey');
    fs.copyFileSync(SAMPLE_IDENTITY_FILE, file);
    fs.chmodSync(file, 0o644);
    const key = await ensureCustomerKey('acme', scratchRepo(), { ASTRAGO_KEYS_DIR: keys });
    expect(key.created).toBe(false);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const fresh = await ensureCustomerKey('other', scratchRepo(), { ASTRAGO_KEYS_DIR: keys });
    expect(fs.statSync(fresh.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(keys).mode & 0o777).toBe(0o700);
  });
});
