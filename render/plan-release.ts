/**
 * Where an upgrade plan's two renders come from: a customer's release rendered as the render
 * check renders it, once with the vendored chart it names and once with the target; or any
 * two local charts with one values file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { catalogEntry } from '../catalog/charts';
import { findVendoredChart, readVerified, type VendorLock } from '../catalog/vendor-lock';
import { firstLineOf } from '../model/caught';
import { fieldsOf, isMap } from '../model/fields';
import { VENDOR_LOCK } from '../model/layout';
import type { KubeObject } from '../model/objects';
import { EXIT, UserError } from '../model/user-error';
import { ChartLoadError, loadChart, type LoadedChart } from './chart';
import { effectiveValues } from './effective-values';
import { HelmError, type Helm } from './helm';
import { helmTemplate } from './helm-runs';
import { isLoaded, planTree, releaseNamespace, releaseTarget, templateArgs, type RenderTree, type VendoredCharts } from './plan';
import { renderedObjects } from './rendered-check';
import { planApiVersions, planUpgrade, type UpgradePlan } from './upgrade-plan';

/** A plan of one release, said where it applies. */
export interface ReleasePlan extends UpgradePlan {
  /** @default - a pair of charts, no customer */
  readonly customer?: string;
  /** `HelmRelease/<namespace>/<name>`. @default - a pair of charts */
  readonly release?: string;
  /** What could not be seen (values in Secrets). */
  readonly notes: readonly string[];
}

/**
 * The chart `target` names for `chart`: a version recorded in the vendor lock (read only if its
 * sha256 matches), or a chart folder or `.tgz` on disk.
 */
export function resolveTarget(root: string, lock: VendorLock, chart: string, target: string): LoadedChart {
  const vendored = findVendoredChart(lock, chart, target);
  if (vendored) {
    readVerified(root, vendored);
    return loadLocal(path.join(root, vendored.file), '<target>');
  }
  if (fs.existsSync(path.resolve(root, target))) {
    const model = loadLocal(path.resolve(root, target), '<target>');
    if (model.name !== chart) throw new UserError(`<target>: expected a chart named ${chart}, found ${model.name} ${model.version} in ${target}`, EXIT.USAGE);
    return model;
  }
  const versions = lock.charts.filter((c) => c.chart === chart).map((c) => c.version);
  throw new UserError(`<target>: expected a version of ${chart} recorded in ${VENDOR_LOCK} (${versions.join(', ') || 'none'}) or a chart folder or .tgz, found ${JSON.stringify(target)}: `
    + `vendor it first with \`npx astrago charts vendor ${chart} <version>\``, EXIT.USAGE);
}

/** A chart folder or archive; a usage error naming the option when it is not one. */
export function loadLocal(location: string, option: string): LoadedChart {
  if (!fs.existsSync(location)) throw new UserError(`${option}: expected a chart folder or .tgz, found nothing at ${location}`, EXIT.USAGE);
  try {
    const model = loadChart(location);
    locations.set(model, location);
    return model;
  } catch (e) {
    if (e instanceof ChartLoadError) throw new UserError(`${option}: ${e.message}`, EXIT.USAGE);
    throw e;
  }
}

/** The plan of every release of a customer's tree whose chart is `chart`, to `target`. */
export async function planCustomerReleases(
  tree: RenderTree, charts: VendoredCharts, chart: string, target: LoadedChart, helm: Helm,
): Promise<ReleasePlan[]> {
  const plan = planTree(tree, charts, new Map());
  const all = plan.releases.filter(isLoaded);
  const releases = all.filter((r) => r.chart.name === chart);
  if (releases.length === 0) {
    throw new UserError(`<chart>: expected a chart that a HelmRelease of ${tree.customer} installs (${[...new Set(all.map((r) => r.chart.name))].sort().join(', ') || 'none'}), found ${chart}`, EXIT.USAGE);
  }
  const plans: ReleasePlan[] = [];
  for (const r of releases) {
    // The values Flux passes, rendered as the render check renders the release, told the target's API versions exist too.
    const effective = effectiveValues(r.manifest, plan.manifests);
    const values = effective.values;
    const apiVersions = [...new Set([...plan.apiVersions, ...planApiVersions(r.model, target)])].sort();
    const render = async (model: LoadedChart, location: string, side: string): Promise<KubeObject[]> => {
      const args = templateArgs(releaseTarget(r.manifest, location, tree.kubernetesVersion, apiVersions));
      const output = await templated(helm, args, values, `${side} ${model.name} ${model.version}`);
      const { objects, problems } = renderedObjects(output, r.chart.name, releaseNamespace(r.manifest));
      if (problems.length > 0) throw new UserError(problems.map((p) => `${tree.customer}: ${r.release}: ${side} chart rendered ${p}`));
      return objects.map((o) => o.object);
    };
    const from = await render(r.model, r.location, 'current');
    const to = await render(target, targetLocation(target), 'target');
    const upgrade = fieldsOf(fieldsOf(r.manifest.object.spec).upgrade);
    plans.push({
      customer: tree.customer, release: r.release, notes: [...effective.problems, ...effective.opaque.map((o) => `values in a Secret not readable here: ${o}`)],
      ...planUpgrade({ from: { chart: r.model, objects: from }, to: { chart: target, objects: to }, values,
        upgrade: { crds: typeof upgrade.crds === 'string' ? upgrade.crds : undefined, force: upgrade.force === true }, catalogChart: catalogEntry(chart)?.chart }),
    });
  }
  return plans;
}

export interface PairOptions {
  readonly from: LoadedChart;
  readonly to: LoadedChart;
  readonly values: Record<string, unknown>;
  readonly kubernetesVersion: string;
  readonly helm: Helm;
}

/** The plan between two local charts, rendered as release `<chart name>` in namespace default, with Flux's default upgrade settings. */
export async function planChartPair(options: PairOptions): Promise<ReleasePlan> {
  const apiVersions = planApiVersions(options.from, options.to);
  const render = async (model: LoadedChart, side: string): Promise<KubeObject[]> => {
    const args = templateArgs({ releaseName: options.from.name, location: targetLocation(model), namespace: 'default', kubernetesVersion: options.kubernetesVersion, apiVersions });
    return parseObjects(await templated(options.helm, args, options.values, `${side} ${model.name} ${model.version}`), model.name, side);
  };
  const from = await render(options.from, '--from');
  const to = await render(options.to, '--to');
  return {
    notes: [],
    ...planUpgrade({
      from: { chart: options.from, objects: from }, to: { chart: options.to, objects: to }, values: options.values,
      catalogChart: catalogEntry(options.from.name)?.chart,
    }),
  };
}

/** A `--values` file: a YAML map. */
export function readValuesOption(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`--values: expected a readable YAML file, found nothing at ${file}`, EXIT.USAGE);
  }
  let values: unknown;
  try {
    values = loadYaml(text, { schema: CORE_SCHEMA });
  } catch (e) {
    throw new UserError(`${file}: expected YAML, found ${firstLineOf(e)}`);
  }
  if (values === undefined || values === null) return {};
  if (!isMap(values)) throw new UserError(`${file}: expected a map of chart values, found ${Array.isArray(values) ? 'a list' : typeof values}`);
  return values;
}

/** Where a loaded chart is on disk: loadChart keeps no path, so the model's own record is used. */
const locations = new WeakMap<LoadedChart, string>();

function targetLocation(model: LoadedChart): string {
  const location = locations.get(model);
  if (!location) throw new Error(`no location recorded for chart ${model.name} ${model.version}`);
  return location;
}

async function templated(helm: Helm, args: readonly string[], values: Record<string, unknown>, what: string): Promise<string> {
  try {
    return await helmTemplate(helm, args, values);
  } catch (e) {
    if (e instanceof HelmError) throw new UserError(`helm template of the ${what} chart: expected it to render with the release's values, found: ${e.message}`);
    throw e;
  }
}

/** helm's output as objects; a UserError naming the side when a document is not one. */
function parseObjects(output: string, chart: string, side: string): KubeObject[] {
  const { objects, problems } = renderedObjects(output, chart, 'default');
  if (problems.length > 0) throw new UserError(problems.map((p) => `${side}: chart rendered ${p}`));
  return objects.map((o) => o.object);
}

/** What `upgrade-plan` prints: per release its findings, blocking first, then a summary line. */
export function planLines(plans: readonly ReleasePlan[]): string[] {
  const blocked = plans.filter((p) => p.blocked).length;
  return [
    ...plans.flatMap((p) => [
      `${[p.customer, p.release].filter(Boolean).join(': ') || 'charts'}: ${p.from} → ${p.to} (${p.objects.from} → ${p.objects.to} objects): ${p.blocked ? 'blocked' : 'can upgrade'}`,
      ...p.findings.map((f) => `  ${f.blocks ? 'blocks' : 'warning'}: [${f.kind}] ${f.object}: ${f.message}`),
      ...p.notes.map((n) => `  note: ${n}`),
    ]),
    `${plans.length} release(s) planned: ${blocked} blocked, ${plans.length - blocked} can upgrade`,
  ];
}

/** `upgrade-plan -o json` (shape in docs/upgrades.md). */
export function planJson(plans: readonly ReleasePlan[]) {
  return { blocked: plans.some((p) => p.blocked), plans };
}
