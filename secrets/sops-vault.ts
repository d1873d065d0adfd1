/**
 * The credential store of one customer: SOPS-encrypted Secrets in its committed dist/.
 *
 * Generated and supplied values live only inside those encrypted files. A synth reuses a
 * committed Secret byte for byte when nothing about it changed (no diff churn, no identity
 * needed); it generates a credential that exists nowhere yet; and it needs the operator's
 * age identity only to copy an existing credential into a new Secret or to re-encrypt
 * (`secrets rekey`). Sealing is asynchronous (age), so constructs get a handle that is
 * filled by `flush()` before the tree is rendered.
 */
import { randomInt } from 'node:crypto';
import { CREDENTIALS, type CredentialName } from '../catalog/credentials';
import { UserError } from '../config/user-error';
import { canonical } from '../output/canonical';
import { unwrapDataKey, wrapDataKey } from './age';
import { decryptDocument, encryptDocument, newDataKey, rfc3339, type Document, type SopsMetadata } from './sops';
import type { JsonObject, SealRequest, SealedSecret, SecretVault } from './vault';

/** Annotation naming the credential a Secret holds, so a later synth can find its value. */
export const CREDENTIAL_ANNOTATION = 'astrago.io/credential';

/** A problem the operator must act on: what to do is in the message. */
export class VaultError extends UserError {}

export interface SopsVaultProps {
  /** Customer name, for messages. */
  readonly customer: string;
  /** age recipients (`secrets.ageRecipients`). */
  readonly recipients: readonly string[];
  /** Encrypted Secrets currently committed in dist/<customer>/. */
  readonly committed: readonly Document[];
  /**
   * The operator's age identities, read only when a value must be decrypted.
   * @default - none: operations that need to decrypt fail with a clear message
   */
  readonly identities?: () => readonly string[];
  /**
   * New values for credentials (`secrets set` / `secrets rotate`): every Secret holding one
   * is re-encrypted with the new value.
   * @default - none
   */
  readonly newValues?: Readonly<Partial<Record<CredentialName, string>>>;
  /**
   * Re-encrypt every Secret for the current recipients (`secrets rekey`).
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

export class SopsVault implements SecretVault {
  private readonly pending: Pending[] = [];
  private readonly committed: Map<string, Document>;
  private readonly plaintexts = new Map<CredentialName, string>();

  constructor(private readonly props: SopsVaultProps) {
    this.committed = new Map(props.committed.map((doc) => [keyOf(doc), doc]));
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

  /** Encrypts every Secret requested since the last flush. */
  public async flush(): Promise<void> {
    if (this.props.recipients.length === 0 && this.pending.length > 0) {
      throw new VaultError(`customers/${this.props.customer}.yaml: secrets.ageRecipients: expected at least one age public key to encrypt `
        + `the credentials (${[...new Set(this.pending.map((p) => credentialOf(p.request)))].join(', ')}), found nothing; `
        + 'or declare them under secrets.existing');
    }
    for (const entry of this.pending.splice(0)) entry.result = await this.sealOne(entry.request);
  }

  private async sealOne(request: SealRequest): Promise<JsonObject> {
    const plain = secretDocument(request, {});
    const committed = this.committed.get(keyOf(plain));
    const credential = credentialOf(request);
    if (committed && !this.props.rekey && !this.props.newValues?.[credential] && sameShape(committed, plain)) {
      const recipients = (committed.sops as unknown as SopsMetadata).age.map((a) => a.recipient).sort();
      if (recipients.join() !== [...this.props.recipients].sort().join()) {
        throw new VaultError(`customers/${this.props.customer}.yaml: secrets.ageRecipients: expected the recipients ${keyOf(plain)} is encrypted for `
          + `(${recipients.join(', ')}), found a changed list; run \`npx astrago secrets rekey ${this.props.customer}\` with SOPS_AGE_KEY_FILE set`);
      }
      return committed as JsonObject;
    }
    const values: Record<string, string> = {};
    for (const [key, entry] of Object.entries(request.entries)) {
      values[key] = 'value' in entry ? entry.value : await this.plaintext(entry.credential, request);
    }
    const dataKey = newDataKey();
    const doc = secretDocument(request, values);
    const encrypted = encryptDocument(doc, dataKey, await wrapDataKey(dataKey, this.props.recipients), rfc3339((this.props.now ?? (() => new Date()))()));
    return canonical(encrypted, true) as JsonObject;
  }

  /** The value of a credential: new, already decrypted, decrypted from a committed Secret, or generated. */
  private async plaintext(credential: CredentialName, forRequest: SealRequest): Promise<string> {
    const known = this.props.newValues?.[credential] ?? this.plaintexts.get(credential);
    if (known !== undefined) return known;
    const holders = [...this.committed.values()].filter((doc) => annotationsOf(doc)[CREDENTIAL_ANNOTATION] === credential);
    let value: string;
    if (holders.length === 0) {
      value = generateCredential(credential);
    } else {
      const identities = this.props.identities?.() ?? [];
      const doc = holders[0];
      const dataKey = await unwrapDataKey((doc.sops as unknown as SopsMetadata).age, identities);
      if (!dataKey) {
        throw new VaultError(`dist/${this.props.customer}: Secret ${keyOf(secretDocument(forRequest, {}))}: expected an age identity of this customer `
          + `in SOPS_AGE_KEY_FILE or SOPS_AGE_KEY to copy credential "${credential}" from ${keyOf(doc)}, found ${identities.length ? 'none that matches' : 'none'}`);
      }
      const data = decryptDocument(doc, dataKey).data as Record<string, string>;
      const key = Object.keys(data).find((k) => k !== 'username') ?? 'password';
      value = Buffer.from(data[key], 'base64').toString('utf8');
    }
    this.plaintexts.set(credential, value);
    return value;
  }
}

/** The Secret as encrypted, keys sorted (see output/canonical.ts): the MAC follows key order. */
function secretDocument(request: SealRequest, values: Record<string, string>): Document {
  const data = Object.fromEntries(Object.keys(request.entries).map((key) => [key, Buffer.from(values[key] ?? '').toString('base64')]));
  return canonical({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: request.name, namespace: request.namespace, annotations: { [CREDENTIAL_ANNOTATION]: credentialOf(request) } },
    type: 'Opaque',
    data,
  }) as Document;
}

/** The one credential a Secret holds (its other keys hold plain values such as a user name). */
function credentialOf(request: SealRequest): CredentialName {
  const credentials = [...new Set(Object.values(request.entries).flatMap((e) => ('credential' in e ? [e.credential] : [])))];
  if (credentials.length !== 1) throw new Error(`Secret ${request.namespace}/${request.name} must hold exactly one credential`);
  return credentials[0];
}

/** Same metadata, type and keys: only then is the committed encryption still the right one. */
function sameShape(committed: Document, plain: Document): boolean {
  const shape = ({ sops: _sops, data, ...rest }: Document) => JSON.stringify({ ...rest, keys: Object.keys((data ?? {}) as object).sort() });
  return shape(committed) === shape(plain);
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
  return ((doc.metadata as { annotations?: Record<string, string> } | undefined)?.annotations) ?? {};
}

function keyOf(doc: Document): string {
  const metadata = doc.metadata as { name: string; namespace: string };
  return `${metadata.namespace}/${metadata.name}`;
}
