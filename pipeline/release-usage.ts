/**
 * Which releases are in use, and the rule that keeps them immutable: a release that a ring runs
 * or a customer pins at a revision (HEAD for `synth` and `release new`, `--base` for `check`) may
 * not be edited after it, because its customers' trees were rendered from it and Flux applied
 * them. A new set of versions is a new release (`release new`), promoted ring by ring.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { defaultRing, parseRings } from '../config/releases';
import { customerFileNames } from '../files/customer-folders';
import { readFilesAtRevision } from '../files/revision-files';
import { fieldsOf } from '../model/fields';
import { customerFile, CUSTOMERS_ROOT, releaseFile, RELEASES_ROOT, RINGS_FILE } from '../model/layout';
import type { Ring } from '../model/release';
import { EXIT, UserError } from '../model/user-error';

/** The files releases are decided by, as one revision or the working tree holds them. */
export interface ReleaseFiles {
  /** How a message names it: `HEAD`, `origin/main`, `the working tree`. */
  readonly label: string;
  /** A file's content, undefined when it does not exist there. */
  read(file: string): string | undefined;
  /** The customer names (`customers/<name>.yaml`). */
  customers(): readonly string[];
}

/** Who runs a release: a ring, or a customer that pins it. */
export interface ReleaseUse {
  readonly release: string;
  /** `ring canary` or `customer demo (pinned)`. */
  readonly by: string;
}

export function workingTreeFiles(root: string): ReleaseFiles {
  return {
    label: 'the working tree',
    read: (file) => (fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : undefined),
    customers: () => customerFileNames(root),
  };
}

const git = (root: string, args: readonly string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });

/**
 * The files at a git revision: read once, in one batch. Undefined when `optional` and the
 * repository has no such revision (no git, no commit yet); a usage error otherwise.
 */
export function revisionFiles(root: string, revision: string, option: string, optional = false): ReleaseFiles | undefined {
  try {
    git(root, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  } catch {
    if (optional) return undefined;
    throw new UserError(`${option}: expected a git revision of this repository, found ${JSON.stringify(revision)}`, EXIT.USAGE);
  }
  const paths = git(root, ['ls-tree', '-r', '-z', '--name-only', revision, '--', RINGS_FILE, `${RELEASES_ROOT}/`, `${CUSTOMERS_ROOT}/`]).split('\0').filter(Boolean);
  const files = new Map(readFilesAtRevision(root, revision, paths).map((f) => [f.path, f.content]));
  return {
    label: revision,
    read: (file) => files.get(file),
    customers: () => paths.filter((p) => p.startsWith(`${CUSTOMERS_ROOT}/`) && p.endsWith('.yaml'))
      .map((p) => p.slice(CUSTOMERS_ROOT.length + 1, -'.yaml'.length)).filter((n) => !n.includes('/')).sort(),
  };
}

/**
 * Every use of every release (of `only`, when given): each ring of `rings.yaml`, and each customer
 * file that pins a `release`. Files that do not parse use nothing here: loading them reports them.
 */
export function releaseUses(files: ReleaseFiles, only?: string): ReleaseUse[] {
  const uses: ReleaseUse[] = [];
  const rings = files.read(RINGS_FILE);
  if (rings !== undefined) {
    try {
      for (const ring of parseRings(rings)) uses.push({ release: ring.release, by: `ring ${ring.name}` });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
  }
  for (const customer of files.customers()) {
    const text = files.read(customerFile(customer)) ?? '';
    // A file can pin `only` only by spelling it, or through an escape sequence: the others need no parse.
    if (only !== undefined && !text.includes(only) && !text.includes('\\')) continue;
    let pinned: unknown;
    try {
      pinned = fieldsOf(parse(text)).release;
    } catch {
      continue;
    }
    if (typeof pinned === 'string') uses.push({ release: pinned, by: `customer ${customer} (pinned)` });
  }
  return uses;
}

/** The customers of each ring (by their files' `ring`, or the default ring), customers that pin a release left out. */
export function ringMembers(files: ReleaseFiles, rings: readonly Ring[]): Map<string, string[]> {
  const members = new Map<string, string[]>(rings.map((r) => [r.name, []]));
  for (const customer of files.customers()) {
    let fields: Record<string, unknown>;
    try {
      fields = fieldsOf(parse(files.read(customerFile(customer)) ?? ''));
    } catch {
      continue;
    }
    if (fields.release !== undefined) continue;
    const ring = typeof fields.ring === 'string' ? fields.ring : defaultRing(rings).name;
    members.get(ring)?.push(customer);
  }
  return members;
}

/** Who uses `release` in `files`, as `ring canary, customer demo (pinned)`; empty when nobody does. */
export function usersOf(files: ReleaseFiles, release: string): string {
  return releaseUses(files, release).filter((u) => u.release === release).map((u) => u.by).join(', ');
}

/**
 * One problem per release in use at `base` whose file differs in `current`: it was edited (or
 * deleted while still in use) instead of being succeeded by a new release.
 */
export function editedReleasesInUse(base: ReleaseFiles, current: ReleaseFiles): string[] {
  const inUse = [...new Set(releaseUses(base).map((u) => u.release))].sort();
  const stillUsed = new Set(releaseUses(current).map((u) => u.release));
  return inUse.flatMap((release) => {
    const file = releaseFile(release);
    const now = current.read(file);
    const then = base.read(file);
    if (then === undefined || now === then || (now === undefined && !stillUsed.has(release))) return [];
    return [`${file}: expected release ${release} unchanged (at ${base.label}, ${usersOf(base, release)} ran it), found it ${now === undefined ? 'deleted' : 'edited'}: `
      + `a release in use is immutable; write a new one (\`npx astrago release new <name> --from ${release}\`) and promote it`];
  });
}

/**
 * Synth's guard: every release in use at `revision` (HEAD) is as that revision has it. Nothing to
 * compare outside git, or when no tracked release file differs from the revision (one `git status`).
 */
export function refuseEditedReleases(root: string, revision = 'HEAD'): void {
  let changed: string;
  try {
    // A release file git does not track yet (a new release) cannot be an edited one: not listed.
    changed = git(root, ['status', '--porcelain', '--untracked-files=no', '--', RELEASES_ROOT]);
  } catch {
    return;
  }
  if (!changed.trim()) return;
  const base = revisionFiles(root, revision, revision, true);
  const problems = base ? editedReleasesInUse(base, workingTreeFiles(root)) : [];
  if (problems.length > 0) throw new UserError(problems);
}
