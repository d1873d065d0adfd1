/**
 * Validation of rendered customer trees: parse, strict schemas, then every rule over all
 * objects of a customer, then (optionally) kubectl kustomize of every folder.
 */
import { fieldsOf } from '../model/fields';
import type { KubeObject, OutputFile } from '../model/objects';
import { kustomizeBuild } from './kustomize-build';
import { ValidationContext, type OfflineSettings } from './model/context';
import { Severity, sortFindings, type Finding } from './model/finding';
import { formatRef, parseManifests, refOf, type Manifest, type ObjectRef } from './model/manifest';
import type { Progress } from './progress';
import { AIRGAP_RULES } from './rules/airgap';
import { CLUSTER_RULES } from './rules/cluster';
import { FLUX_RULES } from './rules/flux';
import { INGRESS_RULES } from './rules/ingress';
import { PLATFORM_RULES } from './rules/platform';
import { POLICY_RULES, SOPS_VALUE } from './rules/policy';
import type { Rule } from './rules/rule';
import type { SchemaSet } from './schemas';

export const ALL_RULES: readonly Rule[] = [...FLUX_RULES, ...CLUSTER_RULES, ...POLICY_RULES, ...AIRGAP_RULES, ...PLATFORM_RULES, ...INGRESS_RULES];

export interface CustomerTree {
  readonly customer: string;
  /** Rendered files (paths relative to the repository root), as synth would write them. */
  readonly files: readonly OutputFile[];
  /** Objects that exist in the cluster without being in the tree. */
  readonly externals: readonly ObjectRef[];
  /**
   * The objects of `files`, when the caller has parsed them already (the render check, from chart output).
   * @default - parsed from `files`
   */
  readonly manifests?: readonly Manifest[];
  /** The customer's mirrors. @default - an online customer: no air-gap rules apply */
  readonly offline?: OfflineSettings;
  /** The Flux version the customer's cluster runs. @default - not checked */
  readonly fluxVersion?: string;
}

export interface ValidateOptions {
  /**
   * Schemas for strict validation.
   * @default - no strict validation: every object is counted as skipped
   */
  readonly schemas?: SchemaSet;
  /**
   * Rules to run.
   * @default ALL_RULES
   */
  readonly rules?: readonly Rule[];
  /**
   * Run `kubectl kustomize` on every folder.
   * @default false
   */
  readonly kustomize?: boolean;
  /** Told each customer as it starts. @default - none */
  readonly progress?: Progress;
  /**
   * What is wrong with a chart archive a HelmRelease takes from Git (`vendoredChartProblems`).
   * @default - archives not checked
   */
  readonly vendoredChart?: (chartPath: string) => string | undefined;
}

export interface ValidationReport {
  readonly findings: readonly Finding[];
  readonly objects: number;
  /** `apiVersion Kind` → number of objects without a schema. */
  readonly skipped: ReadonlyMap<string, number>;
}

export function validateTrees(trees: readonly CustomerTree[], options: ValidateOptions = {}): ValidationReport {
  const { schemas } = options;
  const findings: Finding[] = [];
  const skipped = new Map<string, number>();
  let objects = 0;
  for (const tree of trees) {
    options.progress?.(`validating ${tree.customer}`);
    const parsed = tree.manifests ? { manifests: [...tree.manifests], findings: [] } : parseManifests(tree.customer, tree.files);
    findings.push(...parsed.findings);
    objects += parsed.manifests.length;
    for (const m of parsed.manifests) {
      const result = options.schemas?.validate(forSchema(m.object)) ?? { status: 'skipped' as const };
      if (result.status === 'skipped') {
        const key = `${m.object.apiVersion} ${m.object.kind}`;
        skipped.set(key, (skipped.get(key) ?? 0) + 1);
        continue;
      }
      findings.push(...result.issues.map((i) => schemaFinding(tree.customer, m, i.path, i.unknownField, i.message, i.versions)));
    }
    const ctx = new ValidationContext({
      customer: tree.customer,
      files: tree.files,
      manifests: parsed.manifests,
      externals: tree.externals,
      offline: tree.offline,
      fluxVersion: tree.fluxVersion,
      vendoredChart: options.vendoredChart,
      crdScope: schemas ? (apiVersion, kind) => schemas.crdScope(apiVersion, kind) : undefined,
    });
    for (const rule of options.rules ?? ALL_RULES) findings.push(...rule.check(ctx));
    if (options.kustomize) findings.push(...kustomizeBuild(tree.customer, tree.files));
  }
  return { findings: sortFindings(findings), objects, skipped: new Map([...skipped].sort()) };
}

/**
 * The object as the API server receives it: Flux decrypts a SOPS Secret and drops its `sops`
 * block first (kubeconform's `--skip-json-path Secret:/sops`), so encrypted values stand in
 * for valid base64 here; whether they are encrypted is policy's business.
 */
function forSchema(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || !('sops' in object)) return object;
  const { sops: _sops, ...rest } = object;
  if (!rest.data) return rest;
  return { ...rest, data: Object.fromEntries(Object.entries(fieldsOf(rest.data)).map(([k, v]) => [k, typeof v === 'string' && SOPS_VALUE.test(v) ? '' : v])) };
}

function schemaFinding(customer: string, m: Manifest, path: string, unknownField: boolean, message: string, versions: readonly string[]): Finding {
  const where = versions.length > 0 ? ` (Kubernetes ${versions.map((v) => v.replace(/\.0$/, '')).join(', ')})` : '';
  return {
    customer,
    file: m.file,
    object: formatRef(refOf(m.object)),
    rule: unknownField ? 'schema/unknown-field' : 'schema/invalid',
    severity: Severity.ERROR,
    message: `${path}: ${message}${where}`,
  };
}
