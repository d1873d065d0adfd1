import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { buildProgram, processIo } from '../commands/cli';
import { progressLine, type Io } from '../commands/io';
import type { Prompts } from '../commands/prompts';
import { loadCustomerFile } from '../config/load';
import { runCli } from './cli-session';
import { readTree, scratchRepo } from './helpers';

// Keys `init` generates go to a scratch folder, never to the developer's ~/.config.
const KEYS = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'astrago-keys-'));
process.env.ASTRAGO_KEYS_DIR = KEYS;

interface Session {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Scripted answers for the prompt layer. An input answer its validator rejects is recorded and the next one is typed. */
function scripted(answers: Array<string | boolean>): Prompts & { rejected: string[]; asked: string[] } {
  const next = () => {
    if (answers.length === 0) throw new Error('the wizard asked more questions than scripted');
    return answers.shift()!;
  };
  const prompts = {
    rejected: [] as string[],
    asked: [] as string[],
    async input(q: { message: string; default?: string; validate?: (v: string) => true | string }) {
      prompts.asked.push(q.message);
      for (;;) {
        const answer = (next() as string) || q.default || '';
        const verdict = q.validate?.(answer) ?? true;
        if (verdict === true) return answer;
        prompts.rejected.push(verdict);
      }
    },
    async select<T extends string>(q: { message: string; choices: ReadonlyArray<{ value: T }> }) {
      prompts.asked.push(q.message);
      const answer = next() as T;
      if (!q.choices.some((c) => c.value === answer)) throw new Error(`${answer} is not a choice of ${q.message}`);
      return answer;
    },
    async confirm(q: { message: string }) {
      prompts.asked.push(q.message);
      return next() as boolean;
    },
  };
  return prompts;
}

async function run(root: string, args: string[], options: { interactive?: boolean; prompts?: Prompts; progress?: Io['progress'] } = {}): Promise<Session> {
  return runCli(root, args, { interactive: options.interactive ?? false, prompts: options.prompts ?? scripted([]), progress: options.progress });
}

const ACME = ['init', 'acme', '--ip', '10.0.0.5', '--nfs-server', '10.0.0.6', '--nfs-path', '/vol'];
const gitCommit = (repo: string) => {
  const git = (...a: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
};

describe('init', () => {
  test('flags become a valid customer file, its dist/ and flux/ entry, and check passes without an edit', async () => {
    const repo = scratchRepo();
    const r = await run(repo, ACME);
    expect(r).toMatchObject({ code: 0 });
    const text = fs.readFileSync(path.join(repo, 'customers/acme.yaml'), 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/customer\.schema\.json\n/);
    expect(loadCustomerFile(path.join(repo, 'customers/acme.yaml')).config).toMatchObject({
      externalAccess: { mode: 'ip', ip: { address: '10.0.0.5' } }, nfs: { server: '10.0.0.6', basePath: '/vol' },
    });
    expect(Object.keys(readTree(path.join(repo, 'dist/acme')))).toContain('infrastructure/controllers/csi-driver-nfs.yaml');
    expect(parse(fs.readFileSync(path.join(repo, 'flux/acme/astrago.yaml'), 'utf8')).spec.path).toBe('./dist/acme');
    expect((await run(repo, ['check'])).code).toBe(0);
    expect((await run(repo, ['list'])).out).toMatch(/^acme\s+stable: 2026\.12\.0\s+ip 10\.0\.0\.5\s+all 9\s+no\s+up to date$/m);
  });

  test('domain, TLS, offline registry and profile flags land in the file', async () => {
    const repo = scratchRepo();
    const r = await run(repo, ['init', 'lab', '--domain', 'lab.example.com', '--tls-issuer', 'letsencrypt', '--nfs-server', 'nfs.lab',
      '--offline-registry', 'harbor.lab:443/astrago', '--profile', 'dev', '--kubernetes-version', '1.30.4']);
    expect(r.code).toBe(0);
    expect(loadCustomerFile(path.join(repo, 'customers/lab.yaml')).config).toMatchObject({
      profile: 'dev', kubernetesVersion: '1.30.4',
      externalAccess: { mode: 'domain', domain: { name: 'lab.example.com', tls: { enabled: true, issuer: 'letsencrypt' } } },
      offline: { registry: 'harbor.lab:443/astrago' },
    });
  });

  test('an existing customer is not overwritten without --force', async () => {
    const repo = scratchRepo();
    await run(repo, ACME);
    fs.appendFileSync(path.join(repo, 'customers/acme.yaml'), '# mine\n');
    const refused = await run(repo, [...ACME.slice(0, 3), '10.0.0.7', ...ACME.slice(4)]);
    expect(refused).toMatchObject({ code: 1, err: 'error: customers/acme.yaml exists: pass --force to replace it' });
    expect(fs.readFileSync(path.join(repo, 'customers/acme.yaml'), 'utf8')).toContain('# mine');
    expect((await run(repo, [...ACME, '--force', '--ip', '10.0.0.7'])).code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'customers/acme.yaml'), 'utf8')).toContain('10.0.0.7');
  });

  test.each([
    ['a name that is not DNS-1123', ['init', 'Acme_1', '--ip', '10.0.0.5', '--nfs-server', 'n'], /^error: <name>: expected a DNS-1123 name .*, found "Acme_1"$/],
    ['a bad address', ['init', 'acme', '--ip', '10.0.0.300', '--nfs-server', 'n'], /^error: --ip: expected an IPv4 address such as 10\.0\.0\.5, found "10\.0\.0\.300"$/],
    ['an NFS server with an octet above 255', ['init', 'acme', '--ip', '10.0.0.5', '--nfs-server', '10.20.33.300'], /^error: --nfs-server: expected an IPv4 address .* or a DNS hostname .*, found "10\.20\.33\.300"$/],
    ['an NFS server with three octets', ['init', 'acme', '--ip', '10.0.0.5', '--nfs-server', '10.61.3'], /^error: --nfs-server: expected an IPv4 address .*, found "10\.61\.3"$/],
    ['a mirror registry on a mistyped address', ['init', 'acme', '--ip', '10.0.0.5', '--nfs-server', 'n', '--offline-registry', '10.61.3:5000'], /^error: --offline-registry: expected a registry host/],
    ['a relative NFS path', ['init', 'acme', '--ip', '10.0.0.5', '--nfs-server', 'n', '--nfs-path', 'vol'], /^error: --nfs-path: expected an absolute path/],
    ['TLS without a domain', ['init', 'acme', '--ip', '10.0.0.5', '--nfs-server', 'n', '--tls-secret', 's'], /^error: --tls-secret: expected --domain with it/],
    ['missing flags without a terminal', ['init', 'acme', '--ip', '10.0.0.5'], /^error: init: missing --nfs-server \(or run it in a terminal for the wizard\)$/],
  ])('%s is refused with one line, exit 2, and nothing written', async (_what, args, message) => {
    const repo = scratchRepo();
    const before = readTree(repo);
    const r = await run(repo, args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(readTree(repo)).toEqual(before);
  });

  test('in a terminal the wizard asks for what is missing, rejects bad answers as they are typed, and shows the file', async () => {
    const repo = scratchRepo();
    const prompts = scripted(['Bad_Name', 'acme', 'ip', '10.0.0', '10.0.0.5', '10.0.0.6', '', '1.31', 'v1.31.2', '', 'stage', '', true]);
    const r = await run(repo, ['init'], { interactive: true, prompts });
    expect(r.code).toBe(0);
    expect(prompts.rejected).toEqual([
      'expected a DNS-1123 name (lower-case letters, digits and "-", at most 63 characters), found "Bad_Name"',
      'expected an IPv4 address such as 10.0.0.5, found "10.0.0"',
      'expected a Kubernetes version such as 1.28.10, found "1.31"',
    ]);
    const file = fs.readFileSync(path.join(repo, 'customers/acme.yaml'), 'utf8');
    // The preview is shown before the key pair is generated; the written file adds its public key.
    expect(r.err).toContain(file.replace(/secrets:[\s\S]*$/, ''));
    expect(loadCustomerFile(path.join(repo, 'customers/acme.yaml')).config).toMatchObject({
      profile: 'stage', kubernetesVersion: '1.31.2', nfs: { server: '10.0.0.6', basePath: '/kube_storage' }, offline: {},
    });
    expect(fs.existsSync(path.join(repo, 'dist/acme/kustomization.yaml'))).toBe(true);
    // No recipient given: a key pair was generated outside the repository, its public key used.
    const key = fs.readFileSync(path.join(KEYS, 'acme.agekey'), 'utf8');
    expect(loadCustomerFile(path.join(repo, 'customers/acme.yaml')).config!.secrets.ageRecipients).toEqual([key.match(/public key: (age1\w+)/)![1]]);
    expect(r.err).toMatch(new RegExp(`(Generated|Using) the age key of acme: ${path.join(KEYS, 'acme.agekey')}`));
  });

  test('the wizard asks only for what the flags left out; declining writes nothing', async () => {
    const repo = scratchRepo();
    const before = readTree(repo);
    const prompts = scripted(['none', '', 'nfs.lab', '/srv', '', '', 'prod', 'age1notakey', 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p', false]);
    const r = await run(repo, ['init', 'lab', '--domain', 'lab.example.com'], { interactive: true, prompts });
    expect(r.code).toBe(1);
    expect(prompts.asked).toEqual(['HTTPS', 'LoadBalancer IP of the ingress (empty: assigned by the cluster)', 'NFS server address',
      'NFS export path', 'Kubernetes version of the cluster (kubectl version: Server Version)', 'Mirror registry for an air-gapped cluster (empty: online)', 'Profile',
      'age public key to encrypt credentials for (empty: generate a key pair)', 'Write customers/lab.yaml and synthesize dist/lab/?']);
    // Never echoed: a value typed at a key prompt may be a private key or a password.
    expect(prompts.rejected).toEqual(['expected an age public key (age1…), found a text of 11 characters']);
    expect(readTree(repo)).toEqual(before);
  });
});

describe('diff and check', () => {
  test('a one-value change is named by its field; check fails until synth runs', async () => {
    const repo = scratchRepo();
    const file = path.join(repo, 'customers/seoul-lab.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('basePath: /kube_storage', 'basePath: /srv/nfs'));
    const diff = await run(repo, ['diff', 'seoul-lab']);
    expect(diff.code).toBe(0);
    expect(diff.out).toContain('  ~ StorageClass astrago-nfs-csi  (dist/seoul-lab/infrastructure/controllers/csi-driver-nfs.yaml)\n      parameters.share: "/kube_storage" → "/srv/nfs"\n');
    const json = await run(repo, ['diff', 'seoul-lab', '-o', 'json', '--exit-code']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ changed: true, destructive: false, customers: [{ customer: 'seoul-lab', changes: [expect.objectContaining({
      type: 'changed', label: 'StorageClass astrago-nfs-csi', file: 'dist/seoul-lab/infrastructure/controllers/csi-driver-nfs.yaml',
      fields: [{ path: 'parameters.share', before: '/kube_storage', after: '/srv/nfs' }], destructive: [],
    })] }] });
    const check = await run(repo, ['check']);
    expect(check.code).toBe(1);
    expect(check.out).toContain('parameters.share: "/kube_storage" → "/srv/nfs"');
    expect(check.err).toBe('error: dist/ is stale for seoul-lab: run `npx cdk8s synth` and commit the result');
    const checkJson = await run(repo, ['check', 'seoul-lab', '--output', 'json']);
    expect(checkJson).toMatchObject({ code: 1, err: check.err });
    expect(JSON.parse(checkJson.out)).toMatchObject({ ok: false, stale: [{ customer: 'seoul-lab' }], base: null, destructive: [] });
    expect((await run(repo, ['synth'])).code).toBe(0);
    expect(await run(repo, ['check'])).toMatchObject({ code: 0, out: '' });
    expect(JSON.parse((await run(repo, ['check', 'seoul-lab', '-o', 'json'])).out)).toMatchObject({ ok: true, stale: [] });
    expect(await run(repo, ['diff', 'seoul-lab', '--exit-code'])).toMatchObject({ code: 0, out: 'seoul-lab: no changes\n' });
  });

  test('a release name change is refused without --allow-destructive', async () => {
    const repo = scratchRepo();
    // The committed release had another name: a fresh synth renames it, which Helm does by uninstalling.
    const committed = path.join(repo, 'dist/demo/infrastructure/controllers/gpu-operator.yaml');
    fs.writeFileSync(committed, fs.readFileSync(committed, 'utf8').replace('releaseName: gpu-operator', 'releaseName: nvidia-gpu-operator'));
    const refused = await run(repo, ['diff']);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('DESTRUCTIVE: spec.releaseName changes from "nvidia-gpu-operator" to "gpu-operator": Flux uninstalls the release and installs a new one');
    expect(refused.err).toMatch(/^error: destructive changes .*--allow-destructive/);
    expect((await run(repo, ['diff', '--allow-destructive'])).code).toBe(0);
  });

  test('against a git base, check refuses destructive changes that a consistent dist/ would hide', async () => {
    const repo = scratchRepo();
    gitCommit(repo);
    fs.appendFileSync(path.join(repo, 'customers/demo.yaml'), 'components: {gpuOperator: {enabled: false}}\n');
    expect((await run(repo, ['synth'])).code).toBe(0);
    expect((await run(repo, ['check'])).code).toBe(0);
    const refused = await run(repo, ['check', '--base', 'HEAD']);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('- HelmRelease gpu-operator/gpu-operator');
    expect(refused.err).toContain('error: destructive changes since HEAD');
    expect((await run(repo, ['check', '--base', 'HEAD', '--allow-destructive'])).code).toBe(0);
    const md = await run(repo, ['diff', '--base', 'HEAD', '--markdown', '--allow-destructive']);
    expect(md.out).toContain('### demo: ');
    expect(md.out).toContain('> [!CAUTION]');
  });

  test('an unknown revision or customer is wrong usage', async () => {
    const repo = scratchRepo();
    gitCommit(repo);
    expect(await run(repo, ['diff', '--base', 'no-such-rev'])).toMatchObject({ code: 2, err: 'error: --base: expected a git revision of this repository, found "no-such-rev"' });
    expect((await run(repo, ['diff', 'nobody'])).code).toBe(2);
  });

  test('check with an unknown revision still names the stale dist/ it found first', async () => {
    const repo = scratchRepo();
    gitCommit(repo);
    fs.appendFileSync(path.join(repo, 'customers/demo.yaml'), 'monitoring: {retention: 2d}\n');
    expect(await run(repo, ['check', '--base', 'no-such-rev'])).toMatchObject({
      code: 2,
      err: [
        'error: dist/ is stale for demo: run `npx cdk8s synth` and commit the result',
        'error: --base: expected a git revision of this repository, found "no-such-rev"',
      ].join('\n'),
    });
  });

  test('an invalid customer file stops diff with its problems', async () => {
    const repo = scratchRepo();
    fs.writeFileSync(path.join(repo, 'customers/broken.yaml'), 'nfs: {server: 10.0.0.6}\n');
    const r = await run(repo, ['check']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error: customers/broken.yaml: externalAccess.ip.address: expected the address users reach (required in ip mode), found nothing');
  });
});

describe('render, explain, graph', () => {
  test('render prints the selected objects as YAML with their source file', async () => {
    const repo = scratchRepo();
    const r = await run(repo, ['render', 'demo', '--tier', 'infrastructure', '--app', 'gpu-operator']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('# Source: dist/demo/infrastructure/controllers/gpu-operator.yaml\n---\n')).toBe(true);
    expect(r.out.match(/^# Source: .*$/gm)).toHaveLength(1);
    expect(r.out).toContain('kind: HelmRelease\nmetadata:\n  name: gpu-operator\n');
    expect(r.out).not.toContain('ingress-nginx');
    const all = await run(repo, ['render', 'demo']);
    expect(all.out).toContain('# Source: flux/demo/astrago.yaml\n');
    expect(all.out).not.toContain('kustomize.config.k8s.io');
  });

  test('render refuses an unknown tier or component, naming what exists', async () => {
    const repo = scratchRepo();
    expect((await run(repo, ['render', 'demo', '--tier', 'platform'])).code).toBe(2);
    const unknownApp = await run(repo, ['render', 'demo', '--app', 'harbour']);
    expect(unknownApp.code).toBe(2);
    expect(unknownApp.err).toMatch(/^error: --app: expected one of .*\bharbor\b.*, found "harbour"$/);
    expect(await run(repo, ['render', 'nobody'])).toMatchObject({ code: 2, err: 'error: customer "nobody": expected one of demo, factory, plant, seoul-lab, found no customers/nobody.yaml' });
  });

  test('explain names the layer that set a value, with the line of the customer file, and what it overrode', async () => {
    const repo = scratchRepo();
    fs.writeFileSync(path.join(repo, 'customers/lab.yaml'), 'profile: dev\nexternalAccess: {mode: ip, ip: {address: 10.0.0.5}}\nnfs: {server: 10.0.0.6}\nmonitoring:\n  retention: 2d\n');
    expect((await run(repo, ['explain', 'lab', 'monitoring.retention'])).out).toBe([
      'monitoring.retention = "2d"  (set by customer file: customers/lab.yaml:5)',
      '    overrides profile "7d": profile "dev" (config/profiles.ts)',
      '    overrides default "1y": config/schema.ts',
      '',
    ].join('\n'));
    expect((await run(repo, ['explain', 'lab', 'components.harbor.enabled'])).out).toContain('= false  (set by profile: profile "dev" (config/profiles.ts))');
    expect((await run(repo, ['explain', 'lab', 'nfs'])).out).toContain('nfs.basePath = "/kube_storage"  (set by default: config/schema.ts)');
    // A default that is a catalog fact is named by the catalog file that decides it.
    expect((await run(repo, ['explain', 'lab', 'resources.harbor.core.cpu'])).out).toBe('resources.harbor.core.cpu = "100m"  (set by default: catalog/charts.ts)\n');
    expect((await run(repo, ['explain', 'lab', 'astrago.imageDefaults.registry'])).out).toContain('(set by default: catalog/platform.ts)');
    // A version is the release's: the ring's release is the layer above the catalog's default.
    expect((await run(repo, ['explain', 'lab', 'astrago.components.core.tag'])).out).toContain('(set by release: 2026.12.0 (releases/2026.12.0.yaml, which ring stable of rings.yaml runs))');
    expect(await run(repo, ['explain', 'lab', 'monitoring.retension'])).toMatchObject({
      code: 2, err: 'error: monitoring.retension: expected one of the keys of monitoring: gpuScrapeInterval, nodePorts, retention, storageSize, found "retension"',
    });
  });

  test('graph prints the bare flowchart that synth embeds in dist/<customer>/README.md', async () => {
    const repo = scratchRepo();
    const r = await run(repo, ['graph', 'demo']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^flowchart TD\n/);
    expect(fs.readFileSync(path.join(repo, 'dist/demo/README.md'), 'utf8')).toContain(`\n\`\`\`mermaid\n${r.out}\`\`\`\n`);
  });
});

describe('list and remove', () => {
  test('list shows stale, orphan and invalid customers, and flags a customer pinned to a release', async () => {
    const repo = scratchRepo();
    // Pinned to the release its ring runs anyway: the same versions, an exception list shows (and its README states).
    fs.appendFileSync(path.join(repo, 'customers/factory.yaml'), 'release: 2026.12.0\n');
    fs.appendFileSync(path.join(repo, 'customers/demo.yaml'), 'offline: {registry: harbor.local:443/astrago}\ncomponents: {harbor: {enabled: false}}\nmonitoring: {gpuScrapeInterval: 30s}\n');
    fs.writeFileSync(path.join(repo, 'customers/broken.yaml'), 'nfs: 1\n');
    fs.mkdirSync(path.join(repo, 'dist/gone'));
    const r = await run(repo, ['list']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: customers\/broken.yaml:1: nfs: expected object.*, found 1$/m);
    expect(r.out.split('\n').map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      'CUSTOMER RELEASE ACCESS COMPONENTS OFFLINE DIST',
      'broken ? ? ? ? unknown: invalid customer file',
      'demo canary: 2026.12.0-stage-1.0 domain https://demo.astrago.ai csiDriverNfs,gpuOperator,ingressNginx,traefik,prometheus,keycloak,mpiOperator,astrago harbor.local:443/astrago stale: run npx cdk8s synth',
      'factory 2026.12.0 (PINNED) ip 192.168.10.20 all 9 harbor.factory.local:443/astrago stale: run npx cdk8s synth',
      'plant stable: 2026.12.0 domain https://astrago.plant.local all 9 registry.plant.local:5000/astrago up to date',
      'seoul-lab early: 2026.12.0 ip 10.61.3.163 all 9 no up to date',
      'gone - - - - orphan: no customer file (npx astrago remove)',
      '',
    ]);
    const json = await run(repo, ['list', '-o', 'json']);
    expect(json).toMatchObject({ code: 1, err: r.err });
    const rows = JSON.parse(json.out);
    expect(rows.map((row: { customer: string; dist: string }) => [row.customer, row.dist])).toEqual([
      ['broken', 'invalid'], ['demo', 'stale'], ['factory', 'stale'], ['plant', 'up-to-date'], ['seoul-lab', 'up-to-date'], ['gone', 'orphan'],
    ]);
    expect(rows[1]).toEqual({
      customer: 'demo', dist: 'stale', access: { mode: 'domain', url: 'https://demo.astrago.ai', ...(rows[1].access.address ? { address: rows[1].access.address } : {}) },
      components: expect.objectContaining({ harbor: false, keycloak: true }), offlineRegistry: 'harbor.local:443/astrago',
      release: { name: '2026.12.0-stage-1.0', ring: 'canary', pinned: false },
    });
    expect(rows[2].release).toEqual({ name: '2026.12.0', ring: null, pinned: true });
  });

  test('list shows the URL users type: externalAccess.url when set, as every other URL', async () => {
    const repo = scratchRepo();
    const file = path.join(repo, 'customers/seoul-lab.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('externalAccess:\n', 'externalAccess:\n  url: https://astrago.seoul.example:8443\n'));
    const rows = JSON.parse((await run(repo, ['list', '-o', 'json'])).out);
    expect(rows.find((row: { customer: string }) => row.customer === 'seoul-lab').access).toEqual({ mode: 'ip', url: 'https://astrago.seoul.example:8443', address: '10.61.3.163' });
  });

  test('remove shows what Flux prunes and keeps, needs confirmation, then deletes the customer', async () => {
    const repo = scratchRepo();
    await run(repo, ACME);
    const bootstrap = path.join(repo, 'flux/acme/flux-system/gotk-sync.yaml');
    fs.mkdirSync(path.dirname(bootstrap));
    fs.writeFileSync(bootstrap, 'kept\n');
    // A data-bearing object as other tiers write them.
    fs.writeFileSync(path.join(repo, 'dist/acme/infrastructure/controllers/data.yaml'),
      '---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: logs\n  namespace: astrago\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n');
    const before = readTree(repo);

    const noTerminal = await run(repo, ['remove', 'acme']);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.err).toMatch(/Flux keeps \d+ data-bearing object\(s\) \(prune disabled\), so no data is deleted:\n/);
    expect(noTerminal.err).toContain('\n  = PersistentVolumeClaim astrago/logs\n');
    expect(noTerminal.err).toContain('  - HelmRelease gpu-operator/gpu-operator (Helm uninstalls the release and what its chart created)');
    expect(readTree(repo)).toEqual(before);
    expect((await run(repo, ['remove', 'acme'], { interactive: true, prompts: scripted([false]) })).code).toBe(1);
    expect(readTree(repo)).toEqual(before);

    const r = await run(repo, ['remove', 'acme'], { interactive: true, prompts: scripted([true]) });
    expect(r.code).toBe(0);
    expect(r.err).toContain('Removing acme deletes customers/acme.yaml, credentials/acme/, dist/acme/, flux/acme/astrago.yaml.');
    for (const gone of ['customers/acme.yaml', 'credentials/acme', 'dist/acme', 'flux/acme/astrago.yaml']) expect(fs.existsSync(path.join(repo, gone))).toBe(false);
    expect(fs.readFileSync(bootstrap, 'utf8')).toBe('kept\n');
    expect(r.err).toContain('flux/acme/ still holds what `flux bootstrap` wrote');
    expect((await run(repo, ['remove', 'acme', '--yes'])).code).toBe(2);
  });
});

test('every command documents its exit codes in --help', async () => {
  const repo = scratchRepo();
  const leaves = (c: Command, path: string[]): string[][] => (c.commands.length
    ? c.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]))
    : [path]);
  const commands = leaves(buildProgram(repo), []);
  expect(commands.length).toBeGreaterThanOrEqual(16);
  for (const command of [[], ...commands]) {
    const r = await run(repo, [...command, '--help']);
    expect([command, r.code]).toEqual([command, 0]);
    expect(r.out).toMatch(/Exit codes:\n {2}0 {2}.+\n {2}1 {2}/);
  }
});

describe('machine-readable output', () => {
  test('validate and render-check -o json print one JSON document on stdout, findings and notices on stderr', async () => {
    const repo = scratchRepo();
    const validate = await run(repo, ['validate', 'demo', '--no-kustomize', '-o', 'json']);
    expect(validate.code).toBe(0);
    const report = JSON.parse(validate.out);
    expect(report).toMatchObject({ errors: 0, warnings: 0, findings: [] });
    expect(report.objects).toBeGreaterThan(50);
    expect(report.skipped).toEqual([]);
    expect(validate.err).toBe('');

    const check = await run(repo, ['render-check', 'demo', '-o', 'json']);
    expect(check.code).toBe(0);
    const rendered = JSON.parse(check.out);
    expect(rendered).toMatchObject({ errors: 0, findings: [] });
    // Rendered where helm runs; where it does not (this scratch copy has no node_modules), checked against the chart without rendering.
    expect(rendered.releases).toEqual(expect.arrayContaining([expect.objectContaining({ customer: 'demo', release: 'HelmRelease/harbor/harbor', status: expect.stringMatching(/^(rendered|checked)$/) })]));
  });

  test('a finding goes to stderr in both formats; text puts the summary on stdout', async () => {
    const repo = scratchRepo();
    const configs = path.join(repo, 'dist/demo/applications/configs');
    const broken = fs.readdirSync(configs).find((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')!;
    fs.appendFileSync(path.join(configs, broken), '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\n  namespace: astrago\nstringData:\n  password: x\n');
    const text = await run(repo, ['validate', 'demo', '--no-kustomize']);
    expect(text.code).toBe(1);
    expect(text.err).toMatch(/^error: demo: dist\/demo\/applications\/configs\/.*Secret\/astrago\/plain/m);
    expect(text.out).toMatch(/^\d+ objects, [1-9]\d* errors, \d+ warnings, \d+ skipped\n$/m);
    expect(text.out).not.toContain('Secret/astrago/plain');
    const json = await run(repo, ['validate', 'demo', '--no-kustomize', '-o', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).findings).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'error', customer: 'demo', object: 'Secret/astrago/plain' })]));
  });
});

describe('progress', () => {
  test('is one stderr line replaced in place, cut to the terminal width and erased before other output', () => {
    const written: string[] = [];
    const line = progressLine((t) => written.push(t), () => 20);
    line.show('rendering a-very-long-customer-name');
    line.clear();
    line.clear();
    expect(written).toEqual(['\r\x1b[2Krendering a-very-lo', '\r\x1b[2K']);
  });

  test('is off without a terminal (a pipe, a CI log)', () => {
    // Jest's workers write to pipes: no terminal here, unless run in band from one.
    expect(processIo.progress === undefined).toBe(!process.stderr.isTTY || Boolean(process.env.CI));
  });

  test('long commands report each customer, and render-check each release', async () => {
    const repo = scratchRepo();
    const steps = async (args: string[]) => {
      const seen: string[] = [];
      await run(repo, args, { progress: (s) => seen.push(s) });
      return seen;
    };
    expect(await steps(['diff'])).toEqual(['rendering demo', 'rendering factory', 'rendering plant', 'rendering seoul-lab']);
    expect(await steps(['validate', '--no-kustomize'])).toEqual(['validating demo', 'validating factory', 'validating plant', 'validating seoul-lab']);
    expect(await steps(['validate', 'demo', '--render', '--no-kustomize'])).toEqual(['rendering demo', 'validating demo']);
    expect(await steps(['render-check', 'seoul-lab'])).toContain('seoul-lab: HelmRelease/harbor/harbor');
  });
});
