import { execFileSync } from 'node:child_process';
import type { OutputFile } from '../output/render';
import { readTreesAtRevision, RevisionError } from '../output/tree';
import { parseEncrypted } from './credential-store';
import type { LegacySecret } from './sops-vault';

/**
 * The encrypted Secrets in a customer's dist/ files from before its credential store (see
 * sops-vault.ts, migration): every file that names a credential is parsed, so a truncated
 * one is refused by name rather than skipped (skipping would mint a new credential).
 */
export function committedSecrets(files: readonly OutputFile[]): LegacySecret[] {
  return files
    .filter((f) => f.path.endsWith('.yaml') && f.content.includes('astrago.io/credential:'))
    .map((f) => ({ file: f.path, document: parseEncrypted(f.content, f.path) }));
}

/** The customer's dist/ Secrets on disk, else (dist/ deleted) those committed at HEAD. */
export function legacySecrets(root: string, customer: string, onDisk: readonly OutputFile[]): LegacySecret[] {
  const secrets = committedSecrets(onDisk);
  if (secrets.length > 0) return secrets;
  try {
    return committedSecrets(readTreesAtRevision(root, 'HEAD').get(customer) ?? []);
  } catch (e) {
    if (e instanceof RevisionError) return [];
    throw e;
  }
}

/** The short commit at which a file last changed in git history (deleted included); undefined outside git. */
export function lastCommitOf(root: string, file: string): string | undefined {
  try {
    return execFileSync('git', ['-C', root, 'log', '-1', '--format=%h', '--', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
