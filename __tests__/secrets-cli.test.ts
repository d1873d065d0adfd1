import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptSops } from 'sops-age';
import { parseAllDocuments } from 'yaml';
import { checkSecrets, reseal } from '../commands/secrets';
import { unwrapDataKey } from '../secrets/age';
import { decryptDocument } from '../secrets/sops';
import { readTree, SAMPLE_IDENTITY_FILE, SAMPLE_RECIPIENT, scratchRepo } from './helpers';

const IDENTITY = fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
const OTHER_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const CUSTOMER = 'seoul-lab';

/** Every Secret file of the customer holding `credential`, with its decrypted password. */
async function holders(repo: string, credential: string): Promise<Array<{ file: string; password: string }>> {
  const tree = readTree(path.join(repo, 'dist', CUSTOMER));
  const found = Object.entries(tree).filter(([, text]) => text.includes(`astrago.io/credential: ${credential}\n`));
  return Promise.all(found.map(async ([file, text]) => {
    const doc = parseAllDocuments(text)[0].toJS();
    const plain = await decryptSops(doc, { secretKey: IDENTITY });
    const key = Object.keys(plain.data).find((k) => k !== 'username')!;
    return { file, password: Buffer.from(plain.data[key], 'base64').toString() };
  }));
}

const quiet = () => undefined;

describe('secrets commands', () => {
  test('set encrypts the value into every Secret that holds the credential and leaves the others untouched', async () => {
    const repo = scratchRepo();
    const before = readTree(path.join(repo, 'dist'));
    expect(await reseal(repo, CUSTOMER, { newValues: { 'keycloak-admin': 'Chosen-Value-9' } }, quiet, 'keycloak-admin')).toBe(0);
    const copies = await holders(repo, 'keycloak-admin');
    expect(copies.map((c) => c.file).sort()).toEqual([
      'applications/configs/secret-astrago-keycloak-admin.yaml',
      'security/controllers/secret-keycloak-keycloak-admin.yaml',
    ]);
    expect(copies.map((c) => c.password)).toEqual(['Chosen-Value-9', 'Chosen-Value-9']);
    const after = readTree(path.join(repo, 'dist'));
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]);
    expect(changed.sort()).toEqual(copies.map((c) => `${CUSTOMER}/${c.file}`).sort());
  });

  test('rotate replaces the value with a new random one, the same in every copy', async () => {
    const repo = scratchRepo();
    const [old] = await holders(repo, 'harbor-admin');
    expect(await reseal(repo, CUSTOMER, { newValues: { 'harbor-admin': 'Rotated-Value-1' } }, quiet, 'harbor-admin')).toBe(0);
    const copies = await holders(repo, 'harbor-admin');
    expect(new Set(copies.map((c) => c.password))).toEqual(new Set(['Rotated-Value-1']));
    expect(copies[0].password).not.toBe(old.password);
  });

  test('rekey re-encrypts every Secret for a changed recipient list and keeps every value', async () => {
    const repo = scratchRepo();
    const file = path.join(repo, 'customers', `${CUSTOMER}.yaml`);
    const valuesBefore = await holders(repo, 'mariadb-user');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`[${SAMPLE_RECIPIENT}]`, `[${SAMPLE_RECIPIENT}, ${OTHER_RECIPIENT}]`));
    const log: string[] = [];
    process.env.SOPS_AGE_KEY_FILE = SAMPLE_IDENTITY_FILE;
    try {
      expect(await reseal(repo, CUSTOMER, { rekey: true }, (l) => log.push(l))).toBe(0);
    } finally {
      delete process.env.SOPS_AGE_KEY_FILE;
    }
    const secrets = Object.entries(readTree(path.join(repo, 'dist', CUSTOMER))).filter(([f]) => path.basename(f).startsWith('secret-')).map(([, t]) => t);
    expect(secrets.length).toBeGreaterThan(5);
    for (const text of secrets) expect(text).toContain(`recipient: ${OTHER_RECIPIENT}`);
    expect(await holders(repo, 'mariadb-user')).toEqual(valuesBefore);
  });

  test('a customer-managed credential cannot be set, and nothing is written', async () => {
    const repo = scratchRepo();
    const file = path.join(repo, 'customers', `${CUSTOMER}.yaml`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('secrets:\n', 'secrets:\n  existing: {grafana-admin: {secretName: my-grafana}}\n'));
    const before = readTree(path.join(repo, 'dist'));
    const log: string[] = [];
    expect(await reseal(repo, CUSTOMER, { newValues: { 'grafana-admin': 'x' } }, (l) => log.push(l), 'grafana-admin')).toBe(1);
    expect(log).toEqual([`error: customers/${CUSTOMER}.yaml: secrets.existing.grafana-admin: expected no entry to let synth encrypt the credential, found the customer-managed Secret "my-grafana"`]);
    expect(readTree(path.join(repo, 'dist'))).toEqual(before);
  });

  test('a credential no enabled component uses is refused', async () => {
    const repo = scratchRepo();
    const file = path.join(repo, 'customers', `${CUSTOMER}.yaml`);
    fs.appendFileSync(file, 'components: {harbor: {enabled: false}}\n');
    const log: string[] = [];
    expect(await reseal(repo, CUSTOMER, { newValues: { 'harbor-secret-key': 'x'.repeat(16) } }, (l) => log.push(l), 'harbor-secret-key')).toBe(1);
    expect(log).toEqual([`error: customers/${CUSTOMER}.yaml: expected a component that uses credential "harbor-secret-key", found none enabled`]);
  });

  test('check passes on the committed samples and names a plaintext Secret slipped into dist/', async () => {
    const repo = scratchRepo();
    expect(checkSecrets(repo, quiet)).toBe(0);
    fs.writeFileSync(path.join(repo, 'dist', CUSTOMER, 'leak.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: astrago}\nstringData: {password: hunter2}\n');
    const log: string[] = [];
    expect(checkSecrets(repo, (l) => log.push(l))).toBe(1);
    expect(log).toContain(`error: dist/${CUSTOMER}/leak.yaml: Secret/astrago/db: stringData in plain text (no sops metadata)`);
  });
});

test('every committed Secret of the sample customers decrypts and its MAC verifies', async () => {
  const root = path.resolve(__dirname, '..');
  const secrets = Object.entries(readTree(path.join(root, 'dist'))).filter(([f]) => path.basename(f).startsWith('secret-'));
  expect(secrets.length).toBeGreaterThan(10);
  for (const [, text] of secrets) {
    const doc = parseAllDocuments(text)[0].toJS();
    const dataKey = await unwrapDataKey(doc.sops.age, [IDENTITY]);
    expect(() => decryptDocument(doc, dataKey!)).not.toThrow();
  }
});
