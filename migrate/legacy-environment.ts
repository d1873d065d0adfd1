/**
 * Reads one environment of the old Helmfile system with its merge rules (docs/old-system.md §3):
 * the files of the environment deep-merged in order, later wins, maps merge, lists replace.
 *
 * - `stabilize/1.0` layout (`helmfile/environments/`): `base/values.yaml`, then
 *   `customers/<name>/values.yaml`; the environment `default` is `base` alone.
 * - `main` layout (`environments/`): `common/values.yaml` when present, then `<env>/values.yaml`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { deepMerge, isPlainObject, type Plain } from '../config/layering';
import { describeValue, yamlProblem } from '../config/load';
import { guard } from '../files/file-steps';
import { EXIT, UserError } from '../model/user-error';
import { utf8Text } from '../secrets/credential-store';

export const LegacyLayout = {
  /** branch stabilize/1.0: base + customers/<name>. */
  STABILIZE: 'stabilize/1.0',
  /** branch main: common + <env>. */
  MAIN: 'main',
} as const;
export type LegacyLayout = (typeof LegacyLayout)[keyof typeof LegacyLayout];

/** One values file of the environment, as read. */
export interface LegacyFile {
  /** Path as the user gave it, for messages. */
  readonly display: string;
  readonly values: Plain;
  /** 1-based line of a key path in this file, when it is written there. */
  readonly lineOf: (keyPath: readonly string[]) => number | undefined;
}

export interface LegacyEnvironment {
  readonly name: string;
  readonly layout: LegacyLayout;
  /** The files in merge order (later wins). */
  readonly files: readonly LegacyFile[];
  /** The merged values, as Helmfile handed them to the templates. */
  readonly values: Plain;
}

const VALUES = 'values.yaml';

/** The environment's files in merge order, or a usage error naming the environments there are. */
function environmentFiles(folder: string, environment: string): { layout: LegacyLayout; files: string[] } {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new UserError(`<old-environments-folder>: expected the folder of the old environments (helmfile/environments or environments), found no folder ${folder}`, EXIT.USAGE);
  }
  const file = (...parts: string[]) => path.join(folder, ...parts, VALUES);
  const exists = (f: string) => fs.existsSync(f) && fs.statSync(f).isFile();
  if (exists(file('base'))) {
    const customers = path.join(folder, 'customers');
    const known = ['default', ...(fs.existsSync(customers) ? fs.readdirSync(customers).filter((c) => exists(file('customers', c))).sort() : [])];
    if (!known.includes(environment)) {
      throw new UserError(`<environment>: expected one of ${known.join(', ')} (${LegacyLayout.STABILIZE} layout), found "${environment}"`, EXIT.USAGE);
    }
    return { layout: LegacyLayout.STABILIZE, files: [file('base'), ...(environment === 'default' ? [] : [file('customers', environment)])] };
  }
  const known = fs.readdirSync(folder).filter((e) => e !== 'common' && exists(file(e))).sort();
  if (known.length === 0) {
    throw new UserError(`<old-environments-folder>: expected base/${VALUES} (stabilize/1.0 layout) or <env>/${VALUES} (main layout) in ${folder}, found neither`, EXIT.USAGE);
  }
  if (!known.includes(environment)) {
    throw new UserError(`<environment>: expected one of ${known.join(', ')} (${LegacyLayout.MAIN} layout), found "${environment}"`, EXIT.USAGE);
  }
  return { layout: LegacyLayout.MAIN, files: [...(exists(file('common')) ? [file('common')] : []), file(environment)] };
}

/**
 * Largest values file read. The old environments are a few KiB; a far larger file is not one,
 * and YAML parsing is not linear in the size of a hostile one.
 */
export const MAX_VALUES_BYTES = 256 * 1024;
/** Alias uses expanded at most per file: an alias bomb expands exponentially. */
const MAX_ALIASES = 1000;

/**
 * One values file as Helmfile 1.1.6 (the old system's, reference §3.1) read it with go-yaml v3
 * into untyped maps: `<<` merge keys are merged, duplicate keys are an error, and only
 * true/false are booleans (YAML 1.1's yes/no/on/off stay text until a typed setting reads
 * them, `helmBoolean`). Nothing of the text reaches a message: no parser snippet, no warning.
 */
function readValuesFile(file: string): LegacyFile {
  const size = guard(file, () => fs.statSync(file)).size;
  if (size > MAX_VALUES_BYTES) throw new UserError(`${file}: expected an environment values file of at most ${MAX_VALUES_BYTES} bytes, found ${size}`);
  const text = utf8Text(guard(file, () => fs.readFileSync(file)), file);
  const lines = new LineCounter();
  // logLevel 'error': the library would print a warning quoting the text (a map used as a key, e.g. an unquoted {{ … }}).
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, merge: true, logLevel: 'error' });
  const problem = [...doc.errors, ...doc.warnings][0];
  if (problem) {
    // The parser's first line names the problem and position, never the content.
    throw new UserError(`${file}${problem.linePos ? `:${problem.linePos[0].line}` : ''}: expected valid YAML, found ${yamlProblem(problem.message)}`);
  }
  let values: unknown;
  try {
    values = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    throw new UserError(`${file}: expected YAML with at most ${MAX_ALIASES} alias uses, found more (an alias bomb?)`);
  }
  // Never the text itself: a file named by mistake may be a key.
  if (!isPlainObject(values)) {
    throw new UserError(`${file}:1: expected a map of values, found ${typeof values === 'string' ? `a text of ${values.length} characters` : describeValue(values)}`);
  }
  const index = keyLines(doc, lines);
  return { display: file, values, lineOf: (keyPath) => index.get(keyPath.join('\0')) };
}

/**
 * The line of every key path written in the file, found in one walk: looking each key up
 * from the top would take time quadratic in the number of keys.
 */
function keyLines(doc: Document, lines: LineCounter): Map<string, number> {
  const index = new Map<string, number>();
  const walk = (node: unknown, prefix: string) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isScalar(pair.key) || !pair.key.range) continue;
      const keyPath = `${prefix}${String(pair.key.value)}`;
      if (!index.has(keyPath)) index.set(keyPath, lines.linePos(pair.key.range[0]).line);
      walk(pair.value, `${keyPath}\0`);
    }
  };
  walk(doc.contents, '');
  return index;
}

/** Reads and merges an old environment; throws a UserError with one line (exit 2 for a folder or environment named wrongly). */
export function readLegacyEnvironment(folder: string, environment: string): LegacyEnvironment {
  const { layout, files } = environmentFiles(folder, environment);
  const read = files.map(readValuesFile);
  const values = read.reduce<Plain>((merged, f) => deepMerge(merged, f.values) as Plain, {});
  return { name: environment, layout, files: read, values };
}

/** The file (and line) that gave a key its merged value: the last one that writes it. */
export function sourceOf(env: LegacyEnvironment, keyPath: readonly string[]): string {
  for (const f of [...env.files].reverse()) {
    const line = f.lineOf(keyPath);
    if (line !== undefined) return `${f.display}:${line}`;
  }
  return env.files[env.files.length - 1].display;
}
