import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { CHARTS, type ChartEntry } from '../catalog/charts';
import { chartsPullCommand } from '../commands/charts-command';
import { renderCheckCommand } from '../commands/render-check-command';
import { cachedArchivePath, chartSearchPath, locateChart, pullCharts, sha256Of } from '../render/chart-cache';
import type { ChartModel } from '../render/chart';
import { HELM_MISSING, locateHelm, type Helm } from '../render/helm';
import { renderCheck, ReleaseStatus, type RenderCheckOptions } from '../render/render-check';
import { formatFinding } from '../validate/model/finding';
import { ChartValuesModel, formatValuesPath } from '../render/values-analysis';
import { schemaViolations } from '../render/values-schema';
import { SchemaSet } from '../validate/schemas';
import { ROOT, SAMPLES, SCHEMAS_DIR, SCHEMAS_MISSING, scratchRepo, withSchemas } from './helpers';

const FIXTURE_CACHE = path.join(__dirname, 'fixtures', 'charts');
// Without a schema folder the rendered objects are checked by the rules only (SCHEMAS_DIR says why).
const schemas = SCHEMAS_DIR ? SchemaSet.load(SCHEMAS_DIR) : undefined;
const located = locateHelm(ROOT);
/** The helm `npm ci` installs; where none runs, a test that renders fails with how to get one. */
function helm(): Helm {
  if (!located) throw new Error(`helm: ${HELM_MISSING}`);
  return located;
}

type Obj = Record<string, unknown>;

function release(chart: string, values: Obj, valuesFrom?: Obj[]): Obj {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: chart, namespace: 'apps' },
    spec: { releaseName: chart, chart: { spec: { chart, version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'fixtures', namespace: 'flux-system' } } }, values, valuesFrom },
  };
}

function check(objects: Obj[], options: Partial<RenderCheckOptions> & { mirror?: string } = {}) {
  const files = [{ path: 'dist/acme/apps/controllers/app.yaml', content: objects.map((o) => `---\n${stringify(o)}`).join('') }];
  return renderCheck([{ customer: 'acme', files, kubernetesVersion: '1.28.10', offline: options.mirror ? { registry: options.mirror, gpuDriverOs: [], beyondTree: [] } : undefined }], { chartDirs: [FIXTURE_CACHE], schemas, ...options });
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
    if (!schemas) throw new Error(SCHEMAS_MISSING);
    const report = await check([release('nested', { resources: { requests: { cpu: '1', memory: '1Gi' }, limitz: { cpu: '2' } } })], { helm: helm() });
    expect(report.findings.map((f) => `${f.rule} ${f.object} ${f.message}`)).toEqual([
      'schema/unknown-field Deployment/apps/nested spec.template.spec.containers[0].resources.limitz: unknown field (Kubernetes 1.28, 1.32)',
    ]);
    expect(report.releases[0]).toMatchObject({ status: ReleaseStatus.RENDERED, objects: 2 });
  });
});

describe('the chart cache', () => {
  test('without the chart in the cache the release is listed as skipped and nothing fails', async () => {
    const report = await check([release('absent', { anything: true })]);
    expect(report.findings).toEqual([]);
    expect(report.releases).toEqual([expect.objectContaining({ status: ReleaseStatus.SKIPPED, note: expect.stringContaining('is in none of the chart folders') })]);
  });

  test('render-check with no chart folder at all (a clone without ../shared) lists every chart as skipped and passes', async () => {
    const log: string[] = [];
    expect(await renderCheckCommand({ root: scratchRepo(), env: {}, log: (l) => log.push(l) })).toBe(0);
    expect(log.filter((l) => l.startsWith('skipped: ')).length).toBeGreaterThanOrEqual(SAMPLES.length * 3);
    expect(log[log.length - 1]).toMatch(/ 0 rendered \(0 objects; 0 by helm, 0 from the render cache\), 0 checked without rendering, \d+ skipped; 0 errors, 0 warnings, 0 excepted$/);
  });

  test('a chart is found by name and version in the first folder that has it: flat or under any repository folder, archive or unpacked', () => {
    const first = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-charts-'));
    const second = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-charts-'));
    fs.mkdirSync(path.join(first, 'chart-mirror'));
    fs.writeFileSync(path.join(first, 'chart-mirror', 'nested-1.0.0.tgz'), '');
    fs.cpSync(path.join(FIXTURE_CACHE, 'fixtures', 'schema-1.0.0'), path.join(second, 'schema-1.0.0'), { recursive: true });
    expect(locateChart([first, second], 'nested', '1.0.0')).toBe(path.join(first, 'chart-mirror', 'nested-1.0.0.tgz'));
    expect(locateChart([first, second], 'schema', '1.0.0')).toBe(path.join(second, 'schema-1.0.0'));
    expect(locateChart([first, second], 'schema', '2.0.0')).toBeUndefined();
  });

  test('the search path is .cache/charts (or --cache), then --charts or $ASTRAGO_CHARTS, then ../shared/chart-cache, each only if it exists', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-root-'));
    const repo = path.join(root, 'repo');
    for (const d of [path.join(repo, '.cache', 'charts'), path.join(root, 'mine'), path.join(root, 'env'), path.join(root, 'shared', 'chart-cache')]) fs.mkdirSync(d, { recursive: true });
    const shared = path.join(root, 'shared', 'chart-cache');
    expect(chartSearchPath(repo, { charts: '../mine' }, { ASTRAGO_CHARTS: '../env' })).toEqual([path.join(repo, '.cache', 'charts'), path.join(root, 'mine'), shared]);
    expect(chartSearchPath(repo, {}, { ASTRAGO_CHARTS: '../env' })).toEqual([path.join(repo, '.cache', 'charts'), path.join(root, 'env'), shared]);
    expect(chartSearchPath(repo, { cache: '../mine' }, {})).toEqual([path.join(root, 'mine'), shared]);
    fs.rmSync(path.join(repo, '.cache'), { recursive: true });
    expect(chartSearchPath(repo, { charts: '../absent' }, {})).toEqual([shared]);
  });

  test('charts pull fails with a clear message when the mirror is unreachable, and caches nothing', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-cache-'));
    const log: string[] = [];
    expect(await chartsPullCommand({ root: ROOT, cache, mirror: 'http://127.0.0.1:9/charts', log: (l) => log.push(l) })).toBe(1);
    expect(log[0]).toMatch(/^error: csi-driver-nfs v4\.9\.0: expected the chart from http:\/\/127\.0\.0\.1:9\/charts, found it unreachable \(.*\); check the mirror URL/);
    expect(fs.readdirSync(cache)).toEqual([]);
  });

  test('charts pull caches a chart whose digest matches the catalog and refuses one that does not', async () => {
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
      const digest = sha256Of(path.join(repo, 'schema-1.0.0.tgz'));
      const entry = (d?: string): ChartEntry => ({ ...CHARTS.harbor, repository: { name: 'fixtures', url, keepsPinnedVersions: 'a local server of the test' }, chart: 'schema', version: '1.0.0', digest: d });
      const pull = (e: ChartEntry, allowUnverified = false) => {
        const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-cache-'));
        const log: string[] = [];
        const failed = pullCharts({ cacheDir, helm: helm(), charts: [e], allowUnverified, log: (l) => log.push(l) });
        return { failed, log, cached: fs.existsSync(cachedArchivePath(cacheDir, 'fixtures', 'schema', '1.0.0')) };
      };
      expect(pull(entry(digest))).toEqual({ failed: 0, cached: true, log: [`pulled: schema 1.0.0 from ${url} (${digest} verified)`] });
      const wrong = pull(entry(`sha256:${'0'.repeat(64)}`));
      expect(wrong).toMatchObject({ failed: 1, cached: false });
      expect(wrong.log[0]).toContain(`found ${digest}: not cached`);
      const unrecorded = pull(entry());
      expect(unrecorded).toMatchObject({ failed: 1, cached: false });
      expect(unrecorded.log[0]).toContain(`no recorded checksum; the archive has ${digest}`);
      expect(pull(entry(), true)).toMatchObject({ failed: 0, cached: true });
    } finally {
      served.kill();
    }
  });
});

test('a chart archive (with its subchart inside) reads like the chart folder', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-pkg-'));
  helm().run(['package', path.join(FIXTURE_CACHE, 'fixtures', 'nested-1.0.0'), '--destination', out]);
  fs.mkdirSync(path.join(out, 'fixtures'));
  fs.renameSync(path.join(out, 'nested-1.0.0.tgz'), path.join(out, 'fixtures', 'nested-1.0.0.tgz'));
  const files = [{ path: 'dist/acme/apps/controllers/app.yaml', content: `---\n${stringify(release('nested', { sidecar: { replicas: 2 } }))}` }];
  const report = await renderCheck([{ customer: 'acme', files, kubernetesVersion: '1.28.10' }], { chartDirs: [out] });
  expect(report.findings.map((f) => f.message.split(':')[0])).toEqual(['values.sidecar']);
});

withSchemas('rendered objects as the API server sees them', () => {
  let set: SchemaSet;
  beforeAll(() => {
    if (!schemas) throw new Error(SCHEMAS_MISSING);
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
