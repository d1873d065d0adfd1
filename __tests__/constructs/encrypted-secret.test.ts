import * as fs from 'node:fs';
import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { decryptSops } from 'sops-age';
import { stringify } from 'yaml';
import { EncryptedSecret } from '../../constructs/credentials/encrypted-secret';
import { CREDENTIAL_ANNOTATION } from '../../secrets/credential-store';
import { SopsVault } from '../../secrets/sops-vault';
import { SAMPLE_IDENTITY_FILE, SAMPLE_RECIPIENT } from '../helpers';
import { oneOf } from './synth';

const IDENTITY = fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
const PASSWORD = 'Correct-Horse-Battery-1';

/** An EncryptedSecret holding a known password and a plain user name; `flush` encrypts it. */
const build = () => {
  const chart = Testing.chart();
  const vault = new SopsVault({ customer: 'acme', recipients: [SAMPLE_RECIPIENT], newValues: { 'grafana-admin': PASSWORD } });
  new EncryptedSecret(chart, 'secret', {
    vault,
    request: { name: 'grafana-admin', namespace: 'prometheus', entries: { password: { credential: 'grafana-admin' }, username: { value: 'admin' } } },
  });
  return { chart, vault };
};

describe('EncryptedSecret', () => {
  test('every data value is SOPS-encrypted (AES256-GCM) for the customer\'s age recipients: Flux decrypts it on apply', async () => {
    const { chart, vault } = build();
    await vault.flush();
    const secret = oneOf(chart, k8s.KubeSecret);
    for (const value of Object.values(secret.data ?? {})) expect(value).toMatch(/^ENC\[AES256_GCM,data:/);
    const [written]: Array<{ sops: { age: Array<{ recipient: string }> } }> = Testing.synth(chart);
    expect(written.sops.age.map((a) => a.recipient)).toEqual([SAMPLE_RECIPIENT]);
  });

  test('the operator\'s key decrypts it, with an independent SOPS implementation, to the requested content', async () => {
    const { chart, vault } = build();
    await vault.flush();
    const decrypted = await decryptSops(stringify(Testing.synth(chart)[0]), { secretKey: IDENTITY, fileType: 'yaml' });
    const data = oneOf(chart, k8s.KubeSecret).data ?? {};
    expect(Object.keys(data).sort()).toEqual(['password', 'username']);
    const plain: Record<string, string> = decrypted.data;
    expect(Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))).toEqual({ password: PASSWORD, username: 'admin' });
  });

  test('the plain value appears nowhere in what is written, neither as text nor base64', async () => {
    const { chart, vault } = build();
    await vault.flush();
    const written = JSON.stringify(Testing.synth(chart));
    expect(written).not.toContain(PASSWORD);
    expect(written).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(oneOf(chart, k8s.KubeSecret)).not.toHaveProperty('stringData');
  });

  test('name, namespace, type and the credential it holds are readable, so a reviewer sees which Secret changed', async () => {
    const { chart, vault } = build();
    await vault.flush();
    const secret = oneOf(chart, k8s.KubeSecret);
    expect(secret.metadata).toEqual({ name: 'grafana-admin', namespace: 'prometheus', annotations: { [CREDENTIAL_ANNOTATION]: 'grafana-admin' } });
    expect(secret.type).toBe('Opaque');
  });

  test('rendering before the vault has encrypted the data fails instead of writing an empty or plain Secret', () => {
    expect(() => Testing.synth(build().chart)).toThrow('Secret prometheus/grafana-admin was rendered before the vault was flushed');
  });
});
