/**
 * The render check's plan: the HelmReleases of a customer's tree, each with the vendored chart
 * it names (loaded only after its sha256 matches the lock) or the reason there is none, and the
 * `helm template` arguments that render it as Flux would.
 */
import * as path from 'node:path';
import { stringify } from 'yaml';
import { readVerified, type VendorLock } from '../catalog/vendor-lock';
import type { CustomerConfig } from '../config/schema';
import { fieldsOf, listOf } from '../model/fields';
import { BOOTSTRAP_NAME, VENDOR_LOCK } from '../model/layout';
import type { OutputFile } from '../model/objects';
import { UserError } from '../model/user-error';
import { offlineSettings } from '../validate/externals';
import type { OfflineSettings } from '../validate/model/context';
import { formatRef, parseManifests, refOf, specOf, type Manifest } from '../validate/model/manifest';
import { ChartLoadError, loadChart, type ChartModel, type LoadedChart } from './chart';
import { effectiveValues } from './effective-values';

export interface RenderTree {
  readonly customer: string;
  /** The customer's tree (dist/ and flux/ files) holding the HelmReleases and their ConfigMaps. */
  readonly files: readonly OutputFile[];
  /** The cluster's Kubernetes version, passed to helm as `--kube-version`. */
  readonly kubernetesVersion: string;
  /**
   * Mirrors of an air-gapped customer (`offline`): every rendered image must come from its registry.
   * @default - not air-gapped
   */
  readonly offline?: OfflineSettings;
}

/** A customer's tree as the render check renders it: its files, its cluster's Kubernetes version and its mirrors. */
export function renderTree(config: CustomerConfig, files: readonly OutputFile[]): RenderTree {
  return { customer: config.name, files, kubernetesVersion: config.kubernetesVersion, offline: offlineSettings(config) };
}

/**
 * The charts a tree's HelmReleases name: the archives vendored in a repository, each read only
 * after its sha256 matches the lock, so the check renders the bytes Flux installs.
 */
export interface VendoredCharts {
  /** Repository root, which the HelmReleases' chart paths are relative to. */
  readonly root: string;
  readonly lock: VendorLock;
}

export const ChartState = {
  /** The vendored archive, verified and read. */
  LOADED: 'loaded',
  /** No chart to render: not vendored, not from the repository, or not matching the lock. */
  UNAVAILABLE: 'unavailable',
} as const;

/** The chart a HelmRelease names. */
export interface ChartRef {
  /** Chart name (the chart path when not in the lock). */
  readonly name: string;
  /** Chart version (`?` when not in the lock). */
  readonly version: string;
}

interface PlannedBase {
  /** The HelmRelease as committed. */
  readonly manifest: Manifest;
  /** `HelmRelease/<namespace>/<name>`. */
  readonly release: string;
  readonly chart: ChartRef;
}

/** A HelmRelease whose vendored chart loaded. */
export interface LoadedRelease extends PlannedBase {
  readonly state: typeof ChartState.LOADED;
  readonly model: LoadedChart;
  /** The vendored archive on disk. */
  readonly location: string;
}

/** A HelmRelease with no chart to render, and why: the render check reports it and checks nothing else of it. */
export interface UnavailableRelease extends PlannedBase {
  readonly state: typeof ChartState.UNAVAILABLE;
  readonly problem: string;
}

/** A HelmRelease of the tree with its chart, as the plan found it. */
export type PlannedRelease = LoadedRelease | UnavailableRelease;

export function isLoaded(r: PlannedRelease): r is LoadedRelease {
  return r.state === ChartState.LOADED;
}

export interface TreePlan {
  readonly tree: RenderTree;
  /** Every object of the tree, where valuesFrom ConfigMaps are found. */
  readonly manifests: readonly Manifest[];
  readonly releases: readonly PlannedRelease[];
  /**
   * The API versions `helm template` is told exist: as in the cluster once every tier is in,
   * those of all the customer's charts' CRDs.
   */
  readonly apiVersions: readonly string[];
}

/** A customer's HelmReleases with their charts located and loaded; `models` shares charts already loaded between trees. */
export function planTree(tree: RenderTree, charts: VendoredCharts, models: Map<string, LoadedChart>): TreePlan {
  const { manifests } = parseManifests(tree.customer, tree.files);
  const releases = manifests.filter(isHelmRelease).map((m) => locate(m, charts, models));
  const apiVersions = [...new Set(releases.filter(isLoaded).flatMap((r) => crdApiVersions(r.model)))].sort();
  return { tree, manifests, releases, apiVersions };
}

/** What `helm template` renders: a release of a chart on disk in a namespace, for a cluster version and its API versions. */
export interface TemplateTarget {
  readonly releaseName: string;
  /** The chart archive or folder. */
  readonly location: string;
  readonly namespace: string;
  readonly kubernetesVersion: string;
  readonly apiVersions: readonly string[];
}

/** Arguments of `helm template` (all but the values file). */
export function templateArgs(target: TemplateTarget): string[] {
  return [
    target.releaseName, target.location,
    '--namespace', target.namespace,
    '--kube-version', `v${target.kubernetesVersion.replace(/^v/, '')}`,
    // What Flux installs: CRDs (install.crds Create/CreateReplace), hooks, no test pods.
    '--include-crds', '--skip-tests',
    // The values schema is checked on its own, with the failing path named.
    '--skip-schema-validation',
    ...target.apiVersions.flatMap((v) => ['--api-versions', v]),
  ];
}

/** How Flux templates a HelmRelease with the chart at `location`: its release name and target namespace. */
export function releaseTarget(manifest: Manifest, location: string, kubernetesVersion: string, apiVersions: readonly string[]): TemplateTarget {
  const spec = specOf(manifest);
  const name = manifest.object.metadata.name;
  return {
    releaseName: spec.releaseName ?? (spec.targetNamespace ? `${spec.targetNamespace}-${name}` : name),
    location,
    namespace: releaseNamespace(manifest) ?? 'default',
    kubernetesVersion,
    apiVersions,
  };
}

/** The namespace Helm applies a release's namespaced objects in. */
export function releaseNamespace(manifest: Manifest): string | undefined {
  return specOf(manifest).targetNamespace ?? manifest.object.metadata.namespace;
}

/**
 * The bare `helm template` calls a render check of these trees makes (arguments, values
 * document), for the benchmark's floor: the same releases, charts and values, nothing else.
 */
export function helmTemplateCalls(trees: readonly RenderTree[], charts: VendoredCharts): Array<{ args: string[]; values: string }> {
  const models = new Map<string, LoadedChart>();
  return trees.flatMap((tree) => {
    const plan = planTree(tree, charts, models);
    return plan.releases.filter(isLoaded).map((r) => ({
      args: ['template', ...templateArgs(releaseTarget(r.manifest, r.location, tree.kubernetesVersion, plan.apiVersions))],
      values: stringify(effectiveValues(r.manifest, plan.manifests).values),
    }));
  });
}

/** `group/version` and `group/version/Kind` of every CRD a chart ships: what `--api-versions` tells helm. */
export function crdApiVersions(chart: ChartModel): string[] {
  return allCrds(chart).flatMap((crd) => {
    const { group, kind, versions } = crdSpec(crd);
    return versions.flatMap((v) => [`${group}/${v}`, `${group}/${v}/${kind}`]);
  });
}

/** The CRDs a chart ships, its subcharts' included. */
export function allCrds(chart: ChartModel): Array<Record<string, unknown>> {
  return [...chart.crds, ...chart.subcharts.flatMap((s) => allCrds(s.chart))];
}

/** Group, kind and version names of a CRD as a chart ships it (unvalidated). */
export function crdSpec(crd: Record<string, unknown>): { group?: string; kind?: string; versions: Array<string | undefined> } {
  const spec = fieldsOf(crd.spec);
  return { group: spec.group, kind: spec.names?.kind, versions: listOf(spec.versions).map((v) => v.name) };
}

function isHelmRelease(m: Manifest): boolean {
  return m.object.kind === 'HelmRelease' && m.object.apiVersion.startsWith('helm.toolkit.fluxcd.io/');
}

function locate(manifest: Manifest, charts: VendoredCharts, models: Map<string, LoadedChart>): PlannedRelease {
  const release = formatRef(refOf(manifest.object));
  const chartSpec = specOf(manifest).chart?.spec;
  const chartPath = typeof chartSpec?.chart === 'string' ? chartSpec.chart : '?';
  const unavailable = (chart: ChartRef, problem: string): UnavailableRelease =>
    ({ state: ChartState.UNAVAILABLE, manifest, release, chart, problem });
  const sourceRef = chartSpec?.sourceRef;
  if (sourceRef?.kind !== 'GitRepository' || sourceRef.name !== BOOTSTRAP_NAME) {
    return unavailable({ name: chartPath, version: '?' },
      `spec.chart.spec.sourceRef: expected GitRepository ${BOOTSTRAP_NAME} (the repository Flux syncs, which vendors the chart), `
        + `found ${sourceRef?.kind ?? 'none'} ${sourceRef?.name ?? ''}`.trimEnd() + ': the check renders only what the repository vendors');
  }
  const file = path.posix.normalize(chartPath);
  const entry = charts.lock.charts.find((c) => c.file === file);
  if (!entry) {
    return unavailable({ name: chartPath, version: '?' },
      `spec.chart.spec.chart: expected a chart archive recorded in ${VENDOR_LOCK}, found ${chartPath}: vendor it with \`npx astrago charts vendor <chart> <version>\``);
  }
  const chart = { name: entry.chart, version: entry.version };
  const location = path.join(charts.root, entry.file);
  try {
    let model = models.get(location);
    if (!model) {
      readVerified(charts.root, entry);
      model = loadChart(location);
      models.set(location, model);
    }
    return { state: ChartState.LOADED, manifest, release, chart, location, model };
  } catch (e) {
    if (!(e instanceof ChartLoadError) && !(e instanceof UserError)) throw e;
    return unavailable(chart, e.message);
  }
}
