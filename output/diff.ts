/**
 * Semantic diff of two versions of a customer's tree: per object (keyed by API group, kind,
 * namespace and name), never per line of text. Each change names its field path and the old
 * and new value, and changes that make Flux uninstall a release or delete data are marked
 * destructive, so a pull request cannot slip them past a reviewer.
 */
import { releasedChart } from '../catalog/charts';
import { isPlainObject } from '../config/layering';
import { PRUNE_DISABLED } from '../constructs/core/namespace';
import type { KubeObject, OutputFile } from '../model/objects';
import { objectKey, objectLabel, owningKustomization, parseTree, type PlacedObject } from './tree';

export const ChangeType = { ADDED: 'added', REMOVED: 'removed', CHANGED: 'changed' } as const;
export type ChangeType = (typeof ChangeType)[keyof typeof ChangeType];

export interface FieldChange {
  /** Path inside the object, e.g. `spec.values.controller.service.loadBalancerIP`. */
  readonly path: string;
  /** Old value; undefined when the field is new. */
  readonly before?: unknown;
  /** New value; undefined when the field is gone. */
  readonly after?: unknown;
  /** Shown instead of values, for fields whose values must not be printed (encrypted data). */
  readonly note?: string;
}

export interface ObjectChange {
  readonly type: ChangeType;
  /** What a reviewer reads, e.g. `HelmRelease ingress-nginx/ingress-nginx`, or a file path for non-objects. */
  readonly label: string;
  /** File the object is in (after the change, or before it when removed). */
  readonly file: string;
  /** Field changes; empty for added and removed objects. */
  readonly fields: readonly FieldChange[];
  /** Why this change destroys a release or data; empty when it does not. */
  readonly destructive: readonly string[];
}

/** Keys under which SOPS keeps ciphertext: changes there are reported without values. */
const ENCRYPTED_KEYS = ['data', 'stringData', 'sops'];

/** Every change between two versions of one customer's files, sorted by file, then label. */
export function diffTrees(before: readonly OutputFile[], after: readonly OutputFile[]): ObjectChange[] {
  const old = index(before);
  const now = index(after);
  const changes: ObjectChange[] = [];
  for (const [key, b] of old.entries) {
    const a = now.entries.get(key);
    if (!a) changes.push({ type: ChangeType.REMOVED, label: b.label, file: b.file, fields: [], destructive: removalHazards(b, old) });
    else {
      const fields = b.object && a.object ? objectFields(b.object, a.object) : documentFields(b.value, a.value);
      const moved = b.file !== a.file;
      if (fields.length === 0 && !moved) continue;
      const ownerBefore = owningKustomization(old.objects, b.file);
      const ownerAfter = owningKustomization(now.objects, a.file);
      changes.push({
        type: ChangeType.CHANGED,
        label: a.label,
        file: a.file,
        fields: moved ? [{ path: '(file)', before: b.file, after: a.file }, ...fields] : fields,
        destructive: [
          ...(b.object && a.object ? identityHazards(b.object, a.object) : []),
          ...(ownerBefore !== ownerAfter && b.object && holdsState(b.object, old)
            ? [`moves from Flux Kustomization ${ownerBefore} to ${ownerAfter}: the old one may prune it before the new one adopts it`]
            : []),
        ],
      });
    }
  }
  for (const [key, a] of now.entries) {
    if (!old.entries.has(key)) changes.push({ type: ChangeType.ADDED, label: a.label, file: a.file, fields: [], destructive: [] });
  }
  return changes.sort((x, y) => x.file.localeCompare(y.file) || x.label.localeCompare(y.label));
}

interface Entry {
  readonly label: string;
  readonly file: string;
  /** The Kubernetes object, or undefined for other documents (kustomization.yaml, README.md). */
  readonly object?: KubeObject;
  readonly value?: unknown;
}

interface TreeIndex {
  readonly entries: Map<string, Entry>;
  readonly objects: PlacedObject[];
}

function index(files: readonly OutputFile[]): TreeIndex {
  const { objects, other } = parseTree(files);
  const entries = new Map<string, Entry>();
  for (const { object, file } of objects) entries.set(objectKey(object), { label: objectLabel(object), file, object });
  for (const { file, value } of other) entries.set(`file:${file}`, { label: file, file, value });
  return { entries, objects };
}

function objectFields(before: KubeObject, after: KubeObject): FieldChange[] {
  if (!('sops' in before) && !('sops' in after)) return compareValues(before, after, '');
  const strip = (o: KubeObject) => Object.fromEntries(Object.entries(o).filter(([k]) => !ENCRYPTED_KEYS.includes(k)));
  const fields = compareValues(strip(before), strip(after), '');
  const encrypted = (o: KubeObject) => ENCRYPTED_KEYS.map((k) => o[k]);
  return compareValues(encrypted(before), encrypted(after), '').length > 0
    ? [...fields, { path: 'data', note: 'encrypted data changed' }]
    : fields;
}

/** Differences of documents that are not objects: kustomization.yaml by field, README.md as text. */
function documentFields(before: unknown, after: unknown): FieldChange[] {
  if (typeof before === 'string' && typeof after === 'string') return before === after ? [] : [{ path: '(text)', note: 'text changed' }];
  return compareValues(before, after, '');
}

/** Field-level differences of two values; lists of named items are matched by name. */
function compareValues(before: unknown, after: unknown, at: string): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => compareValues(before[k], after[k], childPath(at, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = byName(before);
    const a = byName(after);
    if (b && a) {
      const names = [...new Set([...b.keys(), ...a.keys()])];
      return names.flatMap((n) => compareValues(b.get(n), a.get(n), `${at}[name=${n}]`));
    }
    return Array.from({ length: Math.max(before.length, after.length) }, (_, i) => compareValues(before[i], after[i], `${at}[${i}]`)).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: at || '(document)', before, after }];
}

function childPath(at: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return at && !part.startsWith('[') ? `${at}.${part}` : `${at}${part}`;
}

/** Items of a list keyed by their `name`, when every item has a distinct one. */
function byName(list: unknown[]): Map<string, unknown> | undefined {
  const named = list.flatMap((item) => (isPlainObject(item) && typeof item.name === 'string' ? [[item.name, item] as const] : []));
  if (list.length === 0 || named.length !== list.length || new Set(named.map(([n]) => n)).size !== named.length) return undefined;
  return new Map(named);
}

const isHelmRelease = (o: KubeObject) => o.kind === 'HelmRelease' && o.apiVersion.startsWith('helm.toolkit.fluxcd.io/');

/** The chart name of `spec.chart.spec.chart`: the vendored archive's chart, or the name a chart repository serves. */
function chartName(chart: string | undefined): string | undefined {
  return chart === undefined ? undefined : releasedChart(chart)?.entry.chart ?? chart;
}

/** What Helm keys a release by; changing any of these uninstalls the old release and installs a new one. */
function releaseIdentity(o: KubeObject): Record<string, string | undefined> {
  const spec = (o.spec ?? {}) as { releaseName?: string; targetNamespace?: string; storageNamespace?: string; chart?: { spec?: { chart?: string } } };
  // Flux's defaults: release name `[<targetNamespace>-]<name>`, both namespaces the HelmRelease's own.
  return {
    'spec.releaseName': spec.releaseName ?? (spec.targetNamespace ? `${spec.targetNamespace}-${o.metadata.name}` : o.metadata.name),
    'spec.targetNamespace': spec.targetNamespace ?? o.metadata.namespace,
    'spec.storageNamespace': spec.storageNamespace ?? o.metadata.namespace,
    // helm-controller compares the chart's own name (Chart.yaml), not where it comes from: a vendored archive of a new version is the same chart.
    chart: chartName(spec.chart?.spec?.chart),
  };
}

function identityHazards(before: KubeObject, after: KubeObject): string[] {
  if (!isHelmRelease(before) || !isHelmRelease(after)) return [];
  const b = releaseIdentity(before);
  const a = releaseIdentity(after);
  return Object.keys(b).filter((k) => b[k] !== a[k])
    .map((k) => `${k} changes from ${show(b[k])} to ${show(a[k])}: Flux uninstalls the release and installs a new one`);
}

function removalHazards(entry: Entry, tree: TreeIndex): string[] {
  const o = entry.object;
  if (!o) return [];
  const kept = pruneDisabled(o);
  if (isHelmRelease(o)) return ['Flux uninstalls the Helm release, with every object and volume the chart created'];
  if (o.kind === 'StatefulSet') return ['Flux deletes the StatefulSet: its pods stop and their volumes are left without a workload'];
  if (o.kind === 'PersistentVolumeClaim') {
    return [kept
      ? 'the volume loses its workload (Flux leaves the claim in the cluster: prune disabled)'
      : 'Flux deletes the claim, and with it the data unless the volume is retained'];
  }
  if (o.kind === 'Namespace' && holdsState(o, tree)) {
    return [kept
      ? 'the namespace holds data (Flux leaves it in the cluster: prune disabled)'
      : 'Flux deletes the namespace and every volume claim in it'];
  }
  return [];
}

/** Whether Flux leaves the object in the cluster when it leaves the repository. */
export function pruneDisabled(o: KubeObject): boolean {
  const [key, value] = Object.entries(PRUNE_DISABLED)[0];
  return (o.metadata as { annotations?: Record<string, string> }).annotations?.[key] === value;
}

/** Objects whose loss or re-creation loses a release or data. */
function holdsState(o: KubeObject, tree: TreeIndex): boolean {
  if (isHelmRelease(o) || o.kind === 'StatefulSet' || o.kind === 'PersistentVolumeClaim') return true;
  if (o.kind !== 'Namespace') return false;
  return pruneDisabled(o)
    || tree.objects.some(({ object }) => object.kind === 'PersistentVolumeClaim' && object.metadata.namespace === o.metadata.name);
}

/** A value as one short line: JSON, cut after 120 characters. */
export function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
