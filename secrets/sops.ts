/**
 * The SOPS document format, for YAML documents encrypted with a data key wrapped for age
 * recipients. Targets what Flux's kustomize-controller (SOPS 3.9+) and `sops --decrypt`
 * read; written to the format of SOPS 3.9.4 (`sops.version`).
 *
 * - Every scalar under a key matching `encrypted_regex` becomes
 *   `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`: AES-256-GCM with a 32-byte IV and, as
 *   additional data, the value's key path joined by ":" plus a trailing ":" (`data:password:`).
 * - The MAC is SHA-512 over every scalar of the document in document order (encrypted or
 *   not; `mac_only_encrypted` off), hex upper-case, itself encrypted with the data key and
 *   the `lastmodified` timestamp as additional data.
 * - The `sops` block holds the age stanzas (`enc` is an ASCII-armored age file whose
 *   plaintext is the 32-byte data key), `lastmodified`, `mac`, `encrypted_regex`, `version`.
 *
 * Everything here is synchronous and pure; wrapping the data key with age is in age.ts.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AGE_RECIPIENT } from '../model/patterns';

export const SOPS_VERSION = '3.9.4';
export const ENCRYPTED_REGEX = '^(data|stringData)$';
const IV_BYTES = 32;
const TAG_BYTES = 16;
const ENC_PATTERN = /^ENC\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(str|int|float|bool)\]$/;

// Type aliases, not interfaces: they are JSON as they are (a `sops` block is part of its document).
export type AgeStanza = {
  readonly recipient: string;
  /** Armored age file whose plaintext is the data key. */
  readonly enc: string;
};

export type SopsMetadata = {
  readonly age: readonly AgeStanza[];
  readonly lastmodified: string;
  readonly mac: string;
  readonly encrypted_regex: string;
  readonly version: string;
};

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type Document = { readonly [key: string]: Json };

const isMap = (value: Json | undefined): value is Document => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStanza = (value: Json): value is AgeStanza => isMap(value) && typeof value.recipient === 'string' && typeof value.enc === 'string';

/** The `sops` block of a document when it has the shape of one (`structureProblem` says what is wrong otherwise). */
export function sopsOf(doc: Document): SopsMetadata | undefined {
  const block = doc.sops;
  if (!isMap(block) || !Array.isArray(block.age)) return undefined;
  const { age, lastmodified, mac, encrypted_regex: encryptedRegex, version } = block;
  const stanzas = age.filter(isStanza);
  return stanzas.length === age.length && typeof lastmodified === 'string' && typeof mac === 'string'
    && typeof encryptedRegex === 'string' && typeof version === 'string'
    ? { age: stanzas, lastmodified, mac, encrypted_regex: encryptedRegex, version } : undefined;
}

/** The age stanzas a document's data key is wrapped in; none when it has no valid `sops` block. */
export function ageStanzasOf(doc: Document): readonly AgeStanza[] {
  return sopsOf(doc)?.age ?? [];
}

/** Raised when a document cannot be decrypted: wrong key, tampered value or MAC. */
export class SopsError extends Error {}

/** `time.RFC3339` of Go for a UTC instant, as SOPS writes `lastmodified`. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Encrypts a document (apiVersion/kind/metadata stay readable). Keys are walked in the
 * order of the object: write the result without reordering it, or the MAC breaks.
 */
export function encryptDocument(doc: Document, dataKey: Buffer, age: readonly AgeStanza[], lastModified: string): Document {
  const hash = createHash('sha512');
  const encrypted = walkDocument(doc, (value, path) => {
    hash.update(scalarBytes(value));
    return shouldEncrypt(path) ? encryptValue(value, dataKey, aad(path)) : value;
  });
  const mac = encryptValue(hash.digest('hex').toUpperCase(), dataKey, lastModified);
  const sops: SopsMetadata = { age: [...age], lastmodified: lastModified, mac, encrypted_regex: ENCRYPTED_REGEX, version: SOPS_VERSION };
  return { ...encrypted, sops };
}

/** Decrypts a document with its data key and verifies the MAC; throws SopsError otherwise. */
export function decryptDocument(doc: Document, dataKey: Buffer): Document {
  const { sops: _block, ...rest } = doc;
  const sops = sopsOf(doc);
  if (!sops) throw new SopsError('the document has no sops metadata');
  const hash = createHash('sha512');
  const plain = walkDocument(rest, (value, path) => {
    const clear = shouldEncrypt(path) ? decryptValue(value, dataKey, aad(path)) : value;
    hash.update(scalarBytes(clear));
    return clear;
  });
  const mac = decryptValue(sops.mac, dataKey, sops.lastmodified);
  if (mac !== hash.digest('hex').toUpperCase()) throw new SopsError('MAC mismatch: the document was changed without its key');
  return plain;
}

/** A fresh random data key for one document. */
export function newDataKey(): Buffer {
  return randomBytes(32);
}

function shouldEncrypt(path: readonly string[]): boolean {
  return path.some((key) => new RegExp(ENCRYPTED_REGEX).test(key));
}

function aad(path: readonly string[]): string {
  return `${path.join(':')}:`;
}

/** `walk` over a whole document, which stays a document. */
function walkDocument(doc: Document, onScalar: (value: Json, path: string[]) => Json): Document {
  return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, walk(v, [k], onScalar)]));
}

/** Walks scalars depth-first in key order; list items keep their parent's path, as SOPS does. */
function walk(value: Json, path: string[], onScalar: (value: Json, path: string[]) => Json): Json {
  if (Array.isArray(value)) return value.map((item) => walk(item, path, onScalar));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k], onScalar)]));
  }
  return onScalar(value, path);
}

/** Bytes SOPS hashes for a scalar (booleans title-cased, after its Python ancestor). */
function scalarBytes(value: Json): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return '';
  return String(value);
}

function encryptValue(value: Json, key: Buffer, additionalData: string): string {
  if (value === '' || value === null) return '';
  const type = typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : 'str';
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additionalData));
  const data = Buffer.concat([cipher.update(scalarBytes(value)), cipher.final()]);
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${cipher.getAuthTag().toString('base64')},type:${type}]`;
}

function decryptValue(value: Json, key: Buffer, additionalData: string): Json {
  if (value === '' || value === null) return value;
  const match = typeof value === 'string' ? ENC_PATTERN.exec(value) : null;
  if (!match) throw new SopsError(`value is not SOPS-encrypted: ${JSON.stringify(value).slice(0, 40)}`);
  const [, data, iv, tag, type] = match;
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(additionalData));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  let text: string;
  try {
    text = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SopsError(`cannot decrypt the value at "${additionalData}": wrong key or tampered value`);
  }
  if (type === 'bool') return text === 'True';
  if (type === 'int' || type === 'float') return Number(text);
  return text;
}

const ARMOR = /^-----BEGIN AGE ENCRYPTED FILE-----\n([A-Za-z0-9+/=\n]+)\n-----END AGE ENCRYPTED FILE-----\n?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * What is wrong with an encrypted document's structure, checked without any key: the
 * `sops` block (age stanzas, timestamp, MAC, regex), and every value under an encrypted key
 * well-formed (`ENC[…]` with a 32-byte IV and 16-byte tag); undefined when nothing is. A
 * truncated or hand-edited file fails here; a flipped character inside a ciphertext only
 * fails the MAC (`decryptDocument`) or a comparison with its stored copy.
 */
export function structureProblem(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return 'expected a YAML map, found none';
  const { sops: block, ...rest } = doc as Document;
  const sops = block as Partial<Record<keyof SopsMetadata, unknown>> | undefined;
  if (!sops || typeof sops !== 'object') return 'expected sops metadata, found none';
  if (!Array.isArray(sops.age) || sops.age.length === 0) return 'sops.age: expected at least one age recipient, found none';
  for (const [i, stanza] of (sops.age as Array<Partial<AgeStanza>>).entries()) {
    if (typeof stanza?.recipient !== 'string' || !AGE_RECIPIENT.test(stanza.recipient)) return `sops.age[${i}].recipient: expected an age public key, found another value`;
    if (typeof stanza.enc !== 'string' || !ARMOR.test(stanza.enc)) return `sops.age[${i}].enc: expected an armored age file, found a damaged one`;
  }
  if (typeof sops.lastmodified !== 'string' || !RFC3339.test(sops.lastmodified)) return 'sops.lastmodified: expected an RFC 3339 time, found another value';
  if (!wellFormed(sops.mac, 'str')) return 'sops.mac: expected an encrypted MAC, found a damaged one';
  if (sops.encrypted_regex !== ENCRYPTED_REGEX) return `sops.encrypted_regex: expected ${ENCRYPTED_REGEX}, found another value`;
  if (typeof sops.version !== 'string') return 'sops.version: expected a SOPS version, found none';
  let problem: string | undefined;
  walk(rest, [], (value, path) => {
    if (!problem && shouldEncrypt(path) && value !== '' && !wellFormed(value)) problem = `${path.join('.')}: expected a SOPS-encrypted value, found a damaged or plain one`;
    return value;
  });
  return problem;
}

function wellFormed(value: unknown, type?: string): boolean {
  const match = typeof value === 'string' ? ENC_PATTERN.exec(value) : null;
  if (!match || (type && match[4] !== type)) return false;
  const [, data, iv, tag] = match;
  const base64 = (s: string, bytes?: number) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0
    && (bytes === undefined || Buffer.from(s, 'base64').length === bytes);
  return base64(data) && base64(iv, IV_BYTES) && base64(tag, TAG_BYTES);
}

/** Recipients a document is encrypted for, sorted. */
export function recipientsOf(doc: Document): string[] {
  return ageStanzasOf(doc).map((a) => a.recipient).sort();
}
