/**
 * The render check's report: its rule ids, what it found and how each release fared; printed as
 * findings (stderr), then one line per release, skipped kinds and a summary (stdout), or JSON.
 */
import { Severity, type Finding } from '../validate/model/finding';
import { skippedJson } from '../validate/report';
import type { PlannedRelease } from './plan';

export const RenderRule = {
  UNREAD_VALUE: 'render/unread-value',
  VALUES_SCHEMA: 'render/values-schema',
  VALUES_FROM: 'render/values-from',
  CHART: 'render/chart',
  TEMPLATE: 'render/template',
} as const;
export type RenderRule = (typeof RenderRule)[keyof typeof RenderRule];

export const ReleaseStatus = {
  /** Values checked and chart rendered. */
  RENDERED: 'rendered',
  /** Values checked; not rendered for want of helm. */
  CHECKED: 'checked',
  /** Nothing checked: the chart is not available. */
  SKIPPED: 'skipped',
} as const;
export type ReleaseStatus = (typeof ReleaseStatus)[keyof typeof ReleaseStatus];

export interface ReleaseResult {
  readonly customer: string;
  /** `HelmRelease/<namespace>/<name>`. */
  readonly release: string;
  /** `<chart> <version>`. */
  readonly chart: string;
  readonly status: ReleaseStatus;
  /** Objects the chart rendered. */
  readonly objects: number;
  /** Why it was skipped, or what could not be seen. */
  readonly note?: string;
}

/** A finding the catalog excepts (the chart offers no value to fix it), with the reason. */
export interface ExceptedFinding extends Finding {
  readonly reason: string;
}

export interface RenderReport {
  readonly findings: readonly Finding[];
  /** Findings on chart output the catalog documents as exceptions. */
  readonly excepted: readonly ExceptedFinding[];
  /** Releases rendered by helm in this run and taken from the render cache. */
  readonly renders: { readonly run: number; readonly cached: number };
  readonly releases: readonly ReleaseResult[];
  /** `apiVersion Kind` → rendered objects without a schema. */
  readonly skippedKinds: ReadonlyMap<string, number>;
}

/** An error of the render check on a HelmRelease of a customer's tree. */
export function releaseFinding(customer: string, r: PlannedRelease, rule: RenderRule, message: string): Finding {
  return { customer, file: r.manifest.file, object: r.release, rule, severity: Severity.ERROR, message };
}

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
