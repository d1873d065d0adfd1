/**
 * How constructs' Secrets get encrypted, from the customer's credential store
 * (credential-store.ts), which is the only source of a credential's value:
 *
 * - a Secret the store holds a sealed copy of (same metadata, type and keys) is that copy,
 *   byte for byte: no identity needed, dist/ rebuilt identically;
 * - a Secret of a stored credential without a copy (a new namespace, a renamed key) is
 *   encrypted from the stored value (needs the operator's identity) and its copy is added;
 * - a credential the store does not have is taken from the encrypted Secrets committed in
 *   dist/ before the store existed (migration: needs the identity, keeps those Secrets byte
 *   for byte); refused when git history shows the store had it (restore, never re-mint);
 *   generated only when it exists nowhere;
 * - `secrets set`/`rotate` (newValues) and `rekey` replace the entry and its copies.
 *
 * Sealing is asynchronous (age), so constructs get a handle that is filled by `flush()`
 * before the tree is rendered; `storeFiles` then holds the store entries to write first.
 */
import { randomInt } from 'node:crypto';
import { CREDENTIALS, SECRET_KEYS, type CredentialName, type CredentialSpec } from '../catalog/credentials';
import { canonical } from '../files/canonical';
import { fieldsOf } from '../model/fields';
import { customerFile } from '../model/layout';
import { UserError } from '../model/user-error';
import { unwrapDataKey, wrapDataKey } from './age';
import { CREDENTIAL_ANNOTATION, credentialFile, recipientsProblem, encryptEntry, openEntry, sealedSecret, sealedText, verifyEntry, type EntryKey, type StoredCredential } from './credential-store';
import { ageStanzasOf, decryptDocument, type Document, encryptDocument, newDataKey, recipientsOf, rfc3339, SopsError, structureProblem } from './sops';
import type { JsonObject, SealRequest, SealedSecret, SecretVault } from './vault';


/** An encrypted Secret committed in dist/ before the customer had a store, with its file. */
export interface LegacySecret {
  /** Repository-relative path of the file it was read from. */
  readonly file: string;
  readonly document: Document;
}

export interface SopsVaultProps {
  /** Customer name, for messages and store paths. */
  readonly customer: string;
  /** age recipients (`secrets.ageRecipients`). */
  readonly recipients: readonly string[];
  /**
   * The customer's credential store, read and structure-checked (`readStore`).
   * @default - empty
   */
  readonly store?: ReadonlyMap<CredentialName, StoredCredential>;
  /**
   * Encrypted Secrets of the customer's dist/ from before the store, read only for a
   * credential the store lacks (migration).
   * @default - none
   */
  readonly legacy?: () => readonly LegacySecret[];
  /**
   * The commit at which a store file last existed in git history, if any: a credential the
   * store had is restored from there by the operator, never minted again.
   * @default - no history
   */
  readonly history?: (file: string) => string | undefined;
  /**
   * Why a credential that exists nowhere (store, history, dist/) must not be generated, by its
   * store file and name; undefined allows it (`mintRefusal` of committed.ts).
   * @default - generating is allowed
   */
  readonly mintRefusal?: (file: string, credential: CredentialName) => string | undefined;
  /**
   * Generate missing credentials even where `mintRefusal` refuses (`--new-credentials`).
   * @default false
   */
  readonly allowNewCredentials?: boolean;
  /**
   * The operator's age identities: to decrypt a value when one must be, and, when present, to
   * verify the MAC of every stored entry before it is reused.
   * @default - none: operations that need to decrypt fail with a clear message; entries are structure-checked only
   */
  readonly identities?: () => readonly string[];
  /**
   * New values for credentials (`secrets set` / `secrets rotate`): every Secret holding one
   * is re-encrypted with the new value, and the store entry replaced.
   * @default - none
   */
  readonly newValues?: Readonly<Partial<Record<CredentialName, string>>>;
  /**
   * Re-encrypt every stored credential and Secret for the current recipients (`secrets rekey`).
   * @default false
   */
  readonly rekey?: boolean;
  /** Clock for `lastmodified`. @default - now */
  readonly now?: () => Date;
}

interface Pending {
  readonly request: SealRequest;
  result?: JsonObject;
}

/** A store entry being changed by this flush. */
interface EntryUpdate {
  readonly value: string;
  /** The value the last rotation replaced, kept while the service may still hold it. */
  readonly previous?: string;
  readonly rotation: number;
  /** Secrets encrypted (or taken from dist/) in this flush, by `<namespace>/<name>`. */
  readonly sealed: Map<string, Document>;
  /** When only copies are added: the entry, whose data key and other copies are kept. */
  readonly kept?: { readonly entry: StoredCredential; readonly key: EntryKey };
}

export class SopsVault implements SecretVault {
  private readonly pending: Pending[] = [];
  private readonly store: ReadonlyMap<CredentialName, StoredCredential>;
  private readonly updates = new Map<CredentialName, EntryUpdate>();
  private legacySecrets?: readonly LegacySecret[];
  private files: Array<{ path: string; content: string }> = [];

  constructor(private readonly props: SopsVaultProps) {
    this.store = props.store ?? new Map();
  }

  public holds(credential: CredentialName): boolean {
    return this.store.has(credential) || this.props.newValues?.[credential] !== undefined;
  }

  public seal(request: SealRequest): SealedSecret {
    const entry: Pending = { request };
    this.pending.push(entry);
    const metadata = secretDocument(request, {}).metadata as SealedSecret['metadata'];
    return {
      metadata,
      get object(): JsonObject {
        if (!entry.result) throw new Error(`Secret ${request.namespace}/${request.name} was rendered before the vault was flushed`);
        return entry.result;
      },
    };
  }

  /** Store entries this flush created or changed, to be written before dist/. */
  public get storeFiles(): ReadonlyArray<{ path: string; content: string }> {
    return this.files;
  }

  public rotation(credential: CredentialName): number {
    const stored = this.store.get(credential);
    return (stored?.rotation ?? 0) + (stored && this.props.newValues?.[credential] !== undefined ? 1 : 0);
  }

  /** Encrypts every Secret requested since the last flush. */
  public async flush(): Promise<void> {
    if (this.props.recipients.length === 0 && this.pending.length > 0) {
      throw new UserError(`${customerFile(this.props.customer)}: secrets.ageRecipients: expected at least one age public key to encrypt `
        + `the credentials (${[...new Set(this.pending.map((p) => credentialOf(p.request)))].join(', ')}), found nothing; `
        + 'or declare them under secrets.existing');
    }
    // Keyless, a stored entry can only be checked for structure; with the operator's key, one that
    // was changed without it (a flipped character in a value or a sealed copy) is refused, not copied.
    const identities = this.identities();
    if (identities.length > 0) for (const stored of this.store.values()) await verifyEntry(stored, identities);
    for (const entry of this.pending.splice(0)) entry.result = await this.sealOne(entry.request);
    if (this.props.rekey) {
      // Credentials no component uses now are re-encrypted too, or they would stay for the old recipients.
      for (const [credential, stored] of this.store) {
        if (!this.updates.has(credential) && this.needsRekey(stored)) {
          this.updates.set(credential, { ...await this.openValues(stored), sealed: new Map() });
        }
      }
    }
    const now = this.now();
    this.files = await Promise.all([...this.updates].sort(([a], [b]) => a.localeCompare(b)).map(([credential, u]) => {
      const sealed = new Map([...(u.kept?.entry.sealed ?? []), ...[...u.sealed].map(([name, doc]) => [name, sealedText(doc)] as const)]);
      return encryptEntry(this.props.customer, { credential, value: u.value, previous: u.previous, rotation: u.rotation, sealed },
        this.props.recipients, u.kept?.key, now);
    }));
  }

  /** The operator's identities, none when no key is at hand. */
  private identities(): readonly string[] {
    return this.props.identities?.() ?? [];
  }

  /** The time recorded as `lastmodified`. */
  private now(): Date {
    return this.props.now?.() ?? new Date();
  }

  private async sealOne(request: SealRequest): Promise<JsonObject> {
    const plain = secretDocument(request, {});
    const name = keyOf(plain);
    const credential = credentialOf(request);
    const update = this.updates.get(credential) ?? await this.startUpdate(credential, name);
    const stored = update ? update.kept?.entry : this.store.get(credential);
    const copy = update?.sealed.get(name) ?? (stored && sealedSecret(stored, name));
    if (copy && sameShape(copy, plain)) return copy;
    const started = update ?? await this.reopen(credential);
    const values: Record<string, string> = {};
    for (const [key, entry] of Object.entries(request.entries)) {
      const value = 'value' in entry ? entry.value : entry.previous ? started.previous : started.value;
      if (value === undefined) throw new Error(`Secret ${name} asks for the previous value of "${credential}", which was never rotated`);
      values[key] = value;
    }
    const dataKey = newDataKey();
    const doc = secretDocument(request, values);
    const encrypted = encryptDocument(doc, dataKey, await wrapDataKey(dataKey, this.props.recipients), rfc3339(this.now()));
    const sealed = canonical(encrypted, true);
    started.sealed.set(name, sealed);
    return sealed;
  }

  /**
   * The update a Secret of `credential` starts, or undefined when the stored entry serves it
   * as it is (its recipients still the customer's).
   */
  private async startUpdate(credential: CredentialName, secret: string): Promise<EntryUpdate | undefined> {
    const newValue = this.props.newValues?.[credential];
    const stored = this.store.get(credential);
    let update: EntryUpdate | undefined;
    if (newValue !== undefined) {
      // A service that stored the value at initialisation has it until it is changed in place: it is kept (which needs the key).
      const keeps = stored && CREDENTIALS[credential].consumption.mode === 'initialisation';
      const previous = keeps ? (await this.open(stored)).value : undefined;
      update = { value: newValue, previous, rotation: stored ? stored.rotation + 1 : 0, sealed: new Map() };
    } else if (stored && this.props.rekey && this.needsRekey(stored)) {
      update = { ...await this.openValues(stored), sealed: new Map() };
    } else if (stored) {
      this.checkRecipients(stored.recipients, stored.file);
      return undefined;
    } else {
      update = await this.migrateOrMint(credential, secret);
    }
    this.updates.set(credential, update);
    return update;
  }

  /** A stored entry that lacks a Secret: opened (needs the identity) to add it, same data key. */
  private async reopen(credential: CredentialName): Promise<EntryUpdate> {
    const stored = this.store.get(credential)!;
    const opened = await this.open(stored);
    const update = {
      value: opened.value,
      previous: opened.previous,
      rotation: stored.rotation,
      sealed: new Map<string, Document>(),
      kept: { entry: stored, key: opened.key },
    };
    this.updates.set(credential, update);
    return update;
  }

  /** A credential the store lacks: from dist/ before the store (keeping its Secrets), else new, never re-minted. */
  private async migrateOrMint(credential: CredentialName, secret: string): Promise<EntryUpdate> {
    const file = credentialFile(this.props.customer, credential);
    const commit = this.props.history?.(file);
    if (commit) {
      throw new UserError(`${file}: expected the stored credential "${credential}", found it deleted (git has it at ${commit}); `
        + `restore it with \`git checkout ${commit} -- ${file}\`: synth never mints a credential twice`);
    }
    this.legacySecrets ??= this.props.legacy?.() ?? [];
    const holders = this.legacySecrets.filter((s) => annotationsOf(s.document)[CREDENTIAL_ANNOTATION] === credential);
    if (holders.length === 0 && isSupplied(credential)) {
      throw new UserError(`${file}: expected credential "${credential}", found none: synth never invents it; `
        + `set it with \`npx astrago secrets set ${this.props.customer} ${credential}\` or declare secrets.existing.${credential}`);
    }
    if (holders.length === 0) {
      const refusal = this.props.allowNewCredentials ? undefined : this.props.mintRefusal?.(file, credential);
      if (refusal) throw new UserError(refusal);
      return { value: generateCredential(credential), rotation: 0, sealed: new Map() };
    }
    const identities = this.identities();
    let value: string | undefined;
    for (const holder of holders) {
      const problem = structureProblem(holder.document);
      if (problem) throw new UserError(`${holder.file}: ${problem}; refusing to reuse it: restore it from git (\`git checkout -- ${holder.file}\`)`);
      if (!this.props.rekey) this.checkRecipients(recipientsOf(holder.document), holder.file);
      const dataKey = await unwrapDataKey(ageStanzasOf(holder.document), identities);
      if (!dataKey) {
        throw new UserError(`${holder.file}: expected an age identity of this customer in SOPS_AGE_KEY_FILE or SOPS_AGE_KEY to move credential `
          + `"${credential}" into ${file} (Secret ${secret} needs it), found ${identities.length ? 'none that matches' : 'none'}`);
      }
      let held: string;
      try {
        held = heldValue(decryptDocument(holder.document, dataKey));
      } catch (e) {
        if (!(e instanceof SopsError)) throw e;
        throw new UserError(`${holder.file}: cannot be decrypted: it was changed without its key; refusing to reuse it: restore it from git`);
      }
      if (value !== undefined && held !== value) {
        throw new UserError(`${holder.file}: expected the same value of credential "${credential}" as ${holders[0].file}, found another; `
          + `set the right one with \`npx astrago secrets set ${this.props.customer} ${credential}\``);
      }
      value = held;
    }
    // Kept byte for byte, unless they are being re-encrypted for new recipients.
    const sealed = this.props.rekey ? [] : holders.map((h) => [keyOf(h.document), canonical(h.document, true)] as const);
    return { value: value!, rotation: 0, sealed: new Map(sealed) };
  }

  /**
   * Whether `rekey` must re-encrypt an entry: not when it is for the customer's recipients
   * already (a rekey that ran before), so a rerun needs no key that opens it.
   */
  private needsRekey(stored: StoredCredential): boolean {
    return recipientsProblem(this.props.customer, stored.file, stored.recipients, this.props.recipients) !== undefined;
  }

  private async open(stored: StoredCredential) {
    return openEntry(stored, this.identities());
  }

  /** What an entry re-encrypted unchanged keeps: its value, previous value and rotation. */
  private async openValues(stored: StoredCredential): Promise<Pick<EntryUpdate, 'value' | 'previous' | 'rotation'>> {
    const { value, previous } = await this.open(stored);
    return { value, previous, rotation: stored.rotation };
  }

  private checkRecipients(recipients: readonly string[], file: string): void {
    const problem = recipientsProblem(this.props.customer, file, recipients, this.props.recipients);
    if (problem) throw new UserError(problem);
  }
}

/** The credential a decrypted Secret holds: its one key other than a plain user name. */
export function heldValue(plain: Document): string {
  const data = fieldsOf(plain.data);
  const key = Object.keys(data).find((k) => k !== SECRET_KEYS.username) ?? SECRET_KEYS.value;
  return Buffer.from(data[key], 'base64').toString('utf8');
}

/** The Secret as encrypted, keys sorted (see output/canonical.ts): the MAC follows key order. */
function secretDocument(request: SealRequest, values: Record<string, string>): Document {
  const data = Object.fromEntries(Object.keys(request.entries).map((key) => [key, Buffer.from(values[key] ?? '').toString('base64')]));
  return canonical({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: request.name, namespace: request.namespace, annotations: { [CREDENTIAL_ANNOTATION]: credentialOf(request) } },
    type: request.type ?? 'Opaque',
    data,
  });
}

/** The one credential a Secret holds (its other keys hold plain values such as a user name). */
function credentialOf(request: SealRequest): CredentialName {
  const credentials = [...new Set(Object.values(request.entries).flatMap((e) => ('credential' in e ? [e.credential] : [])))];
  if (credentials.length !== 1) throw new Error(`Secret ${request.namespace}/${request.name} must hold exactly one credential`);
  return credentials[0];
}

/** Same metadata, type and keys: only then is the committed encryption still the right one. */
function sameShape(committed: Document, plain: Document): boolean {
  const shape = ({ sops: _sops, data, ...rest }: Document) => JSON.stringify({ ...rest, keys: Object.keys(data !== null && typeof data === 'object' ? data : {}).sort() });
  return shape(committed) === shape(plain);
}

/** Whether only the operator can give the credential's value (never generated). */
export function isSupplied(credential: CredentialName): boolean {
  const spec: CredentialSpec = CREDENTIALS[credential];
  return spec.supplied !== undefined;
}

/** A new random value for a credential, as its consumer accepts it. */
export function generateCredential(credential: CredentialName): string {
  const spec = CREDENTIALS[credential];
  const alphabet = 'alphabet' in spec && spec.alphabet === 'hex'
    ? '0123456789abcdef'
    : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: spec.length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

function annotationsOf(doc: Document): Record<string, string> {
  return fieldsOf(fieldsOf(doc.metadata).annotations);
}

function keyOf(doc: Document): string {
  const metadata = fieldsOf(doc.metadata);
  return `${metadata.namespace}/${metadata.name}`;
}
