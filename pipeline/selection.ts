/**
 * Which customers a command works on, so that what a pull request costs grows with its change:
 * `--changed-since <rev>` keeps the customers whose inputs or trees differ from the revision
 * (every customer when something they all depend on changed), and `--shard <k>/<n>` keeps one
 * of n disjoint parts, for CI matrices.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { firstLineOf } from '../model/caught';
import { fieldsOf } from '../model/fields';
import { customerOfPath, WORK_FOLDER } from '../model/layout';
import { EXIT, UserError } from '../model/user-error';

/** How a command narrows the customers it works on. */
export interface Selection {
  /**
   * Only the customers whose files changed since this git revision.
   * @default - no narrowing
   */
  readonly changedSince?: string;
  /**
   * Only the customers of part k of n, as `k/n`.
   * @default - every part
   */
  readonly shard?: string;
}

/** Paths whose change alters no customer's output or checks: guides, tests, benchmarks, CI files, work and cache folders. */
const NEVER_AN_INPUT = new RegExp(`^(docs/|__tests__/|bench/|scripts/|\\.github/|\\.ci/|${WORK_FOLDER.replace('.', '\\.')}/|\\.cache/|\\.cdk8s\\.out/|[^/]+\\.md$|\\.gitignore$|LICENSE)`);

/** What changed since a revision: some customers, or (when anything they all depend on changed) every one. */
export interface ChangedCustomers {
  readonly all: boolean;
  readonly customers: ReadonlySet<string>;
}

/**
 * The customers whose customer file, credential store, tree or entry point differ between `rev`
 * and the working tree (committed, staged, unstaged or untracked), and whether any other file
 * that can change output did (the source, the vendor lock, the lockfile): then all of them.
 */
export async function changedSince(root: string, rev: string): Promise<ChangedCustomers> {
  const refused = (e: unknown) => new UserError(`--changed-since: expected a git revision of this repository, found "${rev}" (${firstLineOf(fieldsOf(e).stderr || e).replace(/^fatal: /, '')})`, EXIT.USAGE);
  try {
    execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw refused(e);
  }
  // Both walk the whole working tree: side by side, on two cores, they cost about one walk.
  const git = (args: string[]) => runGit(root, args).catch((e: unknown) => Promise.reject(refused(e)));
  const [changed, untracked] = await Promise.all([
    git(['diff', '--name-only', '--no-renames', '-z', rev, '--']),
    git(['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
  const paths = [...changed.split('\0'), ...untracked.split('\0')].filter(Boolean);
  const customers = new Set<string>();
  let all = false;
  for (const file of paths) {
    const owner = customerOfPath(file);
    if (owner) customers.add(owner);
    else if (!NEVER_AN_INPUT.test(file)) all = true;
  }
  return { all, customers };
}

/** A git command's output; rejected with git's error (its stderr) when it fails. */
async function runGit(root: string, args: readonly string[]): Promise<string> {
  // A fleet's path list runs to megabytes.
  return (await promisify(execFile)('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 })).stdout;
}

/** `k/n` as numbers; a usage error naming the flag otherwise. */
export function parseShard(text: string): { readonly index: number; readonly count: number } {
  const match = /^([1-9][0-9]*)\/([1-9][0-9]*)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index > count) throw new UserError(`--shard: expected k/n with 1 <= k <= n, such as 2/4, found "${text}"`, EXIT.USAGE);
  return { index, count };
}

/** The names (sorted) of part k of n: every n-th from the k-th, so parts differ by one at most. */
export function shardOf(names: readonly string[], shard: string): string[] {
  const { index, count } = parseShard(shard);
  return [...names].sort().filter((_, i) => i % count === index - 1);
}

/** The names a selection keeps, in order. */
export async function select(root: string, names: readonly string[], selection: Selection): Promise<string[]> {
  let kept = [...names];
  if (selection.changedSince !== undefined) {
    const changed = await changedSince(root, selection.changedSince);
    if (!changed.all) kept = kept.filter((n) => changed.customers.has(n));
  }
  return selection.shard === undefined ? kept : shardOf(kept, selection.shard);
}
