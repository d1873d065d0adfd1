/**
 * The one key order of every object we write: apiVersion, kind, metadata first at the top,
 * every other map's keys sorted. SOPS-encrypted documents are sorted alphabetically at the
 * top too: their MAC follows key order, and Flux's kustomize-controller hands SOPS the
 * object as JSON with sorted keys, so only that order verifies everywhere.
 */
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
