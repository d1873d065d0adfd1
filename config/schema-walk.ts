/**
 * The one walk over the customer schema's structure, for the readers that need more than its
 * parse: the reference (docs/configuration.md), `explain` and the "did you mean" hints. It uses
 * zod's own classes, so each step is typed.
 */
import { z } from 'zod';

/** A node of the schema. */
export type SchemaNode = z.core.$ZodType;

/** The schema under the wrappers that do not change what a key holds: defaults, optionals, transforms. */
export function unwrapSchema(node: SchemaNode): SchemaNode {
  let core = node;
  for (let inner = unwrapOnce(core); inner; inner = unwrapOnce(core)) core = inner;
  return core;
}

/** The first description on the way from a node to its core (`.describe()` may sit on a wrapper). */
export function descriptionOf(node: SchemaNode): string | undefined {
  let current = node;
  for (;;) {
    const description = z.globalRegistry.get(current)?.description;
    const inner = unwrapOnce(current);
    if (description !== undefined || inner === undefined) return description;
    current = inner;
  }
}

/** What one wrapper wraps; undefined for a node that is no wrapper. */
function unwrapOnce(node: SchemaNode): SchemaNode | undefined {
  if (node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodOptional
    || node instanceof z.ZodNullable || node instanceof z.ZodReadonly || node instanceof z.ZodCatch) return node.unwrap();
  if (node instanceof z.ZodPipe) return node.in;
  return undefined;
}

/** The keys of an object node (under its wrappers); undefined for any other node. */
export function objectShape(node: SchemaNode): Readonly<Record<string, SchemaNode>> | undefined {
  const core = unwrapSchema(node);
  return core instanceof z.ZodObject ? core.shape : undefined;
}
