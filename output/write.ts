/**
 * Writes rendered customers into the repository, one writer at a time, so that a kill at any
 * instant loses nothing:
 *
 * 1. changed credential store entries — first, so dist/ never holds a credential the store
 *    lacks: one entry is replaced atomically (credential-store.ts); several (a first synth, a
 *    rekey) are staged with the unchanged ones in `.astrago/staging/<customer>.store.partial/`,
 *    renamed to `<customer>.store.ready/` and swapped in as one folder, so an interrupted rekey
 *    never leaves a store split between two sets of recipients that no one key opens;
 * 2. each changed customer staged in `.astrago/staging/<customer>.partial/` (`tree/` for
 *    `dist/<customer>/`, `other/` for `flux/<customer>/astrago.yaml`), then renamed to
 *    `<customer>.ready/`: the commit point;
 * 3. per customer: `dist/<customer>` → `<customer>.ready/old`, `tree` → `dist/<customer>`,
 *    each `other/` file renamed into place, then the ready folder (with the old tree) removed.
 *
 * A run that was killed leaves a `.ready` folder: the next writer finishes its swap before
 * anything else (`recoverInterrupted`, stores before trees), so the old tree is never deleted before the new one
 * is in place, and a customer's folder is missing only between two renames of a run that the
 * next one completes. A `.partial` folder is an unfinished copy of a tree that was never
 * committed: it is discarded, like the temporary files of store entries. Staging is outside `.cdk8s.out`, which cdk8s-cli wipes on every run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { asFileSystemError, failureOn, filesUnder, guard, realSteps, type FileSteps } from '../files/file-steps';
import { errnoCode } from '../model/caught';
import { customerDistFolder, STAGING_FOLDER, SYNTH_LOCK, WORK_FOLDER, WORK_TMP_FOLDER } from '../model/layout';
import type { OutputFile } from '../model/objects';
import { UserError } from '../model/user-error';
import { credentialStoreDir, readRegularFile, writeStoreFiles } from '../secrets/credential-store';
import { isUpToDate, readCustomerTree } from './tree';

export interface CustomerOutput {
  readonly customer: string;
  readonly files: readonly OutputFile[];
  /**
   * Credential store entries created or changed by the render, written before dist/.
   * @default - none
   */
  readonly store?: readonly OutputFile[];
  /**
   * The customer's files on disk when it was rendered, sorted by path.
   * @default - read from disk when needed
   */
  readonly previous?: readonly OutputFile[];
}

/**
 * Replaces `dist/<customer>/` and `flux/<customer>/astrago.yaml` of each customer with the
 * rendered files (see the header); `flux/<customer>/flux-system/` (bootstrap's) is kept. A
 * customer whose files are already exactly the rendered ones is left alone. Call it holding
 * the lock (`withWriteLock`).
 */
export function writeCustomers(root: string, all: readonly CustomerOutput[], steps: FileSteps = realSteps(root)): void {
  for (const output of all) writeStore(root, output.customer, output.store ?? [], steps);
  const outputs = all.filter((o) => !isUpToDate(o.previous ?? readCustomerTree(root, o.customer), o.files));
  for (const { customer, files } of outputs) {
    const partial = `${STAGING_FOLDER}/${customer}.partial`;
    steps.remove(partial);
    const dist = `${customerDistFolder(customer)}/`;
    const created = new Set<string>();
    for (const file of files) {
      const target = file.path.startsWith(dist) ? `${partial}/tree/${file.path.slice(dist.length)}` : `${partial}/other/${file.path}`;
      const dir = path.posix.dirname(target);
      if (!created.has(dir)) steps.mkdir(dir);
      created.add(dir);
      steps.writeFile(target, file.content);
    }
    steps.rename(partial, `${STAGING_FOLDER}/${customer}.ready`);
  }
  for (const { customer } of outputs) finishSwap(root, customer, steps);
}

/** Step 1 of the header for one customer. */
function writeStore(root: string, customer: string, files: readonly OutputFile[], steps: FileSteps): void {
  if (files.length <= 1) {
    writeStoreFiles(root, files, steps);
    return;
  }
  const partial = `${STAGING_FOLDER}/${customer}.store.partial`;
  const store = credentialStoreDir(customer);
  const changed = new Map(files.map((f) => [path.posix.basename(f.path), f.content]));
  steps.remove(partial);
  steps.mkdir(`${partial}/tree`);
  for (const name of filesUnder(root, store)) {
    if (!changed.has(name)) steps.writeFile(`${partial}/tree/${name}`, readRegularFile(root, `${store}/${name}`), { durable: true });
  }
  for (const [name, content] of changed) steps.writeFile(`${partial}/tree/${name}`, content, { durable: true });
  steps.rename(partial, `${STAGING_FOLDER}/${customer}.store.ready`);
  finishStoreSwap(root, customer, steps);
}

/** The swap of step 1 for one customer's ready store; each step is skipped once done. */
function finishStoreSwap(root: string, customer: string, steps: FileSteps): void {
  const ready = `${STAGING_FOLDER}/${customer}.store.ready`;
  swapFolder(root, ready, credentialStoreDir(customer), steps);
  steps.remove(ready);
}

/**
 * `target` replaced by `<ready>/tree`, the old one kept in `<ready>/old` until the caller
 * removes the ready folder; each rename is skipped once done.
 */
function swapFolder(root: string, ready: string, target: string, steps: FileSteps): void {
  const exists = (p: string) => fs.existsSync(path.join(root, p));
  if (!exists(`${ready}/tree`)) return;
  if (exists(target)) {
    if (exists(`${ready}/old`)) {
      throw new UserError(`${ready}/old: expected no earlier copy beside ${target}/ while finishing an interrupted synth, found one; `
        + `compare both, keep the right one in ${target}/ and delete ${ready}/`);
    }
    // A refusal (a read-only dist/) is named by the folder the user knows, not by the staging path.
    failureOn(target, () => steps.rename(target, `${ready}/old`));
  } else {
    steps.mkdir(path.posix.dirname(target));
  }
  failureOn(target, () => steps.rename(`${ready}/tree`, target));
}

/** Steps 3 of the header for one customer's ready folder; each step is skipped once done. */
function finishSwap(root: string, customer: string, steps: FileSteps): void {
  const ready = `${STAGING_FOLDER}/${customer}.ready`;
  swapFolder(root, ready, customerDistFolder(customer), steps);
  for (const file of filesUnder(root, `${ready}/other`)) {
    steps.mkdir(path.posix.dirname(file));
    steps.rename(`${ready}/other/${file}`, file);
  }
  steps.remove(ready);
}

/**
 * Finishes the swaps of a writer that was killed and discards its unfinished staging; returns
 * one line per customer recovered. Call it holding the lock.
 */
export function recoverInterrupted(root: string, steps: FileSteps = realSteps(root)): string[] {
  // Temporary files of store entries a dead process never renamed into place: nothing refers to them.
  // A live one's (`storeCredentials` runs without the lock) is left alone.
  const tmp = path.join(root, WORK_TMP_FOLDER);
  for (const name of fs.existsSync(tmp) ? guard(WORK_TMP_FOLDER, () => fs.readdirSync(tmp)) : []) {
    if (!alive(Number(/\.(\d+)\.tmp$/.exec(name)?.[1]))) steps.remove(`${WORK_TMP_FOLDER}/${name}`);
  }
  const dir = path.join(root, STAGING_FOLDER);
  if (!fs.existsSync(dir)) return [];
  const lines: string[] = [];
  const entries = guard(STAGING_FOLDER, () => fs.readdirSync(dir)).sort().map((entry) => {
    const [, customer, store, state] = /^([a-z0-9-]+)(\.store)?\.(ready|partial)$/.exec(entry) ?? [];
    if (!state) {
      throw new UserError(`${STAGING_FOLDER}/${entry}: expected only <customer>.ready or <customer>.partial folders of an interrupted synth, found another entry; move it away`);
    }
    return { entry, customer, store: store !== undefined, ready: state === 'ready' };
  });
  // Stores first: a tree is never swapped in ahead of the credentials it was sealed from.
  for (const { entry, customer, store, ready } of [...entries.filter((e) => e.store), ...entries.filter((e) => !e.store)]) {
    if (!ready) {
      steps.remove(`${STAGING_FOLDER}/${entry}`);
    } else if (store) {
      finishStoreSwap(root, customer, steps);
      lines.push(`recovered ${customer}: finished writing ${credentialStoreDir(customer)}/ from an interrupted synth`);
    } else {
      finishSwap(root, customer, steps);
      lines.push(`recovered ${customer}: finished writing ${customerDistFolder(customer)}/ from an interrupted synth`);
    }
  }
  return lines;
}

/**
 * Runs `body` as the only writer of the repository: `.astrago/synth.lock` is created
 * exclusively (holding pid, host and start time) and removed afterwards. A lock whose process
 * is gone (same host) is taken over; a live one is refused with a clear message. Interrupted
 * runs are finished first; their lines go to `log`.
 */
export async function withWriteLock<T>(root: string, log: (line: string) => void, body: () => Promise<T>): Promise<T> {
  const lock = path.join(root, SYNTH_LOCK);
  guard(WORK_FOLDER, () => fs.mkdirSync(path.join(root, WORK_FOLDER), { recursive: true }));
  const mine = `${process.pid} ${os.hostname()} ${new Date().toISOString()}\n`;
  // Written aside, then hard-linked into place: the link either fails (EEXIST) or makes the lock
  // appear with its content whole, so a second synth never reads a lock still being written.
  const pending = `${lock}.${process.pid}.tmp`;
  guard(SYNTH_LOCK, () => fs.writeFileSync(pending, mine));
  for (let attempt = 0; ; attempt++) {
    try {
      fs.linkSync(pending, lock);
      break;
    } catch (e) {
      const code = errnoCode(e);
      const [pid, host, since] = code === 'EEXIST' && attempt === 0 ? readLock(lock) : [];
      if (pid !== undefined && host === os.hostname() && !alive(Number(pid))) {
        guard(SYNTH_LOCK, () => fs.rmSync(lock, { force: true }));
        continue;
      }
      fs.rmSync(pending, { force: true });
      if (code !== 'EEXIST' || attempt > 0) throw asFileSystemError(e, SYNTH_LOCK);
      throw new UserError(`${SYNTH_LOCK}: another synth (pid ${pid} on ${host}, since ${since}) is writing this repository; `
        + 'run yours when it has finished (if that process no longer exists, delete the file)');
    }
  }
  fs.rmSync(pending, { force: true });
  try {
    // The pending lock files of processes killed before they could remove them.
    for (const name of guard(WORK_FOLDER, () => fs.readdirSync(path.join(root, WORK_FOLDER)))) {
      const pid = /^synth\.lock\.(\d+)\.tmp$/.exec(name)?.[1];
      if (pid && !alive(Number(pid))) fs.rmSync(path.join(root, WORK_FOLDER, name), { force: true });
    }
    for (const line of recoverInterrupted(root)) log(line);
    return await body();
  } finally {
    if (readLock(lock).join(' ') === mine.trim()) fs.rmSync(lock, { force: true });
  }
}

function readLock(lock: string): string[] {
  try {
    return fs.readFileSync(lock, 'utf8').trim().split(' ');
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
  return !zombie(pid);
}

/** A killed process its parent has not reaped yet (Linux): it answers signals but will never run again. */
function zombie(pid: number): boolean {
  try {
    // The state follows the parenthesised command name, which may itself hold spaces or ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
