/**
 * Exit codes of every `npx astrago` command: 0 success; 1 the command ran and found a
 * problem (invalid customer file, validation finding, stale dist/); 2 wrong usage.
 */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;
