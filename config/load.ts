/**
 * Loads customer files: YAML → legacy-key handling → layering → schema validation.
 * Never throws for a user mistake: every problem becomes one `Problem` line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { CHARTS } from '../catalog/charts';
import { guard } from '../files/file-steps';
import { errnoCode } from '../model/caught';
import { customerDistFolder, customerFile, CUSTOMERS_ROOT, releaseFile } from '../model/layout';
import { conflictMarkerLine, conflictMarkersProblem, showInvisible } from '../model/patterns';
import { EXIT, UserError } from '../model/user-error';
import { deepMerge, deletePath, getPath, hasPath, isPlainObject } from './layering';
import { LEGACY_KEYS } from './legacy';
import { PROFILE_VALUES } from './profiles';
import { releaseLayer as layerOf, type ReleaseResolver } from './releases';
import { customerSchema, DEFAULT_PROFILE, dns1123Label, PROFILES, withGuarantees, type CustomerConfig } from './schema';
import { objectShape, type SchemaNode } from './schema-walk';

/** One finding about one key of one customer file. */
export interface Problem {
  readonly file: string;
  /** 1-based line in the customer file, when the key (or its closest parent) is written there. */
  readonly line?: number;
  /** Dotted key path; empty for the whole file. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

/** A customer file as loaded: with its config when it is valid (`LoadedConfig`), with errors otherwise. */
export type LoadedCustomer = LoadedConfig | LoadFailure;

/** A valid customer file: its config, and no errors. */
export interface LoadedConfig extends LoadOutcome {
  readonly config: CustomerConfig;
}

/** A customer file with at least one error, and no config. */
export interface LoadFailure extends LoadOutcome {
  readonly config?: undefined;
}

interface LoadOutcome {
  readonly file: string;
  readonly errors: readonly Problem[];
  readonly warnings: readonly Problem[];
  /** The customer file as written (after dropping unused legacy keys), for provenance. */
  readonly raw: unknown;
  /** The profile layer that was applied. */
  readonly profileValues: unknown;
  /**
   * The release layer that was applied beneath the profile, with the ring and release it resolved to.
   * @default - none: loaded without the repository's rings (the catalog's pins)
   */
  readonly releaseLayer?: { readonly name: string; readonly ring?: string; readonly values: unknown };
  /** Line of a dotted key path in the customer file, if it is written there. */
  readonly lineOf: (keyPath: readonly string[]) => number | undefined;
}

/** `file:line: path: expected …, found …` — the one-line form every command prints. */
export function formatProblem(p: Problem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  // Keys and values come from the file: nothing in them may hide or reorder the line.
  return showInvisible(`${where}: ${p.path || '(file)'}: expected ${p.expected}, found ${p.found}`);
}

/** A YAML parser's message as the found part of a line whose prefix already names the line. */
export function yamlProblem(message: string): string {
  // The first line ends in the position (" at line 2, column 1:"); a snippet of the file follows.
  return message.split('\n')[0].replace(/ at line \d+, column (\d+):$/, ' (column $1)');
}

export function describeValue(v: unknown, keyPath: readonly string[] = []): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (isPlainObject(v)) return 'a map';
  // A credential typed in the wrong place must not end up in a terminal, a CI log or a chat.
  if (typeof v === 'string' && SENSITIVE.test(keyPath.join('.'))) return `a text of ${v.length} characters`;
  if (typeof v === 'string') return JSON.stringify(v.replace(URL_USERINFO, '$1***@').replace(URL_QUERY, '$1***'));
  return String(v);
}

/** Keys whose values are never echoed: everything under secrets, and keys named like a credential. */
const SENSITIVE = /(^|\.)(secrets|[^.]*(password|passwd|secret|token|credential)[^.]*)(\.|$)/i;
/** `scheme://user:password@` (or a token as user name) in a URL, or `user:password@` before a registry host. */
const URL_USERINFO = /(^|\/\/)[^/@\s]*@/g;
/** A query or fragment, where tokens travel (`?private_token=…`). */
const URL_QUERY = /([?#])\S*/;

/** Bound on alias expansion: a customer file never needs many, an alias bomb needs millions. */
const MAX_ALIASES = 100;

/** Customer name from a file path: `customers/acme.yaml` → `acme`. */
export function customerName(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/, '');
}

/**
 * @param releases the repository's rings and releases (`releaseResolver`): the customer's release
 *   becomes the layer beneath its profile. Without them, the catalog's pins apply.
 */
export function loadCustomerFile(file: string, displayFile = file, releases?: ReleaseResolver): LoadedCustomer {
  const refuse = (found: string, expected = `a regular file inside ${CUSTOMERS_ROOT}/ (no symbolic link, no folder)`) => fileProblem(displayFile, expected, found);
  let text: string;
  try {
    // lstat, not stat: a link is never followed, so nothing it points to (a key, /proc/self/environ) is read or echoed.
    const stat = fs.lstatSync(file);
    if (stat.isSymbolicLink()) return refuse('a symbolic link');
    if (!stat.isFile()) return refuse(stat.isDirectory() ? 'a folder' : 'a special file');
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = errnoCode(e);
    if (!code) throw e;
    return refuse(`${code} while reading it`, 'a readable file');
  }
  return loadCustomerText(text, customerName(file), displayFile, releases);
}

/** A customer file that could not be loaded at all: one problem for the whole file. */
function fileProblem(file: string, expected: string, found: string): LoadedCustomer {
  return { file, errors: [{ file, path: '', expected, found }], warnings: [], raw: undefined, profileValues: undefined, lineOf: () => undefined };
}

export function loadCustomerText(text: string, name: string, file: string, releases?: ReleaseResolver): LoadedCustomer {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const lines = new LineCounter();
  // logLevel 'error': the library would print a warning quoting the file (a map used as a key, e.g. an unquoted {{ … }}).
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, logLevel: 'error' });
  const lineOf = (keyPath: readonly string[]) => nodeLine(doc, lines, keyPath);
  let releaseLayer: LoadOutcome['releaseLayer'];
  const result = (raw: unknown, profileValues: unknown, config?: CustomerConfig): LoadedCustomer =>
    ({ file, config, errors, warnings, raw, profileValues, lineOf, ...(releaseLayer ? { releaseLayer } : {}) });

  const conflict = conflictMarkerLine(text);
  if (conflict) {
    errors.push({ file, line: conflict, path: '', expected: 'one version of each setting', found: conflictMarkersProblem() });
  } else {
    for (const e of [...doc.errors, ...doc.warnings]) {
      errors.push({ file, line: e.linePos?.[0]?.line, path: '', expected: 'valid YAML', found: yamlProblem(e.message) });
    }
  }
  if (!dns1123Label.safeParse(name).success) {
    errors.push({ file, path: '', expected: 'a file name that is a DNS-1123 name such as acme.yaml', found: JSON.stringify(name) });
  }
  if (errors.length) return result(undefined, undefined);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch {
    errors.push({ file, path: '', expected: `YAML with at most ${MAX_ALIASES} alias uses`, found: 'more (an alias bomb?)' });
    return result(undefined, undefined);
  }
  if (!isPlainObject(raw)) {
    errors.push({ file, line: 1, path: '', expected: 'a map of settings', found: describeValue(raw) });
    return result(raw, undefined);
  }

  for (const legacy of LEGACY_KEYS) {
    const keyPath = legacy.path.split('.');
    if (!hasPath(raw, keyPath)) continue;
    const problem = { file, line: lineOf(keyPath), path: legacy.path };
    if (legacy.kind === 'credential') {
      errors.push({ ...problem, expected: `no plain-text password here; use the ${legacy.replacement}`, found: 'a plain-text value' });
    } else {
      const why = legacy.kind === 'retired' ? `no longer read: ${legacy.replacement}` : `the old system never read it; use ${legacy.replacement}`;
      warnings.push({ ...problem, expected: `no such key (${why})`, found: describeValue(getPath(raw, keyPath), keyPath) });
    }
    deletePath(raw, keyPath);
  }


  const profile = PROFILES.find((p) => p === raw.profile) ?? DEFAULT_PROFILE;
  const profileValues = PROFILE_VALUES[profile];
  let layer: unknown = {};
  let chosen: unknown = {};
  if (releases) {
    const resolution = releases.resolve(raw.ring, raw.release);
    if (resolution.problem) {
      const { path: at, expected, found } = resolution.problem;
      errors.push({ file, line: lineOf([at]), path: at, expected, found });
      return result(raw, profileValues);
    }
    // The resolved choice, so every reader sees the ring and the release without resolving again.
    chosen = resolution.choice.ring ? { ring: resolution.choice.ring, release: resolution.choice.release } : { release: resolution.choice.release };
    layer = layerOf(resolution.release);
    const ring = resolution.choice.ring ? { ring: resolution.choice.ring } : {};
    releaseLayer = { name: resolution.release.name, ...ring, values: deepMerge(layer, chosen) };
  }
  const merged = deepMerge(deepMerge(deepMerge(layer, profileValues), raw), chosen);
  const parsed = customerSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(...issueProblems(issue, merged, file, lineOf));
  }
  const config = parsed.success ? withGuarantees(parsed.data, name) : undefined;
  if (errors.length || !config) return result(raw, profileValues);
  return result(raw, profileValues, config);
}

/**
 * Loads every `*.yaml` customer file of the repository at `root` (or those `wanted`), sorted by name. A `*.yml` file is an error
 * (naming its `.yaml` twin if there is one): two spellings would let one file silently
 * override the other.
 */
export function loadCustomers(root: string, wanted: (name: string) => boolean = () => true, releases?: ReleaseResolver): LoadedCustomer[] {
  const folder = CUSTOMERS_ROOT;
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  const entries = guard(folder, () => fs.readdirSync(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  return entries.filter((f) => !f.endsWith('.yaml') || wanted(customerName(f))).map((f) => {
    const display = `${folder}/${f}`;
    if (f.endsWith('.yaml')) return loadCustomerFile(path.join(dir, f), display, releases);
    const twin = f.replace(/\.yml$/, '.yaml');
    return entries.includes(twin)
      ? fileProblem(display, `one file per customer (${folder}/${twin} is the one synth reads)`, `both ${folder}/${twin} and ${display}: delete one`)
      : fileProblem(display, 'the extension .yaml', `.yml: rename it to ${folder}/${twin}`);
  });
}

function issueProblems(issue: z.core.$ZodIssue, merged: unknown, file: string, lineOf: (p: readonly string[]) => number | undefined): Problem[] {
  const keyPath = issue.path.map(String);
  const at = (p: string[]) => ({ file, line: closestLine(p, lineOf), path: p.join('.') });
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(keyPath);
    return issue.keys.map((key) => {
      const hint = closest(key, known);
      return {
        ...at([...keyPath, key]),
        expected: hint ? `a known key (did you mean "${hint}"?)` : `one of the known keys: ${known.join(', ')}`,
        found: `unknown key "${key}"`,
      };
    });
  }
  const found = describeValue(getPath(merged, keyPath), keyPath);
  if (issue.code === 'invalid_value') {
    return [{ ...at(keyPath), expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, found }];
  }
  return [{ ...at(keyPath), expected: issue.message.replace(/^Invalid input: expected /, ''), found }];
}

function closestLine(keyPath: string[], lineOf: (p: readonly string[]) => number | undefined): number | undefined {
  for (let n = keyPath.length; n > 0; n--) {
    const line = lineOf(keyPath.slice(0, n));
    if (line) return line;
  }
  return undefined;
}

/** 1-based line of a key path in a parsed YAML document, if the key is written there. */
export function nodeLine(doc: Document, lines: LineCounter, keyPath: readonly string[]): number | undefined {
  if (keyPath.length === 0) return undefined;
  const parent = keyPath.length === 1 ? doc.contents : doc.getIn(keyPath.slice(0, -1), true);
  const items = (parent as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> } | null)?.items;
  const pair = items?.find((item) => item.key?.value === keyPath[keyPath.length - 1]);
  return pair?.key?.range ? lines.linePos(pair.key.range[0]).line : undefined;
}

/** Keys the schema accepts at a path, for "did you mean" hints. */
function knownKeys(keyPath: string[]): string[] {
  let schema: SchemaNode = customerSchema;
  for (const key of [...keyPath, '']) {
    const shape = objectShape(schema);
    if (!shape) return [];
    if (key === '') return Object.keys(shape).sort();
    schema = shape[key];
  }
  return [];
}

export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * The one wording of a customer name that names no customer (usage, exit 2): the names there
 * are, and what was looked for (`alsoDist` for the commands that also act on a tree alone).
 */
export function unknownCustomer(names: readonly string[], known: readonly string[], alsoDist = false): UserError {
  const where = `${customerFile(names[0])}${alsoDist ? ` or ${customerDistFolder(names[0])}/` : ''}`;
  return new UserError(`customer ${names.map((n) => `"${n}"`).join(', ')}: expected one of ${known.join(', ') || '(none)'}, found no ${where}`, EXIT.USAGE);
}

/**
 * A chart version override must name a version vendored in the repository: Flux installs the
 * archive from Git, so any other version would leave the release without a chart. A customer
 * whose override is not vendored becomes a load failure naming the key.
 */
export function requireVendoredVersions(loaded: LoadedCustomer, vendored: (chart: string, version: string) => boolean): LoadedCustomer {
  if (!loaded.config) return loaded;
  const errors: Problem[] = [];
  const components: Readonly<Record<string, { readonly enabled: boolean; readonly version?: string }>> = loaded.config.components;
  for (const [name, entry] of Object.entries(CHARTS)) {
    const version = components[name]?.version;
    if (version === undefined || vendored(entry.chart, version)) continue;
    const keyPath = ['components', name, 'version'];
    const expected = `a version of ${entry.chart} vendored in vendor/charts/ (vendor it with \`npx astrago charts vendor ${entry.chart} ${version}\`)`;
    // Not written in the customer file: its release pins it, so the problem is the release's.
    const release = hasPath(loaded.raw, keyPath) ? undefined : loaded.config.release;
    errors.push(release
      ? { file: releaseFile(release), path: `charts.${entry.chart}`, expected: `${expected}, for customer ${loaded.config.name}`, found: version }
      : { file: loaded.file, line: loaded.lineOf(keyPath), path: keyPath.join('.'), expected, found: version });
  }
  return errors.length === 0 ? loaded : { ...loaded, config: undefined, errors };
}
