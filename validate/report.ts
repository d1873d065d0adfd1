/** What a validation run prints: findings (stderr), then skipped kinds by count and a summary (stdout), or JSON. */
import { Severity } from './model/finding';
import type { ValidationReport } from './validate';

/** The data lines after the findings: skipped kinds and the summary. */
export function reportLines(report: ValidationReport): string[] {
  const errors = report.findings.filter((f) => f.severity === Severity.ERROR).length;
  const warnings = report.findings.length - errors;
  const skipped = [...report.skipped.values()].reduce((a, b) => a + b, 0);
  return [
    ...[...report.skipped].map(([kind, n]) => `skipped: ${kind}: ${n} object(s) without a schema, not checked strictly`),
    `${report.objects} objects, ${errors} errors, ${warnings} warnings, ${skipped} skipped`,
  ];
}

/** Objects without a schema, by kind, as JSON rows. */
export function skippedJson(skipped: ReadonlyMap<string, number>): Array<{ kind: string; objects: number }> {
  return [...skipped].map(([kind, objects]) => ({ kind, objects }));
}

/** `validate -o json`: the report as one document (shape in docs/customers.md). */
export function reportJson(report: ValidationReport) {
  const errors = report.findings.filter((f) => f.severity === Severity.ERROR).length;
  const { objects, findings } = report;
  return { objects, errors, warnings: findings.length - errors, findings, skipped: skippedJson(report.skipped) };
}
