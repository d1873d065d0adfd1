import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Document } from './sops';

/** The SOPS-encrypted Secrets of a committed customer tree (none when it does not exist yet). */
export function readCommittedSecrets(distDir: string): Document[] {
  if (!fs.existsSync(distDir)) return [];
  const files = fs.readdirSync(distDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
  return files.map((file) => fs.readFileSync(path.join(distDir, file), 'utf8'))
    // Parsing is the cost of a re-synth: only files that can hold an encrypted Secret are parsed.
    .filter((text) => text.includes('\nsops:\n'))
    .flatMap((text) => parseAllDocuments(text).map((d) => d.toJS() as Document))
    .filter((doc) => doc?.kind === 'Secret' && doc.sops !== undefined);
}
