import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decryptSops } from 'sops-age';
import { UserError } from '../model/user-error';
import {
  credentialStoreDir, encryptEntry, readStore, readStoredCredential, storeCredentials, writeStoreFiles,
} from '../secrets/credential-store';
import { killAtEachStep } from './fault-injection';
import { SAMPLE_IDENTITY_FILE, SAMPLE_RECIPIENT } from './helpers';

const IDENTITY = fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
// Another operator's identity, made per run: no private key but the samples' fixture is ever committed.
let OTHER_IDENTITY = '';
beforeAll(async () => {
  OTHER_IDENTITY = await (require('age-encryption') as typeof import('age-encryption')).generateX25519Identity();
});
const repo = () => fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-store-'));
const file = (root: string, credential: string, customer = 'acme') => path.join(root, 'credentials', customer, `${credential}.yaml`);

describe('credential store', () => {
  test('lives in credentials/<customer>, outside dist/ and the customers/*.yaml glob; names are checked', () => {
    expect(credentialStoreDir('acme')).toBe('credentials/acme');
    for (const bad of ['../acme', 'Acme', 'a/b', '', 'x'.repeat(64)]) expect(() => credentialStoreDir(bad)).toThrow(UserError);
  });

  test('a credential name the catalog does not know is refused, and nothing is written', async () => {
    const root = repo();
    const values = { 'harbor-admin': 'x', '../../escape': 'y' } as Record<string, string>;
    await expect(storeCredentials(root, 'acme', values, [SAMPLE_RECIPIENT])).rejects.toThrow(/^credentials\/acme: expected credentials among .*, found "\.\.\/\.\.\/escape"$/);
    expect(fs.existsSync(path.join(root, 'credentials'))).toBe(false);
  });

  test('a stored value reads back with the operator identity, and an independent SOPS decoder agrees', async () => {
    const root = repo();
    expect(await storeCredentials(root, 'acme', { 'harbor-admin': 'Correct-Horse-1', 'grafana-admin': 'Battery-Staple-2' }, [SAMPLE_RECIPIENT]))
      .toEqual(['credentials/acme/grafana-admin.yaml', 'credentials/acme/harbor-admin.yaml']);
    expect(await readStoredCredential(root, 'acme', 'harbor-admin', [IDENTITY])).toBe('Correct-Horse-1');
    expect(await readStoredCredential(root, 'acme', 'grafana-admin', [OTHER_IDENTITY, IDENTITY])).toBe('Battery-Staple-2');
    const text = fs.readFileSync(file(root, 'harbor-admin'), 'utf8');
    expect(text).not.toContain('Correct-Horse-1');
    expect(((await decryptSops(text, { secretKey: IDENTITY, fileType: 'yaml' })).data as { value: string }).value).toBe('Correct-Horse-1');
    expect(readStore(root, 'acme').get('harbor-admin')).toMatchObject({ credential: 'harbor-admin', recipients: [SAMPLE_RECIPIENT], sealed: new Map() });
  });

  test('a credential the store does not have is undefined; adding one needs no key and touches no other entry', async () => {
    const root = repo();
    expect(await readStoredCredential(root, 'acme', 'harbor-admin', [IDENTITY])).toBeUndefined();
    await storeCredentials(root, 'acme', { 'harbor-admin': 'first' }, [SAMPLE_RECIPIENT]);
    const before = fs.readFileSync(file(root, 'harbor-admin'), 'utf8');
    await storeCredentials(root, 'acme', { 'mariadb-root': 'second' }, [SAMPLE_RECIPIENT]);
    expect(fs.readFileSync(file(root, 'harbor-admin'), 'utf8')).toBe(before);
    await storeCredentials(root, 'acme', { 'harbor-admin': 'replaced' }, [SAMPLE_RECIPIENT]);
    expect(await readStoredCredential(root, 'acme', 'harbor-admin', [IDENTITY])).toBe('replaced');
    expect(await readStoredCredential(root, 'acme', 'mariadb-root', [IDENTITY])).toBe('second');
  });

  test('a value that cannot be decrypted is one line naming the file, never the value', async () => {
    const root = repo();
    await storeCredentials(root, 'acme', { 'harbor-admin': 'Correct-Horse-1' }, [SAMPLE_RECIPIENT]);
    await expect(readStoredCredential(root, 'acme', 'harbor-admin', [])).rejects.toThrow(
      /^credentials\/acme\/harbor-admin\.yaml: expected an age identity for one of its recipients \(age1\w+\) in SOPS_AGE_KEY_FILE or SOPS_AGE_KEY, found none$/);
    await expect(readStoredCredential(root, 'acme', 'harbor-admin', [OTHER_IDENTITY])).rejects.toThrow(/found none that matches$/);
    const text = fs.readFileSync(file(root, 'harbor-admin'), 'utf8');
    fs.writeFileSync(file(root, 'harbor-admin'), text.replace(/value: ENC\[AES256_GCM,data:(.)/, (_m, c) => `value: ENC[AES256_GCM,data:${c === 'A' ? 'B' : 'A'}`));
    const error = await readStoredCredential(root, 'acme', 'harbor-admin', [IDENTITY]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('credentials/acme/harbor-admin.yaml: cannot be decrypted: it was changed without its key (MAC or value does not verify)');
  });

  test('a damaged, truncated, foreign or misplaced entry is refused by name, without a key', async () => {
    const root = repo();
    await storeCredentials(root, 'acme', { 'harbor-admin': 'Correct-Horse-1' }, [SAMPLE_RECIPIENT]);
    const good = fs.readFileSync(file(root, 'harbor-admin'), 'utf8');
    const cases: Array<[string, () => void, RegExp]> = [
      ['truncated', () => fs.writeFileSync(file(root, 'harbor-admin'), good.slice(0, good.length / 2)), /harbor-admin\.yaml: /],
      ['foreign', () => fs.writeFileSync(file(root, 'harbor-admin'), good.replace('customer: acme', 'customer: other')), /metadata\.customer: expected "acme"/],
      ['renamed', () => fs.renameSync(file(root, 'harbor-admin'), file(root, 'grafana-admin')), /grafana-admin\.yaml: metadata\.name: expected "grafana-admin"/],
      ['.yml', () => fs.renameSync(file(root, 'harbor-admin'), file(root, 'harbor-admin').replace(/yaml$/, 'yml')), /harbor-admin\.yml: expected only files named <credential>\.yaml/],
      ['symlink', () => fs.symlinkSync(SAMPLE_IDENTITY_FILE, file(root, 'grafana-admin')), /grafana-admin\.yaml: expected a regular file, found a symbolic link/],
      ['an alias bomb', () => fs.writeFileSync(file(root, 'harbor-admin'), `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n${good}`),
        /harbor-admin\.yaml: expected no YAML anchors or aliases, found some/],
      ['damaged MAC', () => fs.writeFileSync(file(root, 'harbor-admin'), good.replace(/mac: ENC\[AES256_GCM,data:[^,]*,/, 'mac: ENC[AES256_GCM,data:x,')), /sops\.mac: expected an encrypted MAC/],
    ];
    for (const [what, damage, expected] of cases) {
      fs.rmSync(path.join(root, 'credentials'), { recursive: true });
      await storeCredentials(root, 'acme', { 'harbor-admin': 'Correct-Horse-1' }, [SAMPLE_RECIPIENT]);
      damage();
      let message = '';
      try {
        readStore(root, 'acme');
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        message = (e as Error).message;
      }
      expect([what, message]).toEqual([what, expect.stringMatching(expected)]);
      expect(message).not.toMatch(/Correct-Horse|AGE-SECRET-KEY|\n/);
    }
  });

  test('killed before any file-system step of the writer, each entry is the old one or the new one', async () => {
    const root = repo();
    await storeCredentials(root, 'acme', { 'harbor-admin': 'old-1', 'mariadb-root': 'old-2' }, [SAMPLE_RECIPIENT]);
    const old = ['harbor-admin', 'mariadb-root'].map((c) => fs.readFileSync(file(root, c), 'utf8'));
    const fresh = await Promise.all([['harbor-admin', 'new-1'], ['mariadb-root', 'new-2']].map(([credential, value]) =>
      encryptEntry('acme', { credential: credential as 'harbor-admin', value }, [SAMPLE_RECIPIENT])));
    const steps = await killAtEachStep(root, (s) => {
      writeStoreFiles(root, fresh, s);
    }, () => {
      for (const [i, c] of ['harbor-admin', 'mariadb-root'].entries()) {
        expect([old[i], fresh[i].content]).toContain(fs.readFileSync(file(root, c), 'utf8'));
      }
      expect(() => readStore(root, 'acme')).not.toThrow();
      for (const [i, f] of fresh.entries()) fs.writeFileSync(path.join(root, f.path), old[i]);
    });
    expect(steps).toBeGreaterThanOrEqual(4);
    expect(await readStoredCredential(root, 'acme', 'mariadb-root', [IDENTITY])).toBe('new-2');
  });

  test('a file-system failure is one line naming the path', async () => {
    const root = repo();
    fs.writeFileSync(path.join(root, 'credentials'), '');
    await expect(storeCredentials(root, 'acme', { 'harbor-admin': 'x' }, [SAMPLE_RECIPIENT])).rejects.toThrow(/^credentials\/acme: ENOTDIR \(expected a folder\)$/);
  });
});
