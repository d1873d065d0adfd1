/**
 * Skipping customers whose output cannot have changed, before anything heavy is loaded.
 *
 * What synth writes for a customer is a function of its inputs: the customer file, its
 * credential store, the vendor lock, the project's source and lockfile, and the Node major. After
 * each write, synth records their digest with the sha256 of every file it wrote, in the
 * git-ignored `.astrago/inputs/<customer>.json`. The next run skips a customer whose inputs
 * hash the same and whose written files are still exactly those: a changed input, or an edited,
 * missing or added output file, makes it render again. The record is local, like a build cache:
 * committed, it would churn whenever two machines run different Node majors.
 *
 * A leaf of the pipeline: it imports only Node, the YAML parser and the layout, so that a run
 * with nothing to do loads neither cdk8s nor the constructs. A customer's release counts as an
 * input of that customer only (its ring's entry and its release file), not of the project.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  CREDENTIALS_FOLDER, CUSTOMERS_ROOT, customerDistFolder, DIST_ROOT, entryFile, FLUX_ROOT, releaseFile, RELEASES_ROOT, RINGS_FILE, VENDOR_LOCK, VENDOR_ROOT, WORK_FOLDER,
} from '../model/layout';
import { fieldsOf, isMap } from '../model/fields';

/** Top-level entries of the repository that are not inputs of synth's output (beside the per-customer ones). */
const NOT_INPUTS = new Set([
  '.git', 'node_modules', WORK_FOLDER, '.cache', '.cdk8s.out', '.bench', 'coverage', '.github', '.ci',
  DIST_ROOT, FLUX_ROOT, CUSTOMERS_ROOT, CREDENTIALS_FOLDER, VENDOR_ROOT, 'docs', '__tests__', 'bench', 'scripts', 'schema',
  // Per customer instead: a promotion re-renders only the customers of the promoted ring.
  RELEASES_ROOT, RINGS_FILE,
]);

/** Version of the record's shape: a record of another shape is never trusted. */
const RECORD_VERSION = 2;

interface InputRecord {
  readonly version: number;
  /** Digest of every input of the customer's output. */
  readonly inputs: string;
  /** Every file written for the customer, `[path, sha256]`, sorted by path. */
  readonly outputs: ReadonlyArray<readonly [string, string]>;
  /** What loading the customer file warned about, repeated when the customer is skipped. */
  readonly warnings: readonly string[];
  /** Size, status-change time (ctime: any write or `touch` moves it) and sha256 of each input and output file when recorded, so that an untouched file is not read again. */
  readonly stamps: Readonly<Record<string, readonly [number, number, string]>>;
}

/**
 * The sha256 of files, taken from a record's stamps where a file's size and ctime are still the
 * recorded ones and it changed before the record was written (as git trusts its index: a file
 * changed within the same clock tick as the record is read again). ctime, not mtime: a write
 * always moves it, and nothing can set it back.
 */
export class FileHashes {
  private readonly seen = new Map<string, readonly [number, number, string]>();

  constructor(private readonly root: string, private readonly stamps: InputRecord['stamps'] = {}, private readonly trustedBefore = 0) {}

  /** Whether a file's stamp was out of date though its content may not be: the record is worth refreshing. */
  public stale = false;

  /**
   * The sha256 of a regular file, or what else is there (`absent`, `link`, `special`): a link is
   * never followed and a FIFO never opened, so such a file never matches a record and the
   * customer renders, which refuses it as a full synth does.
   */
  public sha(file: string): string {
    const known = this.seen.get(file);
    if (known) return known[2];
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(this.root, file));
    } catch {
      return 'absent';
    }
    if (!stat.isFile()) return stat.isSymbolicLink() ? 'link' : 'special';
    const stamp = this.stamps[file];
    const trusted = stamp && stamp[0] === stat.size && stamp[1] === stat.ctimeMs && stat.ctimeMs < this.trustedBefore;
    if (!trusted) this.stale = true;
    const sha = trusted ? stamp[2] : sha256Of(this.root, file);
    this.seen.set(file, [stat.size, stat.ctimeMs, sha]);
    return sha;
  }

  /** The stamps of every file hashed so far. */
  public get taken(): InputRecord['stamps'] {
    return Object.fromEntries(this.seen);
  }
}

/** The hashes a customer's record vouches for (none without a record). */
export function recordedHashes(root: string, customer: string): FileHashes {
  const record = readRecord(root, customer);
  if (!record) return new FileHashes(root);
  return new FileHashes(root, record.stamps, fs.statSync(path.join(root, inputRecordFile(customer))).ctimeMs);
}

/** The record of a customer, relative to the repository root. */
export function inputRecordFile(customer: string): string {
  return `${WORK_FOLDER}/inputs/${customer}.json`;
}

/**
 * What every customer's output depends on besides its own files: the project's source (every
 * file outside the folders above, whatever new folder is added), the vendor lock and the Node
 * major. Computed once per run.
 */
export function projectDigest(root: string, nodeMajor = process.versions.node.split('.')[0]): string {
  const hash = createHash('sha256').update(`node ${nodeMajor}\0`);
  const files = [VENDOR_LOCK, ...walk(root, '', (name) => !NOT_INPUTS.has(name))];
  for (const file of files.sort()) hashFile(hash, root, file);
  return hash.digest('hex');
}

/** The customer file of a customer, relative to the repository root. */
export const customerFilePath = (customer: string) => `${CUSTOMERS_ROOT}/${customer}.yaml`;

/** The digest of a customer's inputs: the project's, its customer file and its credential store. */
export function customerDigest(root: string, customer: string, project: string, hashes = new FileHashes(root)): string {
  const hash = createHash('sha256').update(project);
  const add = (file: string) => hash.update(`${file}\0${hashes.sha(file)}\0`);
  for (const file of [customerFilePath(customer), ...walk(root, `${CREDENTIALS_FOLDER}/${customer}`, () => true).sort()]) add(file);
  const release = releaseOf(root, customer);
  if (release) {
    hash.update(`ring ${release.ring ?? '(pinned)'}\0`);
    add(releaseFile(release.name));
  } else {
    // Not told cheaply (no rings.yaml, a file that does not parse): everything releases are made of.
    for (const file of [RINGS_FILE, ...walk(root, RELEASES_ROOT, () => true).sort()]) add(file);
  }
  return hash.digest('hex');
}

/**
 * The ring and release a customer's output is rendered from, read as loading resolves them
 * (config/releases.ts): the `release` its file pins, or the release of its `ring` (the last ring
 * by default). Undefined when that cannot be told here; loading then reports what is wrong.
 */
function releaseOf(root: string, customer: string): { readonly name: string; readonly ring?: string } | undefined {
  try {
    // Only a regular file is read (a FIFO would block): anything else renders, and is refused there.
    const customerFile = path.join(root, customerFilePath(customer));
    if (!fs.lstatSync(customerFile).isFile()) return undefined;
    const file = fieldsOf(parse(fs.readFileSync(customerFile, 'utf8')));
    if (typeof file.release === 'string' && file.ring === undefined) return { name: file.release };
    const rings = fieldsOf(parse(fs.readFileSync(path.join(root, RINGS_FILE), 'utf8'))).rings;
    if (!Array.isArray(rings) || rings.length === 0 || file.release !== undefined) return undefined;
    const ring = fieldsOf(file.ring === undefined ? rings[rings.length - 1] : rings.find((r) => fieldsOf(r).name === file.ring));
    return typeof ring.name === 'string' && typeof ring.release === 'string' ? { name: ring.release, ring: ring.name } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The warnings to repeat when the customer's record matches `inputs` and every file it lists is
 * on disk unchanged with no other file beside them; undefined when the customer must render.
 */
export function unchangedSince(root: string, customer: string, inputs: string, hashes = recordedHashes(root, customer)): readonly string[] | undefined {
  const record = readRecord(root, customer);
  if (!record || record.inputs !== inputs) return undefined;
  const listed = new Map(record.outputs.map(([file, sha]) => [file, sha]));
  const onDisk = outputFiles(root, customer);
  if (onDisk.length !== listed.size) return undefined;
  for (const file of onDisk) {
    const sha = listed.get(file);
    if (sha === undefined || sha !== hashes.sha(file)) return undefined;
  }
  // Same content under new timestamps (a checkout, a copy): stamp them, so the next run reads nothing again.
  if (hashes.stale) writeRecord(root, customer, { ...record, stamps: { ...record.stamps, ...hashes.taken } });
  return record.warnings;
}

/** Records what a customer's output was written from; call it after the write, with the digest taken before reading. */
export function recordInputs(root: string, customer: string, inputs: string, warnings: readonly string[]): void {
  const hashes = new FileHashes(root);
  // Stamps of the inputs too (the digest itself is the one taken before the render).
  customerDigest(root, customer, '', hashes);
  const record: InputRecord = {
    version: RECORD_VERSION,
    inputs,
    outputs: outputFiles(root, customer).map((file) => [file, hashes.sha(file)] as const),
    warnings,
    stamps: hashes.taken,
  };
  writeRecord(root, customer, record);
}

/** A record, replaced atomically. */
function writeRecord(root: string, customer: string, record: InputRecord): void {
  const target = path.join(root, inputRecordFile(customer));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(record)}\n`);
  fs.renameSync(temporary, target);
}

/** The files synth writes for a customer: its tree and its entry point (not bootstrap's files beside it). */
function outputFiles(root: string, customer: string): string[] {
  const entry = entryFile(customer);
  const tree = walk(root, customerDistFolder(customer), () => true);
  return (fs.existsSync(path.join(root, entry)) ? [...tree, entry] : tree).sort();
}

function readRecord(root: string, customer: string): InputRecord | undefined {
  try {
    const record = fieldsOf(JSON.parse(fs.readFileSync(path.join(root, inputRecordFile(customer)), 'utf8')));
    const valid = record.version === RECORD_VERSION && typeof record.inputs === 'string' && Array.isArray(record.outputs) && Array.isArray(record.warnings) && isMap(record.stamps);
    return valid ? { version: RECORD_VERSION, inputs: record.inputs, outputs: record.outputs, warnings: record.warnings, stamps: record.stamps } : undefined;
  } catch {
    // No record, or one that does not parse: the customer renders, which writes a new one.
    return undefined;
  }
}

/** Regular files under a folder (relative to root, `/`-separated), links included as their target's bytes. */
function walk(root: string, dir: string, include: (name: string) => boolean): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => dir !== '' || include(e.name)).flatMap((e) => {
    const relative = dir === '' ? e.name : `${dir}/${e.name}`;
    return e.isDirectory() ? walk(root, relative, include) : [relative];
  });
}

function hashFile(hash: ReturnType<typeof createHash>, root: string, file: string): void {
  hash.update(`${file}\0`);
  try {
    hash.update(fs.readFileSync(path.join(root, file)));
  } catch {
    hash.update('\0absent\0');
  }
  hash.update('\0');
}

function sha256Of(root: string, file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(path.join(root, file))).digest('hex');
  } catch {
    return 'absent';
  }
}

/** The customers (of `names`) that need no render, each with the warnings to repeat. */
export function unchangedCustomers(root: string, names: readonly string[]): Map<string, readonly string[]> {
  const project = projectDigest(root);
  const unchanged = new Map<string, readonly string[]>();
  for (const name of names) {
    const hashes = recordedHashes(root, name);
    const warnings = unchangedSince(root, name, customerDigest(root, name, project, hashes), hashes);
    if (warnings) unchanged.set(name, warnings);
  }
  return unchanged;
}

/** Customer names of the customer files, sorted. */
export function customerFileNames(root: string): string[] {
  try {
    return fs.readdirSync(path.join(root, CUSTOMERS_ROOT)).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
  } catch {
    return [];
  }
}

/**
 * Whether something only a full synth reports is there: a tree or a credential store left
 * without its customer file (a warning each), or a customer file not named `*.yaml` (an error).
 */
export function needsFullSynth(root: string, names: readonly string[]): boolean {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(path.join(root, CUSTOMERS_ROOT));
  } catch {
    // No customers folder: nothing misnamed in it.
  }
  if (entries.some((f) => f.endsWith('.yml'))) return true;
  const known = new Set(names);
  const folders = (dir: string) => {
    try {
      return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return [];
    }
  };
  return [...folders(DIST_ROOT), ...folders(CREDENTIALS_FOLDER)].some((c) => !known.has(c));
}
