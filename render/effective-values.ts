/**
 * The values Flux hands to Helm for a HelmRelease: each `valuesFrom` entry in order (a values
 * document, or one value at its `targetPath`), then the inline `values` on top. ConfigMaps are
 * read from the customer's tree; Secrets are encrypted, so a value taken from one is stood in for
 * by a placeholder at its target path, which is all the chart needs to render.
 */
import { parse } from 'yaml';
import { firstLineOf } from '../model/caught';
import { isMap, fieldsOf } from '../model/fields';
import type { Manifest } from '../validate/model/manifest';
import { mergeValues, setValuesPath } from './values';

export interface ValuesSource {
  readonly kind: string;
  readonly name: string;
  readonly valuesKey?: string;
  readonly targetPath?: string;
  readonly optional?: boolean;
}

export interface EffectiveValues {
  readonly values: Record<string, unknown>;
  /** Parts that could not be resolved, each one sentence (the release is still checked). */
  readonly problems: readonly string[];
  /** Values documents in Secrets: merged into the release, but unreadable here. */
  readonly opaque: readonly string[];
}

/** Placeholder for a value that lives in a Secret. */
export const secretPlaceholder = (name: string, key: string) => `secret-${name}-${key}`.replace(/[^A-Za-z0-9-]/g, '-');

export function effectiveValues(release: Manifest, objects: readonly Manifest[]): EffectiveValues {
  const spec = (release.object.spec ?? {}) as { values?: unknown; valuesFrom?: ValuesSource[] };
  const namespace = release.object.metadata.namespace;
  const problems: string[] = [];
  const opaque: string[] = [];
  let values: Record<string, unknown> = {};
  for (const [i, source] of (spec.valuesFrom ?? []).entries()) {
    const key = source.valuesKey ?? 'values.yaml';
    const where = `spec.valuesFrom[${i}] (${source.kind} ${source.name}, key ${key})`;
    if (source.kind === 'Secret') {
      if (source.targetPath) values = setValuesPath(values, source.targetPath, secretPlaceholder(source.name, key));
      else opaque.push(where);
      continue;
    }
    const configMap = objects.find((m) => m.object.kind === 'ConfigMap' && m.object.metadata.name === source.name && m.object.metadata.namespace === namespace);
    const held: unknown = fieldsOf(configMap?.object.data)[key];
    const data = typeof held === 'string' ? held : undefined;
    if (data === undefined) {
      if (!source.optional) problems.push(`${where}: expected the ConfigMap key in the tree, found none`);
      continue;
    }
    if (source.targetPath) {
      values = setValuesPath(values, source.targetPath, data);
      continue;
    }
    let document: unknown;
    try {
      document = parse(data, { uniqueKeys: false });
    } catch (e) {
      problems.push(`${where}: expected a YAML values document, found ${firstLineOf(e)}`);
      continue;
    }
    if (isMap(document)) values = mergeValues(values, document);
    else if (document !== null && document !== undefined) problems.push(`${where}: expected a YAML map of values, found ${typeof document}`);
  }
  if (isMap(spec.values)) values = mergeValues(values, spec.values);
  return { values, problems, opaque };
}
