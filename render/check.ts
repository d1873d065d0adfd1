/**
 * The render check: every HelmRelease of a customer's tree rendered with its real chart from
 * the archive vendored in vendor/charts/, with the values Flux will pass, before Flux does it in the cluster:
 * values the chart would ignore, values its schema rejects, and rendered objects that break
 * the strict schemas, policy or air-gap rules of `validate`. This file puts the steps in order:
 * plan (plan.ts), values (values-check.ts), helm (helm-runs.ts), rendered objects (rendered-check.ts), report (report.ts).
 */
import { sortFindings, type Finding } from '../validate/model/finding';
import type { SchemaSet } from '../validate/schemas';
import type { LoadedChart } from './chart';
import { effectiveValues } from './effective-values';
import type { Helm } from './helm';
import { renderReleases, RunState, type HelmRun, type HelmRunOptions, type RunOutcome } from './helm-runs';
import { ChartState, planTree, releaseTarget, templateArgs, type LoadedRelease, type RenderTree, type TreePlan, type VendoredCharts } from './plan';
import { checkRendered, registerChartCrds } from './rendered-check';
import { releaseFinding, ReleaseStatus, RenderRule, type ExceptedFinding, type ReleaseResult, type RenderReport } from './report';
import { checkValues } from './values-check';

export interface RenderCheckOptions extends HelmRunOptions {
  readonly charts: VendoredCharts;
  /**
   * helm, to render the charts.
   * @default - values are checked against the charts, nothing is rendered
   */
  readonly helm?: Helm;
  /**
   * Schemas for strict validation of the rendered objects.
   * @default - no strict validation (objects counted as skipped)
   */
  readonly schemas?: SchemaSet;
}

/** A release whose values were checked, to render. */
interface ToRender {
  readonly plan: TreePlan;
  readonly release: LoadedRelease;
  readonly values: Record<string, unknown>;
  /** What could not be seen of its values. */
  readonly note?: string;
}

export async function renderCheck(trees: readonly RenderTree[], options: RenderCheckOptions): Promise<RenderReport> {
  const models = new Map<string, LoadedChart>();
  const plans = trees.map((tree) => planTree(tree, options.charts, models));
  const findings: Finding[] = [];
  const releases: ReleaseResult[] = [];
  const toRender: ToRender[] = [];
  for (const plan of plans) {
    const customer = plan.tree.customer;
    for (const r of plan.releases) {
      options.progress?.(`${customer}: ${r.release}`);
      const chart = `${r.chart.name} ${r.chart.version}`;
      if (r.state === ChartState.UNAVAILABLE) {
        findings.push(releaseFinding(customer, r, RenderRule.CHART, r.problem));
        releases.push({ customer, release: r.release, chart, status: ReleaseStatus.SKIPPED, objects: 0, note: r.problem });
        continue;
      }
      const effective = effectiveValues(r.manifest, plan.manifests);
      findings.push(...checkValues(customer, r, effective));
      const note = effective.opaque.length > 0 ? `values in Secrets not readable here: ${effective.opaque.join(', ')}` : undefined;
      if (options.helm) toRender.push({ plan, release: r, values: effective.values, note });
      else releases.push({ customer, release: r.release, chart, status: ReleaseStatus.CHECKED, objects: 0, note });
    }
  }
  const runs = toRender.map(helmRun);
  const outcomes: RunOutcome[] = options.helm ? await renderReleases(options.helm, runs, options) : [];
  if (options.schemas) registerChartCrds(options.schemas, [...models.values()]);
  // The charts' CRDs now validate custom resources of every release: a cached check holds for the same set.
  const crdSources = [...new Set([...models.values()].map((m) => m.contentDigest))].sort().join(',');
  const excepted: ExceptedFinding[] = [];
  const skippedKinds = new Map<string, number>();
  toRender.forEach(({ plan, release: r, values, note }, i) => {
    const outcome = outcomes[i];
    const customer = plan.tree.customer;
    const base = { customer, release: r.release, chart: `${r.chart.name} ${r.chart.version}` };
    if (outcome.state === RunState.FAILED) {
      findings.push(releaseFinding(customer, r, RenderRule.TEMPLATE, `helm template: expected the chart to render, found: ${outcome.error}`));
      releases.push({ ...base, status: ReleaseStatus.CHECKED, objects: 0, note: 'helm template failed' });
      return;
    }
    const checked = checkRendered({ tree: plan.tree, release: r, values, output: outcome.output, key: outcome.key },
      { schemas: options.schemas, renderCache: options.renderCache, crdSources });
    findings.push(...checked.findings);
    excepted.push(...checked.excepted);
    for (const [kind, n] of checked.skipped) skippedKinds.set(kind, (skippedKinds.get(kind) ?? 0) + n);
    releases.push({ ...base, status: ReleaseStatus.RENDERED, objects: checked.objects, note });
  });
  const renders = {
    run: outcomes.filter((o) => o.state === RunState.RENDERED && !o.fromCache).length,
    cached: outcomes.filter((o) => o.state === RunState.RENDERED && o.fromCache).length,
  };
  return {
    findings: sortFindings(findings), excepted: sortFindings(excepted), releases, renders,
    skippedKinds: new Map([...skippedKinds].sort()),
  };
}

function helmRun({ plan, release: r, values }: ToRender): HelmRun {
  return {
    label: `${plan.tree.customer}: ${r.release}`,
    chartDigest: r.model.contentDigest,
    args: templateArgs(releaseTarget(r.manifest, r.location, plan.tree.kubernetesVersion, plan.apiVersions)),
    values,
  };
}
