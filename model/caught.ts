/**
 * What a `catch` may read of anything thrown, without assuming it is an Error: JavaScript
 * throws any value, and a message or code read through a cast would be `undefined` at run time.
 * The checks look at fields, not `instanceof Error`: errors of Node's own modules come from
 * another realm under jest's sandbox, where `instanceof Error` is false.
 */

/** A field of a thrown object, if it is a string. */
function field(e: unknown, name: 'message' | 'code' | 'name'): string | undefined {
  if (typeof e !== 'object' || e === null || !(name in e)) return undefined;
  const value: unknown = Reflect.get(e, name);
  return typeof value === 'string' ? value : undefined;
}

/** The message of an Error, else the thrown value as text. */
export function messageOf(e: unknown): string {
  return field(e, 'message') ?? String(e);
}

/** The first line of `messageOf`: parsers put the offending excerpt on the lines after it. */
export function firstLineOf(e: unknown): string {
  return messageOf(e).split('\n')[0];
}

/** The Node.js error code of a system error (`ENOENT`, `EACCES`, …), if the thrown value has one. */
export function errnoCode(e: unknown): string | undefined {
  return field(e, 'code');
}

/** The name of an Error (`ExitPromptError`, …), if the thrown value is one. */
export function errorName(e: unknown): string | undefined {
  return field(e, 'name');
}

/** What caused a thrown value (`cause` of an Error), if anything. */
export function causeOf(e: unknown): unknown {
  return typeof e === 'object' && e !== null && 'cause' in e ? e.cause : undefined;
}
