import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFilesAtRevision } from '../files/revision-files';
import { customerDistFolder, entryFile, RETIRED_FILE } from '../model/layout';
import type { OutputFile } from '../model/objects';
import { CREDENTIAL_ANNOTATION, credentialStoreDir, parseEncrypted, readRetired } from './credential-store';
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

/** How much of the repository's history this checkout holds. */
export type HistoryDepth = 'complete' | 'shallow' | 'none';

/** `none` outside git or before the first commit; `shallow` in a clone with `--depth` (CI's default checkout). */
export function historyDepth(root: string): HistoryDepth {
  if (git(root, 'rev-parse', '--verify', '-q', 'HEAD') === undefined) return 'none';
  return git(root, 'rev-parse', '--is-shallow-repository')?.trim() === 'false' ? 'complete' : 'shallow';
}

/** The flag that lets synth generate a credential the mint guard refuses. */
export const NEW_CREDENTIALS_FLAG = '--new-credentials';

/**
 * The mint guard beyond git history (`storeHistory`): why synth must not generate `credential`
 * of `customer` (its store file `file`), or undefined. Refused for a retired customer, and,
 * where history cannot tell whether the credential existed (a shallow clone, a copy without
 * `.git`), for a customer that has been synthesized (a `dist/` or `flux/` entry). A store
 * without them is an import not yet synthesized, whose first synth generates what the old
 * environment lacked. Git is asked at most once.
 */
export function mintRefusal(root: string, customer: string): (file: string, credential: string) => string | undefined {
  let depth: HistoryDepth | undefined;
  const allow = `pass ${NEW_CREDENTIALS_FLAG} ${customer} to \`npx astrago synth\` (or \`init\`) to generate it anyway: a new value, `
    + 'so anything that still holds the old one (a database, a volume) stops accepting it';
  return (file, credential) => {
    if (readRetired(root).includes(customer)) {
      return `${file}: expected no new credential for customer "${customer}", found the name retired in ${RETIRED_FILE} (\`npx astrago remove\` deleted its store; `
        + `git history has it: \`git log -- ${credentialStoreDir(customer)}\`); restore the store from there, or ${allow}`;
    }
    const traces = [customerDistFolder(customer), entryFile(customer)].filter((p) => fs.existsSync(path.join(root, p)));
    if (traces.length === 0) return undefined;
    depth ??= historyDepth(root);
    if (depth === 'complete') return undefined;
    return `${file}: expected git history to show whether credential "${credential}" of ${customer} (which has ${traces.join(', ')}) was stored before, found `
      + `${depth === 'shallow' ? 'a shallow clone (run `git fetch --unshallow`)' : 'no git history (a copy without .git)'}; run it in a full clone, or ${allow}`;
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
