/**
 * The configuration reference (docs/configuration.md), generated from the customer schema so
 * that it cannot drift from what synth accepts: every key with its type, accepted values,
 * default (and profile values), description and an example. `npm run docs` writes it; a test
 * fails when the committed file differs from what this module generates.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { customerFile } from '../model/layout';
import { getPath, hasPath } from './layering';
import { PROFILE_VALUES, type Profile } from './profiles';
import { MAP_KEY_EXAMPLES, VALUE_EXAMPLES } from './reference-examples';
import { customerSchema, PROFILES } from './schema';
import { descriptionOf, unwrapSchema, type SchemaNode } from './schema-walk';

/** Where the reference lives; `npm run docs` writes it. */
export const REFERENCE_FILE = 'docs/configuration.md';

/** One key of the customer file, as the reference documents it. */
export interface ConfigKey {
  /** Dotted path; a user-chosen map key appears as `<placeholder>`. */
  readonly path: string;
  readonly description: string;
  /** `string`, `boolean`, `integer`, `list of strings`, `map`, … */
  readonly type: string;
  /** What a value must look like, in the words of synth's error messages. */
  readonly accepts?: string;
  /** Built-in default; undefined when the key has none. */
  readonly default?: unknown;
  /** Keys of a map, as full paths. */
  readonly children?: readonly string[];
  /** The names a map with user-chosen keys accepts (its one child is `<placeholder>`). */
  readonly mapKeys?: readonly string[];
  /** The key's own schema, to check examples against. */
  readonly schema: KeySchema;
}

/** A schema as far as the reference checks values with it. */
export type KeySchema = SchemaNode;

/** A check of a string or number node, as far as the reference reads it. */
interface CheckDef {
  readonly check?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly error?: z.core.$ZodErrorMap<never>;
}

/** The text of a zod error setting: `expect('…')` in the schema makes it a fixed message. */
function messageOf(error: z.core.$ZodErrorMap<never> | undefined): string | undefined {
  // `expect('…')` ignores the issue: any issue reads its text.
  const message = (error as ((issue: object) => unknown) | undefined)?.({ code: 'custom', input: undefined });
  if (typeof message === 'string') return message;
  if (message && typeof message === 'object' && 'message' in message) return String(message.message);
  return undefined;
}

function typeLabel(core: SchemaNode): string {
  if (core instanceof z.ZodEnum) return 'string';
  if (core instanceof z.ZodNumber) return checksOf(core).some((c) => /int$/.test(c.format ?? '')) ? 'integer' : 'number';
  if (core instanceof z.ZodArray) return `list of ${typeLabel(unwrapSchema(core.element))}s`;
  if (core instanceof z.ZodUnion) return core.options.map((o) => typeLabel(unwrapSchema(o))).join(' or ');
  if (core instanceof z.ZodObject || core instanceof z.ZodRecord) return 'map';
  return core._zod.def.type;
}

function checksOf(core: SchemaNode): CheckDef[] {
  return (core._zod.def.checks ?? []).map((c): CheckDef => c._zod.def);
}

function accepts(core: SchemaNode): string | undefined {
  if (core instanceof z.ZodEnum) return core.options.map((v) => `\`${String(v)}\``).join(', ');
  if (core instanceof z.ZodBoolean) return '`true` or `false`';
  if (core instanceof z.ZodArray) {
    const item = accepts(unwrapSchema(core.element));
    return item && `a list, each item ${item}`;
  }
  const checks = checksOf(core).map((c) => messageOf(c.error)).filter((m): m is string => !!m);
  const messages = [...new Set(checks.length > 0 ? checks : [messageOf(core._zod.def.error)].filter((m): m is string => !!m))];
  if (messages.length > 0) return messages.join('; ');
  const minLength = checksOf(core).find((c) => c.check === 'min_length')?.minimum;
  return minLength ? `at least ${minLength} character${minLength === 1 ? '' : 's'}` : undefined;
}

/** The built-in default of a key: what the schema gives when the customer file omits it. */
function defaultOf(node: SchemaNode): unknown {
  const parsed = z.safeParse(node, undefined);
  return parsed.success ? parsed.data : undefined;
}

/** Every key of the customer schema, depth first in declaration order. */
export function configKeys(): ConfigKey[] {
  const keys: ConfigKey[] = [];
  const walk = (node: SchemaNode, path: string) => {
    const core = unwrapSchema(node);
    const description = descriptionOf(node);
    if (!description) throw new Error(`${path}: the schema gives no description; add .describe() in config/schema.ts`);
    let children: Array<[string, SchemaNode]> | undefined;
    if (core instanceof z.ZodObject) children = Object.entries(core.shape);
    if (core instanceof z.ZodRecord) {
      const mapKey = MAP_KEY_EXAMPLES[path];
      if (!mapKey) throw new Error(`${path}: a map with user-chosen keys needs an entry in MAP_KEY_EXAMPLES (config/reference-examples.ts)`);
      children = [[`<${mapKey.placeholder}>`, core.valueType]];
    }
    const keyType = core instanceof z.ZodRecord ? unwrapSchema(core.keyType) : undefined;
    keys.push({
      path,
      description,
      type: typeLabel(core),
      accepts: children ? undefined : accepts(core),
      default: children ? undefined : defaultOf(node),
      children: children?.map(([key]) => `${path}.${key}`),
      mapKeys: keyType instanceof z.ZodEnum ? keyType.options.map(String) : undefined,
      schema: node,
    });
    for (const [key, child] of children ?? []) walk(child, `${path}.${key}`);
  };
  for (const [key, child] of Object.entries(customerSchema.shape)) walk(child, key);
  return keys;
}

const isEmpty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0)
  || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/**
 * The value the reference shows for a key: its example; for a switch or a choice, a value other
 * than the default (what a customer file would write); else the default. Throws when there is none.
 */
export function exampleOf(key: ConfigKey): unknown {
  if (key.path in VALUE_EXAMPLES) return VALUE_EXAMPLES[key.path];
  const core = unwrapSchema(key.schema);
  if (core instanceof z.ZodBoolean) return key.default !== true;
  const choice = core instanceof z.ZodEnum ? core.options.find((v) => v !== key.default) : undefined;
  if (choice !== undefined) return choice;
  if (!isEmpty(key.default)) return key.default;
  throw new Error(`${key.path}: no default to show; add an example to VALUE_EXAMPLES in config/reference-examples.ts`);
}

/** The example as the lines of a customer file: the key nested under its parents. */
function exampleYaml(key: ConfigKey): string {
  const parts = key.path.split('.');
  let value = exampleOf(key);
  for (let i = parts.length - 1; i >= 0; i--) {
    const placeholder = /^<(.+)>$/.exec(parts[i]);
    const mapPath = parts.slice(0, i).join('.');
    value = { [placeholder ? MAP_KEY_EXAMPLES[mapPath].example : parts[i]]: value };
  }
  return stringify(value, { lineWidth: 0 });
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const link = (path: string) => `[\`${path}\`](#${headingAnchor(path)})`;

/** The default and, where a profile replaces it, each profile's value. */
function defaultLine(key: ConfigKey): string {
  const parts = key.path.split('.');
  const profiles = PROFILES.filter((p: Profile) => hasPath(PROFILE_VALUES[p], parts))
    .map((p) => `profile \`${p}\`: ${code(getPath(PROFILE_VALUES[p], parts))}`);
  const base = key.default === undefined ? 'none' : code(key.default);
  return [base, ...profiles].join('; ');
}

function section(key: ConfigKey): string {
  const depth = key.path.split('.').length === 1 ? '##' : '###';
  const lines = [`${depth} \`${key.path}\``, '', key.description, ''];
  if (key.children) {
    lines.push(`- **Type:** map of ${key.children.map(link).join(', ')}`);
    if (key.mapKeys) lines.push(`- **Keys:** ${key.mapKeys.map((k) => `\`${k}\``).join(', ')}`);
  } else {
    lines.push(`- **Type:** ${key.type}`);
    if (key.accepts) lines.push(`- **Accepts:** ${key.accepts}`);
    lines.push(`- **Default:** ${defaultLine(key)}`, '', '```yaml', exampleYaml(key).trimEnd(), '```');
  }
  return lines.join('\n');
}

/** The whole of docs/configuration.md. */
export function configurationReference(): string {
  const keys = configKeys();
  const topLevel = keys.filter((k) => !k.path.includes('.'));
  return [
    '# Customer file reference',
    '',
    '<!-- Generated by `npm run docs` from config/schema.ts. Do not edit: change the schema and run `npm run docs`. -->',
    '',
    `Every key of \`${customerFile('<name>')}\`. A customer file holds only what differs from the defaults:`,
    'the built-in defaults below, then the `profile` layer, then the customer file; later wins, maps merge,',
    'lists replace. `npx astrago explain <customer> <key.path>` shows the value a customer gets and the',
    'layer that set it. Editors complete and check the file through `schema/customer.schema.json`.',
    '',
    'Each example is the part of a customer file that sets the key. A map key in angle brackets',
    '(`<credential>`) stands for a name you choose from the values listed with the map.',
    '',
    ...topLevel.map((k) => `- ${link(k.path)}: ${k.description}`),
    '',
    ...keys.flatMap((k) => [section(k), '']),
  ].join('\n').replace(/\n+$/, '\n');
}
