/** Flux durations (`1h30m`, `90s`, `500ms`): parsing for comparisons, e.g. timeout coverage. */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

export function durationSeconds(duration: string): number {
  const parts = [...duration.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration) {
    throw new Error(`"${duration}" is not a Flux duration such as 10m or 1h30m`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0);
}

/** The longest of some durations (at least one), as written. */
export function longestDuration(durations: readonly [string, ...string[]]): string {
  return [...durations].sort((a, b) => durationSeconds(b) - durationSeconds(a))[0];
}
