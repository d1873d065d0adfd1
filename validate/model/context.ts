/**
 * What every rule receives: all objects of one customer with their files, lookups by
 * identity, and the Flux model of the tree — which Kustomization applies which file, and
 * which Kustomizations are Ready before which.
 */
import * as path from 'node:path/posix';
import { parse } from 'yaml';
import type { CustomerConfig } from '../../config/schema';
import { BOOTSTRAP_NAME, customerFluxFolder, FLUX_NAMESPACE } from '../../model/layout';
import type { KubeObject, OutputFile } from '../../model/objects';
import { CLUSTER_SCOPED_KINDS } from './kinds';
import { groupOf, isKustomizeConfig, refOf, type Manifest, type ObjectRef } from './manifest';


/** A Flux Kustomization that applies files of this repository (or bootstrap's own). */
export interface Applier {
  readonly ref: ObjectRef;
  /** Absent for bootstrap's Kustomization, which is not part of the tree. */
  readonly manifest?: Manifest;
  /** Repository folder it applies, without `./`; absent when its source is not this repository. */
  readonly folder?: string;
  readonly files: readonly string[];
  readonly wait: boolean;
  readonly healthChecks: readonly ObjectRef[];
  readonly dependsOn: readonly ObjectRef[];
}

/** The mirrors of an air-gapped customer (`offline` of the customer file). */
export type OfflineSettings = Pick<CustomerConfig['offline'], 'registry' | 'git' | 'gpuDriverOs'> & {
  /**
   * Images the customer pulls that no manifest names (`imagesBeyondTree`): the bill of
   * materials must list them too. Required, so that no caller forgets them: `offlineSettings`.
   */
  readonly beyondTree: readonly string[];
};

/** A problem found while resolving kustomization.yaml resources. */
export interface TreeProblem {
  readonly file: string;
  readonly message: string;
}

export interface ContextInput {
  readonly customer: string;
  readonly files: readonly OutputFile[];
  readonly manifests: readonly Manifest[];
  /** Objects that exist in the cluster without being in the tree (bootstrap's, declared existing ones). */
  readonly externals: readonly ObjectRef[];
  /** Scope of a custom resource from its CRD, when known. */
  readonly crdScope?: (apiVersion: string, kind: string) => string | undefined;
  /** The customer's mirrors, for the air-gap rules. @default - an online customer */
  readonly offline?: OfflineSettings;
  /** The Flux version the customer's cluster runs (`fluxVersion`). @default - not checked */
  readonly fluxVersion?: string;
  /** What is wrong with a chart archive a HelmRelease takes from Git. @default - archives not checked */
  readonly vendoredChart?: (chartPath: string) => string | undefined;
}

export class ValidationContext {
  public readonly customer: string;
  public readonly offline?: OfflineSettings;
  public readonly fluxVersion?: string;
  public readonly vendoredChart?: (chartPath: string) => string | undefined;
  public readonly manifests: readonly Manifest[];
  public readonly appliers: readonly Applier[];
  public readonly treeProblems: TreeProblem[] = [];
  private readonly byKey = new Map<string, Manifest[]>();
  private readonly externalKeys: Set<string>;
  private readonly contents: Map<string, string>;
  private readonly crdScope?: (apiVersion: string, kind: string) => string | undefined;
  private readonly upstreamCache = new Map<Applier, Set<Applier>>();

  constructor(input: ContextInput) {
    this.customer = input.customer;
    this.manifests = input.manifests;
    this.crdScope = input.crdScope;
    this.offline = input.offline;
    this.fluxVersion = input.fluxVersion;
    this.vendoredChart = input.vendoredChart;
    this.contents = new Map(input.files.map((f) => [f.path, f.content]));
    for (const m of input.manifests) {
      const key = refKey(refOf(m.object));
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), m]);
    }
    this.externalKeys = new Set(input.externals.map(refKey));
    this.appliers = this.buildAppliers();
  }

  public ofKind(...kinds: string[]): Manifest[] {
    return this.manifests.filter((m) => kinds.includes(m.object.kind));
  }

  /** A Flux object of a toolkit group (so that kustomize's own `Kustomization` never matches). */
  public ofFluxKind(kind: string): Manifest[] {
    return this.ofKind(kind).filter((m) => groupOf(m.object.apiVersion).endsWith('.toolkit.fluxcd.io'));
  }

  /** Objects with this identity in the tree. */
  public find(ref: ObjectRef): Manifest[] {
    return this.byKey.get(refKey(ref)) ?? [];
  }

  /** Whether an object exists in the tree or is known to exist in the cluster. */
  public exists(ref: ObjectRef): boolean {
    return this.find(ref).length > 0 || this.externalKeys.has(refKey(ref));
  }

  /** Objects of any kind named `name` in `namespace` (to explain a wrong-kind reference). */
  public named(namespace: string | undefined, name: string): Manifest[] {
    return this.manifests.filter((m) => m.object.metadata.name === name && m.object.metadata.namespace === namespace);
  }

  public isNamespaced(object: KubeObject): boolean {
    const scope = this.crdScope?.(object.apiVersion, object.kind);
    return scope ? scope === 'Namespaced' : !CLUSTER_SCOPED_KINDS.has(object.kind);
  }

  public appliersOf(file: string): Applier[] {
    return this.appliers.filter((a) => a.files.includes(file));
  }

  /** Every Kustomization that must be Ready before `applier` starts (dependsOn, transitively). */
  public upstream(applier: Applier): Set<Applier> {
    const cached = this.upstreamCache.get(applier);
    if (cached) return cached;
    const seen = new Set<Applier>();
    const visit = (a: Applier) => {
      for (const dep of a.dependsOn) {
        const target = this.appliers.find((x) => sameRef(x.ref, dep));
        if (target && !seen.has(target)) {
          seen.add(target);
          visit(target);
        }
      }
    };
    visit(applier);
    this.upstreamCache.set(applier, seen);
    return seen;
  }

  /** Whether `first` has applied (and is Ready) whenever `then` runs: the same or upstream. */
  public appliedBefore(first: Applier, then: Applier): boolean {
    return first === then || this.upstream(then).has(first);
  }

  /** Whether an applier's Ready condition includes the health of `ref`. */
  public waitsFor(applier: Applier, ref: ObjectRef): boolean {
    return applier.wait || applier.healthChecks.some((h) => sameRef(h, ref));
  }

  private buildAppliers(): Applier[] {
    const entryFolder = customerFluxFolder(this.customer);
    const appliers: Applier[] = [{
      ref: { kind: 'Kustomization', namespace: FLUX_NAMESPACE, name: BOOTSTRAP_NAME },
      folder: entryFolder,
      files: this.resolveFolder(entryFolder, new Set()),
      wait: false,
      healthChecks: [],
      dependsOn: [],
    }];
    for (const m of this.ofFluxKind('Kustomization')) {
      const spec = (m.object.spec ?? {}) as KustomizationSpec;
      const namespace = m.object.metadata.namespace;
      const fromRepo = spec.sourceRef?.kind === 'GitRepository' && spec.sourceRef.name === BOOTSTRAP_NAME
        && (spec.sourceRef.namespace ?? namespace) === FLUX_NAMESPACE;
      const folder = fromRepo ? path.normalize(spec.path ?? '.').replace(/^\.\/?|\/$/g, '') || '.' : undefined;
      appliers.push({
        ref: refOf(m.object),
        manifest: m,
        folder,
        files: folder !== undefined && this.folderExists(folder) ? this.resolveFolder(folder, new Set()) : [],
        wait: spec.wait === true,
        healthChecks: (spec.healthChecks ?? []).map((h) => ({ kind: h.kind, namespace: h.namespace ?? namespace, name: h.name })),
        dependsOn: (spec.dependsOn ?? []).map((d) => ({ kind: 'Kustomization', namespace: d.namespace ?? namespace, name: d.name })),
      });
    }
    return appliers;
  }

  /** Content of a file of the tree. */
  public fileContent(file: string): string | undefined {
    return this.contents.get(file);
  }

  public folderExists(folder: string): boolean {
    return folder === '.' || [...this.contents.keys()].some((f) => f.startsWith(`${folder}/`));
  }

  /** Files kustomize builds for a folder: its kustomization.yaml's resources, or every YAML below. */
  private resolveFolder(folder: string, seen: Set<string>): string[] {
    if (seen.has(folder)) return [];
    seen.add(folder);
    const kustomization = `${folder}/kustomization.yaml`;
    const text = this.contents.get(kustomization);
    if (text === undefined) {
      return [...this.contents.keys()].filter((f) => f.startsWith(`${folder}/`) && /\.ya?ml$/.test(f) && !isKustomizeConfig(f));
    }
    const resources = ((parse(text) ?? {}) as { resources?: string[] }).resources ?? [];
    const files: string[] = [];
    for (const resource of resources) {
      const target = path.normalize(path.join(folder, resource));
      if (this.contents.has(target)) files.push(target);
      else if (this.folderExists(target)) files.push(...this.resolveFolder(target, seen));
      else this.treeProblems.push({ file: kustomization, message: `resource "${resource}": expected a file or folder, found nothing at ${target}` });
    }
    return files;
  }
}

interface KustomizationSpec {
  path?: string;
  wait?: boolean;
  sourceRef?: { kind: string; name: string; namespace?: string };
  healthChecks?: Array<{ kind: string; name: string; namespace?: string }>;
  dependsOn?: Array<{ name: string; namespace?: string }>;
}

function refKey(ref: ObjectRef): string {
  return `${ref.kind}\0${ref.namespace ?? ''}\0${ref.name}`;
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return refKey(a) === refKey(b);
}
