/**
 * A private registry's login is a credential like any other: stored encrypted, sealed into a
 * `kubernetes.io/dockerconfigjson` Secret in the namespace of the pods that pull from the
 * registry, referenced by them; never invented; its absence named by validate.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptSops } from 'sops-age';
import { parseAllDocuments } from 'yaml';
import type { Io } from '../commands/io';
import { dockerConfigProblem, reseal } from '../commands/secrets-command';
import { type Fields } from '../model/fields';
import { synth } from '../pipeline/synth';
import { existingObjects } from '../validate/externals';
import { PLATFORM_RULES } from '../validate/rules/platform';
import { validateTrees } from '../validate/validate';
import { runCli } from './cli-session';
import { configFrom, findObject, MINIMAL, objectsOf, readTree, render, ROOT, SAMPLE_IDENTITY_FILE, sampleConfig, scratchRepo } from './helpers';

const IDENTITY = fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
const CUSTOMER = 'seoul-lab';
const LOGIN = JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('lab-robot:a-token').toString('base64') } } });
const PLATFORM_PODS = ['astrago-backend-core', 'astrago-backend-batch', 'astrago-backend-monitor', 'astrago-frontend'];
const quiet = () => undefined;
type Obj = Fields;

const pullSecretsOf = (all: Obj[], kind: string, name: string) => (findObject(all as never, kind, name).spec as Obj).template.spec.imagePullSecrets;
/** A repository whose seoul-lab keeps no login of its own (no secrets.existing). */
function repoWithoutLogin(): string {
  const repo = scratchRepo();
  const file = path.join(repo, 'customers', `${CUSTOMER}.yaml`);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n  existing:\n(    .*\n)+/, '\n'));
  return repo;
}

describe('pull credentials', () => {
  test('secrets set stores the login, synth seals it into a kubernetes.io/dockerconfigjson Secret in astrago, and the platform pods pull with it', async () => {
    const repo = repoWithoutLogin();
    expect(await synth({ root: repo, log: quiet })).toBe(0);
    expect(await reseal(repo, CUSTOMER, { newValues: { 'registry-login': LOGIN } }, quiet, 'registry-login')).toBe(0);
    const file = `dist/${CUSTOMER}/applications/configs/secret-astrago-registry-login.yaml`;
    const secret = parseAllDocuments(fs.readFileSync(path.join(repo, file), 'utf8'))[0].toJS();
    expect([secret.type, secret.metadata.namespace, Object.keys(secret.data)]).toEqual(['kubernetes.io/dockerconfigjson', 'astrago', ['.dockerconfigjson']]);
    expect(secret.data['.dockerconfigjson']).toMatch(/^ENC\[AES256_GCM,/);
    const plain = await decryptSops(secret, { secretKey: IDENTITY });
    expect(Buffer.from(plain.data['.dockerconfigjson'], 'base64').toString()).toBe(LOGIN);
    expect(fs.existsSync(path.join(repo, 'credentials', CUSTOMER, 'registry-login.yaml'))).toBe(true);

    const all = objectsOf(Object.entries(readTree(path.join(repo, 'dist', CUSTOMER))).map(([p, content]) => ({ path: p, content })));
    for (const pod of PLATFORM_PODS) expect([pod, pullSecretsOf(all, 'Deployment', pod)]).toEqual([pod, [{ name: 'registry-login' }]]);
    // MariaDB's image is Docker Hub's official one: no login goes where it is not needed.
    expect(pullSecretsOf(all, 'StatefulSet', 'astrago-mariadb')).toBeUndefined();
    // From the store on, synth needs no key and writes the same bytes.
    const before = readTree(path.join(repo, 'dist'));
    expect(await synth({ root: repo, log: quiet })).toBe(0);
    expect(readTree(path.join(repo, 'dist'))).toEqual(before);
  });

  test('synth never invents a login: without one no pull Secret is emitted, and validate names the login to store', async () => {
    const config = configFrom(MINIMAL.replace(/, existing: \{.*\}\}/, '}'));
    const files = await render(config);
    const all = objectsOf(files);
    expect(all.filter((o) => o.kind === 'Secret' && o.metadata.name === 'registry-login')).toEqual([]);
    for (const pod of PLATFORM_PODS) expect(pullSecretsOf(all, 'Deployment', pod)).toBeUndefined();
    const report = validateTrees([{ customer: 'acme', files, externals: existingObjects(config) }], { rules: PLATFORM_RULES });
    const findings = report.findings.filter((f) => f.rule === 'platform/pull-credential');
    expect(findings.map((f) => f.file).sort()).toEqual(['backend-batch', 'backend-core', 'backend-monitor', 'frontend']
      .map((c) => `dist/acme/applications/configs/${c}.yaml`));
    expect(findings[0].message).toMatch(/expected an imagePullSecret for "ghcr\.io\/xiilab\/astrago-\S+" \(ghcr\.io\/xiilab\/ is private\), found none: store the login with `npx astrago secrets set acme registry-login`/);
  });

  test('a login the customer keeps (secrets.existing) is referenced, never created, and satisfies validate; an air-gapped customer pulls from its mirror without one', async () => {
    const config = sampleConfig(CUSTOMER);
    const files = await render(config);
    const all = objectsOf(files);
    expect(all.filter((o) => o.kind === 'Secret' && o.metadata.name === 'registry-login')).toEqual([]);
    for (const pod of PLATFORM_PODS) expect(pullSecretsOf(all, 'Deployment', pod)).toEqual([{ name: 'ghcr-login' }]);
    const report = validateTrees([{ customer: CUSTOMER, files, externals: existingObjects(config) }], { rules: PLATFORM_RULES });
    expect(report.findings).toEqual([]);

    const offline = objectsOf(await render(sampleConfig('factory')));
    for (const pod of PLATFORM_PODS) expect(pullSecretsOf(offline, 'Deployment', pod)).toBeUndefined();
  });

  test('secrets set takes only a Docker config with a login per registry, and never echoes what it refuses', () => {
    expect(dockerConfigProblem(LOGIN)).toBeUndefined();
    expect(dockerConfigProblem(JSON.stringify({ auths: { 'ghcr.io': { username: 'u', password: 'p' } } }))).toBeUndefined();
    const notJson = dockerConfigProblem('ghp_SecretToken123');
    expect(notJson).toBe('a text of 18 characters that is not JSON');
    // A config whose login sits in a credential helper holds no password kubelet could use.
    expect(dockerConfigProblem(JSON.stringify({ auths: { 'ghcr.io': {} }, credsStore: 'desktop' }))).toMatch(/^no login for ghcr\.io \(kept by a credential helper/);
    expect(dockerConfigProblem('{"auths": {}}')).toBe('JSON without registries under "auths"');
  });

  test('npx astrago secrets set reads the login from standard input, and refuses a token typed in its place in one line that never echoes it', () => {
    const token = 'ghp_ThisIsATokenNotADockerConfig';
    const before = readTree(path.join(ROOT, 'credentials'));
    const run = spawnSync('node', ['bin/astrago.js', 'secrets', 'set', CUSTOMER, 'registry-login'], { cwd: ROOT, input: `${token}\n`, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`error: standard input: expected a Docker config JSON with a login under "auths" for registry-login, found a text of ${token.length} characters that is not JSON (not echoed)\n`);
    expect(run.stdout + run.stderr).not.toContain(token);
    expect(readTree(path.join(ROOT, 'credentials'))).toEqual(before);
  });

  test('rotate refuses a registry login: only its owner can make a new one', async () => {
    const repo = scratchRepo();
    const before = readTree(repo);
    const r = await runCli(repo, ['secrets', 'rotate', CUSTOMER, 'registry-login'], { interactive: false, prompts: {} as Io['prompts'] });
    expect(r).toMatchObject({ code: 2, err: `error: <credential>: registry-login is a login only its owner can give, never generated: replace it with \`npx astrago secrets set ${CUSTOMER} registry-login\`` });
    expect(readTree(repo)).toEqual(before);
  });
});
