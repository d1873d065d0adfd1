/**
 * The committed credentials, intact and consistent: the problems `secrets check` reports.
 *
 * Without a key: no plaintext credential in customers/ or dist/ (Secrets, URLs); every store entry and every
 * encrypted Secret in dist/ well-formed (SOPS metadata and values) and encrypted for the
 * customer's `secrets.ageRecipients`; every Secret in dist/ exactly the copy synth makes from
 * the store (a tampered, truncated or stale one differs). With the operator's key
 * (SOPS_AGE_KEY_FILE / SOPS_AGE_KEY): every MAC verifies, and each Secret holds its stored value.
 * Each problem is one sentence naming the file; never a value.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isCredentialName, previousSecretName, type CredentialName } from '../catalog/credentials';
import { formatProblem } from '../config/load';
import type { CustomerConfig } from '../config/schema';
import { fieldsOf } from '../model/fields';
import { customerFile, DIST_ROOT } from '../model/layout';
import { UserError } from '../model/user-error';
import { readCustomerTree } from '../output/tree';
import { unwrapDataKey } from '../secrets/age';
import { holdsCredential } from '../secrets/committed';
import { CREDENTIAL_ANNOTATION, credentialFile, openEntry, recipientsProblem, parseEncrypted, readStore, sealedSecret, type StoredCredential } from '../secrets/credential-store';
import { scanTree } from '../secrets/guard';
import { ageStanzasOf, decryptDocument, type Document, recipientsOf, SopsError, structureProblem } from '../secrets/sops';
import { heldValue } from '../secrets/sops-vault';
import { loadEach, renderOne } from './synth';

/** `scheme://user:password@` anywhere, or `http(s)://token@`: SSH's bare user name (`ssh://git@`) is no credential. */
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]+:[^\s/@'"]+@|\bhttps?:\/\/[^\s/@:'"]+@/i;

export interface CredentialCheck {
  /** Every problem found, in order. */
  readonly problems: readonly string[];
  /** Customers whose MACs the key given opens (all of them when no key is given: nothing was verified). */
  readonly verified: readonly string[];
  /** Customers the key given opens none of: another customer's key, theirs not ours to verify. */
  readonly unverified: readonly string[];
}

/**
 * What is wrong with the committed credentials of every customer. `identities` are the operator's
 * age keys: with none, MACs and stored values are not verified.
 */
export async function checkCredentials(root: string, log: (line: string) => void, identities: readonly string[]): Promise<CredentialCheck> {
  // A broken customer file is one problem; the others, and dist/, are still checked.
  const loaded = loadEach(root, log);
  const configs = loaded.flatMap((c) => (c.config ? [c.config] : []));
  const problems = new Problems(loaded.flatMap((c) => c.errors.map(formatProblem)));
  problems.add(...privateKeyFindings(root));
  problems.add(...scanTree(path.join(root, DIST_ROOT), root).map((f) => `${f.file}: ${f.object}: ${f.message}`));
  // With one customer's key (each customer has its own), the others' MACs are not ours to verify.
  const unverified = new Set<string>();
  for (const config of configs) await customerProblems(root, config, identities, problems, () => unverified.add(config.name));
  const verified = configs.filter((c) => !unverified.has(c.name)).map((c) => c.name);
  if (identities.length > 0 && unverified.size > 0 && verified.length === 0) {
    problems.add('SOPS_AGE_KEY_FILE / SOPS_AGE_KEY: expected the age key of at least one customer, found none that opens any credential (a key of another repository?)');
  }
  return { problems: problems.all, verified, unverified: [...unverified] };
}

/** Problems in the order found; a step that fails with a UserError adds its problems instead of ending the check. */
class Problems {
  private readonly found: string[];

  constructor(initial: readonly string[] = []) {
    this.found = [...initial];
  }

  public get all(): readonly string[] {
    return this.found;
  }

  public add(...problems: readonly string[]): void {
    this.found.push(...problems);
  }

  /** What `step` returns, or undefined once its UserError's problems are added. */
  public async attempt<T>(step: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      this.add(...e.problems);
      return undefined;
    }
  }
}

/** An age private key: X25519 identity in bech32, upper case. */
const PRIVATE_KEY = 'AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}';
/** The sample customers' key: a test fixture, public on purpose (also kept by a `!` rule of .gitignore). */
export const PUBLIC_TEST_KEY = '__tests__/fixtures/sample-operator.agekey';

/**
 * Every file git would commit (tracked, or untracked and not ignored; outside git, every file
 * but node_modules/) that holds an age private key, by name: a key in the repository opens
 * every credential encrypted for it.
 */
export function privateKeyFindings(root: string): string[] {
  const grep = spawnSync('git', ['-C', root, 'grep', '-l', '-z', '--untracked', '-E', '-e', PRIVATE_KEY], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  // 0: matches, 1: none; anything else (128 outside a repository): walk the folder.
  const files = grep.status === 0 ? grep.stdout.split('\0').filter(Boolean) : grep.status === 1 ? [] : walkForKeys(root);
  return files.filter((f) => f !== PUBLIC_TEST_KEY).sort().map((f) => `${f}: expected no age private key in the repository (whoever reads it decrypts every credential `
    + 'encrypted for it), found one (AGE-SECRET-KEY-1…); move the file out of the work tree (e.g. to ~/.config/astrago/keys); if it was ever committed or pushed, '
    + 'treat the key as public: generate a new one, put its public key in secrets.ageRecipients and run `npx astrago secrets rekey <customer>`');
}

function walkForKeys(root: string): string[] {
  const pattern = new RegExp(PRIVATE_KEY);
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => !/(^|\/)(node_modules|\.git)(\/|$)/.test(f))
    .filter((f) => {
      const full = path.join(root, f);
      const stat = fs.lstatSync(full);
      return stat.isFile() && pattern.test(fs.readFileSync(full, 'latin1'));
    });
}

/** The problems of one customer's store and the Secrets its tree holds. */
async function customerProblems(
  root: string, config: CustomerConfig, identities: readonly string[], problems: Problems, notOurs: () => void,
): Promise<void> {
  const wrongRecipients = (file: string, found: readonly string[]) => recipientsProblem(config.name, file, found, config.secrets.ageRecipients);
  const store: Map<CredentialName, StoredCredential> | undefined = await problems.attempt(() => readStore(root, config.name));
  if (!store) return;
  const values = new Map<CredentialName, string>();
  const previousValues = new Map<CredentialName, string>();
  for (const entry of store.values()) {
    const problem = wrongRecipients(entry.file, entry.recipients);
    if (problem) problems.add(problem);
    for (const key of entry.sealed.keys()) await problems.attempt(() => sealedSecret(entry, key));
    if (identities.length === 0) continue;
    if (!await unwrapDataKey(ageStanzasOf(entry.document), identities)) {
      notOurs();
      continue;
    }
    const opened = await problems.attempt(() => openEntry(entry, identities));
    if (opened) values.set(entry.credential, opened.value);
    if (opened?.previous !== undefined) previousValues.set(entry.credential, opened.previous);
  }

  const committed = readCustomerTree(root, config.name);
  for (const file of committed.filter((f) => URL_CREDENTIALS.test(f.content))) {
    problems.add(`${file.path}: expected no credentials in URLs (the file is committed in plain text), found a URL with a user name and password or token; `
      + `remove them from ${customerFile(config.name)} and run \`npx cdk8s synth\``);
  }
  for (const file of committed.filter(holdsCredential)) {
    const doc: Document | undefined = await problems.attempt(() => parseEncrypted(file.content, file.path));
    if (!doc) continue;
    const problem = structureProblem(doc) ?? wrongRecipients(file.path, recipientsOf(doc));
    if (problem) {
      problems.add(problem.startsWith(file.path) ? problem : `${file.path}: ${problem}`);
      continue;
    }
    const credential: unknown = fieldsOf(doc.metadata).annotations?.[CREDENTIAL_ANNOTATION];
    if (identities.length > 0) {
      // The Secret of a credential's replaced value holds that one.
      const stored = !isCredentialName(credential) ? undefined
        : fieldsOf(doc.metadata).name === previousSecretName(credential) ? previousValues.get(credential) : values.get(credential);
      problems.add(...await secretMacProblems(file.path, doc, identities, stored, notOurs));
    }
  }

  // Agreement: each Secret in dist/ is exactly what synth copies from the store.
  const rendered = await problems.attempt(() => renderOne(root, config));
  if (!rendered) return;
  const onDisk = new Map(committed.map((f) => [f.path, f.content]));
  for (const file of rendered.files.filter(holdsCredential)) {
    const credential = /astrago\.io\/credential: (\S+)/.exec(file.content)?.[1];
    if (!isCredentialName(credential)) continue;
    const stored = store.get(credential);
    const source = stored ? stored.file : credentialFile(config.name, credential);
    const content = onDisk.get(file.path);
    if (!stored) problems.add(`${source}: expected the credential in the store, found none; run \`npx cdk8s synth\` with SOPS_AGE_KEY_FILE set to move it there from ${file.path}`);
    else if (content === undefined) problems.add(`${file.path}: expected the Secret copied from ${source}, found no file; run \`npx cdk8s synth\``);
    else if (content !== file.content) {
      problems.add(`${file.path}: expected the Secret exactly as copied from ${source}, found another one (tampered, truncated or stale)`
        + (identities.length > 0 ? '; run `npx cdk8s synth` to restore it'
          : `: one of the two was changed; with SOPS_AGE_KEY_FILE set, \`secrets check\` verifies ${source}, and if it is intact \`npx cdk8s synth\` restores this file`));
    }
  }
}

/** With the key: the Secret's MAC verifies and its credential entry holds the stored value. */
async function secretMacProblems(
  file: string, doc: Document, identities: readonly string[], stored: string | undefined, notOurs: () => void,
): Promise<string[]> {
  const dataKey = await unwrapDataKey(ageStanzasOf(doc), identities);
  if (!dataKey) {
    notOurs();
    return [];
  }
  let held: string;
  try {
    held = heldValue(decryptDocument(doc, dataKey));
  } catch (e) {
    if (!(e instanceof SopsError)) throw e;
    return [`${file}: cannot be decrypted: it was changed without its key (MAC or value does not verify); run \`npx cdk8s synth\` to restore it`];
  }
  if (stored !== undefined && held !== stored) {
    return [`${file}: expected the value stored in the credential store, found another one; run \`npx cdk8s synth\` to restore it`];
  }
  return [];
}
