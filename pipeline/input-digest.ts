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
 * A leaf of the pipeline: it imports only Node, the layout and its folder listings (the YAML
 * parser only when a file must be parsed), so that a run with nothing to do loads neither cdk8s
 * nor the constructs. A customer's release counts as an
 * input of that customer only (its ring's entry and its release file), not of the project.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Yaml from 'yaml';
import { distCustomers, hasYmlCustomerFile, storeCustomers } from '../files/customer-folders';
import { replaceFile } from '../files/file-steps';
import { fieldsOf, isMap } from '../model/fields';
import {
  credentialStoreFolder, CREDENTIALS_FOLDER, customerDistFolder, customerFile, CUSTOMERS_ROOT, DIST_ROOT, entryFile, FLUX_ROOT, INPUT_RECORDS_FOLDER,
  inputRecordFile, releaseFile, RELEASES_ROOT, RINGS_CHECKED_FILE, RINGS_FILE, VENDOR_LOCK, VENDOR_ROOT, WORK_FOLDER,
} from '../model/layout';

/** Top-level entries of the repository that are not inputs of synth's output (beside the per-customer ones). */
const NOT_INPUTS = new Set([
  '.git', 'node_modules', WORK_FOLDER, '.cache', '.cdk8s.out', '.bench', 'coverage', '.github', '.ci',
  DIST_ROOT, FLUX_ROOT, CUSTOMERS_ROOT, CREDENTIALS_FOLDER, VENDOR_ROOT, 'docs', '__tests__', 'bench', 'scripts', 'schema',
  // Per customer instead: a promotion re-renders only the customers of the promoted ring.
  RELEASES_ROOT, RINGS_FILE,
]);

/** Version of the record's shape: a record of another shape is never trusted. */
const RECORD_VERSION = 4;

/** What stands for a file that is not there, in digests and records. */
const ABSENT = 'absent';

/**
 * How a customer file picks its release, as loading resolves it (config/releases.ts): the
 * `release` it pins, or the release of its `ring` (the last ring when it names none); `unknown`
 * when that cannot be told here (a file that does not parse, both keys set): loading then reports
 * what is wrong.
 */
type ReleaseSelector =
  | { readonly kind: 'pinned'; readonly release: string }
  | { readonly kind: 'ring'; readonly ring?: string }
  | { readonly kind: 'unknown' };

type RingRecord = readonly [string, string | null, string, string];

/** The release a customer runs, and the ring that chose it (none when pinned). */
interface ChosenRelease {
  readonly name: string;
  readonly ring?: string;
}

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
  /** Status-change time and entries (folders with a trailing `/`) of each folder listed, so that an untouched folder is not read again. */
  readonly folders: Readonly<Record<string, readonly [number, readonly string[]]>>;
  /** The customer file's sha256 and its release selector: an unchanged file is not parsed again. */
  readonly selector: readonly [string, ReleaseSelector];
  /** For a customer on a ring: `rings.yaml`'s sha256, the ring asked for (null: the last), that ring and its release, so that an unchanged `rings.yaml` is not parsed again. */
  readonly ringRelease?: RingRecord;
}

/**
 * The sha256 of files and the entries of folders, taken from a record's stamps where a file's
 * size and ctime (a folder's ctime) are still the recorded ones and it changed before the record
 * was written (as git trusts its index: a file changed within the same clock tick as the record
 * is read again). ctime, not mtime: a write always moves a file's, adding, removing or renaming
 * an entry a folder's, and nothing can set it back.
 */
export class FileHashes {
  private readonly seen = new Map<string, readonly [number, number, string]>();
  private readonly listed = new Map<string, readonly [number, readonly string[]]>();

  constructor(private readonly root: string, private readonly recorded: Pick<InputRecord, 'stamps' | 'folders'> = { stamps: {}, folders: {} },
    private readonly trustedBefore = 0) {}

  /** Whether a stamp was out of date though the content may not be: the record is worth refreshing. */
  public stale = false;

  /**
   * The sha256 of a regular file, `absent`, or for anything else (a link, a FIFO) a value that
   * matches nothing ever recorded: a link is never followed and a FIFO never opened, so the
   * customer renders, which refuses such an input as a full synth does, or reads an output
   * through the link and writes what is due.
   */
  public sha(file: string): string {
    const known = this.seen.get(file);
    if (known) return known[2];
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(this.root, file));
    } catch {
      return ABSENT;
    }
    if (!stat.isFile()) return `${stat.isSymbolicLink() ? 'link' : 'special'} ${randomUUID()}`;
    const stamp = this.recorded.stamps[file];
    const trusted = stamp && stamp[0] === stat.size && stamp[1] === stat.ctimeMs && stat.ctimeMs < this.trustedBefore;
    if (!trusted) this.stale = true;
    const sha = trusted ? stamp[2] : sha256Of(this.root, file);
    this.seen.set(file, [stat.size, stat.ctimeMs, sha]);
    return sha;
  }

  /** The stamps of every file hashed so far. */
  public get taken(): Pick<InputRecord, 'stamps' | 'folders'> {
    return { stamps: Object.fromEntries(this.seen), folders: Object.fromEntries(this.listed) };
  }

  /**
   * Every file under a folder (relative to the root, `/`-separated; links and other non-folders
   * included, never followed), sorted; none when it is not a folder. The ctime is taken before
   * the entries are read, so an entry added meanwhile moves it past the record.
   */
  public filesUnder(dir: string): string[] {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(this.root, dir));
    } catch {
      return [];
    }
    if (!stat.isDirectory()) return [];
    const stamp = this.recorded.folders[dir];
    const trusted = stamp && stamp[0] === stat.ctimeMs && stat.ctimeMs < this.trustedBefore;
    if (!trusted) this.stale = true;
    const entries = trusted ? stamp[1] : readEntries(path.join(this.root, dir));
    this.listed.set(dir, [stat.ctimeMs, entries]);
    return entries.flatMap((e) => (e.endsWith('/') ? this.filesUnder(`${dir}/${e.slice(0, -1)}`) : [`${dir}/${e}`])).sort();
  }
}

/** A folder's entries, folders marked with a trailing `/`; none when it cannot be read. */
function readEntries(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  } catch {
    return [];
  }
}

/** A customer's record as the last synth left it, read once per run, with the hashes it vouches for. */
export class RecordedInputs {
  /** The record of a customer (none when there is none, or one of another shape). */
  public static read(root: string, customer: string): RecordedInputs {
    const record = readRecord(root, customer);
    if (!record) return new RecordedInputs(new FileHashes(root));
    return new RecordedInputs(new FileHashes(root, record, fs.statSync(path.join(root, inputRecordFile(customer))).ctimeMs), record);
  }

  constructor(public readonly hashes: FileHashes, public readonly record?: InputRecord) {}
}

/** What the digests of one run share: the project's digest, and `rings.yaml` read once and parsed only when a record cannot tell a ring's release. */
export class DigestContext {
  private rings?: { readonly sha: string; readonly text?: string; entries?: readonly unknown[] | null };

  constructor(public readonly root: string, public readonly project: string = projectDigest(root)) {}

  /**
   * The release of a ring (the last ring when none is asked for): the record's when `rings.yaml`
   * is the file it was recorded from, else from the file; undefined when that cannot be told.
   */
  public ringRelease(asked: string | undefined, recorded?: RingRecord): ChosenRelease | undefined {
    const rings = this.readRings();
    if (recorded && recorded[0] === rings.sha && recorded[1] === (asked ?? null)) return { name: recorded[3], ring: recorded[2] };
    rings.entries ??= ringEntries(rings.text);
    if (!rings.entries) return undefined;
    const ring = fieldsOf(asked === undefined ? rings.entries[rings.entries.length - 1] : rings.entries.find((r) => fieldsOf(r).name === asked));
    return typeof ring.name === 'string' && typeof ring.release === 'string' ? { name: ring.release, ring: ring.name } : undefined;
  }

  /** `rings.yaml`'s sha256 (`absent` when there is none), as read at the start of the run. */
  public ringsSha(): string {
    return this.readRings().sha;
  }

  /** `rings.yaml`'s content, the very bytes `ringsSha` is the digest of; undefined when there is none. */
  public ringsText(): string | undefined {
    return this.readRings().text;
  }

  /** What a record keeps of a ring's release, for the next run. */
  public ringRecord(asked: string | undefined, chosen: ChosenRelease): RingRecord | undefined {
    return chosen.ring === undefined ? undefined : [this.readRings().sha, asked ?? null, chosen.ring, chosen.name];
  }

  /** `rings.yaml`'s bytes and sha256, read once per run: its parse, when needed, reads these same bytes. */
  private readRings(): NonNullable<DigestContext['rings']> {
    if (!this.rings) {
      let text: string | undefined;
      try {
        text = fs.readFileSync(path.join(this.root, RINGS_FILE), 'utf8');
      } catch {
        // No rings.yaml: no ring's release can be told.
      }
      this.rings = { sha: text === undefined ? ABSENT : createHash('sha256').update(text).digest('hex'), text };
    }
    return this.rings;
  }
}

/** The entries of a `rings.yaml`; null when it is absent, does not parse or lists none. */
function ringEntries(text: string | undefined): readonly unknown[] | null {
  if (text === undefined) return null;
  try {
    const rings = fieldsOf(yaml().parse(text)).rings;
    return Array.isArray(rings) && rings.length > 0 ? rings : null;
  } catch {
    return null;
  }
}

/** The YAML parser, loaded only when a file must be parsed: a run with nothing to do parses nothing. */
function yaml(): typeof Yaml {
  return require('yaml');
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

/** The digest of a customer's inputs: the project's, its customer file, its credential store and its release. */
export function customerDigest(context: DigestContext, customer: string, recorded = new RecordedInputs(new FileHashes(context.root))): string {
  const { hashes } = recorded;
  const hash = createHash('sha256').update(context.project);
  const inputs = customerInputs(context, customer, selectorOf(context.root, customer, recorded), hashes, recorded.record?.ringRelease);
  for (const file of inputs.files) hash.update(`${file}\0${hashes.sha(file)}\0`);
  return hash.update(`ring ${inputs.ring}\0`).digest('hex');
}

/**
 * The files a customer's output is rendered from: its customer file, its credential store, and
 * the release it runs (everything releases are made of when that cannot be told cheaply), with
 * the ring that chose the release.
 */
function customerInputs(context: DigestContext, customer: string, selector: ReleaseSelector, hashes: FileHashes, recorded?: RingRecord):
  { readonly files: readonly string[]; readonly ring: string; readonly release?: ChosenRelease } {
  const own = [customerFile(customer), ...hashes.filesUnder(credentialStoreFolder(customer))];
  // Without rings.yaml no release applies, pinned or not (releaseResolver): the catalog's pins do.
  const pinned: ChosenRelease | undefined = selector.kind === 'pinned' && context.ringsSha() !== ABSENT ? { name: selector.release } : undefined;
  const release = pinned ?? (selector.kind === 'ring' ? context.ringRelease(selector.ring, recorded) : undefined);
  if (release) return { files: [...own, releaseFile(release.name)], ring: release.ring ?? '(pinned)', release };
  return { files: [...own, RINGS_FILE, ...walk(context.root, RELEASES_ROOT, () => true).sort()], ring: '(unknown)' };
}

/** A customer's release selector: the record's when the customer file is the one it was read from, else read now. */
function selectorOf(root: string, customer: string, recorded: RecordedInputs): ReleaseSelector {
  const known = recorded.record?.selector;
  if (known && known[0] === recorded.hashes.sha(customerFile(customer))) return known[1];
  return readSelector(root, customer)[1];
}

/** The customer file's sha256 and its release selector, from one read of the file. */
function readSelector(root: string, customer: string): readonly [string, ReleaseSelector] {
  try {
    // Only a regular file is read (a FIFO would block): anything else renders, and is refused there.
    const absolute = path.join(root, customerFile(customer));
    if (!fs.lstatSync(absolute).isFile()) return ['special', { kind: 'unknown' }];
    const content = fs.readFileSync(absolute);
    const sha = createHash('sha256').update(content).digest('hex');
    const file = fieldsOf(yaml().parse(content.toString('utf8')));
    if (typeof file.release === 'string' && file.ring === undefined) return [sha, { kind: 'pinned', release: file.release }];
    if (file.release === undefined && (file.ring === undefined || typeof file.ring === 'string')) return [sha, { kind: 'ring', ring: file.ring }];
    return [sha, { kind: 'unknown' }];
  } catch {
    return [ABSENT, { kind: 'unknown' }];
  }
}

/**
 * The warnings to repeat when the customer's record matches `inputs` and every file it lists is
 * on disk unchanged with no other file beside them; undefined when the customer must render.
 */
export function unchangedSince(root: string, customer: string, inputs: string, recorded: RecordedInputs): readonly string[] | undefined {
  const { record, hashes } = recorded;
  if (!record || record.inputs !== inputs) return undefined;
  const listed = new Map(record.outputs.map(([file, sha]) => [file, sha]));
  const onDisk = outputFiles(root, customer, hashes);
  if (onDisk.length !== listed.size) return undefined;
  for (const file of onDisk) {
    const sha = listed.get(file);
    if (sha === undefined || sha !== hashes.sha(file)) return undefined;
  }
  // Same content under new timestamps (a checkout, a copy): stamp them, so the next run reads nothing again.
  if (hashes.stale) {
    const { stamps, folders } = hashes.taken;
    writeRecord(root, customer, { ...record, stamps: { ...record.stamps, ...stamps }, folders: { ...record.folders, ...folders } });
  }
  return record.warnings;
}

/** Records what a customer's output was written from; call it after the write, with the digest taken before reading. */
export function recordInputs(context: DigestContext, customer: string, inputs: string, warnings: readonly string[]): void {
  const { root } = context;
  const hashes = new FileHashes(root);
  const selector = readSelector(root, customer);
  // Stamps of the inputs too (the digest itself is the one taken before the render).
  const chosen = customerInputs(context, customer, selector[1], hashes);
  for (const file of chosen.files) hashes.sha(file);
  const ringRelease = selector[1].kind === 'ring' && chosen.release ? context.ringRecord(selector[1].ring, chosen.release) : undefined;
  const record: InputRecord = {
    version: RECORD_VERSION,
    inputs,
    outputs: outputFiles(root, customer, hashes).map((file) => [file, hashes.sha(file)] as const),
    warnings,
    ...hashes.taken,
    selector,
    ...(ringRelease ? { ringRelease } : {}),
  };
  writeRecord(root, customer, record);
}

/** A record, replaced atomically. */
function writeRecord(root: string, customer: string, record: InputRecord): void {
  replaceFile(path.join(root, inputRecordFile(customer)), `${JSON.stringify(record)}\n`);
}

/** The files synth writes for a customer: its tree and its entry point (not bootstrap's files beside it). */
function outputFiles(root: string, customer: string, hashes: FileHashes): string[] {
  const entry = entryFile(customer);
  const tree = hashes.filesUnder(customerDistFolder(customer));
  return (fs.existsSync(path.join(root, entry)) ? [...tree, entry] : tree).sort();
}

function readRecord(root: string, customer: string): InputRecord | undefined {
  try {
    const record = fieldsOf(JSON.parse(fs.readFileSync(path.join(root, inputRecordFile(customer)), 'utf8')));
    const valid = record.version === RECORD_VERSION && typeof record.inputs === 'string' && Array.isArray(record.outputs) && Array.isArray(record.warnings)
      && isMap(record.stamps) && isMap(record.folders) && Array.isArray(record.selector) && typeof record.selector[0] === 'string' && isSelector(record.selector[1])
      && (record.ringRelease === undefined || isRingRecord(record.ringRelease));
    if (!valid) return undefined;
    const { inputs, outputs, warnings, stamps, folders, selector, ringRelease } = record;
    return { version: RECORD_VERSION, inputs, outputs, warnings, stamps, folders, selector, ...(ringRelease ? { ringRelease } : {}) };
  } catch {
    // No record, or one that does not parse: the customer renders, which writes a new one.
    return undefined;
  }
}

function isRingRecord(value: unknown): value is RingRecord {
  return Array.isArray(value) && value.length === 4 && typeof value[0] === 'string' && (value[1] === null || typeof value[1] === 'string')
    && typeof value[2] === 'string' && typeof value[3] === 'string';
}

function isSelector(value: unknown): value is ReleaseSelector {
  const { kind, release, ring } = fieldsOf(value);
  return (kind === 'pinned' && typeof release === 'string') || (kind === 'ring' && (ring === undefined || typeof ring === 'string')) || kind === 'unknown';
}

/** Regular files under a folder (relative to root, `/`-separated), links included as their target's bytes. */
function walk(root: string, dir: string, include: (name: string) => boolean, seen = new Set<string>()): string[] {
  let entries: fs.Dirent[];
  try {
    // A folder reached twice through links (a loop) is walked once.
    const real = fs.realpathSync(path.join(root, dir));
    if (seen.has(real)) return [];
    seen.add(real);
    entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => dir !== '' || include(e.name)).flatMap((e) => {
    const relative = dir === '' ? e.name : `${dir}/${e.name}`;
    // A link to a folder is walked like the folder: the tools that read the source follow it too.
    const folder = e.isDirectory() || (e.isSymbolicLink() && fs.statSync(path.join(root, relative), { throwIfNoEntry: false })?.isDirectory());
    return folder ? walk(root, relative, include, seen) : [relative];
  });
}

function hashFile(hash: ReturnType<typeof createHash>, root: string, file: string): void {
  hash.update(`${file}\0`);
  try {
    // Only a regular file (or a link to one) is read: a FIFO would block the run.
    const regular = fs.statSync(path.join(root, file)).isFile();
    hash.update(regular ? fs.readFileSync(path.join(root, file)) : `\0special ${randomUUID()}\0`);
  } catch {
    hash.update(`\0${ABSENT}\0`);
  }
  hash.update('\0');
}

function sha256Of(root: string, file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(path.join(root, file))).digest('hex');
  } catch {
    return ABSENT;
  }
}

/**
 * When no customer of `names` needs a render, the warnings to repeat for each; undefined as soon
 * as one does. The customer files changed last are looked at first, so that the common change
 * (a pull request's edited customer file) ends the look at its first customer, not after the fleet.
 */
export function allUnchanged(context: DigestContext, names: readonly string[]): Map<string, readonly string[]> | undefined {
  const { root } = context;
  const unchanged = new Map<string, readonly string[]>();
  const changed = (name: string) => fs.lstatSync(path.join(root, customerFile(name)), { throwIfNoEntry: false })?.ctimeMs ?? Infinity;
  const order = names.map((name) => [name, changed(name)] as const).sort((a, b) => b[1] - a[1]).map(([name]) => name);
  for (const name of order) {
    const recorded = RecordedInputs.read(root, name);
    const warnings = unchangedSince(root, name, customerDigest(context, name, recorded), recorded);
    if (!warnings) return undefined;
    unchanged.set(name, warnings);
  }
  return new Map(names.map((name) => [name, unchanged.get(name) ?? []]));
}

/**
 * Whether something only a full synth reports is there: a tree or a credential store left
 * without its customer file (a warning each), or a customer file not named `*.yaml` (an error).
 */
export function needsFullSynth(root: string, names: readonly string[]): boolean {
  const known = new Set(names);
  return hasYmlCustomerFile(root) || [...distCustomers(root), ...storeCustomers(root)].some((c) => !known.has(c));
}

/** Whether `rings.yaml` is the file synth last checked whole (`parseRings`): a run with another must check it, however few customers it changes. */
export function ringsChecked(context: DigestContext): boolean {
  try {
    return fs.readFileSync(path.join(context.root, RINGS_CHECKED_FILE), 'utf8') === context.ringsSha();
  } catch {
    return false;
  }
}

/** Notes that synth checked this `rings.yaml` whole; call it after the check, with the context of the run. */
export function recordRingsChecked(context: DigestContext): void {
  replaceFile(path.join(context.root, RINGS_CHECKED_FILE), context.ringsSha());
}

/** What synth says of the customers it skipped. */
export function unchangedLine(count: number): string {
  return `unchanged since the last synth: ${count} customer(s) (inputs and written files as recorded in ${INPUT_RECORDS_FOLDER}/)`;
}
