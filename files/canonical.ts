import { dump } from 'js-yaml';

/**
 * The one key order of every object we write: apiVersion, kind, metadata first at the top,
 * every other map's keys sorted. SOPS-encrypted documents are sorted alphabetically at the
 * top too: their MAC follows key order, and Flux's kustomize-controller hands SOPS the
 * object as JSON with sorted keys, so only that order verifies everywhere.
 */
export function canonical<T>(value: T, top?: boolean): T;
export function canonical(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const first = top && !('sops' in value) ? ['apiVersion', 'kind', 'metadata'] : [];
  entries.sort(([a], [b]) => {
    const ra = first.includes(a) ? first.indexOf(a) : first.length;
    const rb = first.includes(b) ? first.indexOf(b) : first.length;
    return ra - rb || (a < b ? -1 : a > b ? 1 : 0);
  });
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
}

/**
 * One object as YAML. js-yaml, because emitting is most of a re-synth and it is three times
 * faster than `yaml` here; it also quotes what YAML 1.1 readers (Go's) would take for another
 * type (`'yes'`, `'on'`, `'0777'`). No anchors or aliases: each object reads on its own in a diff.
 */
export function dumpYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true, sortKeys: false });
}
