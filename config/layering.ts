/**
 * Layering of configuration: built-in defaults → profile → customer file.
 * Maps deep-merge and lists replace, as Helmfile environments did.
 */

export type Plain = { [key: string]: unknown };

export function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merges `over` onto `base` without mutating either: maps merge, everything else replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Reads a key path (`a.b.0.c`: list items by index); undefined when any step is missing. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (Array.isArray(cur) && /^\d+$/.test(key)) cur = cur[Number(key)];
    else if (isPlainObject(cur) && key in cur) cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** Whether the dotted path is set (even to null) in the object. */
export function hasPath(obj: unknown, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  const parent = getPath(obj, path.slice(0, -1));
  return isPlainObject(parent) && path[path.length - 1] in parent;
}

/** Removes a dotted path from a plain object in place; prunes nothing else. */
export function deletePath(obj: unknown, path: readonly string[]): void {
  const parent = getPath(obj, path.slice(0, -1));
  if (isPlainObject(parent)) delete parent[path[path.length - 1]];
}
