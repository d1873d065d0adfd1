// Regenerates docs/configuration.md from config/schema.ts (`npm run docs`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configurationReference, REFERENCE_FILE } from '../config/reference';

const target = path.join(__dirname, '..', REFERENCE_FILE);
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, configurationReference());
console.log(`wrote ${REFERENCE_FILE}`);
