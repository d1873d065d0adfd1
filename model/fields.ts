/**
 * Fields of an object as written in YAML, before any schema vouched for them: rules read them
 * defensively (`?.`, `?? default`), so a missing or odd field yields no finding rather than a crash.
 * The one place the project gives up typing, on purpose: for the code that checks or copies what
 * it cannot trust yet (the validator's rules, chart files, stored credentials).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one deliberate escape hatch described above
export type Fields = Record<string, any>;

/** Whether a value is a map (a YAML or JSON object), not a list or a scalar. */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as Fields when it is a map, else an empty map. */
export function fieldsOf(value: unknown): Fields {
  return isMap(value) ? value : {};
}

/** A value as a list of Fields when it is a list, else an empty list. */
export function listOf(value: unknown): Fields[] {
  return Array.isArray(value) ? value : [];
}
