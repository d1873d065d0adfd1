import { parseAllDocuments } from 'yaml';
import type { OutputFile } from '../output/render';
import type { Document } from './sops';

/** The SOPS-encrypted Secrets among a customer's committed files (none for a new customer). */
export function committedSecrets(files: readonly OutputFile[]): Document[] {
  return files
    // Parsing is the cost of a re-synth: only files that can hold an encrypted Secret are parsed.
    .filter((f) => f.path.endsWith('.yaml') && f.content.includes('\nsops:\n'))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as Document))
    .filter((doc) => doc?.kind === 'Secret' && doc.sops !== undefined);
}
