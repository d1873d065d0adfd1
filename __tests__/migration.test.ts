import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CREDENTIAL_NAMES } from '../catalog/credentials';
import { synth } from '../pipeline/synth';
import { readStoredCredential } from '../secrets/credential-store';
import { readTree, ROOT, SAMPLE_IDENTITY_FILE, SAMPLES, scratchRepo } from './helpers';

const IDENTITY = fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
const trees = (repo: string) => ({ ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) });
const git = (repo: string, ...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8', stdio: 'pipe' });
const commit = (repo: string, message: string) => {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
};

/** A repository as it was before the credential store: the credentials only in dist/. */
function preStoreRepo(): string {
  const repo = scratchRepo();
  fs.rmSync(path.join(repo, 'credentials'), { recursive: true });
  return repo;
}

async function synthWith(repo: string, keyFile: string | undefined, log: string[] = []): Promise<number> {
  const saved = process.env.SOPS_AGE_KEY_FILE;
  if (keyFile) process.env.SOPS_AGE_KEY_FILE = keyFile;
  else delete process.env.SOPS_AGE_KEY_FILE;
  try {
    return await synth({ root: repo, log: (l) => log.push(l) });
  } finally {
    if (saved === undefined) delete process.env.SOPS_AGE_KEY_FILE;
    else process.env.SOPS_AGE_KEY_FILE = saved;
  }
}

/** Deletes dist/ and synthesizes with `keyFile`: dist/ and flux/ come back byte for byte. */
async function expectRebuiltWithoutDist(repo: string, keyFile: string | undefined): Promise<void> {
  const before = trees(repo);
  fs.rmSync(path.join(repo, 'dist'), { recursive: true });
  expect(await synthWith(repo, keyFile)).toBe(0);
  expect(trees(repo)).toEqual(before);
}

describe('migration to the credential store', () => {
  test('a tree from before the store moves into it with every dist/ file unchanged; without the key nothing is written', async () => {
    const repo = preStoreRepo();
    const before = trees(repo);
    const log: string[] = [];
    expect(await synthWith(repo, undefined, log)).toBe(1);
    expect(log[0]).toMatch(/^error: dist\/demo\/\S+: expected an age identity of this customer in SOPS_AGE_KEY_FILE or SOPS_AGE_KEY to move credential "[\w-]+" into credentials\/demo\/[\w-]+\.yaml/);
    expect(fs.existsSync(path.join(repo, 'credentials'))).toBe(false);

    expect(await synthWith(repo, SAMPLE_IDENTITY_FILE)).toBe(0);
    expect(trees(repo)).toEqual(before);
    for (const customer of SAMPLES) {
      for (const credential of CREDENTIAL_NAMES) {
        expect([customer, credential, await readStoredCredential(repo, customer, credential, [IDENTITY])])
          .toEqual([customer, credential, await readStoredCredential(ROOT, customer, credential, [IDENTITY])]);
      }
    }
    // From now on no key is needed, even for a deleted dist/.
    await expectRebuiltWithoutDist(repo, undefined);
  });

  test('a deleted dist/ of a tree from before the store is migrated from git HEAD', async () => {
    const repo = preStoreRepo();
    git(repo, 'init', '-q');
    commit(repo, 'before the store');
    await expectRebuiltWithoutDist(repo, SAMPLE_IDENTITY_FILE);
  });

  test('a store file deleted in git history is never minted again; the printed command restores it', async () => {
    const repo = scratchRepo();
    git(repo, 'init', '-q');
    commit(repo, 'base');
    const file = 'credentials/seoul-lab/grafana-admin.yaml';
    git(repo, 'rm', '-q', file);
    commit(repo, 'a merge that lost it');
    const before = trees(repo);
    const log: string[] = [];
    expect(await synthWith(repo, SAMPLE_IDENTITY_FILE, log)).toBe(1);
    const [, restore] = /restore it with `(git checkout \w+ -- \S+)`/.exec(log[0])!;
    expect(log[0]).toMatch(new RegExp(`^error: ${file}: expected the stored credential "grafana-admin", found it deleted \\(git has it at \\w+\\)`));
    expect(trees(repo)).toEqual(before);
    git(repo, ...restore.split(' ').slice(1));
    expect(await synthWith(repo, undefined)).toBe(0);
    expect(trees(repo)).toEqual(before);
  });

  test('a store that first came in with a merge commit is history too: deleting a file refuses to mint it', async () => {
    const repo = scratchRepo();
    const store = path.join(repo, 'credentials');
    const aside = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-store-'));
    fs.renameSync(store, path.join(aside, 'credentials'));
    git(repo, 'init', '-q', '-b', 'main');
    commit(repo, 'before the store');
    git(repo, 'checkout', '-q', '-b', 'side');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'side work');
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'merge', '-q', '--no-ff', '--no-commit', 'side');
    fs.renameSync(path.join(aside, 'credentials'), store);
    commit(repo, 'merge, bringing the store');
    const file = 'credentials/seoul-lab/grafana-admin.yaml';
    fs.rmSync(path.join(repo, file));
    const log: string[] = [];
    expect(await synthWith(repo, SAMPLE_IDENTITY_FILE, log)).toBe(1);
    expect(log[0]).toMatch(new RegExp(`^error: ${file}: expected the stored credential "grafana-admin", found it deleted \\(git has it at \\w+\\)`));
  });
});
