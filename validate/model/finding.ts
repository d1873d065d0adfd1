/** What a validation rule reports: one line each, naming customer, file, object and rule. */
export interface Finding {
  readonly customer: string;
  /** File the object sits in, relative to the repository root (`dist/<customer>/…`). */
  readonly file: string;
  /** `Kind/namespace/name` (`Kind/name` when cluster-scoped); absent for file-level findings. */
  readonly object?: string;
  /** Stable rule id, e.g. `flux/source-ref`. */
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** The image reference the finding is about (`airgap/image`), so a reader need not parse the message. @default - none */
  readonly image?: string;
}

export const Severity = {
  /** Flux or the API server would reject it, or it breaks a rule we never bend. */
  ERROR: 'error',
  /** Works, but is a mistake waiting to happen. CI fails on warnings of sample customers too. */
  WARNING: 'warning',
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export function formatFinding(f: Finding): string {
  return `${f.severity}: ${f.customer}: ${f.file}: ${f.object ?? '-'}: [${f.rule}] ${f.message}`;
}

/** Findings in a stable order: by customer, file, object, rule, message. */
export function sortFindings<F extends Finding>(findings: readonly F[]): F[] {
  const key = (f: F) => [f.customer, f.file, f.object ?? '', f.rule, f.message];
  return [...findings].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
  });
}
