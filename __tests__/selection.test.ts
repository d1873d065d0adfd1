/**
 * `--changed-since <rev>` and `--shard <k/n>`: a check works on the customers a change touches,
 * or on one part of the fleet, and never loses one.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareCustomers } from '../commands/compare';
import { validateCommand } from '../commands/validate-command';
import { UserError } from '../model/user-error';
import { changedSince, parseShard, shardOf } from '../pipeline/selection';
import { SAMPLES, scratchRepo } from './helpers';

describe('--shard k/n', () => {
  test('the parts of every n partition the customers exactly, and differ in size by one at most', () => {
    for (let size = 0; size <= 11; size++) {
      const names = Array.from({ length: size }, (_, i) => `customer-${String(i).padStart(2, '0')}`);
      for (let n = 1; n <= 5; n++) {
        const parts = Array.from({ length: n }, (_, k) => shardOf(names, `${k + 1}/${n}`));
        expect(parts.flat().sort()).toEqual(names);
        expect(new Set(parts.flat()).size).toBe(size);
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  test.each(['0/2', '3/2', '1/0', 'a/b', '1-2', ''])('"%s" is a usage error naming the flag', (text) => {
    expect(() => parseShard(text)).toThrow(UserError);
    expect(() => parseShard(text)).toThrow(`--shard: expected k/n with 1 <= k <= n, such as 2/4, found "${text}"`);
  });
});

describe('--changed-since <rev>', () => {
  /** A git repository of the sample customers with one source file, committed. */
  function repository(): { repo: string; git: (...args: string[]) => string } {
    const repo = scratchRepo();
    fs.mkdirSync(path.join(repo, 'catalog'));
    fs.writeFileSync(path.join(repo, 'catalog', 'charts.ts'), 'export const CHARTS = {};\n');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    return { repo, git };
  }
  const [first, second, third] = SAMPLES;

  test.each<[string, (repo: string) => void, { all: boolean; customers: string[] }]>([
    ['nothing', () => undefined, { all: false, customers: [] }],
    ['a customer file', (repo) => fs.appendFileSync(path.join(repo, 'customers', `${first}.yaml`), '# x\n'), { all: false, customers: [first] }],
    ['a credential', (repo) => {
      const dir = path.join(repo, 'credentials', second);
      fs.appendFileSync(path.join(dir, fs.readdirSync(dir)[0]), '# x\n');
    }, { all: false, customers: [second] }],
    ['a deleted customer', (repo) => fs.rmSync(path.join(repo, 'customers', `${third}.yaml`)), { all: false, customers: [third] }],
    ['a hand edit of a tree', (repo) => fs.appendFileSync(path.join(repo, 'dist', first, 'kustomization.yaml'), '# x\n'), { all: false, customers: [first] }],
    ['a new, untracked customer file', (repo) => fs.writeFileSync(path.join(repo, 'customers', 'newcomer.yaml'), 'x: 1\n'), { all: false, customers: ['newcomer'] }],
    ['the catalog', (repo) => fs.appendFileSync(path.join(repo, 'catalog', 'charts.ts'), '// x\n'), { all: true, customers: [] }],
    ['a guide only', (repo) => { fs.mkdirSync(path.join(repo, 'docs')); fs.writeFileSync(path.join(repo, 'docs', 'x.md'), '# x\n'); }, { all: false, customers: [] }],
  ])('a change of %s selects what it can change', async (_what, change, expected) => {
    const { repo } = repository();
    change(repo);
    const changed = await changedSince(repo, 'HEAD');
    expect({ all: changed.all, customers: [...changed.customers].sort() }).toEqual(expected);
  });

  test('a commit since the revision counts as much as the working tree', async () => {
    const { repo, git } = repository();
    fs.appendFileSync(path.join(repo, 'customers', `${second}.yaml`), '# x\n');
    git('commit', '-q', '-am', 'change');
    expect([...(await changedSince(repo, 'HEAD~1')).customers]).toEqual([second]);
    expect([...(await changedSince(repo, 'HEAD')).customers]).toEqual([]);
  });

  test('an unknown revision is a usage error naming the flag', async () => {
    const { repo } = repository();
    await expect(changedSince(repo, 'no-such-branch')).rejects.toThrow(/^--changed-since: expected a git revision of this repository, found "no-such-branch"/);
  });

  test('validate works on the changed customer only', async () => {
    const { repo } = repository();
    fs.appendFileSync(path.join(repo, 'customers', `${first}.yaml`), '# x\n');
    const seen: string[] = [];
    expect(await validateCommand({ root: repo, changedSince: 'HEAD', kustomize: false, env: {}, log: () => undefined, progress: (s) => seen.push(s) })).toBe(0);
    expect(seen).toEqual([`validating ${first}`]);
  });

  test('diff against the base names a deleted customer\'s removal, and nothing of the others', async () => {
    const { repo } = repository();
    fs.rmSync(path.join(repo, 'customers', `${third}.yaml`));
    fs.rmSync(path.join(repo, 'dist', third), { recursive: true });
    const io = { out: () => undefined, err: () => undefined, interactive: false, prompts: undefined as never };
    const diffs = await compareCustomers(repo, io, { base: 'HEAD', changedSince: 'HEAD' });
    expect(diffs.map((d) => d.customer)).toEqual([third]);
    expect(diffs[0].changes.length).toBeGreaterThan(10);
    expect(diffs[0].changes.every((c) => c.type === 'removed')).toBe(true);
  });
});
