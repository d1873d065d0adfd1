/**
 * The customer schema as JSON Schema, for editors (yaml-language-server through the modeline
 * `init` writes). Derived, never written by hand: the zod schema gives types, patterns, defaults
 * and messages (`errorMessage`); the cross-field rules become if/then from REQUIREMENTS; the old
 * system's keys become deprecations (dropped with a warning) or rejections (plain-text
 * credentials) from LEGACY_KEYS. A test runs ajv over broken files and checks it agrees with synth.
 */
import { z } from 'zod';
import { LEGACY_KEYS } from './legacy';
import { customerSchema, REQUIREMENTS, type Condition } from './schema';

/** Where the exported schema lives; customer files point editors at it. */
export const JSON_SCHEMA_FILE = 'schema/customer.schema.json';

/**
 * Keywords of the editors beyond JSON Schema: VS Code's JSON service and yaml-language-server
 * show `errorMessage` instead of the raw pattern, `markdownDescription` on hover, and
 * `deprecationMessage` on a deprecated key. A strict validator must be told they exist.
 */
export const EDITOR_KEYWORDS = ['errorMessage', 'markdownDescription', 'deprecationMessage'] as const;

type JsonSchema = { [key: string]: unknown };
const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The map under a keyword of a schema node, created empty when the node has none. */
const mapAt = (node: JsonSchema, keyword: string): JsonSchema => {
  const value = node[keyword];
  if (isObject(value)) return value;
  const created: JsonSchema = {};
  node[keyword] = created;
  return created;
};

/** The customer schema as JSON Schema (input side: keys with defaults are optional). */
export function customerJsonSchema(): string {
  const schema: JsonSchema = z.toJSONSchema(customerSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  addLegacyKeys(schema);
  addMarkdown(schema);
  schema.allOf = REQUIREMENTS.map((r) => {
    const message = `expected ${r.message} at ${r.at.join('.')}`;
    const then = r.anyOf.length === 1
      ? requiredChain(r.anyOf[0], message)
      : { anyOf: r.anyOf.map((p) => requiredChain(p, message)), errorMessage: message };
    return r.when.length ? { if: conditionSchema(schema, r.when), then } : then;
  });
  return JSON.stringify({ ...schema, title: 'Astrago customer', $id: 'customer.schema.json' }, null, 2) + '\n';
}

/** The schema of the object at a key path, following `properties`. */
function objectAt(schema: JsonSchema, keyPath: readonly string[]): JsonSchema {
  let node = schema;
  for (const key of keyPath) {
    const properties = node.properties;
    const next = isObject(properties) ? properties[key] : undefined;
    if (!isObject(next)) throw new Error(`customer schema has no key ${keyPath.join('.')}`);
    node = next;
  }
  return node;
}

/**
 * Unused old keys load with a warning, so the editor accepts them struck through; plain-text
 * credentials stop synth, so the editor rejects them with the same words.
 */
function addLegacyKeys(schema: JsonSchema): void {
  for (const legacy of LEGACY_KEYS) {
    const keyPath = legacy.path.split('.');
    const parent = objectAt(schema, keyPath.slice(0, -1));
    const properties = mapAt(parent, 'properties');
    properties[keyPath[keyPath.length - 1]] = legacy.kind === 'unused'
      ? {
        deprecated: true,
        deprecationMessage: `The old system never read this key: use ${legacy.replacement}. synth drops it with a warning.`,
        description: `Deprecated: use ${legacy.replacement}.`,
      }
      : {
        // Refused; editors word a failed `not` generically, so the deprecation message says why.
        not: {},
        errorMessage: `expected no plain-text password here; use the ${legacy.replacement}`,
        deprecated: true,
        deprecationMessage: `No plain-text password here: synth refuses it. Use the ${legacy.replacement}.`,
        description: `Not allowed: a plain-text credential. Use the ${legacy.replacement}.`,
      };
  }
}

/** Hover text: the description, what is accepted, and the default. */
function addMarkdown(node: unknown): void {
  if (Array.isArray(node)) node.forEach(addMarkdown);
  if (!isObject(node)) return;
  for (const value of Object.values(node)) addMarkdown(value);
  if (typeof node.description !== 'string') return;
  const parts = [node.description];
  if (typeof node.errorMessage === 'string' && !node.not) parts.push(`Expects ${node.errorMessage.replace(/^expected /, '')}.`);
  if ('default' in node && !(isObject(node.default) && Object.keys(node.default).length === 0)) {
    parts.push(`Default: \`${JSON.stringify(node.default)}\`.`);
  }
  node.markdownDescription = parts.join('\n\n');
}

/**
 * `if` of a requirement. A condition met by the key's default holds when the key is absent;
 * any other value must be written, so its keys are required.
 */
function conditionSchema(schema: JsonSchema, when: readonly Condition[]): JsonSchema {
  const root: JsonSchema = {};
  for (const c of when) {
    const absentHolds = objectAt(schema, c.path).default === c.equals;
    let node = root;
    c.path.forEach((key, i) => {
      if (!absentHolds) node.required = [...new Set([...(Array.isArray(node.required) ? node.required : []), key])];
      node = mapAt(mapAt(node, 'properties'), key);
      if (i === c.path.length - 1) node.const = c.equals;
      else node.type = 'object';
    });
  }
  return root;
}

/**
 * `then` requiring a key path, from the root. Editors report a missing key with the
 * `errorMessage` beside its `required`, so every level carries synth's words.
 */
function requiredChain(keyPath: readonly string[], message: string): JsonSchema {
  const [key, ...rest] = keyPath;
  // `true` names the key beside `required`, as strict validators want; its own schema applies anyway.
  return { required: [key], properties: { [key]: rest.length ? { type: 'object', ...requiredChain(rest, message) } : true }, errorMessage: message };
}
