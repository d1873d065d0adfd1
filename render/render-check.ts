/**
 * The render check: every HelmRelease of a customer's tree rendered with its real chart from
 * the chart cache, with the values Flux will pass, before Flux does it in the cluster:
 * values the chart would ignore, values its schema rejects, and rendered objects that break
 * the strict schemas, policy or air-gap rules of `validate`.
 */
import type { Progress } from '../validate/progress';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject, OutputFile } from '../output/render';
import { Severity, sortFindings, type Finding } from '../validate/finding';
import { CLUSTER_SCOPED_KINDS } from '../validate/kinds';
import { formatRef, parseManifests, refOf, type Manifest } from '../validate/manifest';
import { IMAGES_IN_MIRROR } from '../validate/rules/airgap';
import { POLICY_RULES } from '../validate/rules/policy';
import type { Rule } from '../validate/rules/rule';
import type { SchemaSet } from '../validate/schemas';
import type { OfflineSettings } from '../validate/context';
import { validateTrees } from '../validate/validate';
import { ChartLoadError, loadChart, type ChartModel } from './chart';
import { locateChart } from './chart-cache';
import { effectiveValues } from './effective-values';
import { HelmError, type Helm } from './helm';
import { ChartValuesModel, formatValuesPath } from './values-analysis';
import { schemaViolations } from './values-schema';

export const RenderRule = {
  UNREAD_VALUE: 'render/unread-value',
  VALUES_SCHEMA: 'render/values-schema',
  VALUES_FROM: 'render/values-from',
  CHART: 'render/chart',
  TEMPLATE: 'render/template',
} as const;

/**
 * Policy rules that concern what a chart creates in the cluster. Not the two about files in
 * git: chart Secrets never sit in the repository, and Helm, not Flux, prunes chart PVCs.
 */
const RENDERED_POLICY: readonly Rule[] = POLICY_RULES.filter((r) => r.id !== 'policy/plaintext-secret' && r.id !== 'policy/pvc-prune');

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

export interface RenderCheckOptions {
  /** Chart cache folder (`<repository>/<chart>-<version>.tgz` or an unpacked folder of that name). */
  readonly cacheDir: string;
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

export interface RenderReport {
  readonly findings: readonly Finding[];
  readonly releases: readonly ReleaseResult[];
  /** `apiVersion Kind` → rendered objects without a schema. */
  readonly skippedKinds: ReadonlyMap<string, number>;
}

interface Located {
  readonly manifest: Manifest;
  readonly chart: string;
  readonly version: string;
  readonly model?: ChartModel;
  readonly location?: string;
  readonly skip?: string;
}

export function renderCheck(trees: readonly RenderTree[], options: RenderCheckOptions): RenderReport {
  const findings: Finding[] = [];
  const releases: ReleaseResult[] = [];
  const skippedKinds = new Map<string, number>();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-render-'));
  try {
    for (const tree of trees) {
      const { manifests } = parseManifests(tree.customer, tree.files);
      const located = manifests.filter(isHelmRelease).map((m) => locate(m, options.cacheDir));
      // As in the cluster once every tier is in: the API versions of all the customer's charts' CRDs.
      const apiVersions = [...new Set(located.flatMap((l) => (l.model ? crdApiVersions(l.model) : [])))].sort();
      const rendered: OutputFile[] = [];
      const display = new Map<string, string>();
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
        try {
          const output = template(options.helm, l, effective.values, tree.kubernetesVersion, apiVersions, work);
          const objects = renderedFiles(output, l, rendered.length, options.schemas);
          findings.push(...objects.problems.map((p) => finding(RenderRule.TEMPLATE, `rendered ${p}`)));
          for (const f of objects.files) {
            rendered.push(f.file);
            display.set(f.file.path, `${l.manifest.file} » ${f.source}`);
          }
          releases.push({ customer: tree.customer, release, chart: `${l.chart} ${l.version}`, status: ReleaseStatus.RENDERED, objects: objects.count, note });
        } catch (e) {
          if (!(e instanceof HelmError)) throw e;
          findings.push(finding(RenderRule.TEMPLATE, `helm template: expected the chart to render, found: ${e.message}`));
          releases.push({ customer: tree.customer, release, chart: `${l.chart} ${l.version}`, status: ReleaseStatus.CHECKED, objects: 0, note: 'helm template failed' });
        }
      }
      if (rendered.length === 0) continue;
      const report = validateTrees([{ customer: tree.customer, files: rendered, externals: [], offline: tree.offline }],
        { schemas: options.schemas, rules: [...RENDERED_POLICY, IMAGES_IN_MIRROR] });
      findings.push(...report.findings.map((f) => ({ ...f, file: display.get(f.file) ?? f.file })));
      for (const [kind, n] of report.skipped) skippedKinds.set(kind, (skippedKinds.get(kind) ?? 0) + n);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { findings: sortFindings(findings), releases, skippedKinds: new Map([...skippedKinds].sort()) };
}

function isHelmRelease(m: Manifest): boolean {
  return m.object.kind === 'HelmRelease' && m.object.apiVersion.startsWith('helm.toolkit.fluxcd.io/');
}

function locate(manifest: Manifest, cacheDir: string): Located {
  const spec = (manifest.object.spec ?? {}) as { chart?: { spec?: { chart?: string; version?: string; sourceRef?: { kind?: string; name?: string } } } };
  const chartSpec = spec.chart?.spec;
  const chart = chartSpec?.chart ?? '?';
  const version = chartSpec?.version ?? '*';
  if (!chartSpec?.chart || chartSpec.sourceRef?.kind !== 'HelmRepository' || !chartSpec.sourceRef.name) {
    return { manifest, chart, version, skip: 'its chart does not come from a HelmRepository (spec.chart.spec.sourceRef); only those are rendered' };
  }
  const location = locateChart(cacheDir, chartSpec.sourceRef.name, chart, version);
  if (!location) return { manifest, chart, version, skip: `chart ${chart} ${version} of repository ${chartSpec.sourceRef.name} is not in the chart cache: run \`npx astrago charts pull\`` };
  try {
    return { manifest, chart, version, location, model: loadChart(location) };
  } catch (e) {
    if (!(e instanceof ChartLoadError)) throw e;
    return { manifest, chart, version, skip: `!${e.message}` };
  }
}

function crdApiVersions(chart: ChartModel): string[] {
  const own = chart.crds.flatMap((crd) => {
    const spec = crd.spec as { group?: string; names?: { kind?: string }; versions?: Array<{ name?: string }> } | undefined;
    return (spec?.versions ?? []).flatMap((v) => [`${spec!.group}/${v.name}`, `${spec!.group}/${v.name}/${spec!.names?.kind}`]);
  });
  return [...own, ...chart.subcharts.flatMap((s) => crdApiVersions(s.chart))];
}

function template(helm: Helm, l: Located, values: Record<string, unknown>, kubeVersion: string, apiVersions: readonly string[], work: string): string {
  const spec = l.manifest.object.spec as { releaseName?: string; targetNamespace?: string };
  const namespace = spec.targetNamespace ?? l.manifest.object.metadata.namespace ?? 'default';
  const releaseName = spec.releaseName ?? (spec.targetNamespace ? `${spec.targetNamespace}-${l.manifest.object.metadata.name}` : l.manifest.object.metadata.name);
  const valuesFile = path.join(work, 'values.yaml');
  fs.writeFileSync(valuesFile, stringify(values));
  return helm.run([
    'template', releaseName, l.location!,
    '--namespace', namespace,
    '--kube-version', `v${kubeVersion.replace(/^v/, '')}`,
    '--values', valuesFile,
    // What Flux installs: CRDs (install.crds Create/CreateReplace), hooks, no test pods.
    '--include-crds', '--skip-tests',
    // The values schema is checked above, with the failing path named.
    '--skip-schema-validation',
    ...apiVersions.flatMap((v) => ['--api-versions', v]),
  ]);
}

/**
 * helm's output split by the template each document came from, every namespaced object given
 * the release namespace Helm applies it in, as one synthetic file per template.
 */
function renderedFiles(output: string, l: Located, offset: number, schemas?: SchemaSet): { files: Array<{ file: OutputFile; source: string }>; count: number; problems: string[] } {
  const spec = l.manifest.object.spec as { targetNamespace?: string };
  const namespace = spec.targetNamespace ?? l.manifest.object.metadata.namespace;
  const bySource = new Map<string, KubeObject[]>();
  const problems: string[] = [];
  let count = 0;
  for (const doc of output.split(/^---\s*$/m)) {
    const source = /^# Source: (.+)$/m.exec(doc)?.[1]?.trim() ?? `${l.chart}/(unnamed)`;
    const parsed = parseManifests('', [{ path: 'doc.yaml', content: doc }]);
    problems.push(...parsed.findings.map((f) => `${source}: ${f.message}`));
    for (const m of parsed.manifests) {
      const o = m.object;
      const scope = schemas?.crdScope(o.apiVersion, o.kind);
      const namespaced = scope ? scope === 'Namespaced' : !CLUSTER_SCOPED_KINDS.has(o.kind);
      if (namespaced && !o.metadata.namespace && namespace) o.metadata.namespace = namespace;
      bySource.set(source, [...(bySource.get(source) ?? []), o]);
      count++;
    }
  }
  const files = [...bySource].map(([source, objects], i) => ({
    source,
    file: { path: `rendered/${offset + i}.yaml`, content: objects.map((o) => `---\n${stringify(o)}`).join('') },
  }));
  return { files, count, problems };
}
