/**
 * The objects of one customer as validation sees them: each parsed document with the file it
 * came from. Parsed from rendered files (not from constructs) so that what is checked is
 * exactly what would be written to dist/ and applied by Flux.
 */
import * as path from 'node:path/posix';
import { CORE_SCHEMA, load } from 'js-yaml';
import { firstLineOf } from '../../model/caught';
import { fieldsOf, type Fields } from '../../model/fields';
import type { KubeObject, OutputFile } from '../../model/objects';
import { Severity, type Finding } from './finding';

export interface Manifest {
  readonly file: string;
  readonly object: KubeObject;
}

/** A reference to an object by kind, namespace (absent when cluster-scoped) and name. */
/** The `spec` of a manifest's object. */
export function specOf(m: Manifest): Fields {
  return fieldsOf(m.object.spec);
}

export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export function refOf(object: KubeObject): ObjectRef {
  return { kind: object.kind, namespace: object.metadata?.namespace, name: object.metadata?.name };
}

export function formatRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** `apps/v1` → `apps`; `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
}

/** kustomize's own config files: not objects that reach the cluster. */
export function isKustomizeConfig(file: string): boolean {
  return path.basename(file) === 'kustomization.yaml';
}

export interface ParsedFiles {
  readonly manifests: Manifest[];
  readonly findings: Finding[];
}

/** Every object document of the YAML files (kustomization.yaml files excluded). */
/** A line that starts a YAML document: `---` alone or before a comment (one followed by content stays in its document, which then fails to load as one). */
const DOCUMENT_START = /^---[ \t]*(?:#[^\n]*)?$/m;

export function parseManifests(customer: string, files: readonly OutputFile[]): ParsedFiles {
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  const problem = (file: string, message: string) =>
    findings.push({ customer, file, rule: 'yaml/parse', severity: Severity.ERROR, message });
  for (const file of files) {
    if (!/\.ya?ml$/.test(file.path) || isKustomizeConfig(file.path)) continue;
    // One document at a time, so that a broken one is reported and the others are still checked;
    // js-yaml's core schema (YAML 1.2, duplicate keys refused) reads several times faster than yaml's document model.
    for (const text of file.content.split(DOCUMENT_START)) {
      let object: KubeObject | null | undefined;
      try {
        object = load(text, { schema: CORE_SCHEMA, filename: file.path }) as KubeObject | null | undefined;
      } catch (e) {
        problem(file.path, firstLineOf(e));
        continue;
      }
      if (object === null || object === undefined) continue;
      if (typeof object !== 'object' || Array.isArray(object) || typeof object.kind !== 'string'
        || typeof object.apiVersion !== 'string' || typeof object.metadata?.name !== 'string') {
        problem(file.path, 'expected a Kubernetes object with apiVersion, kind and metadata.name, found a document without them');
        continue;
      }
      manifests.push({ file: file.path, object });
    }
  }
  return { manifests, findings };
}
