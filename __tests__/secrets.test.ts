import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decrypt_with_x25519 } from '@kanru/rage-wasm';
import { ApiObject, App } from 'cdk8s';
import { decryptSops } from 'sops-age';
import { stringify } from 'yaml';
import type { CredentialName } from '../catalog/credentials';
import { ComponentChart } from '../constructs/core/component-chart';
import type { CustomerApp } from '../constructs/customer-app';
import { fieldsOf, listOf } from '../model/fields';
import { Stage } from '../model/layout';
import { UserError } from '../model/user-error';
import { renderCustomer } from '../output/render';
import { unwrapDataKey } from '../secrets/age';
import { CREDENTIAL_ANNOTATION, openEntry, readStore, writeStoreFiles, type StoredCredential } from '../secrets/credential-store';
import { scanTree } from '../secrets/guard';
import { decryptDocument, SopsError, type Document } from '../secrets/sops';
import { SopsVault, type SopsVaultProps } from '../secrets/sops-vault';
import { configFrom, MINIMAL, SAMPLE_IDENTITY_FILE, SAMPLE_RECIPIENT } from './helpers';

const IDENTITY = fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
const OTHER_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

/** One Secret sealed by a vault; `store` is the customer's store after writing what the vault changed. */
async function sealAndStore(props: Partial<SopsVaultProps>, credential: CredentialName = 'harbor-admin', namespace = 'harbor', username?: string) {
  const vault = new SopsVault({ customer: 'acme', recipients: [SAMPLE_RECIPIENT], ...props });
  const entries = { password: { credential }, ...(username ? { username: { value: username } } : {}) };
  const sealed = vault.seal({ name: credential, namespace, entries });
  await vault.flush();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-vault-'));
  writeStoreFiles(root, [...(props.store?.values() ?? [])].map((entry) => ({ path: entry.file, content: entry.text })));
  writeStoreFiles(root, vault.storeFiles);
  return { doc: sealed.object as Document, store: readStore(root, 'acme'), written: vault.storeFiles.map((f) => f.path) };
}

async function seal(props: Partial<SopsVaultProps>, credential: CredentialName = 'harbor-admin', namespace = 'harbor', username?: string): Promise<Document> {
  return (await sealAndStore(props, credential, namespace, username)).doc;
}

/** Writes a document the way synth does, then decrypts it with sops-age (an independent SOPS implementation). */
async function decryptWithSopsAge(doc: Document): Promise<Record<string, string>> {
  const decrypted = await decryptSops(stringify(doc), { secretKey: IDENTITY, fileType: 'yaml' });
  return Object.fromEntries(Object.entries(decrypted.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

describe('SOPS encryption', () => {
  test('a sealed Secret decrypts with an independent decoder to the value that was set', async () => {
    const doc = await seal({ newValues: { 'harbor-admin': 'Correct-Horse-1' } }, 'harbor-admin', 'harbor', 'admin');
    expect(await decryptWithSopsAge(doc)).toEqual({ password: 'Correct-Horse-1', username: 'admin' });
    expect(doc).toMatchObject({
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: { name: 'harbor-admin', namespace: 'harbor', annotations: { [CREDENTIAL_ANNOTATION]: 'harbor-admin' } },
      sops: { encrypted_regex: '^(data|stringData)$', version: '3.9.4', age: [{ recipient: SAMPLE_RECIPIENT }] },
    });
    expect(JSON.stringify(doc)).not.toContain(Buffer.from('Correct-Horse-1').toString('base64'));
  });

  test('keys are written in the order SOPS and Flux hash them (sorted), so the MAC verifies', async () => {
    const doc = await seal({});
    expect(Object.keys(doc)).toEqual(['apiVersion', 'data', 'kind', 'metadata', 'sops', 'type']);
  });

  test('a generated credential is strong and random', async () => {
    const [a, b] = [await seal({}), await seal({})];
    const [pa, pb] = [(await decryptWithSopsAge(a)).password, (await decryptWithSopsAge(b)).password];
    expect(pa).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(pa).not.toBe(pb);
    const key = (await decryptWithSopsAge(await seal({}, 'harbor-secret-key'))).password;
    expect(key).toHaveLength(16);
  });

  test('a tampered value fails to decrypt, in the independent decoder and in ours', async () => {
    const doc = await seal({ newValues: { 'harbor-admin': 'Correct-Horse-1' } });
    const data = doc.data as Record<string, string>;
    const tampered = { ...doc, data: { password: data.password.replace(/data:(.)/, (_m, c) => `data:${c === 'A' ? 'B' : 'A'}`) } };
    await expect(decryptWithSopsAge(tampered)).rejects.toThrow();
    const dataKey = (await unwrapDataKey(fieldsOf(doc.sops).age, [IDENTITY]))!;
    expect(() => decryptDocument(tampered, dataKey)).toThrow(SopsError);
  });

  test('a tampered MAC or a changed readable field fails the integrity check', async () => {
    const doc = await seal({});
    const dataKey = (await unwrapDataKey(fieldsOf(doc.sops).age, [IDENTITY]))!;
    expect(decryptDocument(doc, dataKey).kind).toBe('Secret');
    const sops = doc.sops as Record<string, string>;
    const badMac = { ...doc, sops: { ...sops, mac: sops.mac.replace(/tag:(.)/, (_m, c) => `tag:${c === 'A' ? 'B' : 'A'}`) } };
    expect(() => decryptDocument(badMac, dataKey)).toThrow(SopsError);
    const renamed = { ...doc, metadata: { ...(doc.metadata as object), name: 'other' } };
    expect(() => decryptDocument(renamed, dataKey)).toThrow(/MAC mismatch/);
  });

  test('rage, the Rust age implementation, decrypts the data key, which decrypts the document and verifies its MAC', async () => {
    const doc = await seal({ newValues: { 'harbor-admin': 'Correct-Horse-1' } });
    const [stanza] = (doc.sops as { age: Array<{ enc: string }> }).age;
    const dataKey = Buffer.from(await decrypt_with_x25519(IDENTITY, new TextEncoder().encode(stanza.enc)));
    expect(dataKey).toHaveLength(32);
    expect(Buffer.from((decryptDocument(doc, dataKey).data as Record<string, string>).password, 'base64').toString()).toBe('Correct-Horse-1');
  });
});

describe('credentials across synths', () => {
  /** The operator has no key at hand: nothing here may need one. */
  const noIdentity = () => [];

  test('an unchanged Secret is copied from the store byte for byte, without any identity', async () => {
    const first = await sealAndStore({});
    expect(first.written).toEqual(['credentials/acme/harbor-admin.yaml']);
    const second = await sealAndStore({ store: first.store, identities: noIdentity });
    expect(second.doc).toEqual(first.doc);
    expect(second.written).toEqual([]);
  });

  test('a credential needed in a new namespace is encrypted from the store, which needs the operator identity', async () => {
    const first = await sealAndStore({});
    await expect(seal({ store: first.store }, 'harbor-admin', 'astrago')).rejects.toThrow(UserError);
    await expect(seal({ store: first.store }, 'harbor-admin', 'astrago')).rejects.toThrow(
      /^credentials\/acme\/harbor-admin\.yaml: expected an age identity for one of its recipients .* in SOPS_AGE_KEY_FILE or SOPS_AGE_KEY, found none$/);
    const copy = await sealAndStore({ store: first.store, identities: () => [IDENTITY] }, 'harbor-admin', 'astrago');
    expect((await decryptWithSopsAge(copy.doc)).password).toBe((await decryptWithSopsAge(first.doc)).password);
    const entry = copy.store.get('harbor-admin')!;
    expect([...entry.sealed.keys()]).toEqual(['astrago/harbor-admin', 'harbor/harbor-admin']);
    // The entry keeps its data key: its other sealed copies stay valid.
    expect(fieldsOf(entry.document.sops).age).toEqual(fieldsOf(first.store.get('harbor-admin')!.document.sops).age);
  });

  test('changed recipients stop synth until an explicit rekey, which keeps the value', async () => {
    const first = await sealAndStore({});
    const changed = { store: first.store, recipients: [SAMPLE_RECIPIENT, OTHER_RECIPIENT] };
    await expect(seal(changed)).rejects.toThrow(/run `npx astrago secrets rekey acme`/);
    const rekeyed = await sealAndStore({ ...changed, rekey: true, identities: () => [IDENTITY] });
    expect(listOf(fieldsOf(rekeyed.doc.sops).age).map((a) => a.recipient)).toEqual([SAMPLE_RECIPIENT, OTHER_RECIPIENT].sort());
    expect(rekeyed.store.get('harbor-admin')!.recipients).toEqual([SAMPLE_RECIPIENT, OTHER_RECIPIENT].sort());
    expect((await decryptWithSopsAge(rekeyed.doc)).password).toBe((await decryptWithSopsAge(first.doc)).password);
  });

  test('a new value of a credential read at every start replaces the stored one and its Secrets, without any identity', async () => {
    const first = await sealAndStore({}, 'grafana-admin', 'prometheus');
    const rotated = await sealAndStore({ store: first.store, newValues: { 'grafana-admin': 'New-Value-2' }, identities: noIdentity }, 'grafana-admin', 'prometheus');
    expect((await decryptWithSopsAge(rotated.doc)).password).toBe('New-Value-2');
    const entry = rotated.store.get('grafana-admin')!;
    expect(entry.rotation).toBe(1);
    expect((await openEntry(entry, [IDENTITY])).previous).toBeUndefined();
  });

  test('a new value of a credential a service keeps from its initialisation keeps the previous one, encrypted, which needs the identity; later copies and rekey keep it', async () => {
    const first = await sealAndStore({});
    const old = (await decryptWithSopsAge(first.doc)).password;
    await expect(seal({ store: first.store, newValues: { 'harbor-admin': 'New-Value-2' }, identities: noIdentity })).rejects.toThrow(/expected an age identity/);
    const rotated = await sealAndStore({ store: first.store, newValues: { 'harbor-admin': 'New-Value-2' }, identities: () => [IDENTITY] });
    expect(await readStoredCredentialOf(rotated.store)).toBe('New-Value-2');
    const entry = rotated.store.get('harbor-admin')!;
    expect(entry.rotation).toBe(1);
    expect(await openEntry(entry, [IDENTITY])).toMatchObject({ value: 'New-Value-2', previous: old });
    expect(entry.text).not.toContain(old);
    // A later synth with the key (a Secret added elsewhere) keeps both values and the count.
    const copied = await sealAndStore({ store: rotated.store, identities: () => [IDENTITY] }, 'harbor-admin', 'astrago');
    expect(await openEntry(copied.store.get('harbor-admin')!, [IDENTITY])).toMatchObject({ value: 'New-Value-2', previous: old });
    expect(copied.store.get('harbor-admin')!.rotation).toBe(1);
    // rekey re-encrypts for new recipients and keeps both values and the count.
    const rekeyed = await sealAndStore({
      store: rotated.store, recipients: [SAMPLE_RECIPIENT, OTHER_RECIPIENT], rekey: true, identities: () => [IDENTITY],
    });
    const kept = rekeyed.store.get('harbor-admin')!;
    expect(kept.recipients).toEqual([SAMPLE_RECIPIENT, OTHER_RECIPIENT].sort());
    expect([kept.rotation, (await openEntry(kept, [IDENTITY])).previous]).toEqual([1, old]);
  });

  test('a credential the store lacks is moved from the Secrets committed in dist/, which stay byte for byte', async () => {
    const legacy = await seal({ newValues: { 'harbor-admin': 'Committed-1' } });
    await expect(seal({ legacy: () => [{ file: 'dist/acme/x.yaml', document: legacy }] })).rejects.toThrow(
      /^dist\/acme\/x\.yaml: expected an age identity of this customer .* to move credential "harbor-admin" into credentials\/acme\/harbor-admin\.yaml/);
    const migrated = await sealAndStore({ legacy: () => [{ file: 'dist/acme/x.yaml', document: legacy }], identities: () => [IDENTITY] });
    expect(migrated.doc).toEqual(legacy);
    expect(await readStoredCredentialOf(migrated.store)).toBe('Committed-1');
    const damaged = { ...legacy, sops: { ...(legacy.sops as object), mac: 'ENC[cut' } };
    await expect(seal({ legacy: () => [{ file: 'dist/acme/x.yaml', document: damaged }], identities: () => [IDENTITY] })).rejects.toThrow(
      /^dist\/acme\/x\.yaml: sops\.mac: expected an encrypted MAC, found a damaged one; refusing to reuse it/);
  });

  test('a credential git history shows in the store is never minted again: the message says how to restore it', async () => {
    await expect(seal({ history: (file) => (file === 'credentials/acme/harbor-admin.yaml' ? 'abc1234' : undefined) })).rejects.toThrow(
      'credentials/acme/harbor-admin.yaml: expected the stored credential "harbor-admin", found it deleted (git has it at abc1234); '
      + 'restore it with `git checkout abc1234 -- credentials/acme/harbor-admin.yaml`: synth never mints a credential twice');
  });

  test('a customer with credentials to encrypt but no recipient is told what to add', async () => {
    await expect(seal({ recipients: [] })).rejects.toThrow(/secrets\.ageRecipients: expected at least one age public key/);
  });
});

async function readStoredCredentialOf(store: ReadonlyMap<CredentialName, StoredCredential>): Promise<string> {
  return (await openEntry(store.get('harbor-admin')!, [IDENTITY])).value;
}

describe('plaintext guard', () => {
  test('finds Secrets with readable data, and accepts encrypted ones', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
    fs.writeFileSync(path.join(dir, 'ok.yaml'), stringify(await seal({})));
    fs.writeFileSync(path.join(dir, 'leak.yaml'), '---\napiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: x}\nstringData: {password: hunter2}\n');
    fs.writeFileSync(path.join(dir, 'half.yaml'), stringify({ ...(await seal({})), data: { password: 'aHVudGVyMg==' } }));
    expect(scanTree(dir).map((f) => `${f.file} ${f.object}: ${f.message}`)).toEqual([
      'half.yaml Secret/harbor/harbor-admin: data.password is not SOPS-encrypted',
      'leak.yaml Secret/x/db: stringData in plain text (no sops metadata)',
    ]);
  });

  test('synth refuses to render a plaintext Secret', () => {
    const app = Object.assign(new App(), { config: configFrom(MINIMAL) });
    const chart = new ComponentChart(app, { placement: { kind: 'component', tier: 'applications', stage: Stage.CONTROLLERS, component: 'leak' } });
    new ApiObject(chart, 's', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'x' } });
    expect(() => renderCustomer(app as unknown as CustomerApp, 'customers/acme.yaml')).toThrow(/refusing to write a plaintext Secret/);
  });

  test('no sample customer file or committed tree holds a plaintext credential or an old default password', () => {
    const root = path.resolve(__dirname, '..');
    expect(scanTree(path.join(root, 'dist'))).toEqual([]);
    const texts = ['customers', 'dist'].flatMap((d) => fs.readdirSync(path.join(root, d), { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(root, d, f)).filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f, 'utf8')));
    for (const old of ['xiirocks', 'astragosecret', 'Harbor12345', 'prom-operator']) {
      expect(texts.filter((t) => t.includes(old))).toEqual([]);
    }
  });
});
