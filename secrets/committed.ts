import { execFileSync } from 'node:child_process';
import { customerDistFolder } from '../model/layout';
import type { OutputFile } from '../model/objects';
import { readFilesAtRevision } from '../files/revision-files';
import { CREDENTIAL_ANNOTATION, credentialStoreDir, parseEncrypted } from './credential-store';
import type { LegacySecret } from './sops-vault';

/** A file of ours holding an encrypted Secret: YAML that names the credential it holds. */
export function holdsCredential(file: OutputFile): boolean {
  return file.path.endsWith('.yaml') && file.content.includes(`${CREDENTIAL_ANNOTATION}:`);
}

/**
 * The encrypted Secrets in a customer's dist/ files from before its credential store (see
 * sops-vault.ts, migration): every file that names a credential is parsed, so a truncated
 * one is refused by name rather than skipped (skipping would mint a new credential).
 */
export function committedSecrets(files: readonly OutputFile[]): LegacySecret[] {
  return files
    .filter(holdsCredential)
    .map((f) => ({ file: f.path, document: parseEncrypted(f.content, f.path) }));
}

/** The customer's dist/ Secrets on disk, else (dist/ deleted) those committed at HEAD. */
export function legacySecrets(root: string, customer: string, onDisk: readonly OutputFile[]): LegacySecret[] {
  const secrets = committedSecrets(onDisk);
  if (secrets.length > 0) return secrets;
  // One grep for the files that name a credential, then only those are read.
  const paths = git(root, 'grep', '-l', '-z', `${CREDENTIAL_ANNOTATION}:`, 'HEAD', '--', `${customerDistFolder(customer)}/`)?.split('\0').filter(Boolean)
    .map((ref) => ref.replace(/^HEAD:/, '')) ?? [];
  return committedSecrets(readFilesAtRevision(root, 'HEAD', paths));
}

/**
 * The latest commit holding each file of the customer's store in git history (deleted files
 * included: deletions are skipped, so `git checkout <commit> -- <file>` restores it), read
 * with one `git log` on first use; empty outside git.
 */
export function storeHistory(root: string, customer: string): (file: string) => string | undefined {
  let latest: Map<string, string> | undefined;
  return (file) => {
    if (!latest) {
      latest = new Map();
      let commit = '';
      for (const line of (git(root, 'log', '--format=commit %h', '--name-only', '--diff-filter=d', '--diff-merges=first-parent', '--', credentialStoreDir(customer)) ?? '').split('\n')) {
        if (line.startsWith('commit ')) commit = line.slice(7);
        else if (line && !latest.has(line)) latest.set(line, commit);
      }
    }
    return latest.get(file);
  };
}

/** Output of a git command in `root`; undefined when it fails (no repository, no HEAD, no match). */
function git(root: string, ...args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}
