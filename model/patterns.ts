/** Shapes of names and keys that the customer file, the credential store and SOPS documents all accept. */

/** A DNS-1123 label: customer names, namespaces and most Kubernetes names. */
export const DNS1123_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** An age public key (X25519 recipient, bech32). */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/**
 * Characters a terminal does not show as themselves: C0 and C1 controls, and the invisible
 * format characters that hide or reorder text (zero-width, bidirectional overrides such as
 * U+202E, BOM). A character class body, for composing patterns.
 */
export const INVISIBLE_CHARACTERS = '\\x00-\\x1f\\x7f-\\x9f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff';

const INVISIBLE = new RegExp(`[${INVISIBLE_CHARACTERS}]`, 'g');

/** `text` with each invisible character written as `\uXXXX`, so a line of ours shows what it holds, in order, on one line. */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An exact chart version as Helm writes it (SemVer 2, with the `v` some charts put first). */
export const SEMVER = /^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/;

/** A line git writes around a conflict it could not merge: `<<<<<<< ours`, `=======`, `>>>>>>> theirs` (and diff3's `|||||||`). */
const CONFLICT_MARKER = /^(?:<{7}|>{7})(?: |$)|^={7}$|^\|{7}(?: |$)/m;

/** The 1-based line of the first merge conflict marker in `text`, if any. */
export function conflictMarkerLine(text: string): number | undefined {
  const match = CONFLICT_MARKER.exec(text);
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}

/** What an error says about conflict markers (found at `line`, unless the message names it already): what they are and how to resolve them. */
export function conflictMarkersProblem(line?: number): string {
  return `merge conflict markers of git${line ? ` at line ${line}` : ''} (<<<<<<<, =======, >>>>>>>): resolve the conflict, keeping one side or combining both, delete the marker lines, then \`git add\` the file`;
}
