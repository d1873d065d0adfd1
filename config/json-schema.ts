import { z } from 'zod';
import { customerSchema } from './schema';

/** Where the exported schema lives; customer files point editors at it. */
export const JSON_SCHEMA_FILE = 'schema/customer.schema.json';

/** The customer schema as JSON Schema (input side: keys with defaults are optional). */
export function customerJsonSchema(): string {
  const schema = z.toJSONSchema(customerSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return JSON.stringify({ ...schema, title: 'Astrago customer', $id: 'customer.schema.json' }, null, 2) + '\n';
}
