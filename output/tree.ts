/**
 * A customer's generated tree as data: the files the writer owns (`dist/<customer>/**` and
 * the `flux/<customer>/` entry point), read from the working tree, from a git revision, or
 * rendered in memory, and split into the Kubernetes objects Flux applies.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { filesUnder, guard } from '../files/file-steps';
import { readFilesAtRevision } from '../files/revision-files';
import { customerDistFolder, customerFluxFolder, customerOfPath, DIST_ROOT, entryFile, FLUX_ROOT } from '../model/layout';
import type { KubeObject, OutputFile } from '../model/objects';

/** Repository-relative paths the writer owns for one customer (bootstrap's flux-system/ is not among them). */
export function ownedBy(customer: string, file: string): boolean {
  return file.startsWith(`${customerDistFolder(customer)}/`) || file === entryFile(customer);
}

/** The customer's files as they are on disk under `root`, sorted by path. */
export function readCustomerTree(root: string, customer: string): OutputFile[] {
  const dist = customerDistFolder(customer);
  const files: OutputFile[] = filesUnder(root, dist).map((file) => `${dist}/${file}`)
    .map((file) => ({ path: file, content: guard(file, () => fs.readFileSync(path.join(root, file), 'utf8')) }));
  const entry = path.join(root, entryFile(customer));
  if (fs.existsSync(entry)) files.push({ path: entryFile(customer), content: guard(entryFile(customer), () => fs.readFileSync(entry, 'utf8')) });
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Whether the files on disk (`readCustomerTree`) are byte for byte the rendered ones (no file more, none less). */
export function isUpToDate(onDisk: readonly OutputFile[], rendered: readonly OutputFile[]): boolean {
  const fresh = [...rendered].sort((a, b) => a.path.localeCompare(b.path));
  return fresh.length === onDisk.length && fresh.every((f, i) => onDisk[i].path === f.path && onDisk[i].content === f.content);
}

/** Thrown when a git revision cannot be read; the message names the revision. */
export class RevisionError extends Error {}

/** Every customer's files at a git revision (e.g. the pull request's base), keyed by customer. */
export function readTreesAtRevision(root: string, revision: string, customers?: readonly string[]): Map<string, OutputFile[]> {
  const git = gitAt(root, revision);
  const trees = new Map<string, OutputFile[]>();
  const folders = customers ? customers.flatMap((c) => [customerDistFolder(c), customerFluxFolder(c)]) : [DIST_ROOT, FLUX_ROOT];
  if (folders.length === 0) return trees;
  const owners = new Map(git('ls-tree', '-r', '-z', '--name-only', revision, '--', ...folders).split('\0')
    .flatMap((file) => { const customer = customerOfPath(file); return customer && ownedBy(customer, file) ? [[file, customer] as const] : []; }));
  for (const file of readFilesAtRevision(root, revision, [...owners.keys()])) {
    const customer = owners.get(file.path) ?? '';
    trees.set(customer, [...(trees.get(customer) ?? []), file]);
  }
  return trees;
}

/** The customers with a tree at a git revision. */
export function customersAtRevision(root: string, revision: string): string[] {
  const git = gitAt(root, revision);
  return git('ls-tree', '-z', '--name-only', revision, '--', `${DIST_ROOT}/`).split('\0').flatMap((p) => customerOfPath(p) ?? []).sort();
}

/** git in the repository, once the revision is known to be a commit of it (a RevisionError otherwise). */
function gitAt(root: string, revision: string): (...args: string[]) => string {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git('rev-parse', '--verify', '--quiet', `${revision}^{commit}`);
  } catch {
    throw new RevisionError(`expected a git revision of this repository, found ${JSON.stringify(revision)}`);
  }
  return git;
}

/** Identity of an object as Flux and Kubernetes see it: API group (not version), kind, namespace, name. */
export function objectKey(o: KubeObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** How a reviewer reads an object: `HelmRelease nfs-provisioner/nfs-provisioner`, `Namespace gpu-operator`. */
export function objectLabel(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

export interface PlacedObject {
  readonly object: KubeObject;
  /** File the object is written in. */
  readonly file: string;
}

/** Whether a parsed YAML document is a Kubernetes object (rather than e.g. a kustomize config). */
function isKubeObject(doc: unknown): doc is KubeObject {
  const o = doc as Partial<KubeObject> | null;
  return typeof o?.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string'
    && o.apiVersion !== 'kustomize.config.k8s.io/v1beta1';
}

/** Every YAML document of the files with the file it sits in; documents that are no object are kept as `other`. */
export function parseTree(files: readonly OutputFile[]): { objects: PlacedObject[]; other: Array<{ file: string; value: unknown }> } {
  const objects: PlacedObject[] = [];
  const other: Array<{ file: string; value: unknown }> = [];
  for (const f of files) {
    if (!/\.ya?ml$/.test(f.path)) {
      other.push({ file: f.path, value: f.content });
      continue;
    }
    const docs = parseAllDocuments(f.content);
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      const value = doc.toJS();
      if (value === null || value === undefined) continue;
      if (isKubeObject(value)) objects.push({ object: value, file: f.path });
      else other.push({ file: f.path, value });
    }
  }
  return { objects, other };
}

/**
 * The Flux Kustomization that applies a file: the one whose `spec.path` is the longest
 * folder prefix of the file's folder.
 */
export function owningKustomization(objects: readonly PlacedObject[], file: string): string | undefined {
  let best: { name: string; length: number } | undefined;
  for (const { object } of objects) {
    if (object.kind !== 'Kustomization' || !object.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) continue;
    const folder = String((object.spec as { path?: string } | undefined)?.path ?? '').replace(/^\.\//, '').replace(/\/$/, '');
    if ((path.posix.dirname(file) + '/').startsWith(`${folder}/`) && (!best || folder.length > best.length)) {
      best = { name: object.metadata.name, length: folder.length };
    }
  }
  return best?.name;
}
