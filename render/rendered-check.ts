/**
 * What a chart rendered, checked: helm's output read as the API server would store the objects,
 * then run through the strict schemas, policy and air-gap rules of `validate`, with the
 * findings the catalog excepts set apart and an image outside the mirror traced to its value.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { catalogEntry, type ChartEntry } from '../catalog/charts';
import { imageFromValues, valueAt } from '../catalog/image-values';
import { formatImage, ImageReferenceError } from '../catalog/images';
import { replaceFile } from '../files/file-steps';
import { firstLineOf } from '../model/caught';
import type { KubeObject } from '../model/objects';
import type { Finding } from '../validate/model/finding';
import { CLUSTER_SCOPED_KINDS } from '../validate/model/kinds';
import { IMAGES_IN_MIRROR } from '../validate/rules/airgap';
import { ENCRYPTED_SECRETS, POLICY_RULES, PROTECTED_VOLUMES } from '../validate/rules/policy';
import type { Rule } from '../validate/rules/rule';
import { withoutNulls, type SchemaSet } from '../validate/schemas';
import { validateTrees } from '../validate/validate';
import type { ChartModel } from './chart';
import { allCrds, crdSpec, releaseNamespace, type LoadedRelease, type RenderTree } from './plan';
import { releaseFinding, RenderRule, type ExceptedFinding } from './report';

/** Policy rules that concern what a chart creates in the cluster, not the two about files in git. */
const RENDERED_POLICY: readonly Rule[] = POLICY_RULES.filter((r) => r !== ENCRYPTED_SECRETS && r !== PROTECTED_VOLUMES);

/** One release's rendered output, with the values it was rendered with. */
export interface RenderedRelease {
  readonly tree: RenderTree;
  readonly release: LoadedRelease;
  readonly values: Record<string, unknown>;
  readonly output: string;
  /** The render cache key of the output. */
  readonly key: string;
}

export interface RenderedCheckOptions {
  /** @default - no strict validation (objects counted as skipped) */
  readonly schemas?: SchemaSet;
  /** Folder the check is kept in beside the rendered output. @default - nothing cached */
  readonly renderCache?: string;
  /** Digests of the charts whose CRDs joined the schemas: a cached check holds for the same set. */
  readonly crdSources: string;
}

/** What checking one release's rendered objects found: the same for the same inputs, so it is cached with them. */
export interface RenderedCheck {
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
export function checkRendered(rendered: RenderedRelease, options: RenderedCheckOptions): RenderedCheck {
  const { tree, release: r } = rendered;
  const key = options.renderCache
    ? createHash('sha256').update(JSON.stringify([rendered.key, tree.customer, r.manifest.file, r.release, tree.offline ?? null,
      options.schemas?.fingerprint ?? null, options.crdSources, checkFingerprint()])).digest('hex')
    : undefined;
  const cacheFile = options.renderCache && key ? path.join(options.renderCache, `${key}.check.json`) : undefined;
  if (cacheFile && fs.existsSync(cacheFile)) return JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as RenderedCheck;
  const { objects, problems } = renderedObjects(rendered.output, r.chart.name, releaseNamespace(r.manifest), options.schemas);
  const findings: Finding[] = problems.map((p) => releaseFinding(tree.customer, r, RenderRule.TEMPLATE, `rendered ${p}`));
  const excepted: ExceptedFinding[] = [];
  const entry = catalogEntry(r.chart.name);
  // One file name per template, shown as the HelmRelease's file » the template.
  const manifests = objects.map(({ object, source }) => ({ file: source, object }));
  const report = validateTrees([{ customer: tree.customer, files: [], manifests, externals: [], offline: tree.offline }],
    { schemas: options.schemas, rules: [...RENDERED_POLICY, IMAGES_IN_MIRROR] });
  for (const f of report.findings) {
    const shown = { ...f, file: `${r.manifest.file} » ${f.file}` };
    const exception = entry?.exceptions?.find((e) => e.rule === f.rule && e.object === kindAndName(f.object));
    if (exception) excepted.push({ ...shown, reason: exception.reason });
    else findings.push(entry && f.rule === IMAGES_IN_MIRROR.id ? withImageValue(shown, rendered, entry) : shown);
  }
  const result: RenderedCheck = { objects: objects.length, findings, excepted, skipped: [...report.skipped] };
  if (cacheFile) replaceFile(cacheFile, JSON.stringify(result));
  return result;
}

/**
 * The CRDs the charts install, for the kinds the schema folder has none of: the custom
 * resources those charts render are then checked too, not counted as skipped.
 */
export function registerChartCrds(schemas: SchemaSet, charts: readonly ChartModel[]): void {
  for (const crd of charts.flatMap(allCrds)) {
    const { group, kind, versions } = crdSpec(crd);
    const known = versions.some((v) => schemas.hasCrd(`${group}/${v}`, kind ?? ''));
    if (crd.kind === 'CustomResourceDefinition' && group && !known) schemas.addCrd(crd as unknown as KubeObject);
  }
}

/**
 * helm's output as objects, each with the template it came from and, when namespaced, the
 * release namespace Helm applies it in; as the API server would store them (nulls dropped,
 * CRD defaults applied). js-yaml's core schema: fast, and no YAML 1.1 dates or merge keys.
 */
export function renderedObjects(output: string, chart: string, namespace: string | undefined, schemas?: SchemaSet): {
  objects: Array<{ object: KubeObject; source: string }>;
  problems: string[];
} {
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

let fingerprint: string | undefined;
/** A digest of the source of the render check, validation and catalog: a cached check is only as good as the code that made it. */
function checkFingerprint(): string {
  if (!fingerprint) {
    const hash = createHash('sha256');
    for (const dir of ['render', 'validate', 'catalog'].map((d) => path.join(__dirname, '..', d))) {
      for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.ts')).sort()) {
        hash.update(f).update(fs.readFileSync(path.join(dir, f)));
      }
    }
    fingerprint = hash.digest('hex');
  }
  return fingerprint;
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
function withImageValue(f: Finding, rendered: RenderedRelease, entry: ChartEntry): Finding {
  const image = f.image === undefined ? undefined : entry.images.find((i) => {
    try {
      return formatImage(imageFromValues(rendered.values, i.values, i.ref, entry.globalRegistry)) === f.image;
    } catch (e) {
      if (e instanceof ImageReferenceError) return false;
      throw e;
    }
  });
  // The value to change: the whole reference, the registry (or the chart-wide one that overrides it), or the host/path repository.
  const spec = image?.values;
  const globalSet = entry.globalRegistry !== undefined && valueAt(rendered.values, entry.globalRegistry) !== undefined;
  const field = !spec ? undefined : 'reference' in spec ? spec.reference
    : spec.registry ? (globalSet ? entry.globalRegistry : spec.registry) : spec.repository;
  const where = field ? `values.${field}`
    : `no image of the catalog (catalog/charts.ts, ${entry.chart}): record it with the values that set it`;
  return { ...f, message: `${f.message}; set by ${where} of ${rendered.release.release}` };
}
