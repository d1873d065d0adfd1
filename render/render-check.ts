/**
 * The render check: every HelmRelease of a customer's tree rendered with its real chart from
 * the archive vendored in vendor/charts/, with the values Flux will pass, before Flux does it in the cluster:
 * values the chart would ignore, values its schema rejects, and rendered objects that break
 * the strict schemas, policy or air-gap rules of `validate`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { stringify } from 'yaml';
import { catalogEntry, type ChartEntry } from '../catalog/charts';
import { imageFromValues, valueAt } from '../catalog/image-values';
import { formatImage, ImageReferenceError } from '../catalog/images';
import type { KubeObject, OutputFile } from '../model/objects';
import { Severity, sortFindings, type Finding } from '../validate/model/finding';
import { CLUSTER_SCOPED_KINDS } from '../validate/model/kinds';
import type { Progress } from '../validate/progress';
import { formatRef, parseManifests, refOf, specOf, type Manifest } from '../validate/model/manifest';
import { fieldsOf, listOf } from '../model/fields';
import { IMAGES_IN_MIRROR } from '../validate/rules/airgap';
import { ENCRYPTED_SECRETS, POLICY_RULES, PROTECTED_VOLUMES } from '../validate/rules/policy';
import type { Rule } from '../validate/rules/rule';
import { withoutNulls, type SchemaSet } from '../validate/schemas';
import type { OfflineSettings } from '../validate/model/context';
import { validateTrees } from '../validate/validate';
import { ChartLoadError, loadChart, type ChartModel, type LoadedChart } from './chart';
import { readVerified, type VendorLock } from '../catalog/vendor-lock';
import { BOOTSTRAP_NAME, VENDOR_LOCK } from '../model/layout';
import { UserError } from '../model/user-error';
import { effectiveValues } from './effective-values';
import { HelmError, type Helm } from './helm';
import { ChartValuesModel, formatValuesPath } from './values-analysis';
import { schemaViolations } from './values-schema';
import { firstLineOf } from '../model/caught';
import { replaceFile } from '../files/file-steps';

export const RenderRule = {
  UNREAD_VALUE: 'render/unread-value',
  VALUES_SCHEMA: 'render/values-schema',
  VALUES_FROM: 'render/values-from',
  CHART: 'render/chart',
  TEMPLATE: 'render/template',
} as const;

/** Policy rules that concern what a chart creates in the cluster, not the two about files in git. */
const RENDERED_POLICY: readonly Rule[] = POLICY_RULES.filter((r) => r !== ENCRYPTED_SECRETS && r !== PROTECTED_VOLUMES);

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

/**
 * The charts a tree's HelmReleases name: the archives vendored in a repository, each read only
 * after its sha256 matches the lock, so the check renders the bytes Flux installs.
 */
export interface VendoredCharts {
  /** Repository root, which the HelmReleases' chart paths are relative to. */
  readonly root: string;
  readonly lock: VendorLock;
}

export interface RenderCheckOptions {
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
  /**
   * Folder of rendered output kept by chart content, helm arguments and effective values, so an
   * unchanged release is not rendered again.
   * @default - nothing cached
   */
  readonly renderCache?: string;
  /**
   * helm processes at once.
   * @default - the cores available
   */
  readonly concurrency?: number;
  /** Told each release as it starts. @default - none */
  readonly progress?: Progress;
}

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

interface Located {
  readonly manifest: Manifest;
  readonly chart: string;
  readonly version: string;
  readonly model?: LoadedChart;
  readonly location?: string;
  readonly skip?: string;
}

/** One helm template call: a release of a customer with its effective values. */
interface RenderJob {
  readonly customer: string;
  readonly release: string;
  readonly located: Located;
  readonly values: Record<string, unknown>;
  readonly args: readonly string[];
  readonly note?: string;
  /** Render cache key: chart content, helm arguments, values. */
  key?: string;
  output?: string;
  error?: string;
}

export async function renderCheck(trees: readonly RenderTree[], options: RenderCheckOptions): Promise<RenderReport> {
  const findings: Finding[] = [];
  const releases: ReleaseResult[] = [];
  const skippedKinds = new Map<string, number>();
  const plans: Array<{ tree: RenderTree; jobs: RenderJob[] }> = [];
  const models = new Map<string, LoadedChart>();
  for (const tree of trees) {
    const { manifests, located, apiVersions } = planTree(tree, options.charts, models);
    const jobs: RenderJob[] = [];
    for (const l of located) {
      const release = formatRef(refOf(l.manifest.object));
      options.progress?.(`${tree.customer}: ${release}`);
      const finding = (rule: string, message: string): Finding =>
        ({ customer: tree.customer, file: l.manifest.file, object: release, rule, severity: Severity.ERROR, message });
      if (!l.model || !l.location) {
        if (l.skip?.startsWith('!')) findings.push(finding(RenderRule.CHART, l.skip.slice(1)));
        releases.push({ customer: tree.customer, release, chart: `${l.chart} ${l.version}`, status: ReleaseStatus.SKIPPED, objects: 0, note: l.skip?.replace(/^!/, '') });
        continue;
      }
      const effective = effectiveValues(l.manifest, manifests);
      findings.push(...effective.problems.map((p) => finding(RenderRule.VALUES_FROM, p)));
      const model = new ChartValuesModel(l.model);
      findings.push(...model.unread(effective.values).map((u) => finding(RenderRule.UNREAD_VALUE,
        `values.${formatValuesPath(u.path)}: expected a key ${l.chart} ${l.version} defaults or reads, found one it ignores`
        + `${u.leaves > 1 ? ` (with the ${u.leaves} values below it)` : ''}${u.hint ? `; did you mean "${u.hint}"?` : ''}`)));
      findings.push(...schemaViolations(l.model, effective.values).map((v) =>
        finding(RenderRule.VALUES_SCHEMA, `values.${formatValuesPath(v.path)}: ${v.message} (values.schema.json of ${v.chart})`)));
      const note = effective.opaque.length > 0 ? `values in Secrets not readable here: ${effective.opaque.join(', ')}` : undefined;
      if (!options.helm) {
        releases.push({ customer: tree.customer, release, chart: `${l.chart} ${l.version}`, status: ReleaseStatus.CHECKED, objects: 0, note });
        continue;
      }
      jobs.push({ customer: tree.customer, release, located: l, values: effective.values, args: templateArgs(l, tree.kubernetesVersion, apiVersions), note });
    }
    plans.push({ tree, jobs });
  }
  const renders = options.helm ? await renderAll(options.helm, plans.flatMap((p) => p.jobs), options) : { run: 0, cached: 0 };
  if (options.schemas) registerChartCrds(options.schemas, [...models.values()]);
  // The charts' CRDs now validate custom resources of every release: a cached check holds for the same set.
  const crdSources = [...new Set([...models.values()].map((m) => m.contentDigest))].sort().join(',');
  const excepted: ExceptedFinding[] = [];
  for (const { tree, jobs } of plans) {
    for (const job of jobs) {
      const l = job.located;
      const base = { customer: tree.customer, release: job.release, chart: `${l.chart} ${l.version}` };
      if (job.output === undefined) {
        findings.push({ customer: tree.customer, file: l.manifest.file, object: job.release, rule: RenderRule.TEMPLATE, severity: Severity.ERROR,
          message: `helm template: expected the chart to render, found: ${job.error}` });
        releases.push({ ...base, status: ReleaseStatus.CHECKED, objects: 0, note: 'helm template failed' });
        continue;
      }
      const checked = checkRendered(tree, job, crdSources, options);
      findings.push(...checked.findings);
      excepted.push(...checked.excepted);
      for (const [kind, n] of checked.skipped) skippedKinds.set(kind, (skippedKinds.get(kind) ?? 0) + n);
      releases.push({ ...base, status: ReleaseStatus.RENDERED, objects: checked.objects, note: job.note });
    }
  }
  return { findings: sortFindings(findings), excepted: sortFindings(excepted) as ExceptedFinding[], releases, renders, skippedKinds: new Map([...skippedKinds].sort()) };
}

/** What checking one release's rendered objects found: the same for the same inputs, so it is cached with them. */
interface RenderedCheck {
  readonly objects: number;
  readonly findings: readonly Finding[];
  readonly excepted: readonly ExceptedFinding[];
  readonly skipped: ReadonlyArray<[string, number]>;
}

/**
 * One release's rendered objects against validate's schemas and rules, catalog exceptions set
 * apart. Kept beside the rendered output, keyed by it, the customer, its mirror, the schemas
 * (and the charts whose CRDs joined them) and the source of this check itself, so that a second
 * run over an unchanged release neither parses nor validates anything.
 */
function checkRendered(tree: RenderTree, job: RenderJob, crdSources: string, options: RenderCheckOptions): RenderedCheck {
  const l = job.located;
  const key = job.key && options.renderCache
    ? createHash('sha256').update(JSON.stringify([job.key, tree.customer, l.manifest.file, job.release, tree.offline ?? null, options.schemas?.fingerprint ?? null, crdSources, checkFingerprint()])).digest('hex')
    : undefined;
  const cacheFile = key ? path.join(options.renderCache!, `${key}.check.json`) : undefined;
  if (cacheFile && fs.existsSync(cacheFile)) return JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as RenderedCheck;
  const { objects, problems } = renderedObjects(job.output!, l.chart, releaseNamespace(l.manifest), options.schemas);
  const findings: Finding[] = problems.map((p) => ({ customer: tree.customer, file: l.manifest.file, object: job.release, rule: RenderRule.TEMPLATE, severity: Severity.ERROR, message: `rendered ${p}` }));
  const excepted: ExceptedFinding[] = [];
  const entry = catalogEntry(l.chart);
  // One file name per template, shown as the HelmRelease's file » the template.
  const report = validateTrees([{ customer: tree.customer, files: [], manifests: objects.map(({ object, source }) => ({ file: source, object })), externals: [], offline: tree.offline }],
    { schemas: options.schemas, rules: [...RENDERED_POLICY, IMAGES_IN_MIRROR] });
  for (const f of report.findings) {
    const shown = { ...f, file: `${l.manifest.file} » ${f.file}` };
    const exception = entry?.exceptions?.find((e) => e.rule === f.rule && e.object === kindAndName(f.object));
    if (exception) excepted.push({ ...shown, reason: exception.reason });
    else findings.push(entry && f.rule === IMAGES_IN_MIRROR.id ? withImageValue(shown, job, entry) : shown);
  }
  const result: RenderedCheck = { objects: objects.length, findings, excepted, skipped: [...report.skipped] };
  if (cacheFile) replaceFile(cacheFile, JSON.stringify(result));
  return result;
}

let fingerprint: string | undefined;
/** A digest of the source of the render check, validation and catalog: a cached check is only as good as the code that made it. */
function checkFingerprint(): string {
  if (!fingerprint) {
    const hash = createHash('sha256');
    for (const dir of ['render', 'validate', 'catalog'].map((d) => path.join(__dirname, '..', d))) {
      for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.ts')).sort()) hash.update(f).update(fs.readFileSync(path.join(dir, f)));
    }
    fingerprint = hash.digest('hex');
  }
  return fingerprint;
}

/**
 * The bare `helm template` calls a render check of these trees makes (arguments, values
 * document), for the benchmark's floor: the same releases, charts and values, nothing else.
 */
export function helmTemplateCalls(trees: readonly RenderTree[], charts: VendoredCharts): Array<{ args: string[]; values: string }> {
  const models = new Map<string, LoadedChart>();
  return trees.flatMap((tree) => {
    const { manifests, located, apiVersions } = planTree(tree, charts, models);
    return located.filter((l) => l.model).map((l) => ({ args: ['template', ...templateArgs(l, tree.kubernetesVersion, apiVersions)], values: stringify(effectiveValues(l.manifest, manifests).values) }));
  });
}

/**
 * A customer's HelmReleases with their charts located and loaded, and the API versions that
 * `helm template` is told exist: as in the cluster once every tier is in, those of all the
 * customer's charts' CRDs.
 */
function planTree(tree: RenderTree, charts: VendoredCharts, models: Map<string, LoadedChart>): { manifests: Manifest[]; located: Located[]; apiVersions: string[] } {
  const { manifests } = parseManifests(tree.customer, tree.files);
  const located = manifests.filter(isHelmRelease).map((m) => locate(m, charts, models));
  const apiVersions = [...new Set(located.flatMap((l) => (l.model ? crdApiVersions(l.model) : [])))].sort();
  return { manifests, located, apiVersions };
}

/**
 * A HelmRelease of a tree as the render check renders it: its vendored chart, the values Flux
 * passes and the `helm template` arguments, for rendering it again with another chart
 * (`upgrade-plan`).
 */
export interface ReleaseRender {
  /** `HelmRelease/<namespace>/<name>`. */
  readonly release: string;
  /** The HelmRelease as committed. */
  readonly manifest: Manifest;
  readonly chart: string;
  readonly version: string;
  readonly model: LoadedChart;
  /** The vendored archive on disk. */
  readonly location: string;
  /** Effective values (values, then valuesFrom), as Flux merges them. */
  readonly values: Record<string, unknown>;
  /** What could not be read of the values (valuesFrom missing, Secrets). */
  readonly valuesProblems: readonly string[];
  /** `helm template` arguments for the chart at `location` (all but the values file), told these API versions exist too. */
  readonly args: (location: string, moreApiVersions?: readonly string[]) => string[];
  /** helm's output as objects, namespaced as Helm applies them. */
  readonly parse: (output: string) => { objects: KubeObject[]; problems: string[] };
}

/** The HelmReleases of a tree whose vendored chart loads, as `renderCheck` would render them. */
export function releaseRenders(tree: RenderTree, charts: VendoredCharts): ReleaseRender[] {
  const { manifests, located, apiVersions } = planTree(tree, charts, new Map());
  return located.flatMap((l) => {
    if (!l.model || !l.location) return [];
    const effective = effectiveValues(l.manifest, manifests);
    return [{
      release: formatRef(refOf(l.manifest.object)), manifest: l.manifest, chart: l.chart, version: l.version, model: l.model,
      values: effective.values, valuesProblems: [...effective.problems, ...effective.opaque.map((o) => `values in a Secret not readable here: ${o}`)],
      args: (location: string, more: readonly string[] = []) => templateArgs({ ...l, location }, tree.kubernetesVersion, [...new Set([...apiVersions, ...more])].sort()),
      location: l.location,
      parse: (output: string) => {
        const { objects, problems } = renderedObjects(output, l.chart, releaseNamespace(l.manifest));
        return { objects: objects.map((o) => o.object), problems };
      },
    }];
  });
}

/** `group/version` and `group/version/Kind` of every CRD a chart ships: what `--api-versions` tells helm. */
export function crdApiVersions(chart: ChartModel): string[] {
  return allCrds(chart).flatMap((crd) => {
    const { group, kind, versions } = crdSpec(crd);
    return versions.flatMap((v) => [`${group}/${v}`, `${group}/${v}/${kind}`]);
  });
}

/** `helm template` of one chart with these values (written to a temporary file): helm's output, or a HelmError. */
export async function helmTemplate(helm: Helm, args: readonly string[], values: Record<string, unknown>): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-render-'));
  try {
    const valuesFile = path.join(work, 'values.yaml');
    fs.writeFileSync(valuesFile, stringify(values));
    return await helm.runAsync(['template', ...args, '--values', valuesFile]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The CRDs a chart ships, its subcharts' included. */
export function allCrds(chart: ChartModel): Array<Record<string, unknown>> {
  return [...chart.crds, ...chart.subcharts.flatMap((s) => allCrds(s.chart))];
}

/** `Kind/namespace/name` → `Kind/name`, how exceptions name an object. */
function kindAndName(ref: string | undefined): string {
  const parts = (ref ?? '').split('/');
  return `${parts[0]}/${parts[parts.length - 1]}`;
}

/**
 * An image outside the mirror, traced back to the values that set it: the catalog image of the
 * chart that the release's values make into exactly this reference.
 */
function withImageValue(f: Finding, job: RenderJob, entry: ChartEntry): Finding {
  const found = /found "([^"]+)"$/.exec(f.message)?.[1];
  const image = entry.images.find((i) => {
    try {
      return formatImage(imageFromValues(job.values, i.values, i.ref, entry.globalRegistry)) === found;
    } catch (e) {
      if (e instanceof ImageReferenceError) return false;
      throw e;
    }
  });
  // The value to change: the whole reference, the registry (or the chart-wide one that overrides it), or the host/path repository.
  const spec = image?.values;
  const field = !spec ? undefined : 'reference' in spec ? spec.reference
    : spec.registry ? (entry.globalRegistry && valueAt(job.values, entry.globalRegistry) ? entry.globalRegistry : spec.registry) : spec.repository;
  const where = field ? `values.${field}`
    : `no image of the catalog (catalog/charts.ts, ${entry.chart}): record it with the values that set it`;
  return { ...f, message: `${f.message}; set by ${where} of ${job.release}` };
}

/** Every job's output, from the render cache or from helm, several helm processes at once. */
async function renderAll(helm: Helm, jobs: readonly RenderJob[], options: RenderCheckOptions): Promise<{ run: number; cached: number }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-render-'));
  let run = 0;
  let cached = 0;
  try {
    const queue = [...jobs.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [i, job] = next;
        options.progress?.(`rendering ${job.customer}: ${job.release}`);
        const valuesYaml = stringify(job.values);
        const key = createHash('sha256').update(JSON.stringify([job.located.model!.contentDigest, job.args, valuesYaml])).digest('hex');
        job.key = key;
        const cacheFile = options.renderCache ? path.join(options.renderCache, `${key}.yaml`) : undefined;
        if (cacheFile && fs.existsSync(cacheFile)) {
          job.output = fs.readFileSync(cacheFile, 'utf8');
          cached++;
          continue;
        }
        const valuesFile = path.join(work, `values-${i}.yaml`);
        fs.writeFileSync(valuesFile, valuesYaml);
        try {
          job.output = await helm.runAsync(['template', ...job.args, '--values', valuesFile]);
          run++;
        } catch (e) {
          if (!(e instanceof HelmError)) throw e;
          job.error = e.message;
          continue;
        }
        if (cacheFile) replaceFile(cacheFile, job.output);
      }
    };
    const concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { run, cached };
}

/**
 * The CRDs the charts install, for the kinds the schema folder has none of: the custom
 * resources those charts render are then checked too, not counted as skipped.
 */
function registerChartCrds(schemas: SchemaSet, charts: readonly ChartModel[]): void {
  for (const crd of charts.flatMap(allCrds)) {
    const { group, kind, versions } = crdSpec(crd);
    const known = versions.some((v) => schemas.hasCrd(`${group}/${v}`, kind ?? ''));
    if (crd.kind === 'CustomResourceDefinition' && group && !known) schemas.addCrd(crd as unknown as KubeObject);
  }
}

/** Group, kind and version names of a CRD as a chart ships it (unvalidated). */
function crdSpec(crd: Record<string, unknown>): { group?: string; kind?: string; versions: Array<string | undefined> } {
  const spec = fieldsOf(crd.spec);
  return { group: spec.group, kind: spec.names?.kind, versions: listOf(spec.versions).map((v) => v.name) };
}

function isHelmRelease(m: Manifest): boolean {
  return m.object.kind === 'HelmRelease' && m.object.apiVersion.startsWith('helm.toolkit.fluxcd.io/');
}

function locate(manifest: Manifest, charts: VendoredCharts, models: Map<string, LoadedChart>): Located {
  const chartSpec = specOf(manifest).chart?.spec;
  const chartPath = typeof chartSpec?.chart === 'string' ? chartSpec.chart : '?';
  const sourceRef = chartSpec?.sourceRef;
  if (sourceRef?.kind !== 'GitRepository' || sourceRef.name !== BOOTSTRAP_NAME) {
    return { manifest, chart: chartPath, version: '?', skip: `!spec.chart.spec.sourceRef: expected GitRepository ${BOOTSTRAP_NAME} (the repository Flux syncs, which vendors the chart), `
      + `found ${sourceRef?.kind ?? 'none'} ${sourceRef?.name ?? ''}`.trimEnd() + ': the check renders only what the repository vendors' };
  }
  const file = path.posix.normalize(chartPath);
  const entry = charts.lock.charts.find((c) => c.file === file);
  if (!entry) {
    return { manifest, chart: chartPath, version: '?', skip: `!spec.chart.spec.chart: expected a chart archive recorded in ${VENDOR_LOCK}, found ${chartPath}: vendor it with \`npx astrago charts vendor <chart> <version>\`` };
  }
  const location = path.join(charts.root, entry.file);
  try {
    let model = models.get(location);
    if (!model) {
      readVerified(charts.root, entry);
      model = loadChart(location);
      models.set(location, model);
    }
    return { manifest, chart: entry.chart, version: entry.version, location, model };
  } catch (e) {
    if (!(e instanceof ChartLoadError) && !(e instanceof UserError)) throw e;
    return { manifest, chart: entry.chart, version: entry.version, skip: `!${e.message}` };
  }
}

/** The namespace Helm applies a release's namespaced objects in. */
function releaseNamespace(manifest: Manifest): string | undefined {
  return specOf(manifest).targetNamespace ?? manifest.object.metadata.namespace;
}

/** Arguments of `helm template` for a release (all but its values file). */
function templateArgs(l: Located, kubeVersion: string, apiVersions: readonly string[]): string[] {
  const spec = specOf(l.manifest);
  const namespace = spec.targetNamespace ?? l.manifest.object.metadata.namespace ?? 'default';
  const releaseName = spec.releaseName ?? (spec.targetNamespace ? `${spec.targetNamespace}-${l.manifest.object.metadata.name}` : l.manifest.object.metadata.name);
  return [
    releaseName, l.location!,
    '--namespace', namespace,
    '--kube-version', `v${kubeVersion.replace(/^v/, '')}`,
    // What Flux installs: CRDs (install.crds Create/CreateReplace), hooks, no test pods.
    '--include-crds', '--skip-tests',
    // The values schema is checked above, with the failing path named.
    '--skip-schema-validation',
    ...apiVersions.flatMap((v) => ['--api-versions', v]),
  ];
}

/**
 * helm's output as objects, each with the template it came from and, when namespaced, the
 * release namespace Helm applies it in; as the API server would store them (nulls dropped,
 * CRD defaults applied). js-yaml's core schema: fast, and no YAML 1.1 dates or merge keys.
 */
export function renderedObjects(output: string, chart: string, namespace: string | undefined, schemas?: SchemaSet): { objects: Array<{ object: KubeObject; source: string }>; problems: string[] } {
  const objects: Array<{ object: KubeObject; source: string }> = [];
  const problems: string[] = [];
  for (const doc of output.split(/^---\s*$/m)) {
    const source = /^# Source: (.+)$/m.exec(doc)?.[1]?.trim() ?? `${chart}/(unnamed)`;
    let o: KubeObject | null | undefined;
    try {
      o = loadYaml(doc, { schema: CORE_SCHEMA }) as KubeObject | null | undefined;
    } catch (e) {
      problems.push(`${source}: expected YAML, found ${firstLineOf(e)}`);
      continue;
    }
    if (o === null || o === undefined) continue;
    if (typeof o !== 'object' || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || typeof o.metadata?.name !== 'string') {
      problems.push(`${source}: expected a Kubernetes object with apiVersion, kind and metadata.name, found a document without them`);
      continue;
    }
    const scope = schemas?.crdScope(o.apiVersion, o.kind);
    const namespaced = scope ? scope === 'Namespaced' : !CLUSTER_SCOPED_KINDS.has(o.kind);
    if (namespaced && !o.metadata.namespace && namespace) o.metadata.namespace = namespace;
    objects.push({ source, object: schemas ? schemas.asServed(o) : withoutNulls(o) as KubeObject });
  }
  return { objects, problems };
}
