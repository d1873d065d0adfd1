import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { customerJsonSchema } from '../config/json-schema';
import { configKeys, configurationReference, exampleOf, REFERENCE_FILE } from '../config/reference';
import { MAP_KEY_EXAMPLES, VALUE_EXAMPLES } from '../config/reference-examples';
import { ROOT } from './helpers';

describe('the configuration reference', () => {
  test(`${REFERENCE_FILE} is what \`npm run docs\` writes now`, () => {
    const committed = fs.readFileSync(path.join(ROOT, REFERENCE_FILE), 'utf8');
    // On failure: run `npm run docs` and commit docs/configuration.md.
    expect(committed).toBe(configurationReference());
  });

  test('covers every key of the exported JSON Schema, and nothing else', () => {
    const paths: string[] = [];
    type Node = { properties?: Record<string, Node>; additionalProperties?: Node | boolean; deprecated?: boolean; not?: object };
    const walk = (node: Node, prefix: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        // The old system's keys: deprecated (dropped with a warning) or refused (plain-text credentials).
        if (child.deprecated || child.not) continue;
        paths.push(`${prefix}${key}`);
        walk(child, `${prefix}${key}.`);
      }
      if (typeof node.additionalProperties === 'object') {
        const map = prefix.slice(0, -1);
        const child = `${prefix}<${MAP_KEY_EXAMPLES[map].placeholder}>`;
        paths.push(child);
        walk(node.additionalProperties, `${child}.`);
      }
    };
    walk(JSON.parse(customerJsonSchema()), '');
    expect(configKeys().map((k) => k.path).sort()).toEqual(paths.sort());
    const reference = configurationReference();
    for (const p of paths) expect(reference).toContain(`# \`${p}\`\n`);
  });

  test('every key that takes a value has a description and an example it accepts', () => {
    for (const key of configKeys()) {
      expect(key.description).not.toBe('');
      if (key.children) continue;
      const example = exampleOf(key);
      expect({ key: key.path, accepted: z.safeParse(key.schema, example).success }).toEqual({ key: key.path, accepted: true });
    }
  });

  test('every example names a key that takes a value, and keys without a default have one', () => {
    const leaves = new Set(configKeys().filter((k) => !k.children).map((k) => k.path));
    expect(Object.keys(VALUE_EXAMPLES).filter((p) => !leaves.has(p))).toEqual([]);
    const withoutDefault = configKeys().filter((k) => !k.children && k.default === undefined).map((k) => k.path);
    expect(withoutDefault.filter((p) => !(p in VALUE_EXAMPLES))).toEqual([]);
    const documented = (p: string) => configKeys().some((k) => k.path === p && k.mapKeys?.includes(MAP_KEY_EXAMPLES[p].example));
    expect(Object.keys(MAP_KEY_EXAMPLES).every(documented)).toBe(true);
  });
});
