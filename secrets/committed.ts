import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Document } from './sops';

/** The SOPS-encrypted Secrets of a committed customer tree (none when it does not exist yet). */
export function readCommittedSecrets(distDir: string): Document[] {
  if (!fs.existsSync(distDir)) return [];
  const files = fs.readdirSync(distDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
  return files.flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(distDir, file), 'utf8')).map((d) => d.toJS() as Document))
    .filter((doc) => doc?.kind === 'Secret' && doc.sops !== undefined);
}
