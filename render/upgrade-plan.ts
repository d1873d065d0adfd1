/**
 * The upgrade plan: one release rendered with its current chart and with a target chart, same
 * values, and what the cluster could not do in moving from the first set of objects to the
 * second: immutable fields that change, CRD versions that go, values the target ignores,
 * objects holding data that disappear, the Flux settings the transition needs, and the images
 * the target pulls that an air-gapped site has not mirrored yet.
 * The render check proves each chart renders; this proves the step between them.
 */
import { canonical } from '../files/canonical';
import { fieldsOf, isMap, listOf } from '../model/fields';
import type { KubeObject } from '../model/objects';
import { formatRef, groupOf, refOf } from '../validate/model/manifest';
import { containersOf, podTemplates } from '../validate/model/pod-specs';
import type { ChartModel, LoadedChart } from './chart';
import { allCrds, crdApiVersions } from './plan';
import { ChartValuesModel, formatValuesPath } from './values-analysis';

export const PlanFindingKind = {
  /** A field the API server refuses to change on an existing object. */
  IMMUTABLE: 'immutable-field',
  /** A CRD version removed or no longer served, a CRD deleted, or its storage version changed. */
  CRD: 'crd-version',
  /** A values path of ours that the current chart reads and the target ignores. */
  UNREAD_VALUE: 'unread-value',
  /** An object that holds data (PVC, StatefulSet) and is not in the target's output. */
  DATA_REMOVED: 'data-removed',
  /** A Flux setting of the HelmRelease that the transition needs and the release lacks. */
  FLUX_SETTING: 'flux-setting',
  /** An image the target's pods pull and the current chart's do not: an air-gapped site must mirror it first. */
  NEW_IMAGE: 'new-image',
} as const;
export type PlanFindingKind = (typeof PlanFindingKind)[keyof typeof PlanFindingKind];

export interface PlanFinding {
  readonly kind: PlanFindingKind;
  /** Whether the upgrade fails or loses data as it stands (exit 1). */
  readonly blocks: boolean;
  /** `Kind/namespace/name` of the rendered object, or `values.<path>`. */
  readonly object: string;
  readonly message: string;
}

/** A change to the HelmRelease that Flux needs for this transition. */
export interface FluxProposal {
  /** Field of the HelmRelease spec. */
  readonly setting: 'upgrade.crds' | 'upgrade.force';
  readonly value: string;
  /** What the release has now (Flux's default when unset). */
  readonly current: string;
  /** The change to make in the catalog. */
  readonly change: string;
  readonly why: string;
}

export interface UpgradePlan {
  /** `<chart> <version>` of each side. */
  readonly from: string;
  readonly to: string;
  /** Rendered objects of each side. */
  readonly objects: { readonly from: number; readonly to: number };
  readonly findings: readonly PlanFinding[];
  readonly proposals: readonly FluxProposal[];
  /** Whether any finding blocks. */
  readonly blocked: boolean;
}

/** One side of the transition: the chart and what it rendered. */
export interface PlanSide {
  readonly chart: LoadedChart;
  readonly objects: readonly KubeObject[];
}

export interface PlanInput {
  readonly from: PlanSide;
  readonly to: PlanSide;
  /** The values both were rendered with. */
  readonly values: Record<string, unknown>;
  /** The HelmRelease's `spec.upgrade` now. @default - Flux's defaults (crds Skip, no force) */
  readonly upgrade?: { readonly crds?: string; readonly force?: boolean };
  /**
   * The catalog entry of the chart, where proposals are made.
   * @default - a chart outside the catalog: proposals name the HelmRelease
   */
  readonly catalogChart?: string;
}

/** The transition from one render to the other. */
export function planUpgrade(input: PlanInput): UpgradePlan {
  const findings: PlanFinding[] = [];
  const before = byIdentity(input.from.objects);
  const after = byIdentity(input.to.objects);
  const replaceable: string[] = [];
  for (const [id, old] of before) {
    const next = after.get(id);
    const ref = formatRef(refOf(old));
    if (!next) {
      if (DATA_KINDS.has(old.kind)) {
        findings.push({ kind: PlanFindingKind.DATA_REMOVED, blocks: true, object: ref,
          message: `${old.kind} not in the output of the target: Helm deletes it${old.kind === 'StatefulSet' ? ' and its pods' : ' and, with the reclaim policy Delete, its volume'}; keep it in the target or move its data first` });
      }
      continue;
    }
    for (const change of immutableChanges(old, next)) {
      findings.push({ kind: PlanFindingKind.IMMUTABLE, blocks: change.blocks, object: ref, message: change.message });
      if (change.blocks && change.replaceable) replaceable.push(ref);
    }
  }
  findings.push(...crdFindings(input.from.objects, input.to.objects));
  findings.push(...unreadFindings(input));
  findings.push(...imageFindings(input.from.objects, input.to.objects));
  const proposals = fluxProposals(input, replaceable);
  findings.push(...proposals.map((p) => ({ kind: PlanFindingKind.FLUX_SETTING, blocks: true, object: `spec.${p.setting}`,
    message: `expected ${p.value}, found ${p.current}: ${p.why}; ${p.change}` })));
  const sorted = findings.sort((a, b) => Number(b.blocks) - Number(a.blocks) || a.kind.localeCompare(b.kind)
    || a.object.localeCompare(b.object) || a.message.localeCompare(b.message));
  return {
    from: `${input.from.chart.name} ${input.from.chart.version}`,
    to: `${input.to.chart.name} ${input.to.chart.version}`,
    objects: { from: input.from.objects.length, to: input.to.objects.length },
    findings: sorted,
    proposals,
    blocked: sorted.some((f) => f.blocks),
  };
}

/**
 * Each image the target's pods pull that no pod of the current render pulls, at the first object
 * (by reference) that pulls it. Online it is only a new pull; offline the pod cannot start until
 * the image is in the private registry, and the mirror list follows the catalog, not the chart.
 */
function imageFindings(from: readonly KubeObject[], to: readonly KubeObject[]): PlanFinding[] {
  const pulled = (objects: readonly KubeObject[]) => {
    const first = new Map<string, string>();
    for (const o of [...objects].sort((a, b) => formatRef(refOf(a)).localeCompare(formatRef(refOf(b))))) {
      for (const { container } of podTemplates(o).flatMap(containersOf)) {
        if (typeof container.image === 'string' && !first.has(container.image)) first.set(container.image, formatRef(refOf(o)));
      }
    }
    return first;
  };
  const before = pulled(from);
  return [...pulled(to)].filter(([image]) => !before.has(image)).map(([image, object]) => ({
    kind: PlanFindingKind.NEW_IMAGE, blocks: false, object,
    message: `pulls ${image}, which no pod of the current chart pulls: on an air-gapped site, add it to the chart's images in catalog/charts.ts and mirror it before the upgrade`,
  }));
}

/** Kinds whose deletion deletes data. */
const DATA_KINDS = new Set(['PersistentVolumeClaim', 'StatefulSet']);

/** Objects by API group, kind, namespace and name: the same object across a version bump of its apiVersion. */
function byIdentity(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [`${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}


interface Change {
  readonly message: string;
  readonly blocks: boolean;
  /** Helm's `force` (delete and create again) gets past it without losing data. */
  readonly replaceable?: boolean;
}

/** What the API server refuses on an update of `old` to `next`, field by field. */
function immutableChanges(old: KubeObject, next: KubeObject): Change[] {
  const a = fieldsOf(old.spec);
  const b = fieldsOf(next.spec);
  const changed = (field: string, x: unknown, y: unknown, replaceable: boolean): Change[] => (canonicalJson(x) === canonicalJson(y) ? [] : [{
    blocks: true, replaceable,
    message: `spec.${field}${difference(x, y)}: the API server refuses to update it ("field is immutable")`
      + (replaceable ? '; Helm must delete and create the object again (upgrade.force), its pods restart' : '; the object must be deleted by hand (`kubectl delete --cascade=orphan`, pods and volumes kept) before the upgrade'),
  }]);
  switch (old.kind) {
    case 'StatefulSet':
      return [
        ...changed('selector', a.selector, b.selector, false),
        ...changed('serviceName', a.serviceName, b.serviceName, false),
        ...changed('podManagementPolicy', a.podManagementPolicy ?? 'OrderedReady', b.podManagementPolicy ?? 'OrderedReady', false),
        ...changed('volumeClaimTemplates', listOf(a.volumeClaimTemplates).map(claimTemplate), listOf(b.volumeClaimTemplates).map(claimTemplate), false),
      ];
    case 'Deployment':
    case 'DaemonSet':
      return changed('selector', a.selector, b.selector, true);
    case 'Job':
      return changed('template', a.template, b.template, true);
    case 'PersistentVolumeClaim':
      return claimChanges(a, b);
    case 'Service':
      return serviceChanges(a, b);
    default:
      return [];
  }
}

/** A volume claim template as the API server compares it: name and spec (labels and annotations of the template included). */
function claimTemplate(t: Record<string, unknown>): unknown {
  const { status: _status, ...rest } = t;
  return rest;
}

/** A PVC's spec is immutable but for a larger storage request (where the class allows expansion). */
function claimChanges(a: Record<string, unknown>, b: Record<string, unknown>): Change[] {
  const sizeOf = (spec: Record<string, unknown>) => fieldsOf(fieldsOf(spec.resources).requests).storage;
  const withoutSize = (spec: Record<string, unknown>) => {
    const resources = fieldsOf(spec.resources);
    const { storage: _storage, ...requests } = fieldsOf(resources.requests);
    return { ...spec, resources: { ...resources, requests } };
  };
  const changes: Change[] = [];
  if (canonicalJson(withoutSize(a)) !== canonicalJson(withoutSize(b))) {
    changes.push({ blocks: true, message: `spec${difference(withoutSize(a), withoutSize(b))}: the API server refuses to update a bound claim's spec beyond a larger storage request; its data must move to a new claim` });
  }
  const [x, y] = [quantity(sizeOf(a)), quantity(sizeOf(b))];
  if (x !== undefined && y !== undefined && y < x) {
    changes.push({ blocks: true, message: `spec.resources.requests.storage shrinks (${String(sizeOf(a))} → ${String(sizeOf(b))}): a claim can only grow` });
  } else if (x !== undefined && y !== undefined && y > x) {
    changes.push({ blocks: false, message: `spec.resources.requests.storage grows (${String(sizeOf(a))} → ${String(sizeOf(b))}): only where the storage class sets allowVolumeExpansion` });
  }
  return changes;
}

/** Service transitions the API server refuses, given that Helm's merge keeps the cluster IP it allocated. */
function serviceChanges(a: Record<string, unknown>, b: Record<string, unknown>): Change[] {
  const typeA = String(a.type ?? 'ClusterIP');
  const typeB = String(b.type ?? 'ClusterIP');
  const ipA = typeof a.clusterIP === 'string' && a.clusterIP !== '' ? a.clusterIP : undefined;
  const ipB = typeof b.clusterIP === 'string' && b.clusterIP !== '' ? b.clusterIP : undefined;
  const changes: Change[] = [];
  if ((ipA === 'None') !== (ipB === 'None')) {
    changes.push({ blocks: true, replaceable: true, message: `spec.clusterIP changes between headless (None) and ${ipA === 'None' ? ipB ?? 'allocated' : ipA ?? 'allocated'}: the cluster IP of a Service is immutable` });
  } else if (ipA && ipB && ipA !== ipB) {
    changes.push({ blocks: true, replaceable: true, message: `spec.clusterIP changes (${ipA} → ${ipB}): the cluster IP of a Service is immutable` });
  }
  if (typeA !== typeB && typeB === 'ExternalName' && ipA !== 'None') {
    changes.push({ blocks: true, replaceable: true, message: `spec.type changes ${typeA} → ExternalName: the cluster IP the Service holds stays (Helm's merge keeps it) and ExternalName refuses one` });
  } else if (typeA !== typeB) {
    changes.push({ blocks: false, message: `spec.type changes ${typeA} → ${typeB}: clients of its node ports or load balancer address lose them` });
  }
  return changes;
}

/** What happens to the CRDs: versions removed or unserved, the storage version moved, a templated CRD deleted. */
function crdFindings(from: readonly KubeObject[], to: readonly KubeObject[]): PlanFinding[] {
  const crds = (objects: readonly KubeObject[]) => new Map(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => [o.metadata.name, versionsOf(o)]));
  const before = crds(from);
  const after = crds(to);
  const findings: PlanFinding[] = [];
  for (const [name, old] of before) {
    const object = `CustomResourceDefinition/${name}`;
    const next = after.get(name);
    if (!next) {
      findings.push({ kind: PlanFindingKind.CRD, blocks: true, object, message: 'not in the output of the target: deleting a CRD deletes every custom resource of it' });
      continue;
    }
    for (const v of old.filter((x) => x.served)) {
      const now = next.find((x) => x.name === v.name);
      if (!now) findings.push({ kind: PlanFindingKind.CRD, blocks: true, object, message: `version ${v.name} removed: objects stored or applied in ${v.name} can no longer be read; move them to ${storageOf(next) ?? 'a served version'} first` });
      else if (!now.served) findings.push({ kind: PlanFindingKind.CRD, blocks: true, object, message: `version ${v.name} no longer served: clients and manifests that use ${v.name} fail` });
    }
    const [s, t] = [storageOf(old), storageOf(next)];
    if (s && t && s !== t && next.some((x) => x.name === s)) {
      findings.push({ kind: PlanFindingKind.CRD, blocks: false, object, message: `storage version changes ${s} → ${t}: objects stay stored as ${s} until rewritten; migrate them (flux migrate for Flux's own CRDs) before a later version drops ${s}` });
    }
  }
  return findings;
}

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
}

function versionsOf(crd: KubeObject | Record<string, unknown>): CrdVersion[] {
  return listOf(fieldsOf(crd.spec).versions).map((v) => ({ name: String(v.name), served: v.served !== false, storage: v.storage === true }));
}

function storageOf(versions: readonly CrdVersion[]): string | undefined {
  return versions.find((v) => v.storage)?.name;
}

/** Our values paths that the current chart reads and the target ignores. */
function unreadFindings(input: PlanInput): PlanFinding[] {
  const already = new Set(new ChartValuesModel(input.from.chart).unread(input.values).map((u) => formatValuesPath(u.path)));
  return new ChartValuesModel(input.to.chart).unread(input.values).filter((u) => !already.has(formatValuesPath(u.path))).map((u) => ({
    kind: PlanFindingKind.UNREAD_VALUE, blocks: true, object: `values.${formatValuesPath(u.path)}`,
    message: `${input.to.chart.name} ${input.to.chart.version} no longer reads it${u.leaves > 1 ? ` (nor the ${u.leaves} values below it)` : ''}: the setting would be dropped silently`
      + `${u.hint ? `; did the key move to "${u.hint}"?` : ''}`,
  }));
}

/** Flux settings the transition needs that the release does not have. */
function fluxProposals(input: PlanInput, replaceable: readonly string[]): FluxProposal[] {
  const proposals: FluxProposal[] = [];
  const crds = input.upgrade?.crds ?? 'Skip';
  const changedCrds = crdsChanged(input.from.chart, input.to.chart);
  if (changedCrds.length > 0 && crds !== 'CreateReplace') {
    proposals.push({
      setting: 'upgrade.crds', value: 'CreateReplace', current: crds,
      change: input.catalogChart ? `set \`crds: true\` on ${input.catalogChart} in catalog/charts.ts` : 'set it on the HelmRelease',
      why: `the target changes CRDs of its crds/ folder (${changedCrds.join(', ')}), which Helm never upgrades by itself`,
    });
  }
  if (replaceable.length > 0 && input.upgrade?.force !== true) {
    proposals.push({
      setting: 'upgrade.force', value: 'true', current: String(input.upgrade?.force ?? false),
      change: input.catalogChart
        ? `give ${input.catalogChart} \`upgrade.force: true\` for this one upgrade (catalog/charts.ts has no field for it yet: add one, read by constructs/flux/helm-release.ts), and remove it after`
        : 'set it on the HelmRelease for this one upgrade, and remove it after',
      why: `${replaceable.join(', ')} can only be replaced, not updated; force makes Helm delete and create them again (a workload's pods restart, a Service is briefly gone)`,
    });
  }
  return proposals;
}

/** Names of the crds/-folder CRDs (subcharts included) that are new or differ in the target. */
function crdsChanged(from: ChartModel, to: ChartModel): string[] {
  const named = (chart: ChartModel) => new Map(allCrds(chart).map((c) => [String(fieldsOf(c.metadata).name), canonicalJson(c)]));
  const before = named(from);
  return [...named(to)].filter(([name, body]) => before.get(name) !== body).map(([name]) => name).sort();
}

/** The API versions helm is told exist when rendering either side: the CRDs of both charts. */
export function planApiVersions(...charts: readonly ChartModel[]): string[] {
  return [...new Set(charts.flatMap(crdApiVersions))].sort();
}

/** JSON with sorted keys: equal for equal content, whatever the key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? 'null';
}

/** Where two values first differ, as ` changes at <path> (<a> → <b>)`. */
function difference(x: unknown, y: unknown, at = ''): string {
  if (canonicalJson(x) === canonicalJson(y)) return '';
  if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
    const i = x.findIndex((v, n) => canonicalJson(v) !== canonicalJson(y[n]));
    return difference(x[i], y[i], `${at}[${i}]`);
  }
  if (isMap(x) && isMap(y)) {
    const key = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort().find((k) => canonicalJson(x[k]) !== canonicalJson(y[k]));
    if (key !== undefined) return difference(x[key], y[key], `${at}.${key}`);
  }
  return `${at} changes (${brief(x)} → ${brief(y)})`;
}

/** A value shortened for a message. */
function brief(value: unknown): string {
  if (value === undefined) return 'unset';
  const text = canonicalJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A Kubernetes quantity (`10Gi`, `500M`, `1.5Ti`) in bytes; undefined if not one. */
function quantity(value: unknown): number | undefined {
  const m = /^([0-9.]+)([KMGTPE]i?)?$/.exec(String(value ?? ''));
  if (!m) return undefined;
  const unit = m[2] ?? '';
  const power = 'KMGTPE'.indexOf(unit[0] ?? '') + 1;
  return Number(m[1]) * (unit.endsWith('i') ? 1024 : 1000) ** power;
}
