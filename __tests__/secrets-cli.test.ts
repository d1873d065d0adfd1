import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptSops } from 'sops-age';
import { parseAllDocuments } from 'yaml';
import { reseal, checkSecrets } from '../commands/secrets-command';
import { NOTHING_WRITTEN, synth } from '../pipeline/synth';
import { unwrapDataKey } from '../secrets/age';
import { readStoredCredential } from '../secrets/credential-store';
import { decryptDocument } from '../secrets/sops';
import { readTree, SAMPLE_IDENTITY_FILE, SAMPLE_RECIPIENT, SAMPLES, scratchRepo, withOperatorKey } from './helpers';

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
  test('set encrypts the value into every Secret that holds the credential, rolls the platform pods that read it, and leaves the rest untouched', async () => {
    const repo = scratchRepo();
    const before = readTree(path.join(repo, 'dist'));
    expect(await withOperatorKey(() => reseal(repo, CUSTOMER, { newValues: { 'keycloak-admin': 'Chosen-Value-9' } }, quiet, 'keycloak-admin'))).toBe(0);
    const copies = await holders(repo, 'keycloak-admin');
    expect(copies.map((c) => c.file).sort()).toEqual([
      'applications/configs/secret-astrago-keycloak-admin.yaml',
      'security/controllers/secret-keycloak-keycloak-admin.yaml',
    ]);
    expect(copies.map((c) => c.password)).toEqual(['Chosen-Value-9', 'Chosen-Value-9']);
    const after = readTree(path.join(repo, 'dist'));
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]);
    // Keycloak kept the admin from its first start: it is not restarted.
    const readers = ['backend-batch', 'backend-core', 'backend-monitor'].map((b) => `${CUSTOMER}/applications/configs/${b}.yaml`);
    expect(changed.sort()).toEqual([...copies.map((c) => `${CUSTOMER}/${c.file}`), ...readers].sort());
    for (const reader of readers) expect(after[reader]).toContain('astrago.io/rotation-keycloak-admin: \'1\'');
  });

  test('rotate replaces the value with a new random one, the same in every copy', async () => {
    const repo = scratchRepo();
    const [old] = await holders(repo, 'harbor-admin');
    expect(await withOperatorKey(() => reseal(repo, CUSTOMER, { newValues: { 'harbor-admin': 'Rotated-Value-1' } }, quiet, 'harbor-admin'))).toBe(0);
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
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  existing:\n', '  existing:\n    grafana-admin: {secretName: my-grafana}\n'));
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

  test('check passes on the committed samples, with and without the key, and names a plaintext Secret slipped into dist/', async () => {
    const repo = scratchRepo();
    const log: string[] = [];
    expect(await checkSecrets(repo, (l) => log.push(l), [])).toBe(0);
    expect(await checkSecrets(repo, (l) => log.push(l), [IDENTITY])).toBe(0);
    expect(log).toEqual([
      'credentials intact: store and dist/ agree, no plaintext (MACs not verified: no SOPS_AGE_KEY_FILE or SOPS_AGE_KEY)',
      'credentials intact: store and dist/ agree, no plaintext, every MAC verifies',
    ]);
    fs.writeFileSync(path.join(repo, 'dist', CUSTOMER, 'leak.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: astrago}\nstringData: {password: hunter2}\n');
    log.length = 0;
    expect(await checkSecrets(repo, (l) => log.push(l), [])).toBe(1);
    expect(log).toContain(`error: dist/${CUSTOMER}/leak.yaml: Secret/astrago/db: stringData in plain text (no sops metadata)`);
    expect(log.join('\n')).not.toContain('hunter2');
  });

  test('check reads as Secrets only the YAML files that hold one: a note naming the annotation is not one', async () => {
    const repo = scratchRepo();
    fs.writeFileSync(path.join(repo, 'dist', CUSTOMER, 'NOTES.md'), 'Secrets carry the annotation astrago.io/credential: the credential they hold.\n');
    expect(await checkSecrets(repo, quiet, [])).toBe(0);
  });

  test('check names a committed file with a password or token in a URL, without echoing it', async () => {
    const repo = scratchRepo();
    fs.writeFileSync(path.join(repo, 'dist', CUSTOMER, 'mirror.sh'), 'flux bootstrap git --url=https://bob:hunter2@git.local/gitops.git\n');
    fs.writeFileSync(path.join(repo, 'dist', CUSTOMER, 'fine.sh'), 'flux bootstrap git --url=ssh://git@git.local/gitops.git\n');
    const log: string[] = [];
    expect(await checkSecrets(repo, (l) => log.push(l), [])).toBe(1);
    expect(log.filter((l) => l.startsWith('error:'))).toEqual([`error: dist/${CUSTOMER}/mirror.sh: expected no credentials in URLs (the file is committed in plain text), `
      + `found a URL with a user name and password or token; remove them from customers/${CUSTOMER}.yaml and run \`npx cdk8s synth\``]);
    expect(log.join('\n')).not.toContain('hunter2');
  });

  test('check names a broken customer file and still checks the other customers', async () => {
    const repo = scratchRepo();
    const broken = SAMPLES.find((c) => c !== CUSTOMER)!;
    fs.writeFileSync(path.join(repo, 'customers', `${broken}.yaml`), 'nfs: {server: 10.0.0.6}\n');
    fs.writeFileSync(path.join(repo, 'dist', CUSTOMER, 'mirror.sh'), 'flux bootstrap git --url=https://bob:hunter2@git.local/gitops.git\n');
    const log: string[] = [];
    expect(await checkSecrets(repo, (l) => log.push(l), [])).toBe(1);
    expect(log.filter((l) => l.startsWith('error:'))).toEqual([
      expect.stringMatching(new RegExp(`^error: customers/${broken}\\.yaml: externalAccess\\.ip\\.address: expected`)),
      expect.stringMatching(new RegExp(`^error: dist/${CUSTOMER}/mirror\\.sh: expected no credentials in URLs`)),
    ]);
    expect(log.at(-1)).toBe('2 problem(s)');
  });

  const SECRET = `dist/${CUSTOMER}/security/controllers/secret-harbor-harbor-admin.yaml`;
  const flip = (text: string, pattern: RegExp) => text.replace(pattern, (m) => m.slice(0, -1) + (m.endsWith('A') ? 'B' : 'A'));
  const copied = `error: ${SECRET}: expected the Secret exactly as copied from credentials/${CUSTOMER}/harbor-admin.yaml, found another one (tampered, truncated or stale)`;
  /** Without a key, check cannot tell which copy is intact and says how to find out; with one, the store's MAC did. */
  const disagreement = (identities: readonly string[]) => (identities.length > 0 ? `${copied}; run \`npx cdk8s synth\` to restore it`
    : `${copied}: one of the two was changed; with SOPS_AGE_KEY_FILE set, \`secrets check\` verifies credentials/${CUSTOMER}/harbor-admin.yaml, and if it is intact \`npx cdk8s synth\` restores this file`);
  test.each([
    ['a flipped character in an encrypted value', (t: string) => flip(t, /password: ENC\[AES256_GCM,data:.{8}/), []],
    ['a file cut in half', (t: string) => t.slice(0, Math.floor(t.length / 2)),
      [expect.stringMatching(new RegExp(`^error: ${SECRET}: (expected one valid YAML document|sops)`))]],
  ])('check names %s, without a key and with one', async (_what, damage, expected) => {
    const repo = scratchRepo();
    const file = path.join(repo, SECRET);
    fs.writeFileSync(file, damage(fs.readFileSync(file, 'utf8')));
    for (const identities of [[], [IDENTITY]]) {
      const log: string[] = [];
      expect(await checkSecrets(repo, (l) => log.push(l), identities)).toBe(1);
      expect(log.filter((l) => l.startsWith('error:'))).toEqual(expect.arrayContaining([...expected as string[], disagreement(identities)]));
      expect(log.at(-1)).toMatch(/^\d+ problem\(s\)$/);
    }
  });

  test('a store entry changed without its key is named by check with the key (only the MAC reveals it)', async () => {
    const repo = scratchRepo();
    const storeFile = path.join(repo, 'credentials', CUSTOMER, 'harbor-admin.yaml');
    const store = fs.readFileSync(storeFile, 'utf8');
    fs.writeFileSync(storeFile, flip(store, /value: ENC\[AES256_GCM,data:.{8}/));
    const log: string[] = [];
    expect(await checkSecrets(repo, (l) => log.push(l), [IDENTITY])).toBe(1);
    expect(log).toContain(`error: credentials/${CUSTOMER}/harbor-admin.yaml: cannot be decrypted: it was changed without its key (MAC or value does not verify)`);
    expect(await checkSecrets(repo, quiet, [])).toBe(0);
  });

  test('synth with the operator\'s key refuses a store entry changed without it, naming it, and writes nothing', async () => {
    const repo = scratchRepo();
    const storeFile = path.join(repo, 'credentials', CUSTOMER, 'harbor-admin.yaml');
    fs.writeFileSync(storeFile, flip(fs.readFileSync(storeFile, 'utf8'), /value: ENC\[AES256_GCM,data:.{8}/));
    const before = readTree(path.join(repo, 'dist'));
    const log: string[] = [];
    process.env.SOPS_AGE_KEY = IDENTITY;
    try {
      expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
    } finally {
      delete process.env.SOPS_AGE_KEY;
    }
    expect(log.filter((l) => l.startsWith('error:'))).toEqual([`error: credentials/${CUSTOMER}/harbor-admin.yaml: cannot be decrypted: it was changed without its key (MAC or value does not verify) (${NOTHING_WRITTEN})`]);
    expect(readTree(path.join(repo, 'dist'))).toEqual(before);
  });

  test('set and rotate store the new value before writing dist/', async () => {
    const repo = scratchRepo();
    expect(await reseal(repo, CUSTOMER, { newValues: { 'grafana-admin': 'Chosen-Value-7' } }, quiet, 'grafana-admin')).toBe(0);
    expect(await readStoredCredential(repo, CUSTOMER, 'grafana-admin', [IDENTITY])).toBe('Chosen-Value-7');
    expect(await checkSecrets(repo, quiet, [IDENTITY])).toBe(0);
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
