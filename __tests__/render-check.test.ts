import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { CHARTS } from '../catalog/charts';
import { readVendorLock, sha256Of, writeVendorLock } from '../catalog/vendor-lock';
import { chartsVendorCommand } from '../commands/charts-command';
import { renderCheckCommand } from '../commands/render-check-command';
import { runCommand } from '../model/user-error';
import type { ChartModel } from '../render/chart';
import { renderCheck, type RenderCheckOptions } from '../render/check';
import { HELM_MISSING, HelmError, locateHelm, type Helm } from '../render/helm';
import type { VendoredCharts } from '../render/plan';
import { ReleaseStatus } from '../render/report';
import { ChartValuesModel, formatValuesPath } from '../render/values-analysis';
import { schemaViolations } from '../render/values-schema';
import { packChartFolder, vendorChart } from '../render/vendor-chart';
import { writeTarGz } from '../tools/archive';
import { formatFinding } from '../validate/model/finding';
import { SchemaSet } from '../validate/schemas';
import { ROOT, SCHEMAS_DIR, scratchRepo } from './helpers';

const FIXTURE_CACHE = path.join(__dirname, 'fixtures', 'charts');
const schemas = SchemaSet.load(SCHEMAS_DIR);
const located = locateHelm(ROOT);
/** The helm `npm ci` installs; where none runs, a test that renders fails with how to get one. */
function helm(): Helm {
  if (!located) throw new Error(`helm: ${HELM_MISSING}`);
  return located;
}

type Obj = Record<string, unknown>;

/** A repository of its own vendoring each fixture chart (`<chart>-1.0.0/`), as `charts vendor --from` does. */
function vendoredFixtures(): VendoredCharts {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-vendored-'));
  writeVendorLock(root, { charts: [], schemas: [] });
  for (const folder of fs.readdirSync(path.join(FIXTURE_CACHE, 'fixtures'))) {
    const chart = folder.replace(/-1\.0\.0$/, '');
    vendorChart({ root, chart, version: '1.0.0', repository: 'https://charts.example.org', from: path.join(FIXTURE_CACHE, 'fixtures', folder), helm: helm() });
  }
  return { root, lock: readVendorLock(root) };
}
let fixtures: VendoredCharts | undefined;
const charts = () => (fixtures ??= vendoredFixtures());

function release(chart: string, values: Obj, valuesFrom?: Obj[]): Obj {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: chart, namespace: 'apps' },
    spec: { releaseName: chart, chart: { spec: { chart: `./vendor/charts/${chart}-1.0.0.tgz`, sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' } } }, values, valuesFrom },
  };
}

function check(objects: Obj[], options: Partial<RenderCheckOptions> & { mirror?: string } = {}) {
  const files = [{ path: 'dist/acme/apps/controllers/app.yaml', content: objects.map((o) => `---\n${stringify(o)}`).join('') }];
  return renderCheck([{ customer: 'acme', files, kubernetesVersion: '1.28.10', offline: options.mirror ? { registry: options.mirror, gpuDriverOs: [], beyondTree: [] } : undefined }], { charts: charts(), schemas, ...options });
}

const lines = (report: Awaited<ReturnType<typeof check>>) => report.findings.map(formatFinding);

describe('values the chart ignores (render/unread-value)', () => {
  test('a misspelled nested key and a key under a wrong parent are reported with customer, release and values path', async () => {
    const report = await check([release('nested', {
      metrics: { serviceMonitr: { enabled: true } },
      nested: { image: { tag: '2.0.0' } },
      service: { port: 8080 },
    })]);
    expect(lines(report)).toEqual([
      'error: acme: dist/acme/apps/controllers/app.yaml: HelmRelease/apps/nested: [render/unread-value] values.metrics.serviceMonitr: expected a key nested 1.0.0 defaults or reads, found one it ignores; did you mean "serviceMonitor"?',
      'error: acme: dist/acme/apps/controllers/app.yaml: HelmRelease/apps/nested: [render/unread-value] values.nested: expected a key nested 1.0.0 defaults or reads, found one it ignores',
    ]);
  });

  test('keys read only by templates, whole subtrees, index keys, globals and an aliased subchart are read', async () => {
    const report = await check([release('nested', {
      undocumented: { key: 'only in a comment of values.yaml' },
      tolerations: [{ key: 'gpu', operator: 'Exists' }],
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } },
      'extra-labels': { team: 'ml' },
      global: { registry: 'mirror.local:5000' },
      helper: { replicas: 2 },
    })]);
    expect(lines(report)).toEqual([]);
  });

  test('a subchart is read under its alias, not its chart name', async () => {
    const report = await check([release('nested', { sidecar: { replicas: 2 } })]);
    expect(report.findings.map((f) => [f.rule, f.message.split(':')[0]])).toEqual([['render/unread-value', 'values.sidecar']]);
  });

  test('values from a ConfigMap are checked; a value from a Secret gets a placeholder at its target path', async () => {
    const report = await check([
      release('nested', {}, [{ kind: 'ConfigMap', name: 'nested-values' }, { kind: 'Secret', name: 'nested-auth', valuesKey: 'token', targetPath: 'image.tag' }]),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nested-values', namespace: 'apps' }, data: { 'values.yaml': 'image:\n  repositry: mirror.local/nested\n' } },
    ]);
    expect(report.findings.map((f) => `${f.rule} ${f.message.split(':')[0]}`)).toEqual(['render/unread-value values.image.repositry']);
  });

  test('a valuesFrom ConfigMap missing from the tree is reported', async () => {
    const report = await check([release('nested', {}, [{ kind: 'ConfigMap', name: 'gone' }])]);
    expect(report.findings.map((f) => f.rule)).toEqual(['render/values-from']);
  });
});

describe('values.schema.json (render/values-schema)', () => {
  test('values the chart schema rejects are reported at their path', async () => {
    const report = await check([release('schema', { replicas: 'two', mode: 'slow' })]);
    expect(report.findings.map((f) => `${f.rule} ${f.message}`)).toEqual([
      'render/values-schema values.mode: expected one of "fast", "safe", found "slow" (values.schema.json of schema 1.0.0)',
      'render/values-schema values.replicas: expected integer, found "two" (values.schema.json of schema 1.0.0)',
    ]);
  });

  test('values the schema accepts give no finding', async () => {
    expect(lines(await check([release('schema', { replicas: 3, mode: 'safe' })]))).toEqual([]);
  });

  test('schemas with the same $id (one chart checked again, or two of its versions) are each checked by their own rules', () => {
    const withId = (maximum: number): ChartModel => ({
      name: 'identified', version: `${maximum}.0.0`, library: false, values: {}, crds: [], chartReads: [], subcharts: [], templates: new Map(),
      schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'https://charts.example/identified.schema.json', properties: { replicas: { maximum } } },
    });
    for (let run = 0; run < 2; run++) {
      expect(schemaViolations(withId(1), { replicas: 2 }).map((v) => v.path.join('.'))).toEqual(['replicas']);
      expect(schemaViolations(withId(3), { replicas: 2 })).toEqual([]);
    }
  });
});

describe('rendered objects against validate\'s rules', () => {
  test('a chart rendering a :latest image, a database NodePort and an image outside the mirror is caught rule by rule', async () => {
    const report = await check([release('policy', {})], { helm: helm(), mirror: 'mirror.local:5000' });
    expect(report.findings.map((f) => `${f.rule} ${f.file} ${f.object}`)).toEqual([
      'policy/database-nodeport dist/acme/apps/controllers/app.yaml » policy/templates/database.yaml Service/apps/policy-postgres',
      'airgap/image dist/acme/apps/controllers/app.yaml » policy/templates/database.yaml StatefulSet/apps/policy-postgres',
      'policy/image-ref dist/acme/apps/controllers/app.yaml » policy/templates/database.yaml StatefulSet/apps/policy-postgres',
    ]);
    expect(report.releases).toEqual([expect.objectContaining({ release: 'HelmRelease/apps/policy', status: ReleaseStatus.RENDERED, objects: 2 })]);
  });

  test('values that fix them render clean', async () => {
    const report = await check([release('policy', { image: 'mirror.local:5000/library/postgres:16.4', service: { type: 'ClusterIP' } })], { helm: helm(), mirror: 'mirror.local:5000' });
    expect(lines(report)).toEqual([]);
  });

  test('rendered objects are validated strictly against the Kubernetes schemas', async () => {
    const report = await check([release('nested', { resources: { requests: { cpu: '1', memory: '1Gi' }, limitz: { cpu: '2' } } })], { helm: helm() });
    expect(report.findings.map((f) => `${f.rule} ${f.object} ${f.message}`)).toEqual([
      'schema/unknown-field Deployment/apps/nested spec.template.spec.containers[0].resources.limitz: unknown field (Kubernetes 1.28, 1.32)',
    ]);
    expect(report.releases[0]).toMatchObject({ status: ReleaseStatus.RENDERED, objects: 2 });
  });
});

describe('vendored charts', () => {
  test('a release whose archive is not in the lock is an error naming the path and the command that vendors it, not a skip', async () => {
    const report = await check([release('absent', { anything: true })]);
    expect(lines(report)).toEqual(['error: acme: dist/acme/apps/controllers/app.yaml: HelmRelease/apps/absent: [render/chart] spec.chart.spec.chart: expected a chart archive recorded in vendor/lock.yaml, '
      + 'found ./vendor/charts/absent-1.0.0.tgz: vendor it with `npx astrago charts vendor <chart> <version>`']);
    expect(report.releases).toEqual([expect.objectContaining({ status: ReleaseStatus.SKIPPED })]);
  });

  test('a release that takes its chart from a HelmRepository is an error: only what the repository vendors is rendered', async () => {
    const hr = release('nested', {});
    (hr.spec as Obj).chart = { spec: { chart: 'nested', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'fixtures', namespace: 'flux-system' } } };
    expect(lines(await check([hr]))).toEqual([expect.stringMatching(/\[render\/chart\] spec\.chart\.spec\.sourceRef: expected GitRepository flux-system .*, found HelmRepository fixtures: the check renders only what the repository vendors$/)]);
  });

  test('an archive that does not match its lock digest, or is missing, or is a link, is one error naming the file and how to restore it; nothing is rendered from it', async () => {
    const { root, lock } = charts();
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-tampered-'));
    fs.cpSync(path.join(root, 'vendor'), path.join(copy, 'vendor'), { recursive: true });
    const archive = path.join(copy, 'vendor', 'charts', 'nested-1.0.0.tgz');
    const run = async () => lines(await check([release('nested', {})], { charts: { root: copy, lock }, helm: helm() }));
    fs.appendFileSync(archive, 'x');
    expect(await run()).toEqual([expect.stringMatching(/\[render\/chart\] vendor\/charts\/nested-1\.0\.0\.tgz: expected sha256 [0-9a-f]{64} \(vendor\/lock\.yaml\), found [0-9a-f]{64}: restore it with `git checkout -- vendor\/`/)]);
    fs.rmSync(archive);
    expect(await run()).toEqual([expect.stringMatching(/\[render\/chart\] vendor\/charts\/nested-1\.0\.0\.tgz: expected the vendored file recorded in vendor\/lock\.yaml, found no file: restore it/)]);
    fs.symlinkSync(path.join(root, 'vendor', 'charts', 'nested-1.0.0.tgz'), archive);
    expect(await run()).toEqual([expect.stringMatching(/\[render\/chart\] vendor\/charts\/nested-1\.0\.0\.tgz: expected a vendored file, found a symbolic link/)]);
  });

  test('render-check of the samples in a clone whose vendor/ lost a chart fails naming it, instead of passing', async () => {
    const repo = scratchRepo();
    fs.unlinkSync(path.join(repo, 'vendor'));
    fs.cpSync(path.join(ROOT, 'vendor'), path.join(repo, 'vendor'), { recursive: true });
    fs.rmSync(path.join(repo, 'vendor', 'charts', `harbor-${CHARTS.harbor.version}.tgz`));
    const log: string[] = [];
    expect(await renderCheckCommand({ root: repo, customers: ['demo'], env: {}, log: (l) => log.push(l) })).toBe(1);
    expect(log).toContainEqual(expect.stringContaining(`[render/chart] vendor/charts/harbor-${CHARTS.harbor.version}.tgz: expected the vendored file recorded in vendor/lock.yaml, found no file`));
  });
});

describe('charts vendor', () => {
  /** Vendors a fixture chart (not in the catalog, so not through the command), reporting as the command does. */
  const vendor = async (root: string, chart: string, from: string, extra: Partial<Parameters<typeof vendorChart>[0]> = {}) => {
    const log: string[] = [];
    const code = await runCommand((l) => log.push(l), () => {
      vendorChart({ root, chart, version: '1.0.0', repository: 'https://charts.example.org', from, helm: helm(), ...extra });
      return 0;
    });
    return { code, log };
  };
  const emptyRepo = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-vendor-'));
    writeVendorLock(root, { charts: [], schemas: [] });
    return root;
  };

  test('packing a chart folder is reproducible: the same folder gives the same archive, whose files helm renders', () => {
    const folder = path.join(FIXTURE_CACHE, 'fixtures', 'nested-1.0.0');
    const first = packChartFolder(folder, helm());
    expect(sha256Of(packChartFolder(folder, helm()))).toBe(sha256Of(first));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-pack-')), 'nested-1.0.0.tgz');
    fs.writeFileSync(file, first);
    expect(helm().run(['template', 'x', file])).toContain('kind: Deployment');
  });

  test('vendoring records the archive in the lock with its sha256 and origin; the same bytes again change nothing, other bytes under the same version are refused', async () => {
    const root = emptyRepo();
    const first = vendorChart({ root, chart: 'nested', version: '1.0.0', repository: 'https://charts.example.org', from: path.join(FIXTURE_CACHE, 'fixtures', 'nested-1.0.0'),
      helm: helm(), upstreamDigest: 'a'.repeat(64), origin: 'the test fixture' });
    expect(first.written).toBe(true);
    const entry = readVendorLock(root).charts[0];
    expect(entry).toEqual({ chart: 'nested', version: '1.0.0', file: 'vendor/charts/nested-1.0.0.tgz', sha256: sha256Of(fs.readFileSync(path.join(root, entry.file))),
      repository: 'https://charts.example.org', upstreamDigest: 'a'.repeat(64), origin: 'the test fixture' });
    expect(vendorChart({ root, chart: 'nested', version: '1.0.0', repository: 'https://charts.example.org', from: path.join(FIXTURE_CACHE, 'fixtures', 'nested-1.0.0'), helm: helm() }).written).toBe(false);
    expect(readVendorLock(root).charts).toEqual([entry]);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-other-'));
    fs.cpSync(path.join(FIXTURE_CACHE, 'fixtures', 'nested-1.0.0'), other, { recursive: true });
    fs.appendFileSync(path.join(other, 'values.yaml'), '\nextra: true\n');
    const refused = await vendor(root, 'nested', other);
    expect(refused.code).toBe(1);
    expect(refused.log).toEqual([expect.stringMatching(/^error: vendor\/charts\/nested-1\.0\.0\.tgz: expected new content under a new version, found nested 1\.0\.0 already vendored/)]);
    expect(readVendorLock(root).charts).toEqual([entry]);
  }, 120000);

  test('an archive that holds another chart or version is refused, and nothing is written', async () => {
    const root = emptyRepo();
    const archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-pkg-')), 'x.tgz');
    fs.writeFileSync(archive, packChartFolder(path.join(FIXTURE_CACHE, 'fixtures', 'schema-1.0.0'), helm()));
    const { code, log } = await vendor(root, 'nested', archive);
    expect([code, log]).toEqual([1, ['error: copied from the archive x.tgz: expected chart nested 1.0.0, found schema 1.0.0: not vendored (vendor/lock.yaml unchanged)']]);
    expect(fs.existsSync(path.join(root, 'vendor', 'charts'))).toBe(false);
    expect(readVendorLock(root).charts).toEqual([]);
  });

  test('vendoring the same bytes again restores an archive that went missing or was altered, instead of calling it vendored', () => {
    const root = emptyRepo();
    const from = path.join(FIXTURE_CACHE, 'fixtures', 'nested-1.0.0');
    const args = { root, chart: 'nested', version: '1.0.0', repository: 'https://charts.example.org', from, helm: helm() };
    const { entry } = vendorChart(args);
    const archive = path.join(root, entry.file);
    const bytes = fs.readFileSync(archive);
    fs.rmSync(archive);
    expect(vendorChart(args).written).toBe(true);
    fs.appendFileSync(archive, 'x');
    expect(vendorChart(args).written).toBe(true);
    expect(fs.readFileSync(archive)).toEqual(bytes);
    expect(vendorChart(args).written).toBe(false);
  });

  test('an archive whose Chart.yaml does not parse is one error line, and nothing is written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-bad-'));
    const archive = path.join(dir, 'bad.tgz');
    fs.writeFileSync(archive, writeTarGz([{ path: 'nested/Chart.yaml', content: Buffer.from('name: [\n') }]));
    const root = emptyRepo();
    const { code, log } = await vendor(root, 'nested', archive);
    expect(code).toBe(1);
    expect(log).toEqual([expect.stringMatching(/^error: copied from the archive bad\.tgz: nested\/Chart\.yaml: expected YAML, found .*: not vendored$/)]);
    expect(readVendorLock(root).charts).toEqual([]);
  });

  test('an archive brought in as published must have the --upstream-digest it is said to have', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-pub-'));
    const archive = path.join(dir, 'nested-1.0.0.tgz');
    fs.writeFileSync(archive, packChartFolder(path.join(FIXTURE_CACHE, 'fixtures', 'nested-1.0.0'), helm()));
    const root = emptyRepo();
    const { code, log } = await vendor(root, 'nested', archive, { upstreamDigest: 'a'.repeat(64) });
    expect(code).toBe(1);
    expect(log).toEqual([expect.stringMatching(new RegExp(`^error: copied from the archive nested-1\\.0\\.0\\.tgz: expected the archive as its repository publishes it, with sha256 a{64} \\(--upstream-digest\\), found ${sha256Of(fs.readFileSync(archive))}`))]);
    expect(readVendorLock(root).charts).toEqual([]);
    expect((await vendor(root, 'nested', archive, { upstreamDigest: sha256Of(fs.readFileSync(archive)) })).code).toBe(0);
  });

  test('a chart folder holding a symbolic link is refused: a link would pack what it points at', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-linked-'));
    fs.cpSync(path.join(FIXTURE_CACHE, 'fixtures', 'nested-1.0.0'), folder, { recursive: true });
    fs.symlinkSync('/etc/hostname', path.join(folder, 'templates', 'leak.txt'));
    const { code, log } = await vendor(emptyRepo(), 'nested', folder);
    expect([code, log]).toEqual([1, ['error: templates/leak.txt: expected a file or folder of the chart, found a symbolic link: not vendored']]);
  });

  const command = async (options: Omit<Parameters<typeof chartsVendorCommand>[0], 'log'>) => {
    const log: string[] = [];
    const code = await chartsVendorCommand({ helm: helm().path, ...options, log: (l) => log.push(l) });
    return { code, log };
  };

  test('the command vendors a catalog chart from an archive brought in by hand (the offline path) and says what to commit', async () => {
    const root = emptyRepo();
    const { version } = CHARTS.harbor;
    const { code, log } = await command({ root, chart: 'harbor', version, from: path.join(ROOT, 'vendor', 'charts', `harbor-${version}.tgz`) });
    expect([code, log]).toEqual([0, [expect.stringMatching(new RegExp(`^vendored: vendor/charts/harbor-${version.replaceAll('.', '\\.')}\\.tgz \\(sha256 [0-9a-f]{64}\\), recorded in vendor/lock\\.yaml; commit both`))]]);
    expect(readVendorLock(root).charts).toEqual([expect.objectContaining({ chart: 'harbor', version, repository: CHARTS.harbor.repository.url, origin: `copied from the archive harbor-${version}.tgz` })]);
    expect((await command({ root, chart: 'harbor', version, from: path.join(ROOT, 'vendor', 'charts', `harbor-${version}.tgz`) })).log).toEqual([expect.stringMatching(/^already vendored: .*nothing written$/)]);
  });

  test('a chart the catalog does not know, or a version that is not exact, is a usage error', async () => {
    expect(await command({ root: ROOT, chart: 'nginx', version: '1.0.0' })).toEqual({ code: 2, log: [expect.stringMatching(/^error: <chart>: expected a chart of the catalog \(.*harbor.*\), found "nginx"$/)] });
    expect((await command({ root: ROOT, chart: 'harbor', version: '1.x' })).code).toBe(2);
  });

  test('pulling from an unreachable repository fails with the offline path, and writes nothing', async () => {
    const root = emptyRepo();
    const { code, log } = await command({ root, chart: 'harbor', version: '1.0.0', repository: 'http://127.0.0.1:9/charts' });
    expect(code).toBe(1);
    expect(log).toEqual([expect.stringMatching(/^error: harbor 1\.0\.0: expected the chart from http:\/\/127\.0\.0\.1:9\/charts, found it unreachable \(.*\); offline, pass --from <archive or chart folder>$/)]);
    expect(readVendorLock(root).charts).toEqual([]);
  });

  test('pulling from a chart repository keeps the archive as published: its sha256 is the repository\'s digest', async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-repo-'));
    helm().run(['package', path.join(FIXTURE_CACHE, 'fixtures', 'schema-1.0.0'), '--destination', repo]);
    // In a child process: helm runs synchronously and would block a server in this one.
    const served = spawn(process.execPath, ['-e', `
      const fs = require('fs'), path = require('path');
      const server = require('http').createServer((req, res) => {
        const file = path.join(${JSON.stringify(repo)}, path.basename(req.url || ''));
        if (!fs.existsSync(file)) return res.writeHead(404).end();
        res.writeHead(200).end(fs.readFileSync(file));
      });
      server.listen(0, '127.0.0.1', () => console.log(server.address().port));`]);
    const port = await new Promise<string>((resolve) => served.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
    try {
      const url = `http://127.0.0.1:${port}`;
      helm().run(['repo', 'index', repo, '--url', url]);
      const root = emptyRepo();
      const published = sha256Of(fs.readFileSync(path.join(repo, 'schema-1.0.0.tgz')));
      const { entry } = vendorChart({ root, chart: 'schema', version: '1.0.0', repository: url, helm: helm() });
      expect(entry).toMatchObject({ sha256: published, upstreamDigest: published, origin: `pulled from ${url}` });
      expect(sha256Of(fs.readFileSync(path.join(root, entry.file)))).toBe(published);
    } finally {
      served.kill();
    }
  });
});

test('a chart archive (with its subchart inside) reads like the chart folder', async () => {
  const report = await check([release('nested', { sidecar: { replicas: 2 } })]);
  expect(report.findings.map((f) => f.message.split(':')[0])).toEqual(['values.sidecar']);
});

describe('rendered objects as the API server sees them', () => {
  let set: SchemaSet;
  beforeAll(() => {
    set = schemas;
    set.addCrd({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget' },
        versions: [{
          name: 'v1', schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' },
                spec: {
                  type: 'object', required: ['mode'],
                  properties: {
                    mode: { type: 'string', default: 'fast', enum: ['fast', 'safe'] },
                    port: { 'x-kubernetes-int-or-string': true },
                    note: { type: 'string', nullable: true },
                    size: { type: 'integer' },
                  },
                },
              },
            },
          },
        }],
      },
    });
  });
  const widget = (spec: Obj) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'apps' }, spec });
  const issues = (o: Obj) => {
    const result = set.validate(set.asServed(o as never));
    return result.status === 'checked' ? result.issues.map((i) => `${i.path}: ${i.message}`) : ['skipped'];
  };

  test('null fields of a built-in object are unset, as the API server decodes them', () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'apps', annotations: null },
      spec: {
        revisionHistoryLimit: null, selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { affinity: { nodeAffinity: null }, containers: [{ name: 'c', image: 'x:1', env: null, volumeMounts: [{ name: 'v', mountPath: '/v', subPath: null }] }] } },
      },
    };
    expect(issues(deployment)).toEqual([]);
    expect(set.validate(deployment as never)).toMatchObject({ status: 'checked', issues: expect.arrayContaining([expect.objectContaining({ path: 'metadata.annotations' })]) });
  });

  test('a CRD default fills a required field before it is checked, unset or null', () => {
    expect(issues(widget({}))).toEqual([]);
    expect(issues(widget({ mode: null }))).toEqual([]);
    expect(set.asServed(widget({}) as never).spec).toEqual({ mode: 'fast' });
    expect(issues(widget({ mode: 'slow' }))).toEqual(['spec.mode: must be equal to one of the allowed values: fast, safe']);
  });

  test('a nullable field keeps its null; other nulls are dropped; int-or-string takes either and nothing else', () => {
    expect(set.asServed(widget({ note: null, size: null }) as never).spec).toEqual({ mode: 'fast', note: null });
    expect(issues(widget({ port: 8080 }))).toEqual([]);
    expect(issues(widget({ port: 'http' }))).toEqual([]);
    expect(issues(widget({ port: true }))).toEqual(['spec.port: must be integer or string']);
  });
});

test('a second run with nothing changed takes every release from the render cache, with the same report', async () => {
  const renderCache = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-rendered-'));
  const run = () => check([release('policy', {}), release('nested', { replicas: 2 })], { helm: helm(), renderCache, mirror: 'mirror.local:5000' });
  const first = await run();
  const second = await run();
  expect(first.renders).toEqual({ run: 2, cached: 0 });
  expect(second.renders).toEqual({ run: 0, cached: 2 });
  expect(second.findings).toEqual(first.findings);
  const changed = await check([release('policy', {}), release('nested', { replicas: 3 })], { helm: helm(), renderCache, mirror: 'mirror.local:5000' });
  expect(changed.renders).toEqual({ run: 1, cached: 1 });
});

test('a release helm cannot template is one render/template error; the others still render, and nothing of it is cached', async () => {
  const real = helm();
  // helm template <release name> …: this helm fails on the release named nested, as on a template error.
  const failing: Helm = {
    path: real.path,
    run: (args) => real.run(args),
    runAsync: (args) => (args[1] === 'nested' ? Promise.reject(new HelmError('Error: template: nested: boom')) : real.runAsync(args)),
  };
  const renderCache = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-rendered-'));
  const releases = [release('policy', {}), release('nested', { replicas: 2 })];
  const report = await check(releases, { helm: failing, renderCache });
  expect(report.releases.map((r) => [r.release, r.status, r.note])).toEqual([
    ['HelmRelease/apps/policy', ReleaseStatus.RENDERED, undefined],
    ['HelmRelease/apps/nested', ReleaseStatus.CHECKED, 'helm template failed'],
  ]);
  expect(report.findings.filter((f) => f.rule === 'render/template').map(formatFinding)).toEqual([
    'error: acme: dist/acme/apps/controllers/app.yaml: HelmRelease/apps/nested: [render/template] helm template: expected the chart to render, found: Error: template: nested: boom',
  ]);
  expect(report.renders).toEqual({ run: 1, cached: 0 });
  expect((await check(releases, { helm: real, renderCache })).renders).toEqual({ run: 1, cached: 1 });
});

test('a values map handed to a named template in a dict counts only the keys that template reads', () => {
  const chart = (helper: string): ChartModel => ({
    name: 'app', version: '1.0.0', library: false, values: { db: { enabled: true } }, crds: [], chartReads: [], subcharts: [],
    templates: new Map([
      ['templates/_helpers.tpl', `{{- define "app.db" -}}${helper}{{- end -}}`],
      ['templates/cm.yaml', 'name: {{ include "app.db" (dict "vals" .Values.db "context" $) }}'],
    ]),
  });
  const unread = (helper: string) => new ChartValuesModel(chart(helper)).unread({ db: { nameOverride: 'x', nameOverrid: 'y' } })
    .map((u) => [formatValuesPath(u.path), u.hint]);
  expect(unread('{{ if .vals.nameOverride }}{{ .vals.nameOverride }}{{ else }}{{ .context.Release.Name }}{{ end }}')).toEqual([['db.nameOverrid', 'nameOverride']]);
  // Handed on as a whole, every key below it may be read.
  expect(unread('{{ toYaml .vals }}')).toEqual([]);
});
