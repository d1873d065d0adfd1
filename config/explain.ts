/**
 * Provenance of a customer's settings: the effective value of a key and the layer that set
 * it (built-in default, profile, or the customer file with its line), plus the values it
 * overrode. The old Helmfile layers gave no way to tell.
 */
import { getPath, hasPath, isPlainObject } from './layering';
import type { LoadedCustomer } from './load';
import { customerSchema } from './schema';

export const Layer = {
  DEFAULT: 'default',
  PROFILE: 'profile',
  CUSTOMER: 'customer file',
} as const;
export type Layer = (typeof Layer)[keyof typeof Layer];

export interface LayerValue {
  readonly layer: Layer;
  /** Where the value is written: `config/schema.ts`, `profile "dev" (config/profiles.ts)`, `customers/acme.yaml:12`. */
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

/** Thrown for a key path the customer schema does not have; the message lists the keys it does have. */
export class UnknownKeyError extends Error {}

/**
 * Explains one key of a valid customer. A key holding a map is explained leaf by leaf, so
 * `explain acme nfs` shows every NFS setting and where each came from.
 */
export function explain(customer: LoadedCustomer & { config: object }, keyPath: string): Explanation[] {
  const parts = keyPath.split('.').filter(Boolean);
  const schema = schemaAt(parts);
  const value = getPath(customer.config, parts);
  if (isPlainObject(value)) return Object.keys(value).sort().flatMap((k) => explain(customer, [...parts, k].join('.')));
  const layers: LayerValue[] = [];
  const defaultValue = schema.safeParse(undefined);
  if (defaultValue.success && defaultValue.data !== undefined) layers.push({ layer: Layer.DEFAULT, where: 'config/schema.ts', value: defaultValue.data });
  if (hasPath(customer.profileValues, parts)) {
    const profile = (customer.config as { profile?: string }).profile;
    layers.push({ layer: Layer.PROFILE, where: `profile "${profile}" (config/profiles.ts)`, value: getPath(customer.profileValues, parts) });
  }
  if (hasPath(customer.raw, parts)) {
    const line = customer.lineOf(parts);
    layers.push({ layer: Layer.CUSTOMER, where: line ? `${customer.file}:${line}` : customer.file, value: getPath(customer.raw, parts) });
  }
  return [{ path: parts.join('.'), value, layers }];
}

type SchemaNode = { def?: { type?: string; innerType?: unknown; in?: unknown; shape?: Record<string, unknown> }; safeParse: (v: unknown) => { success: boolean; data?: unknown } };

/** The schema of a key path, looking through defaults, optionals and transforms. */
function schemaAt(parts: readonly string[]): SchemaNode {
  let schema = customerSchema as unknown as SchemaNode;
  parts.forEach((key, i) => {
    const shape = objectShape(schema);
    if (!shape || !Object.hasOwn(shape, key)) {
      const at = parts.slice(0, i).join('.');
      throw new UnknownKeyError(shape
        ? `${[...parts.slice(0, i), key].join('.')}: expected one of the keys${at ? ` of ${at}` : ''}: ${Object.keys(shape).sort().join(', ')}, found "${key}"`
        : `${parts.join('.')}: expected a key path of the customer file, found "${at}" holding a single value`);
    }
    schema = shape[key] as SchemaNode;
  });
  return schema;
}

function objectShape(schema: SchemaNode): Record<string, unknown> | undefined {
  let s: SchemaNode | undefined = schema;
  while (s?.def) {
    if (s.def.type === 'object') return s.def.shape;
    s = (s.def.innerType ?? s.def.in) as SchemaNode | undefined;
  }
  return undefined;
}
