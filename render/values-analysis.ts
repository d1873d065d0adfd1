/**
 * Values a chart would silently ignore: every path of a release's values that the chart
 * (with its subcharts) neither defaults in a values.yaml nor reads in any template.
 */
import { closest } from '../config/load';
import { isMap } from '../model/fields';
import type { ChartModel } from './chart';
import { defineBodies, scanTemplate, ValuesReads, type ValuesPath } from './template-reads';

export interface UnreadValue {
  /** The highest path the chart ignores (nothing below it is read either). */
  readonly path: ValuesPath;
  /** Number of values (leaves) at or below it that the user set. */
  readonly leaves: number;
  /** The known key closest to the ignored one, for "did you mean". */
  readonly hint?: string;
}

/** What a chart knows of its values: defaults and template reads, subcharts placed at their keys. */
export class ChartValuesModel {
  public readonly defaults: Record<string, unknown> = {};
  public readonly reads = new ValuesReads();

  /** Named templates of the chart and every subchart: Helm shares them across all of them. */
  private readonly defines = new Map<string, string>();

  constructor(chart: ChartModel) {
    const collect = (c: ChartModel) => {
      for (const text of c.templates.values()) for (const [name, body] of defineBodies(text)) this.defines.set(name, body);
      c.subcharts.forEach((s) => collect(s.chart));
    };
    collect(chart);
    this.add(chart, [], []);
  }

  /** Paths of `values` the chart ignores, highest first, in document order. */
  public unread(values: Record<string, unknown>): UnreadValue[] {
    const found: UnreadValue[] = [];
    const walk = (node: unknown, at: ValuesPath) => {
      if (this.reads.isReadWhole(at)) return;
      if (at.length > 0 && !this.hasDefault(at) && !this.reads.isRead(at)) {
        const parent = at.slice(0, -1);
        const known = [...new Set([...Object.keys(this.defaultAt(parent) ?? {}), ...this.reads.keysBelow(parent)])].sort();
        found.push({ path: at, leaves: leafCount(node), hint: closest(at[at.length - 1], known) });
        return;
      }
      if (isMap(node)) for (const [k, v] of Object.entries(node)) walk(v, [...at, k]);
    };
    walk(values, []);
    return found;
  }

  private add(chart: ChartModel, at: ValuesPath, caller: ValuesPath): void {
    // A library chart's helpers run with the values of the chart that includes them.
    const own = chart.library ? caller : at;
    mergeInto(this.defaults, own, chart.values);
    for (const text of chart.templates.values()) scanTemplate(text, { at: own, reads: this.reads, defines: this.defines });
    for (const read of chart.chartReads) this.reads.read([...own, ...read]);
    for (const sub of chart.subcharts) this.add(sub.chart, [...own, sub.key], own);
  }

  private hasDefault(p: ValuesPath): boolean {
    const parent = this.defaultAt(p.slice(0, -1));
    return isMap(parent) && Object.prototype.hasOwnProperty.call(parent, p[p.length - 1]);
  }

  private defaultAt(p: ValuesPath): Record<string, unknown> | undefined {
    let node: unknown = this.defaults;
    for (const k of p) node = isMap(node) ? node[k] : undefined;
    return isMap(node) ? node : undefined;
  }
}

/** Writes `values` at path `at` of `target`, a subchart's `global` at the top like Helm does. */
function mergeInto(target: Record<string, unknown>, at: ValuesPath, values: Record<string, unknown>): void {
  const { global, ...rest } = values;
  if (isMap(global)) mergeMaps(ensureMap(target, ['global']), global);
  mergeMaps(ensureMap(target, at), rest);
}

function ensureMap(target: Record<string, unknown>, at: ValuesPath): Record<string, unknown> {
  let node = target;
  for (const k of at) {
    const next = node[k];
    node = isMap(next) ? next : (node[k] = {});
  }
  return node;
}

/** Adds keys of `source` missing in `target` (the parent's values win over a subchart's defaults). */
function mergeMaps(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    if (!(k in target)) target[k] = v;
    else {
      const current = target[k];
      if (isMap(current) && isMap(v)) mergeMaps(current, v);
    }
  }
}

function leafCount(node: unknown): number {
  return isMap(node) && Object.keys(node).length > 0 ? Object.values(node).reduce((n: number, v) => n + leafCount(v), 0) : 1;
}

/** `a.b."nvidia.com/gpu"`: keys with dots or spaces quoted so the path reads back unambiguously. */
export function formatValuesPath(p: ValuesPath): string {
  return p.map((k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k))).join('.');
}
