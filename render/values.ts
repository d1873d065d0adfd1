/** Helm values as plain data: merging the way Flux and Helm do, and setting a `--set`-style path. */
import { isMap } from '../model/fields';

/** Flux's merge of values documents: maps merge key by key, anything else is replaced. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const current = out[k];
    out[k] = isMap(current) && isMap(v) ? mergeValues(current, v) : v;
  }
  return out;
}

/**
 * Helm's coalescing of user values over chart defaults: like a merge, except that a `null`
 * deletes the default (how users remove a key a chart sets).
 */
export function coalesceValues(defaults: Record<string, unknown>, user: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(user)) {
    if (v === null) delete out[k];
    else {
      const current = out[k];
      out[k] = isMap(current) && isMap(v) ? coalesceValues(current, v) : v;
    }
  }
  return out;
}

/**
 * Sets a value at a Helm `--set` path (`a.b[0].c`, `a\.b` for a dot inside a key), as Flux
 * does for a valuesFrom `targetPath`.
 */
export function setValuesPath(values: Record<string, unknown>, targetPath: string, value: unknown): Record<string, unknown> {
  const steps: Array<string | number> = [];
  for (const part of targetPath.split(/(?<!\\)\./)) {
    const m = /^(.*?)((?:\[\d+\])*)$/.exec(part)!;
    steps.push(m[1].replace(/\\\./g, '.'));
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  const root: Record<string, unknown> = structuredClone(values);
  let node: Record<string | number, unknown> = root;
  steps.forEach((step, i) => {
    if (i === steps.length - 1) {
      node[step] = value;
      return;
    }
    const wantList = typeof steps[i + 1] === 'number';
    if (wantList ? !Array.isArray(node[step]) : !isMap(node[step])) node[step] = wantList ? [] : {};
    node = node[step] as Record<string | number, unknown>;
  });
  return root;
}
