/** The text a validation run prints: one line per finding, skipped kinds by count, a summary. */
import { formatFinding, Severity } from './finding';
import type { ValidationReport } from './validate';

export function reportLines(report: ValidationReport): string[] {
  const errors = report.findings.filter((f) => f.severity === Severity.ERROR).length;
  const warnings = report.findings.length - errors;
  const skipped = [...report.skipped.values()].reduce((a, b) => a + b, 0);
  return [
    ...report.findings.map(formatFinding),
    ...[...report.skipped].map(([kind, n]) => `skipped: ${kind}: ${n} object(s) without a schema, not checked strictly`),
    `${report.objects} objects, ${errors} errors, ${warnings} warnings, ${skipped} skipped`,
  ];
}
