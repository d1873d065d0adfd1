/**
 * The file-system steps of every writer that must survive a crash (the credential store, the
 * dist/ swap), behind one interface: tests replace it to stop a writer before any chosen step,
 * which is how a `kill -9` at that instant is simulated, fast and deterministically.
 * Every failure of the file system becomes one line naming the path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errnoCode } from '../model/caught';
import { UserError } from '../model/user-error';

/** Paths are relative to the repository root, so that every message names them as the user does. */
export interface FileSteps {
  /**
   * Writes a new file (the folder must exist); `durable` also flushes it to disk before
   * returning, for state that exists nowhere else (a store entry) rather than output that can
   * be rebuilt from it (dist/).
   */
  writeFile(file: string, content: string, options?: { readonly mode?: number; readonly durable?: boolean }): void;
  /** Atomically renames a file or folder (same file system). */
  rename(from: string, to: string): void;
  /** Creates a folder and its parents. */
  mkdir(dir: string): void;
  /** Removes a file or folder tree. */
  remove(target: string): void;
}

/** The real file system under `root`, each error turned into a one-line UserError. */
export const realSteps = (root: string): FileSteps => ({
  writeFile: (file, content, { mode = 0o644, durable = false } = {}) => guard(file, () => {
    const fd = fs.openSync(path.join(root, file), 'w', mode);
    try {
      fs.writeFileSync(fd, content);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }),
  rename: (from, to) => guard(to, () => fs.renameSync(path.join(root, from), path.join(root, to))),
  mkdir: (dir) => guard(dir, () => fs.mkdirSync(path.join(root, dir), { recursive: true })),
  remove: (target) => guard(target, () => fs.rmSync(path.join(root, target), { recursive: true, force: true })),
});

/** Runs a file-system call; a Node error becomes `<path>: <code> (<what it means>)`. */
export function guard<T>(file: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    throw asFileSystemError(e, file);
  }
}

/** A failure of the file system, one line naming the path and the errno code. */
export class FileSystemError extends UserError {
  constructor(public readonly file: string, public readonly code: string) {
    super(`${file}: ${code} (${MEANING[code] ?? 'file-system error'})`);
  }

  /** The same failure named by the path the user knows (`dist/acme`, not the staging folder a rename moved it to). */
  public on(file: string): FileSystemError {
    return new FileSystemError(file, this.code);
  }
}

/** A Node file-system error as one line naming the path (other errors unchanged). */
export function asFileSystemError(e: unknown, file: string): unknown {
  const code = errnoCode(e);
  if (typeof code !== 'string' || e instanceof UserError) return e;
  return new FileSystemError(file, code);
}

/** Runs a step whose failure is reported on `file` rather than on the step's own path. */
export function failureOn<T>(file: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw e instanceof FileSystemError ? e.on(file) : e;
  }
}

const MEANING: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error of the device',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  EISDIR: 'is a folder, expected a file',
  ENOTDIR: 'expected a folder',
  ENOTEMPTY: 'folder not empty',
  EXDEV: 'on another file system than the repository',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/**
 * Replaces a file that can be rebuilt (a cache entry, a download): written beside the target and
 * renamed over it, so a reader sees the old file or the new one, never half of one; not flushed
 * to disk, as losing it costs only the time to make it again.
 */
export function replaceFile(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}.tmp`, content);
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

/**
 * Writes a file so that it is at every instant either the old content or the new one: a
 * temporary file in `tmpDir` (same file system, outside the repository's tracked folders),
 * flushed to disk, then renamed over the target.
 */
export function writeAtomically(steps: FileSteps, tmpDir: string, file: string, content: string, mode?: number): void {
  steps.mkdir(tmpDir);
  steps.mkdir(path.posix.dirname(file));
  const tmp = `${tmpDir}/${path.posix.basename(file)}.${process.pid}.tmp`;
  steps.writeFile(tmp, content, { mode, durable: true });
  steps.rename(tmp, file);
}

/** Files under a repository-relative folder, relative to it, `/`-separated and sorted; none when it does not exist. */
export function filesUnder(root: string, dir: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    const full = path.join(root, dir, relative);
    if (!fs.existsSync(full)) return;
    for (const entry of guard(`${dir}/${relative}`, () => fs.readdirSync(full, { withFileTypes: true }))) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk('');
  return files.sort();
}

/** The entry's own status (a link is not followed), or undefined when there is none. */
export function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}
