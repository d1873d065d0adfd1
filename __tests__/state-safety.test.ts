/**
 * The commands that change state outside synth (remove, init, import, the secrets commands) are
 * as safe as synth: one writer at a time, nothing minted twice, nothing lost to an interruption.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Prompts } from '../commands/prompts';
import { reseal, checkSecrets } from '../commands/secrets-command';
import { formatProblem, loadCustomerText } from '../config/load';
import { guard, realSteps } from '../files/file-steps';
import { RETIRED_FILE } from '../model/layout';
import { recoverInterrupted, withWriteLock, writeCustomers } from '../output/write';
import { privateKeyFindings, PUBLIC_TEST_KEY } from '../pipeline/credential-check';
import { loadAll, renderAll, synth } from '../pipeline/synth';
import { MAX_CREDENTIAL_BYTES, readStore } from '../secrets/credential-store';
import { ensureCustomerKey } from '../secrets/operator-key';
import { runCli } from './cli-session';
import { Killed, killAtEachStep } from './fault-injection';
import { readTree, ROOT, SAMPLE_IDENTITY_FILE, SAMPLE_RECIPIENT, scratchRepo } from './helpers';

// Keys `init` generates go to a scratch folder, never to the developer's ~/.config.
process.env.ASTRAGO_KEYS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-keys-'));

const noPrompts: Prompts = {
  input: () => Promise.reject(new Error('no prompt expected')),
  select: () => Promise.reject(new Error('no prompt expected')),
  confirm: () => Promise.reject(new Error('no prompt expected')),
};
const run = (root: string, args: string[]) => runCli(root, args, { interactive: false, prompts: noPrompts });
const quiet = () => undefined;
const git = (repo: string, ...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8', stdio: 'pipe' });
const gitRepo = (repo: string) => {
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  return repo;
};
const ACME = ['init', 'acme', '--ip', '10.0.0.5', '--nfs-server', '10.0.0.6'];
const exists = (repo: string, p: string) => fs.existsSync(path.join(repo, p));

describe('remove', () => {
  test('remove waits for no one: while a synth holds the lock it is refused and deletes nothing', async () => {
    const repo = scratchRepo();
    const before = readTree(repo);
    const r = await withWriteLock(repo, quiet, () => run(repo, ['remove', 'demo', '--yes']));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: \.astrago\/synth\.lock: another synth \(pid \d+ on .+\) is writing this repository; run yours when it has finished/);
    expect(readTree(repo)).toEqual(before);
  });

  test('remove finishes a synth killed mid-swap first, so the removed customer is never written back', async () => {
    const repo = scratchRepo();
    fs.appendFileSync(path.join(repo, 'customers/demo.yaml'), 'monitoring: {retention: 2d}\n');
    const outputs = await renderAll(repo, loadAll(repo, quiet, 'demo'));
    // Killed right after the commit point: demo's new tree waits in .astrago/staging/demo.ready.
    const real = realSteps(repo);
    const killed = { ...real, rename: (from: string, to: string) => {
      real.rename(from, to);
      if (to.endsWith('demo.ready')) throw new Killed('killed after the commit point');
    } };
    expect(() => writeCustomers(repo, outputs, killed)).toThrow(Killed);
    expect(exists(repo, '.astrago/staging/demo.ready')).toBe(true);

    const r = await run(repo, ['remove', 'demo', '--yes']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^recovered demo: finished writing dist\/demo\/ from an interrupted synth$/m);
    for (const gone of ['customers/demo.yaml', 'credentials/demo', 'dist/demo', 'flux/demo/astrago.yaml']) expect([gone, exists(repo, gone)]).toEqual([gone, false]);
    expect(fs.readdirSync(path.join(repo, '.astrago/staging'))).toEqual([]);
    expect(await synth({ root: repo, log: quiet })).toBe(0);
    expect(exists(repo, 'dist/demo')).toBe(false);
  });
});

describe('the mint guard never switches off silently', () => {
  test('remove records the name in the repository; init of it is refused without git history, and --new-credentials says what it means', async () => {
    const repo = scratchRepo();
    expect((await run(repo, [...ACME])).code).toBe(0);
    expect((await run(repo, ['remove', 'acme', '--yes'])).code).toBe(0);
    expect(fs.readFileSync(path.join(repo, RETIRED_FILE), 'utf8')).toMatch(/\nretired:\n {2}- acme\n$/);
    const before = readTree(repo);

    const refused = await run(repo, [...ACME]);
    expect(refused).toMatchObject({ code: 1, err: `error: ${RETIRED_FILE}: expected a new customer name, found "acme" retired (\`npx astrago remove\` deleted it; `
      + 'git history keeps its credentials: `git log -- credentials/acme`); choose another name, or pass --new-credentials to give it new credentials '
      + '(data the old installation left, e.g. its databases, will not open with them)' });
    expect(readTree(repo)).toEqual(before);

    const again = await run(repo, [...ACME, '--new-credentials']);
    expect(again.code).toBe(0);
    expect(exists(repo, 'credentials/acme/grafana-admin.yaml')).toBe(true);
    expect(fs.readFileSync(path.join(repo, RETIRED_FILE), 'utf8')).toMatch(/\nretired: \[\]\n$/);
  });

  test('a retired name whose customer file comes back is refused by synth too, even with complete history', async () => {
    const repo = scratchRepo();
    const file = fs.readFileSync(path.join(repo, 'customers/demo.yaml'), 'utf8');
    expect((await run(repo, ['remove', 'demo', '--yes'])).code).toBe(0);
    gitRepo(repo);
    fs.writeFileSync(path.join(repo, 'customers/demo.yaml'), file);
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
    expect(log.join('\n')).toMatch(/^error: credentials\/demo\/[\w-]+\.yaml: expected no new credential for customer "demo", found the name retired in credentials\/retired\.yaml/m);
    expect(exists(repo, 'credentials/demo')).toBe(false);
  });

  /** A merge lost both the store entry and the Secret that held it. */
  const lose = (repo: string) => {
    fs.rmSync(path.join(repo, 'credentials/seoul-lab/grafana-admin.yaml'));
    fs.rmSync(path.join(repo, 'dist/seoul-lab/monitoring/controllers/secret-prometheus-grafana-admin.yaml'));
    return repo;
  };
  for (const [where, checkout, found] of [
    ['a shallow clone', (repo: string) => {
      // The loss is committed after the store was, and the clone's one commit does not show the store.
      gitRepo(repo);
      lose(repo);
      git(repo, 'commit', '-q', '-a', '-m', 'a merge that lost it');
      const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-shallow-'));
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, clone], { stdio: 'pipe' });
      return clone;
    }, 'a shallow clone \\(run `git fetch --unshallow`\\)'],
    ['a copy without .git', lose, 'no git history \\(a copy without \\.git\\)'],
  ] as const) {
    test(`in ${where}, a credential missing from a synthesized customer is not minted: the error says why and how to allow it`, async () => {
      const repo = checkout(scratchRepo());
      const log: string[] = [];
      expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
      expect(log).toEqual([expect.stringMatching(new RegExp('^error: credentials/seoul-lab/grafana-admin\\.yaml: expected git history to show whether credential "grafana-admin" '
        + `of seoul-lab \\(which has dist/seoul-lab, flux/seoul-lab/astrago\\.yaml\\) was stored before, found ${found}; run it in a full clone, or pass `
        + '--new-credentials seoul-lab to `npx astrago synth` \\(or `init`\\) to generate it anyway: a new value, so anything that still holds the old one'))]);
      expect(exists(repo, 'credentials/seoul-lab/grafana-admin.yaml')).toBe(false);
      expect(await run(repo, ['synth', '--new-credentials', 'seoul-labs'])).toMatchObject({ code: 2, err: expect.stringMatching(/^error: customer "seoul-labs": expected one of .*seoul-lab/) });
      expect(exists(repo, 'credentials/seoul-lab/grafana-admin.yaml')).toBe(false);
      const allowed = await run(repo, ['synth', '--new-credentials', 'seoul-lab']);
      expect(allowed.code).toBe(0);
      expect(exists(repo, 'credentials/seoul-lab/grafana-admin.yaml')).toBe(true);
    });
  }
});

describe('messages that name the right thing', () => {
  test('a denied permission while swapping a tree names dist/<customer>, not a staging path', async () => {
    const repo = scratchRepo();
    fs.appendFileSync(path.join(repo, 'customers/demo.yaml'), 'monitoring: {retention: 2d}\n');
    const outputs = await renderAll(repo, loadAll(repo, quiet, 'demo'));
    const real = realSteps(repo);
    // A read-only dist/ (as root, chmod does not stop us: the errno is injected where the kernel gives it).
    const readOnlyDist = { ...real, rename: (from: string, to: string) => (from === 'dist/demo'
      ? guard(to, () => { throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }); })
      : real.rename(from, to)) };
    expect(() => writeCustomers(repo, outputs, readOnlyDist)).toThrow(/^dist\/demo: EACCES \(permission denied\)$/);
  });

  test('a key error shared by every customer is printed once, not once per customer', async () => {
    const repo = scratchRepo();
    const saved = process.env.SOPS_AGE_KEY_FILE;
    process.env.SOPS_AGE_KEY_FILE = '/no/such/key.agekey';
    try {
      const log: string[] = [];
      expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
      expect(log).toEqual(['error: SOPS_AGE_KEY_FILE /no/such/key.agekey: ENOENT (no such file or folder) (nothing was written, dist/ is unchanged)']);
    } finally {
      if (saved === undefined) delete process.env.SOPS_AGE_KEY_FILE;
      else process.env.SOPS_AGE_KEY_FILE = saved;
    }
  });

  test('a customer file with an unquoted {{ … }} is an error line, and no library warning prints its text', () => {
    const warnings = jest.spyOn(process, 'emitWarning');
    try {
      const loaded = loadCustomerText('nfs:\n  server: {{ .Values.nfs }}\n', 'acme', 'customers/acme.yaml');
      expect(loaded.config).toBeUndefined();
      expect(loaded.errors.map(formatProblem)).toContainEqual(expect.stringMatching(/^customers\/acme\.yaml:2: nfs\.server: expected /));
      expect(warnings).not.toHaveBeenCalled();
    } finally {
      warnings.mockRestore();
    }
  });

  test('an init flag error names the flag, not a line of a file that does not exist yet', async () => {
    const repo = scratchRepo();
    const r = await run(repo, [...ACME, '--age-recipient', 'age1bogus']);
    expect(r).toMatchObject({ code: 2, err: 'error: --age-recipient: expected an age public key (age1…), found a text of 9 characters' });
    expect(exists(repo, 'customers/acme.yaml')).toBe(false);
  });

  test('conflict markers in a customer file or a store entry are named as such, with how to resolve them', async () => {
    const repo = scratchRepo();
    const file = path.join(repo, 'customers/demo.yaml');
    fs.appendFileSync(file, '<<<<<<< HEAD\nmonitoring: {retention: 2d}\n=======\nmonitoring: {retention: 3d}\n>>>>>>> feature\n');
    const line = fs.readFileSync(file, 'utf8').split('\n').indexOf('<<<<<<< HEAD') + 1;
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
    expect(log[0]).toBe(`error: customers/demo.yaml:${line}: (file): expected one version of each setting, found merge conflict markers of git `
      + '(<<<<<<<, =======, >>>>>>>): resolve the conflict, keeping one side or combining both, delete the marker lines, then `git add` the file (nothing was written, dist/ is unchanged)');

    const repo2 = scratchRepo();
    const entry = path.join(repo2, 'credentials/demo/grafana-admin.yaml');
    const text = fs.readFileSync(entry, 'utf8');
    fs.writeFileSync(entry, `<<<<<<< HEAD\n${text}=======\n${text}>>>>>>> feature\n`);
    const log2: string[] = [];
    expect(await synth({ root: repo2, log: (l) => log2.push(l) })).toBe(1);
    expect(log2[0]).toMatch(/^error: credentials\/demo\/grafana-admin\.yaml: expected one encrypted document, found merge conflict markers of git at line 1 .*take one side whole \(`git checkout --ours` or `--theirs` -- the file\)/);
  });
});

describe('secrets rekey', () => {
  const CUSTOMER = 'seoul-lab';
  const copyState = (from: string, to: string) => {
    for (const sub of ['customers', 'credentials', 'dist', 'flux', '.astrago']) {
      fs.rmSync(path.join(to, sub), { recursive: true, force: true });
      if (fs.existsSync(path.join(from, sub))) fs.cpSync(path.join(from, sub), path.join(to, sub), { recursive: true });
    }
  };
  const withKey = async <T>(keyFile: string, body: () => Promise<T>): Promise<T> => {
    const saved = process.env.SOPS_AGE_KEY_FILE;
    process.env.SOPS_AGE_KEY_FILE = keyFile;
    try {
      return await body();
    } finally {
      if (saved === undefined) delete process.env.SOPS_AGE_KEY_FILE;
      else process.env.SOPS_AGE_KEY_FILE = saved;
    }
  };

  test('with one customer\'s key, secrets check verifies that customer and does not fail on the others; a key of no customer is one error', async () => {
    const age: typeof import('age-encryption') = require('age-encryption');
    const identity = await age.generateX25519Identity();
    const recipient = await age.identityToRecipient(identity);
    const repo = scratchRepo();
    const file = path.join(repo, 'customers', `${CUSTOMER}.yaml`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`[${SAMPLE_RECIPIENT}]`, `[${recipient}]`));
    expect(await withKey(SAMPLE_IDENTITY_FILE, () => reseal(repo, CUSTOMER, { rekey: true }, quiet))).toBe(0);

    const log: string[] = [];
    expect(await checkSecrets(repo, (l) => log.push(l), [identity])).toBe(0);
    expect(log).toEqual([`credentials intact: store and dist/ agree, no plaintext, the MACs of ${CUSTOMER} verify (not those of demo, factory, plant: the key given is not theirs)`]);
    const stranger = await age.generateX25519Identity();
    const wrong: string[] = [];
    expect(await checkSecrets(repo, (l) => wrong.push(l), [stranger])).toBe(1);
    expect(wrong).toEqual(['error: SOPS_AGE_KEY_FILE / SOPS_AGE_KEY: expected the age key of at least one customer, found none that opens any credential (a key of another repository?)', '1 problem(s)']);
  });

  test('killed at any step, rekey leaves the store wholly old or wholly new; a rerun finishes it with the old key, and with the new one once the store is new', async () => {
    const age: typeof import('age-encryption') = require('age-encryption');
    const identity = await age.generateX25519Identity();
    const recipient = await age.identityToRecipient(identity);
    const newKeyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-newkey-')), 'new.agekey');
    fs.writeFileSync(newKeyFile, `${identity}\n`);
    const repo = scratchRepo();
    // Only the customer: each kill point is replayed from a copy.
    for (const sub of ['customers', 'credentials', 'dist', 'flux']) {
      const others = fs.readdirSync(path.join(repo, sub)).filter((e) => !e.startsWith(CUSTOMER));
      for (const entry of others) fs.rmSync(path.join(repo, sub, entry), { recursive: true });
    }
    const file = path.join(repo, 'customers', `${CUSTOMER}.yaml`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`[${SAMPLE_RECIPIENT}]`, `[${recipient}]`));
    const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-snapshot-'));
    copyState(repo, snapshot);
    const outputs = await withKey(SAMPLE_IDENTITY_FILE, () => renderAll(repo, loadAll(repo, quiet, CUSTOMER), () => ({ rekey: true })));

    /** The recipients of the whole store: one set for every entry, never a mix. */
    const storeState = () => {
      const sets = new Set([...readStore(repo, CUSTOMER).values()].map((e) => e.recipients.join(',')));
      expect([...sets].length).toBe(1);
      return sets.has(recipient) ? 'new' : 'old';
    };
    const states = new Set<string>();
    const steps = await killAtEachStep(repo, (s) => writeCustomers(repo, outputs, s), async () => {
      recoverInterrupted(repo);
      const state = storeState();
      if (!states.has(state)) {
        states.add(state);
        const killed = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-killed-'));
        copyState(repo, killed);
        for (const key of state === 'new' ? [SAMPLE_IDENTITY_FILE, newKeyFile] : [SAMPLE_IDENTITY_FILE]) {
          copyState(killed, repo);
          expect([state, key, await withKey(key, () => reseal(repo, CUSTOMER, { rekey: true }, quiet))]).toEqual([state, key, 0]);
          expect(storeState()).toBe('new');
          const secrets = Object.entries(readTree(path.join(repo, 'dist', CUSTOMER))).filter(([f]) => path.basename(f).startsWith('secret-'));
          for (const [name, text] of secrets) expect([name, text.includes(`recipient: ${recipient}`), text.includes(SAMPLE_RECIPIENT)]).toEqual([name, true, false]);
        }
      }
      copyState(snapshot, repo);
    });
    expect(steps).toBeGreaterThan(20);
    expect([...states].sort()).toEqual(['new', 'old']);
  });
});

describe('operator keys', () => {
  test('two runs creating one customer\'s key at once end with one key, which both use: it is never overwritten', async () => {
    const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-keys-'));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-repo-'));
    // Both check for the file before either writes it: the old check-then-write lost the first key.
    const [a, b] = await Promise.all([ensureCustomerKey('acme', root, { ASTRAGO_KEYS_DIR: keys }), ensureCustomerKey('acme', root, { ASTRAGO_KEYS_DIR: keys })]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(b.recipient).toBe(a.recipient);
    const age: typeof import('age-encryption') = require('age-encryption');
    const onDisk = fs.readFileSync(path.join(keys, 'acme.agekey'), 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
    expect(await age.identityToRecipient(onDisk)).toBe(a.recipient);
    expect(fs.readdirSync(keys)).toEqual(['acme.agekey']);
  });

  test('a key file without a key is refused, never replaced', async () => {
    const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-keys-'));
    fs.writeFileSync(path.join(keys, 'acme.agekey'), '# key moved to the password manager\n');
    await expect(ensureCustomerKey('acme', fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-repo-')), { ASTRAGO_KEYS_DIR: keys })).rejects.toThrow(
      `${keys}/acme.agekey: expected an age identity (AGE-SECRET-KEY-1…), found none; it is never overwritten: restore the key, or move the file away to generate a new one`);
    expect(fs.readFileSync(path.join(keys, 'acme.agekey'), 'utf8')).toBe('# key moved to the password manager\n');
  });

  test('a key folder inside the repository is refused before anything is written', async () => {
    const repo = scratchRepo();
    const saved = process.env.ASTRAGO_KEYS_DIR;
    process.env.ASTRAGO_KEYS_DIR = path.join(repo, 'keys');
    try {
      const before = readTree(repo);
      const r = await run(repo, [...ACME]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`error: ASTRAGO_KEYS_DIR ${repo}/keys: expected a folder outside the repository (a private key there is one \`git add\` away from being published), `
        + `found it inside ${fs.realpathSync(repo)}; point ASTRAGO_KEYS_DIR elsewhere, e.g. ~/.config/astrago/keys`);
      expect(readTree(repo)).toEqual(before);
    } finally {
      process.env.ASTRAGO_KEYS_DIR = saved;
    }
  });

  test('secrets check fails on a private age key anywhere git would commit, or anywhere in a copy without git', async () => {
    const key = await (require('age-encryption') as typeof import('age-encryption')).generateX25519Identity();
    const repo = scratchRepo();
    fs.copyFileSync(path.join(ROOT, '.gitignore'), path.join(repo, '.gitignore'));
    fs.writeFileSync(path.join(repo, 'notes.txt'), `the key of acme:\n${key}\n`);
    const finding = (file: string) => `${file}: expected no age private key in the repository (whoever reads it decrypts every credential encrypted for it), found one (AGE-SECRET-KEY-1…); `
      + 'move the file out of the work tree (e.g. to ~/.config/astrago/keys); if it was ever committed or pushed, treat the key as public: '
      + 'generate a new one, put its public key in secrets.ageRecipients and run `npx astrago secrets rekey <customer>`';
    expect(privateKeyFindings(repo)).toEqual([finding('notes.txt')]);
    const log: string[] = [];
    expect(await checkSecrets(repo, (l) => log.push(l), [])).toBe(1);
    expect(log).toContain(`error: ${finding('notes.txt')}`);

    // In git: tracked and untracked files count; *.agekey is ignored (.gitignore), so never committed by mistake.
    gitRepo(repo);
    fs.mkdirSync(path.join(repo, 'keys'));
    fs.writeFileSync(path.join(repo, 'keys', 'acme.agekey'), `${key}\n`);
    fs.writeFileSync(path.join(repo, 'customers', 'draft.txt'), `${key}\n`);
    expect(privateKeyFindings(repo)).toEqual([finding('customers/draft.txt'), finding('notes.txt')]);
    // This repository: only the samples' public test key, excepted by name and by a `!` rule of .gitignore.
    expect(privateKeyFindings(ROOT)).toEqual([]);
    expect(execFileSync('git', ['-C', ROOT, 'check-ignore', '-v', 'any/acme.agekey'], { encoding: 'utf8' })).toMatch(/^\.gitignore:\d+:\*\.agekey\t/);
    expect(() => execFileSync('git', ['-C', ROOT, 'check-ignore', PUBLIC_TEST_KEY], { stdio: 'pipe' })).toThrow();
  });
});

describe('credential values', () => {
  /** `npx astrago secrets set demo grafana-admin` (read at every start: no service to change first) in `repo`, the value piped on standard input as bytes. */
  const setFromStdin = (repo: string, input: Buffer) => spawnSync(process.execPath, ['-e',
    `require(${JSON.stringify(path.join(ROOT, 'bin/register'))}); require(${JSON.stringify(path.join(ROOT, 'commands/cli'))}).main(['node', 'astrago', 'secrets', 'set', 'demo', 'grafana-admin'], ${JSON.stringify(repo)})`,
  ], { input, encoding: 'utf8', env: { ...process.env, SOPS_AGE_KEY_FILE: SAMPLE_IDENTITY_FILE } });

  test('secrets set refuses a value that is not UTF-8, holds a control character or outgrows a Secret; nothing is written', () => {
    const repo = scratchRepo();
    const before = readTree(repo);
    const cases: Array<[Buffer, string]> = [
      [Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'standard input: expected UTF-8 text, found bytes that are not (binary data, or text in another encoding such as Latin-1 or EUC-KR)'],
      [Buffer.from('abc\0def'), 'standard input: expected text without control characters, found U+0000 at character 4'],
      [Buffer.from('two\nlines\n'), 'standard input: expected text without control characters, found U+000A at character 4'],
      [Buffer.alloc(MAX_CREDENTIAL_BYTES + 1, 'a'), `standard input: expected at most ${MAX_CREDENTIAL_BYTES} bytes (an encrypted Secret must stay under the API server's 1 MiB), found ${MAX_CREDENTIAL_BYTES + 1}`],
      // Far more than a value may hold: reading stops there.
      [Buffer.alloc(8 * 1024 * 1024, 'a'), `standard input: expected at most ${MAX_CREDENTIAL_BYTES} bytes (an encrypted Secret must stay under the API server's 1 MiB), found more`],
    ];
    for (const [input, error] of cases) {
      const r = setFromStdin(repo, input);
      expect([r.status, r.stderr]).toEqual([2, `error: ${error}\n`]);
    }
    expect(readTree(repo)).toEqual(before);
  });

  test('the store refuses such a value from any command (rotate, import, set): the credential named, the value never shown', async () => {
    for (const [value, problem] of [['a\u0007b', 'expected text without control characters, found U+0007 at character 2'], ['x'.repeat(MAX_CREDENTIAL_BYTES + 1), `expected at most ${MAX_CREDENTIAL_BYTES} bytes`]]) {
      const repo = scratchRepo();
      const log: string[] = [];
      expect(await reseal(repo, 'demo', { newValues: { 'grafana-admin': value } }, (l) => log.push(l), 'grafana-admin')).toBe(1);
      expect(log).toEqual([expect.stringContaining(`error: credentials/demo/grafana-admin.yaml: credential "grafana-admin": ${problem}`)]);
    }
  });
});
