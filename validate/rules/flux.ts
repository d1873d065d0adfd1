/**
 * Flux semantics the API server does not check but the controllers trip over
 * (the Flux documentation of Kustomization and HelmRelease dependsOn, sourceRef and valuesFrom): dependency edges, source references, valuesFrom,
 * timeouts, health checks and the order in which CRDs arrive.
 */
import { CHARTS, releasedChart, type ChartEntry } from '../../catalog/charts';
import { durationSeconds } from '../../constructs/flux/duration';
import { fieldsOf, listOf } from '../../model/fields';
import type { KubeObject } from '../../model/objects';
import type { Applier, ValidationContext } from '../model/context';
import type { Finding } from '../model/finding';
import { BUILT_IN_GROUPS, FLUX_GROUPS } from '../model/kinds';
import { formatRef, groupOf, refOf, specOf, type Manifest, type ObjectRef } from '../model/manifest';
import { defineRule, type Rule } from './rule';

interface NamedRef {
  kind?: string;
  name: string;
  namespace?: string;
  optional?: boolean;
}

const nsOf = (m: Manifest) => m.object.metadata.namespace;

/** Kinds whose `dependsOn` Flux resolves; an edge always points at the same kind. */
const DEPENDENT_KINDS = ['Kustomization', 'HelmRelease'];

/** How a dependsOn edge fails to resolve: the target is missing, sits in an unnamed namespace, or is of another kind. */
type DependsOnProblem = 'missing' | 'namespace' | 'kind';

interface UnresolvedDependsOn {
  readonly manifest: Manifest;
  readonly problem: DependsOnProblem;
  readonly message: string;
}

/** Per tree: the three dependsOn rules share one walk of its edges. */
const unresolvedOf = new WeakMap<ValidationContext, UnresolvedDependsOn[]>();

/** Every dependsOn edge that does not resolve, with what is wrong and the message saying so; walked once per tree. */
function unresolvedDependsOn(ctx: ValidationContext): UnresolvedDependsOn[] {
  let found = unresolvedOf.get(ctx);
  if (!found) {
    found = walkDependsOn(ctx);
    unresolvedOf.set(ctx, found);
  }
  return found;
}

function walkDependsOn(ctx: ValidationContext): UnresolvedDependsOn[] {
  return DEPENDENT_KINDS.flatMap((kind) => ctx.ofFluxKind(kind).flatMap((m) => listOf(specOf(m).dependsOn).flatMap((dep): UnresolvedDependsOn[] => {
    const target: ObjectRef = { kind, namespace: dep.namespace ?? nsOf(m), name: dep.name };
    if (ctx.exists(target)) return [];
    const elsewhere = ctx.ofFluxKind(kind).filter((o) => o.object.metadata.name === dep.name);
    if (!dep.namespace && elsewhere.length > 0) {
      return [{ manifest: m, problem: 'namespace',
        message: `dependsOn "${dep.name}": expected namespace ${nsOf(elsewhere[0])} written out, found none (Flux looks in ${nsOf(m)} and reports "dependency not found")` }];
    }
    const other = ctx.named(target.namespace, dep.name).find((o) => o.object.kind !== kind)
      ?? ctx.manifests.find((o) => o.object.kind !== kind && DEPENDENT_KINDS.includes(o.object.kind) && o.object.metadata.name === dep.name);
    if (other) {
      return [{ manifest: m, problem: 'kind',
        message: `dependsOn "${dep.name}": expected a ${kind}, found ${formatRef(refOf(other.object))} (Flux never resolves a dependency on another kind)` }];
    }
    return [{ manifest: m, problem: 'missing', message: `dependsOn: expected ${formatRef(target)}, found no such object` }];
  })));
}

const dependsOnRule = (id: string, problem: DependsOnProblem, description: string) => defineRule(id, {
  description,
  check: (ctx, findings) => unresolvedDependsOn(ctx).filter((u) => u.problem === problem).map((u) => findings.on(u.manifest, u.message)),
});

const dependsOnResolves = dependsOnRule('flux/depends-on', 'missing', 'every dependsOn target exists');
const dependsOnNamespace = dependsOnRule('flux/depends-on-namespace', 'namespace', 'a dependsOn target in another namespace names that namespace');
const dependsOnKind = dependsOnRule('flux/depends-on-kind', 'kind', 'a dependsOn target is of the same kind as the object depending on it');

const dependsOnCycle = defineRule('flux/depends-on-cycle', {
  description: 'dependsOn edges never form a cycle',
  check: (ctx, findings) => DEPENDENT_KINDS.flatMap((kind) => {
    const nodes = ctx.ofFluxKind(kind);
    const key = (m: Manifest) => formatRef(refOf(m.object));
    const edges = new Map(nodes.map((m) => [m, listOf(specOf(m).dependsOn)
      .flatMap((d) => ctx.find({ kind, namespace: d.namespace ?? nsOf(m), name: d.name }))]));
    const cycles = new Map<string, Manifest[]>();
    const visit = (m: Manifest, stack: Manifest[]) => {
      const at = stack.indexOf(m);
      if (at >= 0) {
        const cycle = stack.slice(at);
        // One report per cycle, started at its smallest member so the text is stable.
        const start = cycle.reduce((a, b) => (key(b) < key(a) ? b : a));
        const i = cycle.indexOf(start);
        const rotated = [...cycle.slice(i), ...cycle.slice(0, i)];
        cycles.set(rotated.map(key).join(' '), rotated);
        return;
      }
      for (const next of edges.get(m) ?? []) visit(next, [...stack, m]);
    };
    for (const m of nodes) visit(m, []);
    return [...cycles.values()].map((cycle) => findings.on(cycle[0],
      `dependsOn cycle: ${[...cycle, cycle[0]].map((m) => m.object.metadata.name).join(' → ')} (never becomes Ready)`));
  }),
});

/** Where each Flux kind refers to a source, and which source kinds it accepts. */
function sourceRefs(m: Manifest): Array<{ field: string; ref: NamedRef; kinds: string[] }> {
  const spec = specOf(m);
  switch (m.object.kind) {
    case 'Kustomization':
      return spec.sourceRef ? [{ field: 'sourceRef', ref: spec.sourceRef, kinds: ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'] }] : [];
    case 'HelmRelease':
      return [
        ...(spec.chart?.spec?.sourceRef ? [{ field: 'chart.spec.sourceRef', ref: spec.chart.spec.sourceRef, kinds: ['HelmRepository', 'GitRepository', 'Bucket'] }] : []),
        ...(spec.chartRef ? [{ field: 'chartRef', ref: spec.chartRef, kinds: ['OCIRepository', 'HelmChart', 'ExternalArtifact'] }] : []),
      ];
    case 'HelmChart':
      return spec.sourceRef ? [{ field: 'sourceRef', ref: spec.sourceRef, kinds: ['HelmRepository', 'GitRepository', 'Bucket'] }] : [];
    default:
      return [];
  }
}

const sourceRefResolves = defineRule('flux/source-ref', {
  description: 'every sourceRef and chartRef names an existing source of an accepted kind',
  check: (ctx, findings) => ctx.manifests.filter((m) => groupOf(m.object.apiVersion).endsWith('.toolkit.fluxcd.io')).flatMap((m) =>
    sourceRefs(m).flatMap(({ field, ref, kinds }): Finding[] => {
      const target: ObjectRef = { kind: ref.kind ?? '', namespace: ref.namespace ?? nsOf(m), name: ref.name };
      if (!kinds.includes(target.kind)) return [findings.on(m, `${field}.kind: expected one of ${kinds.join(', ')}, found "${target.kind}"`)];
      return ctx.exists(target) ? [] : [findings.on(m, `${field}: expected ${formatRef(target)}, found no such object`)];
    })),
});

/** The appliers this tree writes (not bootstrap's), each with its manifest. */
function written(ctx: ValidationContext): Array<{ applier: Applier; manifest: Manifest }> {
  return ctx.appliers.flatMap((applier) => (applier.manifest ? [{ applier, manifest: applier.manifest }] : []));
}

const kustomizationPath = defineRule('flux/path', {
  description: "a Kustomization's path is a folder of this repository",
  check: (ctx, findings) => written(ctx).filter(({ applier }) => applier.folder !== undefined && !ctx.folderExists(applier.folder))
    .map(({ manifest }) => findings.on(manifest, `spec.path: expected a folder of the repository, found nothing at ${specOf(manifest).path}`)),
});

const valuesFrom = defineRule('flux/values-from', {
  description: "every valuesFrom ConfigMap or Secret exists in the HelmRelease's namespace",
  check: (ctx, findings) => ctx.ofFluxKind('HelmRelease').flatMap((m) =>
    listOf(specOf(m).valuesFrom).filter((v) => !v.optional).flatMap((v) => {
      const target: ObjectRef = { kind: v.kind ?? '', namespace: nsOf(m), name: v.name };
      if (ctx.exists(target)) return [];
      const elsewhere = ctx.ofKind(target.kind).find((o) => o.object.metadata.name === v.name);
      const hint = elsewhere ? ` (${formatRef(refOf(elsewhere.object))} exists, but a HelmRelease reads only its own namespace)` : '';
      return [findings.on(m, `valuesFrom: expected ${formatRef(target)}, found no such object${hint}`)];
    })),
});

const chartXorChartRef = defineRule('flux/chart-source', {
  description: 'a HelmRelease has exactly one of chart and chartRef',
  check: (ctx, findings) => ctx.ofFluxKind('HelmRelease').flatMap((m) => {
    const spec = specOf(m);
    const count = (spec.chart ? 1 : 0) + (spec.chartRef ? 1 : 0);
    return count === 1 ? [] : [findings.on(m, `spec: expected exactly one of chart and chartRef, found ${count === 0 ? 'neither' : 'both'}`)];
  }),
});

/** Checked only where the archives are at hand (`validate`, not a tree alone). */
const chartVendored = defineRule('flux/vendored-chart', {
  description: 'a chart a HelmRelease takes from the Git repository is an archive the vendor lock records, intact',
  check: (ctx, findings) => ctx.ofFluxKind('HelmRelease').flatMap((m) => {
    const chart = specOf(m).chart?.spec;
    if (!ctx.vendoredChart || chart?.sourceRef?.kind !== 'GitRepository' || typeof chart.chart !== 'string') return [];
    const problem = ctx.vendoredChart(chart.chart);
    return problem ? [findings.on(m, `spec.chart.spec.chart: ${problem}`)] : [];
  }),
});

/** The longest a Helm action of this release may take (each defaults to spec.timeout, itself 5m). */
function releaseSeconds(hr: KubeObject): number {
  const spec = fieldsOf(hr.spec);
  const base = spec.timeout ?? '5m';
  return Math.max(...[base, spec.install?.timeout ?? base, spec.upgrade?.timeout ?? base].map(safeSeconds));
}

function safeSeconds(duration: string): number {
  try {
    return durationSeconds(duration);
  } catch {
    return 0; // an invalid duration is the schema's finding, not this rule's
  }
}

const timeoutCoversReleases = defineRule('flux/timeout', {
  description: "a Kustomization's timeout covers the timeouts of the HelmReleases it waits for",
  check: (ctx, findings) => written(ctx).flatMap(({ applier: a, manifest }) => {
    const spec = specOf(manifest);
    const timeout = spec.timeout ?? spec.interval;
    if (!timeout) return [];
    const releases = appliedBy(ctx, a).filter((m) => m.object.kind === 'HelmRelease' && ctx.waitsFor(a, refOf(m.object)));
    const longest = releases.reduce<Manifest | undefined>(
      (max, m) => (!max || releaseSeconds(m.object) > releaseSeconds(max.object) ? m : max), undefined);
    if (!longest || safeSeconds(timeout) >= releaseSeconds(longest.object)) return [];
    return [findings.on(manifest, `spec.timeout: expected at least ${releaseSeconds(longest.object)}s (the timeout of ${formatRef(refOf(longest.object))}, which it waits for), found ${timeout}`)];
  }),
});

const noOciHealthCheck = defineRule('flux/oci-health-check', {
  description: 'no Kustomization waits for an OCI HelmRepository (it has no status, so it is never Ready)',
  check: (ctx, findings) => written(ctx).flatMap(({ applier: a, manifest }) =>
    [...appliedBy(ctx, a), ...a.healthChecks.flatMap((h) => ctx.find(h))]
      .filter((m, i, all) => all.indexOf(m) === i && m.object.kind === 'HelmRepository' && specOf(m).type === 'oci' && ctx.waitsFor(a, refOf(m.object)))
      .map((m) => findings.on(manifest, `${a.wait ? 'wait: true' : 'healthChecks'}: expected no health check on ${formatRef(refOf(m.object))}, found one (an OCI HelmRepository has no Ready condition; use healthChecks without it or an OCIRepository)`))),
});

/** Catalog entries a HelmRelease deploys, by chart name. */
function catalogChartOf(ctx: ValidationContext, hr: Manifest): ChartEntry | undefined {
  const spec = specOf(hr);
  const entries: ChartEntry[] = Object.values(CHARTS);
  if (spec.chart?.spec?.chart) return releasedChart(spec.chart.spec.chart)?.entry;
  if (spec.chartRef?.kind === 'OCIRepository') {
    const source = ctx.find({ kind: 'OCIRepository', namespace: spec.chartRef.namespace ?? nsOf(hr), name: spec.chartRef.name })[0];
    const url = source ? specOf(source).url : undefined;
    return entries.find((e) => url?.endsWith(`/${e.chart}`));
  }
  return undefined;
}

const crdInstalledFirst = defineRule('flux/crd', {
  description: 'every custom resource has its CRD built in, in its own Kustomization, or installed by a chart in a Kustomization it depends on that waits',
  check: (ctx, findings) => ctx.manifests.flatMap((m): Finding[] => {
    const group = groupOf(m.object.apiVersion);
    if (BUILT_IN_GROUPS.has(group) || FLUX_GROUPS.has(group)) return [];
    const appliers = ctx.appliersOf(m.file);
    if (appliers.length === 0) return [];
    const what = `${group} ${m.object.kind}`;
    const problems = appliers.flatMap((a) => {
      const crd = ctx.ofKind('CustomResourceDefinition').some((c) => specOf(c).group === group && specOf(c).names?.kind === m.object.kind
        && ctx.appliersOf(c.file).some((ca) => ctx.appliedBefore(ca, a)));
      if (crd) return [];
      const installers = ctx.ofFluxKind('HelmRelease').filter((hr) => catalogChartOf(ctx, hr)?.crdGroups?.includes(group));
      for (const hr of installers) {
        for (const ha of ctx.appliersOf(hr.file)) {
          if (ctx.upstream(a).has(ha) && ctx.waitsFor(ha, refOf(hr.object))) return [];
        }
      }
      const why = installers.length === 0
        ? 'no CRD or chart in the tree installs it'
        : installers.map((hr) => {
          const ha = ctx.appliersOf(hr.file)[0];
          if (!ha) return `${formatRef(refOf(hr.object))} installs it but is applied by no Kustomization`;
          if (ha === a) return `${formatRef(refOf(hr.object))} installs it in the same Kustomization, whose dry-run fails before the chart installs`;
          if (!ctx.upstream(a).has(ha)) return `${formatRef(refOf(hr.object))} installs it in ${ha.ref.name}, which ${a.ref.name} does not depend on`;
          return `${formatRef(refOf(hr.object))} installs it in ${ha.ref.name}, which does not wait for it`;
        }).join('; ');
      return [`${a.ref.name}: ${why}`];
    });
    return problems.length === 0 ? [] : [findings.on(m, `expected the CRD of ${what} to be installed before it is applied, found ${problems.join('; ')}`)];
  }),
});

const appliedOnce = defineRule('flux/applied', {
  description: 'every file is applied by exactly one Kustomization',
  check: (ctx, findings) => {
    const files = [...new Set(ctx.manifests.map((m) => m.file))];
    return files.flatMap((file): Finding[] => {
      const appliers = ctx.appliersOf(file);
      if (appliers.length === 1) return [];
      const found = appliers.length === 0 ? 'none (its objects never reach the cluster)' : appliers.map((a) => a.ref.name).join(' and ');
      return [findings.inFile(file, `expected exactly one Kustomization applying this file, found ${found}`)];
    });
  },
});

const kustomizeResources = defineRule('kustomize/resources', {
  description: 'every resource a kustomization.yaml lists exists',
  check: (ctx, findings) => ctx.treeProblems.map((p) => findings.inFile(p.file, p.message)),
});

function appliedBy(ctx: ValidationContext, a: Applier): Manifest[] {
  return ctx.manifests.filter((m) => a.files.includes(m.file));
}

export const FLUX_RULES: readonly Rule[] = [
  dependsOnResolves, dependsOnNamespace, dependsOnKind, dependsOnCycle, sourceRefResolves, kustomizationPath, valuesFrom,
  chartXorChartRef, chartVendored,
  timeoutCoversReleases, noOciHealthCheck, crdInstalledFirst, appliedOnce, kustomizeResources,
];
