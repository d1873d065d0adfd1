/** What a render check prints: findings (stderr), then one line per release, skipped kinds and a summary (stdout), or JSON. */
import { Severity } from '../validate/model/finding';
import { skippedJson } from '../validate/report';
import { ReleaseStatus, type RenderReport } from './render-check';

export function renderReportLines(report: RenderReport): string[] {
  const errors = report.findings.filter((f) => f.severity === Severity.ERROR).length;
  const count = (status: ReleaseStatus) => report.releases.filter((r) => r.status === status).length;
  const objects = report.releases.reduce((n, r) => n + r.objects, 0);
  return [
    ...report.excepted.map((f) => `excepted: ${f.customer}: ${f.object}: [${f.rule}] ${f.reason}`),
    ...report.releases.map((r) => {
      const what = r.status === ReleaseStatus.RENDERED ? `${r.objects} objects`
        : r.status === ReleaseStatus.CHECKED ? 'values checked, not rendered' : 'not checked';
      return `${r.status}: ${r.customer}: ${r.release}: ${r.chart}: ${what}${r.note ? ` (${r.note})` : ''}`;
    }),
    ...[...report.skippedKinds].map(([kind, n]) => `skipped: ${kind}: ${n} rendered object(s) without a schema, not checked strictly`),
    `${report.releases.length} releases: ${count(ReleaseStatus.RENDERED)} rendered (${objects} objects; ${report.renders.run} by helm, ${report.renders.cached} from the render cache), `
      + `${count(ReleaseStatus.CHECKED)} checked without rendering, ${count(ReleaseStatus.SKIPPED)} skipped; `
      + `${errors} errors, ${report.findings.length - errors} warnings, ${report.excepted.length} excepted`,
  ];
}

/** `render-check -o json`: the report as one document (shape in docs/customers.md). */
export function renderReportJson(report: RenderReport) {
  const errors = report.findings.filter((f) => f.severity === Severity.ERROR).length;
  return {
    releases: report.releases, errors, warnings: report.findings.length - errors, findings: report.findings, excepted: report.excepted,
    renders: report.renders, skipped: skippedJson(report.skippedKinds),
  };
}
