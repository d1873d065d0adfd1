// Regenerates schema/customer.schema.json from config/schema.ts (`npm run schema`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { customerJsonSchema, JSON_SCHEMA_FILE } from '../config/json-schema';

const target = path.join(__dirname, '..', JSON_SCHEMA_FILE);
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, customerJsonSchema());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
