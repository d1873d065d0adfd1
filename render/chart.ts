/**
 * A Helm chart as the values analysis needs it: its default values, values schema,
 * templates, CRDs and subcharts (each under the values key its parent gives it).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { parse } from 'yaml';
import { firstLineOf, messageOf } from '../model/caught';
import { readTarGz } from '../tools/archive';

export interface ChartModel {
  readonly name: string;
  readonly version: string;
  /** The version of the software the chart installs, as Chart.yaml says (`appVersion`). */
  readonly appVersion?: string;
  /** Library charts render nothing themselves: their helpers run with the caller's values. */
  readonly library: boolean;
  /** Parsed values.yaml. */
  readonly values: Record<string, unknown>;
  /** Parsed values.schema.json, when the chart has one. */
  readonly schema?: Record<string, unknown>;
  /** Every file under templates/, by path relative to the chart. */
  readonly templates: ReadonlyMap<string, string>;
  /** Documents of the chart's crds/ folder. */
  readonly crds: readonly Record<string, unknown>[];
  /** Values paths Chart.yaml reads itself (dependency conditions and tags). */
  readonly chartReads: readonly string[][];
  readonly subcharts: readonly Subchart[];
}

export interface Subchart {
  /** Top-level key of the parent's values the subchart reads (alias or name). */
  readonly key: string;
  readonly chart: ChartModel;
}

export class ChartLoadError extends Error {}

interface Dependency {
  name: string;
  alias?: string;
  condition?: string;
  tags?: string[];
}

/** A chart as found on disk, with a fingerprint of its content. */
export interface LoadedChart extends ChartModel {
  /** sha256 over every file of the chart (names and bytes): what rendered output is cached by. */
  readonly contentDigest: string;
}

/** Loads a chart archive (`.tgz`) or an unpacked chart folder. */
export function loadChart(location: string): LoadedChart {
  const files = fs.statSync(location).isDirectory() ? readFolder(location) : stripTop(readTarGz(fs.readFileSync(location)));
  const hash = createHash('sha256');
  for (const [name, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${name}\0${content.length}\0`).update(content);
  return { ...fromFiles(files, location), contentDigest: hash.digest('hex') };
}

function fromFiles(files: Map<string, Buffer>, where: string): ChartModel {
  const text = (name: string) => files.get(name)?.toString('utf8');
  const meta = parseYaml(text('Chart.yaml'), `${where}/Chart.yaml`) as { name?: string; version?: string; appVersion?: unknown; type?: string; dependencies?: Dependency[] } | undefined;
  if (!meta?.name) throw new ChartLoadError(`${where}: expected a chart with Chart.yaml, found none`);
  const dependencies: Dependency[] = meta.dependencies ?? (parseYaml(text('requirements.yaml'), `${where}/requirements.yaml`) as { dependencies?: Dependency[] } | undefined)?.dependencies ?? [];
  const schemaText = text('values.schema.json');
  const templates = new Map([...files].filter(([f]) => f.startsWith('templates/')).map(([f, b]) => [f, b.toString('utf8')]));
  // CRDs are most of a big chart's YAML: js-yaml reads them several times faster.
  const crds = [...files].filter(([f]) => /^crds\/.*\.ya?ml$/.test(f))
    .flatMap(([f, b]) => parseCrds(b.toString('utf8'), `${where}/${f}`))
    .filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object');
  return {
    name: meta.name,
    version: String(meta.version ?? ''),
    appVersion: meta.appVersion === undefined ? undefined : String(meta.appVersion),
    library: meta.type === 'library',
    values: (parseYaml(text('values.yaml'), `${where}/values.yaml`) ?? {}) as Record<string, unknown>,
    schema: schemaText ? parseJson(schemaText, `${where}/values.schema.json`) : undefined,
    templates,
    crds,
    chartReads: dependencies.flatMap((d) => [
      ...(d.condition ?? '').split(',').map((c) => c.trim()).filter(Boolean).map((c) => c.split('.')),
      ...(d.tags ?? []).map((t) => ['tags', t]),
    ]),
    subcharts: subchartsOf(files, dependencies, where),
  };
}

function subchartsOf(files: Map<string, Buffer>, dependencies: Dependency[], where: string): Subchart[] {
  const charts: ChartModel[] = [];
  const folders = new Set([...files.keys()].map((f) => /^charts\/([^/]+)\/Chart\.yaml$/.exec(f)?.[1]).filter((d): d is string => !!d));
  for (const folder of [...folders].sort()) {
    const prefix = `charts/${folder}/`;
    const sub = new Map([...files].filter(([f]) => f.startsWith(prefix)).map(([f, b]) => [f.slice(prefix.length), b]));
    charts.push(fromFiles(sub, `${where}/${prefix.slice(0, -1)}`));
  }
  for (const [archive, content] of [...files].filter(([f]) => /^charts\/[^/]+\.tgz$/.test(f)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    charts.push(fromFiles(stripTop(readTarGz(content)), `${where}/${archive}`));
  }
  // A dependency listed twice under two aliases is the same chart read under two keys.
  return charts.flatMap((chart) => {
    const uses = dependencies.filter((d) => d.name === chart.name);
    return uses.length === 0 ? [{ key: chart.name, chart }] : uses.map((d) => ({ key: d.alias ?? d.name, chart }));
  });
}

/** Archive paths are `<chart>/…`: drop that first folder. */
function stripTop(files: Map<string, Buffer>): Map<string, Buffer> {
  return new Map([...files].map(([f, b]) => [f.slice(f.indexOf('/') + 1), b]));
}

function readFolder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.relative(dir, p).split(path.sep).join('/'), fs.readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

function parseYaml(text: string | undefined, file: string): unknown {
  if (text === undefined) return undefined;
  try {
    // Helm keeps the last of duplicate keys instead of failing; so do we.
    return parse(text, { uniqueKeys: false });
  } catch (e) {
    throw new ChartLoadError(`${file}: expected YAML, found ${firstLineOf(e)}`);
  }
}

function parseCrds(text: string, file: string): unknown[] {
  try {
    return loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch (e) {
    throw new ChartLoadError(`${file}: expected YAML, found ${firstLineOf(e)}`);
  }
}

function parseJson(text: string, file: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ChartLoadError(`${file}: expected JSON, found ${messageOf(e)}`);
  }
}
