/**
 * Provenance of a customer's settings: the effective value of a key and the layer that set
 * it (built-in default, release, profile, or the customer file with its line), plus the values it
 * overrode. The old Helmfile layers gave no way to tell.
 */
import { z } from 'zod';
import { EXIT, UserError } from '../model/user-error';
import { getPath, hasPath, isPlainObject } from './layering';
import type { LoadedConfig } from './load';
import { customerSchema, DEFAULT_SOURCES } from './schema';
import { objectShape, type SchemaNode } from './schema-walk';

export const Layer = { DEFAULT: 'default', RELEASE: 'release', PROFILE: 'profile', CUSTOMER: 'customer file' } as const;
export type Layer = (typeof Layer)[keyof typeof Layer];

export interface LayerValue {
  readonly layer: Layer;
  /** Where the value is written: `config/schema.ts` or the catalog file it reads, `profile "dev" (config/profiles.ts)`, `customers/acme.yaml:12`. */
  readonly where: string;
  readonly value: unknown;
}

export interface Explanation {
  /** Dotted key path of one setting. */
  readonly path: string;
  /** The value every construct receives. */
  readonly value: unknown;
  /** The layers that give the key a value, lowest first; the last one wins. Empty when nothing sets it. */
  readonly layers: readonly LayerValue[];
}


/**
 * Explains one key of a valid customer. A key holding a map is explained leaf by leaf, so
 * `explain acme nfs` shows every NFS setting and where each came from.
 */
export function explain(customer: LoadedConfig, keyPath: string): Explanation[] {
  const parts = keyPath.split('.').filter(Boolean);
  const schema = schemaAt(parts);
  const value = getPath(customer.config, parts);
  if (isPlainObject(value)) return Object.keys(value).sort().flatMap((k) => explain(customer, [...parts, k].join('.')));
  const layers: LayerValue[] = [];
  const defaultValue = z.safeParse(schema, undefined);
  if (defaultValue.success && defaultValue.data !== undefined) {
    layers.push({ layer: Layer.DEFAULT, where: DEFAULT_SOURCES.get(schema)?.decidedIn ?? 'config/schema.ts', value: defaultValue.data });
  }
  const release = customer.releaseLayer;
  if (release && hasPath(release.values, parts)) {
    const via = release.ring ? `, which ring ${release.ring} of rings.yaml runs` : ', pinned by the customer file';
    layers.push({ layer: Layer.RELEASE, where: `${release.name} (releases/${release.name}.yaml${via})`, value: getPath(release.values, parts) });
  }
  if (hasPath(customer.profileValues, parts)) {
    const profile = customer.config.profile;
    layers.push({ layer: Layer.PROFILE, where: `profile "${profile}" (config/profiles.ts)`, value: getPath(customer.profileValues, parts) });
  }
  if (hasPath(customer.raw, parts)) {
    const line = customer.lineOf(parts);
    layers.push({ layer: Layer.CUSTOMER, where: line ? `${customer.file}:${line}` : customer.file, value: getPath(customer.raw, parts) });
  }
  return [{ path: parts.join('.'), value, layers }];
}

/** The schema of a key path, looking through defaults, optionals and transforms. */
function schemaAt(parts: readonly string[]): SchemaNode {
  let schema: SchemaNode = customerSchema;
  parts.forEach((key, i) => {
    const shape = objectShape(schema);
    if (!shape || !Object.hasOwn(shape, key)) {
      const at = parts.slice(0, i).join('.');
      throw new UserError(shape
        ? `${[...parts.slice(0, i), key].join('.')}: expected one of the keys${at ? ` of ${at}` : ''}: ${Object.keys(shape).sort().join(', ')}, found "${key}"`
        : `${parts.join('.')}: expected a key path of the customer file, found "${at}" holding a single value`, EXIT.USAGE);
    }
    schema = shape[key];
  });
  return schema;
}
