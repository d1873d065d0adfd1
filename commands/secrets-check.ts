/**
 * `npx astrago secrets check`: the committed credentials are intact and consistent.
 *
 * Without a key: no plaintext credential in customers/ or dist/ (Secrets, URLs); every store entry and every
 * encrypted Secret in dist/ well-formed (SOPS metadata and values) and encrypted for the
 * customer's `secrets.ageRecipients`; every Secret in dist/ exactly the copy synth makes from
 * the store (a tampered, truncated or stale one differs). With the operator's key
 * (SOPS_AGE_KEY_FILE / SOPS_AGE_KEY): every MAC verifies, and each Secret holds its stored value.
 * One `error:` line per finding, naming the file; never a value.
 */
import * as path from 'node:path';
import type { CustomerConfig } from '../config/schema';
import { EXIT, UserError } from '../model/user-error';
import { readCustomerTree } from '../output/tree';
import { noMatchingIdentity, operatorIdentities, unwrapDataKey } from '../secrets/age';
import { holdsCredential } from '../secrets/committed';
import { CREDENTIAL_ANNOTATION, credentialFile, openEntry, recipientsProblem, parseEncrypted, readStore, sealedSecret, type StoredCredential } from '../secrets/credential-store';
import { scanTree } from '../secrets/guard';
import { ageStanzasOf, decryptDocument, type Document, recipientsOf, SopsError, structureProblem } from '../secrets/sops';
import { heldValue } from '../secrets/sops-vault';
import { isCredentialName, previousSecretName, type CredentialName } from '../catalog/credentials';
import { fieldsOf } from '../model/fields';
import { loadEach, renderOne } from '../pipeline/synth';
import { formatProblem } from '../config/load';

type Log = (line: string) => void;

/** `scheme://user:password@` anywhere, or `http(s)://token@`: SSH's bare user name (`ssh://git@`) is no credential. */
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]+:[^\s/@'"]+@|\bhttps?:\/\/[^\s/@:'"]+@/i;

export async function checkSecrets(root: string, log: Log, identities: readonly string[] = operatorIdentities()): Promise<number> {
  // A broken customer file is one finding; the others, and dist/, are still checked.
  const loaded = loadEach(root, log);
  const configs = loaded.flatMap((c) => (c.config ? [c.config] : []));
  const findings = loaded.flatMap((c) => c.errors.map(formatProblem));
  findings.push(...scanTree(path.join(root, 'dist'), root).map((f) => `${f.file}: ${f.object}: ${f.message}`));
  for (const config of configs) findings.push(...await customerFindings(root, config, identities));
  for (const f of findings) log(`error: ${f}`);
  const ok = findings.length === 0;
  log(ok
    ? `credentials intact: store and dist/ agree, no plaintext${identities.length ? ', every MAC verifies' : ' (MACs not verified: no SOPS_AGE_KEY_FILE or SOPS_AGE_KEY)'}`
    : `${findings.length} problem(s)`);
  return ok ? EXIT.OK : EXIT.FINDINGS;
}

async function customerFindings(root: string, config: CustomerConfig, identities: readonly string[]): Promise<string[]> {
  const findings: string[] = [];
  const wrongRecipients = (file: string, found: readonly string[]) => recipientsProblem(config.name, file, found, config.secrets.ageRecipients);
  let store: Map<CredentialName, StoredCredential>;
  try {
    store = readStore(root, config.name);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return [...e.problems];
  }
  const values = new Map<CredentialName, string>();
  const previousValues = new Map<CredentialName, string>();
  for (const entry of store.values()) {
    const problem = wrongRecipients(entry.file, entry.recipients);
    if (problem) findings.push(problem);
    for (const key of entry.sealed.keys()) {
      try {
        sealedSecret(entry, key);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        findings.push(...e.problems);
      }
    }
    if (identities.length === 0) continue;
    try {
      const opened = await openEntry(entry, identities);
      values.set(entry.credential, opened.value);
      if (opened.previous !== undefined) previousValues.set(entry.credential, opened.previous);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      findings.push(...e.problems);
    }
  }

  const committed = readCustomerTree(root, config.name);
  for (const file of committed.filter((f) => URL_CREDENTIALS.test(f.content))) {
    findings.push(`${file.path}: expected no credentials in URLs (the file is committed in plain text), found a URL with a user name and password or token; `
      + `remove them from customers/${config.name}.yaml and run \`npx cdk8s synth\``);
  }
  for (const file of committed.filter(holdsCredential)) {
    let doc: Document;
    try {
      doc = parseEncrypted(file.content, file.path);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      findings.push(...e.problems);
      continue;
    }
    const problem = structureProblem(doc) ?? wrongRecipients(file.path, recipientsOf(doc));
    if (problem) {
      findings.push(problem.startsWith(file.path) ? problem : `${file.path}: ${problem}`);
      continue;
    }
    const credential: unknown = fieldsOf(doc.metadata).annotations?.[CREDENTIAL_ANNOTATION];
    if (identities.length > 0) {
      // The Secret of a credential's replaced value holds that one.
      const stored = !isCredentialName(credential) ? undefined
        : fieldsOf(doc.metadata).name === previousSecretName(credential) ? previousValues.get(credential) : values.get(credential);
      findings.push(...await secretMacFindings(file.path, doc, identities, stored));
    }
  }

  // Agreement: each Secret in dist/ is exactly what synth copies from the store.
  let rendered;
  try {
    rendered = (await renderOne(root, config)).files;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return [...findings, ...e.problems];
  }
  const onDisk = new Map(committed.map((f) => [f.path, f.content]));
  for (const file of rendered.filter(holdsCredential)) {
    const credential = /astrago\.io\/credential: (\S+)/.exec(file.content)?.[1];
    if (!isCredentialName(credential)) continue;
    const stored = store.get(credential);
    const source = stored ? stored.file : credentialFile(config.name, credential);
    const content = onDisk.get(file.path);
    if (!stored) findings.push(`${source}: expected the credential in the store, found none; run \`npx cdk8s synth\` with SOPS_AGE_KEY_FILE set to move it there from ${file.path}`);
    else if (content === undefined) findings.push(`${file.path}: expected the Secret copied from ${source}, found no file; run \`npx cdk8s synth\``);
    else if (content !== file.content) findings.push(`${file.path}: expected the Secret exactly as copied from ${source}, found another one (tampered, truncated or stale)`
      + (identities.length > 0 ? '; run `npx cdk8s synth` to restore it' : `: one of the two was changed; with SOPS_AGE_KEY_FILE set, \`secrets check\` verifies ${source}, and if it is intact \`npx cdk8s synth\` restores this file`));
  }
  return findings;
}

/** With the key: the Secret's MAC verifies and its credential entry holds the stored value. */
async function secretMacFindings(file: string, doc: Document, identities: readonly string[], stored: string | undefined): Promise<string[]> {
  const dataKey = await unwrapDataKey(ageStanzasOf(doc), identities);
  if (!dataKey) return [noMatchingIdentity(file, recipientsOf(doc), identities)];
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
