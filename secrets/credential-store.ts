/**
 * The credential store: every credential of a customer, SOPS-encrypted and committed, outside
 * generated output. It is input, never output: synth copies the encrypted Secrets of dist/
 * from it, so deleting dist/, `npx cdk8s synth -o dist`, a botched merge or a crash are
 * repaired by running synth again, and no credential is ever minted twice.
 *
 * Layout: `credentials/<customer>/<credential>.yaml`, one file per credential (adding one needs
 * only the recipients' public keys, never a decryption key; a merge touches one file per
 * credential). Each file is one SOPS document that `sops --decrypt` reads:
 *
 * ```yaml
 * apiVersion: astrago.io/v1
 * data:
 *   previous: ENC[AES256_GCM,…]  # once rotated, for a credential a service keeps from its
 *                                # initialisation: the value it has until the change in place
 *   value: ENC[AES256_GCM,…]     # the credential itself; data holds the only encrypted fields
 * kind: Credential
 * metadata:
 *   customer: acme               # checked: a file copied from another customer is refused
 *   name: harbor-admin           # checked against the file name
 *   rotation: 2                  # times `secrets rotate`/`set` replaced the value (absent: 0):
 *                                # names the in-service change of each rotation (a Job per value)
 * sealed:                        # the encrypted Secrets of dist/ holding this value, as synth
 *   harbor/harbor-admin: |       # writes them (`<namespace>/<name>` → YAML text): synth copies
 *     apiVersion: v1             # them byte for byte, so a re-synth needs no key. Under the
 *     …                          # MAC: with the key, a copy cannot be swapped unnoticed
 * sops: {age: […], lastmodified, mac, encrypted_regex: ^(data|stringData)$, version}
 * ```
 *
 * Keys are sorted (the MAC follows document order). Every file is replaced atomically
 * (temporary file in `.astrago/tmp/`, flushed, renamed), so each entry is at every instant
 * the old one or the new one. Reading checks structure without a key (`structureProblem`)
 * and refuses symlinks, aliases and anything else in the folder, naming the file; a sealed
 * copy is checked when it is used (`sealedSecret`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import { CREDENTIAL_NAMES, isCredentialName, type CredentialName } from '../catalog/credentials';
import { canonical, dumpYaml } from '../files/canonical';
import { guard, lstatOrUndefined, realSteps, writeAtomically, type FileSteps } from '../files/file-steps';
import { fieldsOf } from '../model/fields';
import { credentialStoreFolder, customerFile, RETIRED_FILE, WORK_TMP_FOLDER } from '../model/layout';
import { conflictMarkerLine, conflictMarkersProblem, DNS1123_LABEL } from '../model/patterns';
import { EXIT, UserError, type ExitCode } from '../model/user-error';
import { noMatchingIdentity, unwrapDataKey, wrapDataKey } from './age';
import { type AgeStanza, ageStanzasOf, decryptDocument, type Document, encryptDocument, newDataKey, recipientsOf, rfc3339, SopsError, structureProblem } from './sops';

/** Annotation naming the credential a Secret holds, so a later synth can find its value. */
export const CREDENTIAL_ANNOTATION = 'astrago.io/credential';

/** The retired customer names, sorted; none when the file does not exist. */
export function readRetired(root: string): string[] {
  if (!guard(RETIRED_FILE, () => lstatOrUndefined(path.join(root, RETIRED_FILE)))) return [];
  const text = readRegularFile(root, RETIRED_FILE);
  const conflict = conflictMarkerLine(text);
  if (conflict) throw new UserError(`${RETIRED_FILE}: expected a list of customer names, found ${conflictMarkersProblem(conflict)} (keep the names of both sides)`);
  let doc: unknown;
  try {
    doc = load(text, { schema: CORE_SCHEMA });
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    throw new UserError(`${RETIRED_FILE}: expected valid YAML, found a syntax error at line ${e.mark.line + 1}`);
  }
  const names = fieldsOf(doc).retired;
  if (!Array.isArray(names) || !names.every((n): n is string => typeof n === 'string' && DNS1123_LABEL.test(n))) {
    throw new UserError(`${RETIRED_FILE}: retired: expected a list of customer names, found another value; restore it with \`git checkout -- ${RETIRED_FILE}\``);
  }
  return [...new Set(names)].sort();
}

/** Adds a customer to the retired list (or, with `retired` false, takes it off), atomically. */
export function recordRetired(root: string, customer: string, retired: boolean, steps: FileSteps = realSteps(root)): void {
  const names = new Set(readRetired(root));
  if (names.has(customer) === retired) return;
  if (retired) names.add(customer);
  else names.delete(customer);
  const text = '# Customers removed with `npx astrago remove`: synth never generates credentials for these names\n'
    + '# again (their old ones are in git history). `npx astrago init <name> --new-credentials` takes a name off.\n'
    + dumpYaml({ retired: [...names].sort() });
  writeAtomically(steps, WORK_TMP_FOLDER, RETIRED_FILE, text);
}

/**
 * The finding when `file` is encrypted for other recipients than the customer's
 * `secrets.ageRecipients`; undefined when they are the same.
 */
export function recipientsProblem(customer: string, file: string, found: readonly string[], expected: readonly string[]): string | undefined {
  const [has, wants] = [[...found].sort().join(', '), [...expected].sort().join(', ')];
  return has === wants ? undefined : `${file}: expected encryption for ${customerFile(customer)} secrets.ageRecipients (${wants}), found ${has}; `
    + `run \`npx astrago secrets rekey ${customer}\` with SOPS_AGE_KEY_FILE set`;
}

/**
 * The largest credential value, in UTF-8 bytes. A Secret holds a value base64-encoded, and
 * SOPS encrypts that text into base64 again (16/9 of the value in all): 512 KiB becomes about
 * 910 KiB, under the API server's 1 MiB per Secret with room for its other keys.
 */
export const MAX_CREDENTIAL_BYTES = 512 * 1024;

/**
 * What is wrong with a credential value, or undefined: it must be text that survives every
 * consumer unchanged (YAML, environment variables, configuration files, a shell): not empty,
 * no control characters (NUL, newline, escape, …), no unpaired surrogate, and small enough
 * for a Secret. Never shows the value.
 */
export function credentialValueProblem(value: string): string | undefined {
  if (value === '') return 'expected a value, found an empty one';
  const control = /[\x00-\x1f\x7f-\x9f]/.exec(value);
  if (control) {
    return `expected text without control characters, found U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at character ${control.index + 1}`;
  }
  if (Buffer.from(value, 'utf8').toString('utf8') !== value) return 'expected valid Unicode text, found an unpaired surrogate (a broken \\u escape?)';
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_CREDENTIAL_BYTES) return `expected at most ${MAX_CREDENTIAL_BYTES} bytes (an encrypted Secret must stay under the API server's 1 MiB), found ${bytes}`;
  return undefined;
}

/** Bytes as UTF-8 text; a UserError naming `source` when they are not valid UTF-8 (nothing is replaced silently). */
export function utf8Text(bytes: Buffer, source: string, exitCode: ExitCode = EXIT.FINDINGS): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(`${source}: expected UTF-8 text, found bytes that are not (binary data, or text in another encoding such as Latin-1 or EUC-KR)`, exitCode);
  }
}

/** Folder of a customer's credential store, relative to the repository root, once its name is known to be safe in a path. */
export function credentialStoreDir(customer: string): string {
  if (!DNS1123_LABEL.test(customer)) {
    throw new UserError(`customer name: expected a DNS-1123 name (lower-case letters, digits and "-"), found ${JSON.stringify(customer.slice(0, 64))}`);
  }
  return credentialStoreFolder(customer);
}

/** Repository-relative file of one credential of a customer. */
export function credentialFile(customer: string, credential: CredentialName): string {
  return `${credentialStoreDir(customer)}/${credential}.yaml`;
}

/** One stored credential as read, structure checked, value still encrypted. */
export interface StoredCredential {
  readonly credential: CredentialName;
  /** Repository-relative path. */
  readonly file: string;
  /** The file's text, exactly. */
  readonly text: string;
  readonly document: Document;
  /** age recipients the value is encrypted for, sorted. */
  readonly recipients: readonly string[];
  /**
   * Encrypted Secrets holding the value, by `<namespace>/<name>`: their YAML text as written in
   * dist/ (parsed and checked on use, `sealedSecret`: a re-synth parses only what it copies).
   */
  readonly sealed: ReadonlyMap<string, string>;
  /**
   * Times the value was replaced (`metadata.rotation`). For a credential a service keeps from its
   * initialisation, `data.previous` holds the value before the last replacement.
   */
  readonly rotation: number;
}

/**
 * Every credential in the customer's store (empty when it has none), structure checked
 * without a key. Throws UserError naming the file for anything that is not a
 * well-formed `<credential>.yaml` regular file of this customer.
 */
export function readStore(root: string, customer: string): Map<CredentialName, StoredCredential> {
  const dir = credentialStoreDir(customer);
  const full = path.join(root, dir);
  const stat = guard(dir, () => lstatOrUndefined(full));
  if (!stat) return new Map();
  if (!stat.isDirectory()) throw new UserError(`${dir}: expected a folder, found ${stat.isSymbolicLink() ? 'a symbolic link' : 'a file'}`);
  const store = new Map<CredentialName, StoredCredential>();
  for (const name of guard(dir, () => fs.readdirSync(full)).sort()) {
    const credential = name.replace(/\.yaml$/, '');
    if (!name.endsWith('.yaml') || !isCredentialName(credential)) {
      throw new UserError(`${dir}/${name}: expected only files named <credential>.yaml (${CREDENTIAL_NAMES.join(', ')}), found another entry`);
    }
    store.set(credential, readEntry(root, customer, credential));
  }
  return store;
}

function readEntry(root: string, customer: string, credential: CredentialName): StoredCredential {
  const file = credentialFile(customer, credential);
  const text = readRegularFile(root, file);
  const document = parseEncrypted(text, file);
  const fail = (what: string) => new UserError(`${file}: ${what}`);
  const problem = structureProblem(document);
  if (problem) throw fail(problem);
  const metadata = fieldsOf(document.metadata);
  if (document.kind !== 'Credential' || document.apiVersion !== 'astrago.io/v1') throw fail('expected apiVersion astrago.io/v1, kind Credential, found another document');
  if (metadata.name !== credential) throw fail(`metadata.name: expected "${credential}" (the file name), found another name`);
  if (metadata.customer !== customer) throw fail(`metadata.customer: expected "${customer}", found another customer: the file was copied from elsewhere`);
  const rotation = metadata.rotation ?? 0;
  if (!Number.isSafeInteger(rotation) || rotation < 0) throw fail('metadata.rotation: expected a whole number ≥ 0, found another value');
  const data = fieldsOf(document.data);
  const extra = Object.keys(data).filter((k) => k !== 'value' && !(k === 'previous' && rotation > 0 && typeof data.previous === 'string'));
  if (typeof data.value !== 'string' || data.value === '' || extra.length > 0) {
    throw fail('data: expected the encrypted key "value" (and "previous" once rotated), found another shape');
  }
  const sealed = document.sealed ?? {};
  const texts = typeof sealed === 'object' && !Array.isArray(sealed) && sealed !== null
    ? Object.entries(sealed).flatMap(([k, t]) => (typeof t === 'string' ? [[k, t] as const] : [])) : undefined;
  if (!texts || texts.length !== Object.keys(fieldsOf(sealed)).length) {
    throw fail('sealed: expected a map of <namespace>/<name> to Secret YAML, found another value');
  }
  return { credential, file, text, document, recipients: recipientsOf(document), sealed: new Map(texts), rotation };
}

const parsedCopies = new WeakMap<StoredCredential, Map<string, Document>>();

/**
 * The entry's encrypted copy of Secret `<namespace>/<name>`, parsed and structure-checked
 * (once); undefined when it has none. Throws UserError naming file and copy.
 */
export function sealedSecret(entry: StoredCredential, key: string): Document | undefined {
  const text = entry.sealed.get(key);
  if (text === undefined) return undefined;
  const parsed = parsedCopies.get(entry) ?? new Map<string, Document>();
  parsedCopies.set(entry, parsed);
  if (!parsed.has(key)) {
    const where = `${entry.file}: sealed.${key}`;
    const secret = parseEncrypted(text, where);
    const problem = structureProblem(secret);
    if (problem) throw new UserError(`${where}: ${problem}`);
    const m = fieldsOf(secret.metadata);
    if (secret.kind !== 'Secret' || `${String(m.namespace)}/${String(m.name)}` !== key || m.annotations?.[CREDENTIAL_ANNOTATION] !== entry.credential) {
      throw new UserError(`${where}: expected Secret ${key} holding credential "${entry.credential}", found another object`);
    }
    parsed.set(key, secret);
  }
  return parsed.get(key);
}

/**
 * Encrypts `values` for `recipients` (age public keys) into the customer's store, creating or
 * replacing exactly those credentials' entries crash-safely; returns the repository-relative
 * paths written. A replaced entry loses its sealed Secrets (they hold the old value): the
 * next synth encrypts new ones, which needs the operator's key.
 */
export async function storeCredentials(root: string, customer: string,
  values: Readonly<Partial<Record<CredentialName, string>>>, recipients: readonly string[]): Promise<string[]> {
  const unknown = Object.keys(values).filter((name) => !isCredentialName(name));
  if (unknown.length > 0) throw new UserError(`${credentialStoreDir(customer)}: expected credentials among ${CREDENTIAL_NAMES.join(', ')}, found ${unknown.map((n) => JSON.stringify(n.slice(0, 64))).join(', ')}`);
  const entries = Object.entries(values)
    .flatMap(([credential, value]) => (isCredentialName(credential) && value !== undefined ? [{ credential, value }] : []));
  const files = await Promise.all(entries.sort((a, b) => a.credential.localeCompare(b.credential))
    .map((entry) => encryptEntry(customer, entry, recipients)));
  writeStoreFiles(root, files);
  return files.map((f) => f.path);
}

/**
 * The stored value of one credential, decrypted with the operator's age identities; undefined
 * when the store has none; a UserError (one line, naming the file, never the value) when it
 * cannot be decrypted.
 */
export async function readStoredCredential(root: string, customer: string, credential: CredentialName,
  identities: readonly string[]): Promise<string | undefined> {
  const file = credentialFile(customer, credential);
  if (!guard(file, () => lstatOrUndefined(path.join(root, file)))) return undefined;
  return (await openEntry(readEntry(root, customer, credential), identities)).value;
}

/** A decrypted entry: its value and the data key it is encrypted with (to re-seal it unchanged). */
export interface OpenedCredential {
  readonly value: string;
  /** The value before the last rotation. @default - none: never rotated */
  readonly previous?: string;
  readonly key: EntryKey;
}

/** The data key of an entry with its age stanzas: reused when an entry's sealed Secrets change. */
export interface EntryKey {
  readonly dataKey: Buffer;
  readonly age: readonly AgeStanza[];
}

/** Decrypts an entry and verifies its MAC (and so its sealed Secrets' texts). */
export async function openEntry(entry: StoredCredential, identities: readonly string[]): Promise<OpenedCredential> {
  const age = ageStanzasOf(entry.document);
  const dataKey = await unwrapDataKey(age, identities);
  if (!dataKey) {
    throw new UserError(noMatchingIdentity(entry.file, entry.recipients, identities));
  }
  return { ...decryptEntry(entry, dataKey), key: { dataKey, age } };
}

/** The entry's values; a UserError naming the file when its MAC or a value does not verify. */
function decryptEntry(entry: StoredCredential, dataKey: Buffer): { value: string; previous?: string } {
  try {
    const data = fieldsOf(decryptDocument(entry.document, dataKey).data);
    return { value: String(data.value), ...(data.previous === undefined ? {} : { previous: String(data.previous) }) };
  } catch (e) {
    if (e instanceof SopsError) throw new UserError(`${entry.file}: cannot be decrypted: it was changed without its key (MAC or value does not verify)`);
    throw e;
  }
}

/**
 * Checks the MAC and values of an entry the operator's identities can open; an entry
 * encrypted for other keys (another customer's operator) is left to `secrets check` with its key.
 */
export async function verifyEntry(entry: StoredCredential, identities: readonly string[]): Promise<void> {
  const dataKey = await unwrapDataKey(ageStanzasOf(entry.document), identities);
  if (dataKey) decryptEntry(entry, dataKey);
}

/** What one store file holds before encryption. */
export interface CredentialEntry {
  readonly credential: CredentialName;
  readonly value: string;
  /** Encrypted Secrets holding the value, by `<namespace>/<name>`, as YAML text (`sealedText`). @default - none */
  readonly sealed?: ReadonlyMap<string, string>;
  /** The value before the last rotation (only with `rotation` ≥ 1). @default - none */
  readonly previous?: string;
  /** Times the value was replaced. @default 0 */
  readonly rotation?: number;
}

/**
 * The encrypted file of an entry. With `key`, the entry keeps its data key and recipients
 * (a sealed Secret was added); otherwise it gets a new data key for `recipients`.
 */
export async function encryptEntry(customer: string, entry: CredentialEntry, recipients: readonly string[], key?: EntryKey,
  now: Date = new Date()): Promise<{ path: string; content: string }> {
  const file = credentialFile(customer, entry.credential);
  const problem = credentialValueProblem(entry.value);
  if (problem) throw new UserError(`${file}: credential "${entry.credential}": ${problem}`);
  if (!key && recipients.length === 0) throw new UserError(`${file}: expected at least one age recipient to encrypt for, found none`);
  const sealed = Object.fromEntries([...(entry.sealed ?? new Map<string, string>())].sort(([a], [b]) => a.localeCompare(b)));
  const rotation = entry.rotation ?? 0;
  if (rotation === 0 && entry.previous !== undefined) throw new Error(`${file}: only a rotated entry has a previous value`);
  const plain: Document = canonical({
    apiVersion: 'astrago.io/v1',
    kind: 'Credential',
    metadata: { name: entry.credential, customer, ...(rotation > 0 ? { rotation } : {}) },
    data: { value: entry.value, ...(entry.previous === undefined ? {} : { previous: entry.previous }) },
    sealed,
  });
  const dataKey = key?.dataKey ?? newDataKey();
  const age = key?.age ?? await wrapDataKey(dataKey, recipients);
  return { path: file, content: dumpYaml(canonical(encryptDocument(plain, dataKey, age, rfc3339(now)), true)) };
}

/** A sealed Secret as the store keeps it: the YAML synth writes into dist/. */
export function sealedText(secret: Document): string {
  return dumpYaml(canonical(secret, true));
}

/** Writes store files, each atomically (see the header). */
export function writeStoreFiles(root: string, files: ReadonlyArray<{ path: string; content: string }>, steps: FileSteps = realSteps(root)): void {
  for (const file of files) writeAtomically(steps, WORK_TMP_FOLDER, file.path, file.content);
}

/** A committed file's text; refuses symlinks, folders and other non-regular files, naming the path. */
export function readRegularFile(root: string, file: string): string {
  const full = path.join(root, file);
  const stat = guard(file, () => fs.lstatSync(full));
  if (!stat.isFile()) throw new UserError(`${file}: expected a regular file, found ${stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a folder' : 'a special file'}`);
  return guard(file, () => fs.readFileSync(full, 'utf8'));
}

/**
 * One YAML document of an encrypted file, nothing of its text echoed. No anchors, so no
 * aliases (we never write any, and an alias bomb is refused before anything walks it). js-yaml
 * with the core schema: a re-synth parses every store entry, and it is several times faster.
 */
export function parseEncrypted(text: string, file: string): Document {
  const conflict = conflictMarkerLine(text);
  if (conflict) {
    throw new UserError(`${file}: expected one encrypted document, found ${conflictMarkersProblem(conflict)}; `
      + 'an encrypted file cannot be combined by hand: take one side whole (`git checkout --ours` or `--theirs` -- the file)');
  }
  let anchors = false;
  let doc: unknown;
  try {
    doc = load(text, { schema: CORE_SCHEMA, listener: (event, state) => {
      if (event === 'close' && (state as { anchor?: string }).anchor) anchors = true;
    } });
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    const several = /expected a single document/.test(e.reason);
    throw new UserError(`${file}: expected one valid YAML document, found ${several ? 'several' : `a syntax error at line ${e.mark.line + 1}`} (truncated or hand-edited?)`);
  }
  if (anchors) throw new UserError(`${file}: expected no YAML anchors or aliases, found some`);
  return doc as Document;
}
