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
import { LineCounter, parseDocument } from 'yaml';
import { deepMerge, isPlainObject, type Plain } from '../config/layering';
import { describeValue, nodeLine, yamlProblem } from '../config/load';
import { EXIT, UserError } from '../model/user-error';

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

function readValuesFile(file: string): LegacyFile {
  const text = fs.readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problem = [...doc.errors, ...doc.warnings][0];
  if (problem) {
    // The parser's first line names the problem and position, never the content.
    throw new UserError(`${file}${problem.linePos ? `:${problem.linePos[0].line}` : ''}: expected valid YAML, found ${yamlProblem(problem.message)}`);
  }
  const values = doc.toJS() ?? {};
  // Never the text itself: a file named by mistake may be a key.
  if (!isPlainObject(values)) {
    throw new UserError(`${file}:1: expected a map of values, found ${typeof values === 'string' ? `a text of ${values.length} characters` : describeValue(values)}`);
  }
  return { display: file, values, lineOf: (keyPath) => nodeLine(doc, lines, keyPath) };
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
