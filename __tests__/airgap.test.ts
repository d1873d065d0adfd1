import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { CHARTS, releasedChart, type ChartEntry } from '../catalog/charts';
import { FLUX_RELEASES } from '../catalog/flux-images';
import { imageFromValues, valueAt } from '../catalog/image-values';
import { formatImage, mirrored, normalizeImage, parseImage } from '../catalog/images';
import { DEFAULT_FLUX_VERSION, fluxSupported, PLATFORM_GENERATIONS } from '../catalog/platform';
import { formatProblem, loadCustomerText } from '../config/load';
import { launchedImages } from '../constructs/airgap/air-gap';
import { fieldsOf, type Fields } from '../model/fields';
import type { OutputFile } from '../model/objects';
import { existingObjects, offlineSettings } from '../validate/externals';
import { validateTrees } from '../validate/validate';
import { MINIMAL, configFrom, objectsOf, render, sampleConfig, vendoredChart } from './helpers';

const factory = sampleConfig('factory');
const REGISTRY = factory.offline.registry!;
type Obj = Fields;

describe('the mirroring rule', () => {
  test.each([
    ['nginx:1.25', 'docker.io/library/nginx:1.25', 'm.local/library/nginx:1.25'],
    ['grafana/grafana:11.1.0', 'docker.io/grafana/grafana:11.1.0', 'm.local/grafana/grafana:11.1.0'],
    ['nvcr.io/nvidia/k8s/dcgm-exporter:4.3.1', 'nvcr.io/nvidia/k8s/dcgm-exporter:4.3.1', 'm.local/nvidia/k8s/dcgm-exporter:4.3.1'],
    ['localhost:5000/tools/x:1', 'localhost:5000/tools/x:1', 'm.local/tools/x:1'],
    [`registry.k8s.io/pause:3.9@sha256:${'a'.repeat(64)}`, `registry.k8s.io/pause:3.9@sha256:${'a'.repeat(64)}`, `m.local/pause:3.9@sha256:${'a'.repeat(64)}`],
  ])('%s is %s, mirrored at %s', (ref, normal, target) => {
    expect(normalizeImage(ref)).toBe(normal);
    expect(mirrored(ref, 'm.local')).toBe(target);
  });

  test('a mirror with a port and a path keeps both, once', () => {
    expect(mirrored('quay.io/prometheus/prometheus:v2.54.0', 'harbor.lab:443/astrago')).toBe('harbor.lab:443/astrago/prometheus/prometheus:v2.54.0');
  });

  test('a string that is no image reference is refused with what was found', () => {
    expect(() => parseImage('Not An Image')).toThrow('expected an image reference such as registry.k8s.io/pause:3.9, found "Not An Image"');
  });
});

/** A chart's default values with its subcharts' under their keys, from the vendored archive. */
function chartDefaults(entry: ChartEntry): Obj {
  const chart = vendoredChart(entry.chart, entry.version);
  const values: Obj = { ...chart.values };
  for (const sub of chart.subcharts) values[sub.key] = merge(sub.chart.values, values[sub.key]);
  return values;
}

/** The catalog entry a HelmRelease installs. */
const entryOf = (hr: Obj): ChartEntry => releasedChart(hr.spec.chart.spec.chart)!.entry;

/** Helm's merge of release values over chart defaults: maps merge, everything else replaces. */
function merge(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null || Array.isArray(over)) return over ?? base;
  const out: Obj = { ...(base as Obj) };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out;
}

const repositoryOf = (ref: string) => { const { tag: _t, digest: _d, ...name } = parseImage(ref); return formatImage(name); };

describe('catalog image value paths', () => {
  let online: Obj[];
  beforeAll(async () => {
    // Both ingress controllers: MINIMAL keeps ingress-nginx, and side by side adds Traefik.
    online = objectsOf(await render(configFrom(`${MINIMAL}ingress: {sideBySide: {enabled: true}}\n`))).filter((o) => o.kind === 'HelmRelease');
  });

  test.each(Object.values(CHARTS).map((e) => [e.chart, e] as [string, ChartEntry]))('%s: each image path is a block of the chart\'s values, and defaults plus our values pull the catalog image', (_name, entry) => {
    const defaults = chartDefaults(entry);
    const ours = online.find((o) => entryOf(o) === entry)!.spec.values ?? {};
    const merged = merge(defaults, ours);
    for (const image of entry.images) {
      const paths = 'reference' in image.values ? [image.values.reference] : [image.values.repository];
      for (const p of paths) {
        const parent = p.split('.').slice(0, -1).join('.');
        expect([p, parent === '' || typeof p.split('.').slice(0, -1).reduce<unknown>((n, k) => fieldsOf(n)[k], defaults) === 'object']).toEqual([p, true]);
      }
      const pulled = imageFromValues(merged, image.values, image.ref, entry.globalRegistry);
      expect(repositoryOf(formatImage(pulled))).toBe(repositoryOf(image.ref));
      // A tag the chart (or our values) spell must be the catalog's; an empty one means the chart's appVersion.
      const tagPath = 'reference' in image.values ? undefined : image.values.tag;
      if (tagPath && valueAt(merged, tagPath)) expect(pulled.tag).toBe(parseImage(image.ref).tag);
    }
  });
});

describe('the air-gapped sample customer factory', () => {
  let files: OutputFile[];
  let objects: Array<Obj & { file: string }>;
  beforeAll(async () => {
    files = await render(factory);
    objects = objectsOf(files);
  });
  const imagesTxt = () => files.find((f) => f.path === 'dist/factory/airgap/images.txt')!.content;
  const listed = () => imagesTxt().split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(' -> '));
  /** The lines of each section of images.txt (sections start with a comment line). */
  const sections = () => imagesTxt().split(/\n#[^\n]*\n/).map((part) => part.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(' -> ')[0]));

  /** Every `image:` of every object but the HelmReleases, whose `image` keys are chart values (next test). */
  const containerImages = () => objects.filter((o) => o.kind !== 'HelmRelease')
    .flatMap((o) => [...JSON.stringify(o).matchAll(/"image":"([^"]+)"/g)].map((m) => m[1]));

  test('every image: in its dist/ starts with the mirror registry', () => {
    expect(containerImages().length).toBeGreaterThan(5);
    expect(containerImages().filter((i) => !i.startsWith(`${REGISTRY}/`))).toEqual([]);
  });

  test('every image value of every HelmRelease starts with the mirror registry', () => {
    const releases = objects.filter((o) => o.kind === 'HelmRelease');
    // Every chart of the catalog but Traefik: factory stays on ingress-nginx (plant is on Traefik).
    expect(releases.map((r) => entryOf(r).chart).sort()).toEqual(Object.values(CHARTS).map((e) => e.chart).filter((c) => c !== 'traefik').sort());
    for (const hr of releases) {
      const entry = entryOf(hr);
      for (const image of entry.images) {
        expect(formatImage(imageFromValues(hr.spec.values, image.values, image.ref, entry.globalRegistry))).toMatch(new RegExp(`^${REGISTRY.replaceAll('.', '\\.')}/`));
      }
      if (entry.globalRegistry) expect(valueAt(hr.spec.values, entry.globalRegistry)).toBe(REGISTRY);
    }
  });

  test('images.txt lists exactly the images referenced: containers, chart values and the run-time images of operators', () => {
    const lines = listed();
    for (const section of sections()) expect(section).toEqual([...section].sort());
    expect(new Set(lines.map(([s]) => s)).size).toBe(lines.length);
    for (const [source, target] of lines) expect(target).toBe(mirrored(source, REGISTRY));
    const targets = new Set(lines.map(([, t]) => t));
    for (const image of containerImages()) expect(targets).toContain(image);
    // Pulled only by pods the operators create: listed too.
    for (const runtime of ['nvidia/driver:580.82.07-ubuntu22.04', 'nvidia/k8s/dcgm-exporter:', 'nvidia/cloud-native/gpu-operator-validator:',
      'prometheus-operator/prometheus-config-reloader:']) {
      expect([...targets].some((t) => t.startsWith(`${REGISTRY}/${runtime}`))).toBe(true);
    }
    // The MPI operator v2 controller is mirrored; v2 has no kubectl-delivery to mirror.
    expect(targets).toContain(`${REGISTRY}/mpioperator/mpi-operator:0.6.0`);
    expect([...targets].filter((t) => t.includes('kubectl-delivery'))).toEqual([]);
    // And the validate rule agrees that list and tree match both ways.
    const report = validateTrees([{ customer: 'factory', files, externals: existingObjects(factory), offline: offlineSettings(factory) }]);
    expect(report.findings.filter((f) => f.rule.startsWith('airgap/'))).toEqual([]);
  });

  test('no chart source but the repository Flux syncs: every HelmRelease takes its vendored archive from GitRepository flux-system', () => {
    expect(objects.filter((o) => o.kind === 'HelmRepository' || o.kind === 'OCIRepository')).toEqual([]);
    expect(new Set(objects.filter((o) => o.kind === 'HelmRelease').map((o) => `${o.spec.chart.spec.sourceRef.kind}/${o.spec.chart.spec.sourceRef.name}`))).toEqual(new Set(['GitRepository/flux-system']));
  });

  test('images.txt and mirror.sh hold the images the platform launches at run time (git-sync, dataset nginx, hub and built-in images, nerdctl), at the path the backend prefixes', () => {
    const launched = PLATFORM_GENERATIONS[factory.astrago.imageGeneration].runtimeImages;
    expect(launched.map((i) => i.ref)).toEqual(expect.arrayContaining([
      'docker.io/xiilab/git-sync:v3.6.0', 'docker.io/xiilab/astrago-dataset-nginx:latest', 'docker.io/xiilab/astrago:hub-yolov8-1.1', 'docker.io/xiilab/nerdctl:astrago',
    ]));
    const script = files.find((f) => f.path === 'dist/factory/airgap/mirror.sh')!.content;
    for (const { ref } of launched) {
      // The backend pulls `<ASTRAGO_PRIVATE-REGISTRY-URL>/<name as data.sql writes it>` once the network is closed.
      const asWritten = ref.replace(/^docker\.io\//, '').replace(/:latest$/, '');
      const target = `${REGISTRY}/${ref.replace(/^docker\.io\//, '')}`;
      expect(target.startsWith(`${REGISTRY}/${asWritten}`)).toBe(true);
      expect(listed()).toContainEqual([ref, target]);
      expect(script).toContain(`copy '${ref}' '${target}'`);
    }
    // Not launched: no run-time images without the platform.
    expect(launchedImages({ ...factory, components: { ...factory.components, astrago: { enabled: false } } })).toEqual([]);
  });

  test('the nodes get a containerd mirror of docker.io at the path mirror.sh copies to, for what the platform never prefixes (nerdctl)', () => {
    const unprefixed = PLATFORM_GENERATIONS[factory.astrago.imageGeneration].runtimeImages.filter((i) => !i.prefixed).map((i) => i.ref);
    expect(unprefixed).toEqual(['docker.io/xiilab/nerdctl:astrago']);
    const hosts = files.find((f) => f.path === 'dist/factory/airgap/containerd-docker.io-hosts.toml')!.content;
    // containerd asks <host>/v2/astrago/xiilab/nerdctl/manifests/astrago: where mirror.sh put harbor.factory.local:443/astrago/xiilab/nerdctl:astrago.
    expect(hosts).toContain('[host."https://harbor.factory.local:443/v2/astrago"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n');
    expect(hosts).toContain('ca = "/etc/containerd/certs.d/harbor.factory.local:443/ca.crt"');
    expect(listed()).toContainEqual(['docker.io/xiilab/nerdctl:astrago', `${REGISTRY}/xiilab/nerdctl:astrago`]);
    });

  test('mirror.sh names every image and no chart; the folder is listed in no kustomization.yaml', () => {
    expect(files.find((f) => f.path === 'dist/factory/airgap/charts.txt')).toBeUndefined();
    const script = files.find((f) => f.path === 'dist/factory/airgap/mirror.sh')!.content;
    for (const [source, target] of listed()) {
      const copy = source.includes('@')
        ? `'${source.replace(/:[^:/@]+@/, '@')}' '${target.split('@')[0]}'`
        : `'${source}' '${target}'`;
      expect(script).toContain(`\ncopy ${copy}\n`);
    }
    expect(script).not.toMatch(/helm (pull|push)/);
    expect(script).toContain(`--url=${factory.offline.git}`);
    for (const k of files.filter((f) => f.path.endsWith('kustomization.yaml'))) expect(k.content).not.toContain('airgap');
  });
});

describe('offline settings', () => {
  const offlineYaml = `${MINIMAL}offline: {registry: m.local/astrago, gpuDriverOs: [ubuntu22.04, rhel9.4]}\n`;

  test('the driver is mirrored once per node OS', async () => {
    const files = await render(configFrom(offlineYaml));
    const images = files.find((f) => f.path === 'dist/acme/airgap/images.txt')!.content;
    expect(images).toContain('nvcr.io/nvidia/driver:580.82.07-rhel9.4 -> m.local/astrago/nvidia/driver:580.82.07-rhel9.4');
    expect(images).toContain('nvcr.io/nvidia/driver:580.82.07-ubuntu22.04 -> m.local/astrago/nvidia/driver:580.82.07-ubuntu22.04');
  });

  test('a customer-chosen image (the Keycloak theme) is the one mirrored', async () => {
    const files = await render(configFrom(`${offlineYaml}keycloak: {image: {tag: v1.3.0}}\n`));
    expect(files.find((f) => f.path === 'dist/acme/airgap/images.txt')!.content).toContain('docker.io/xiilab/astrago-keycloak-theme:v1.3.0 -> m.local/astrago/xiilab/astrago-keycloak-theme:v1.3.0');
  });

  test('an online customer has no airgap folder', async () => {
    const files = await render(configFrom(MINIMAL));
    expect(files.filter((f) => f.path.includes('/airgap/'))).toEqual([]);
  });

  test('offline.charts, read by this system before charts were vendored, is dropped with a warning that says why', () => {
    const loaded = loadCustomerText(`${MINIMAL}offline: {registry: m.local, charts: 'oci://m.local/charts'}\n`, 'acme', 'customers/acme.yaml');
    expect(loaded.config).toBeDefined();
    expect(loaded.warnings.map(formatProblem)).toEqual([expect.stringMatching(/^customers\/acme\.yaml:\d+: offline\.charts: expected no such key \(no longer read: charts come from this Git repository \(vendor\/charts\/\)/)]);
    // A token left in the old mirror URL is not echoed by the warning.
    const withToken = loadCustomerText(`${MINIMAL}offline: {charts: 'https://robot:hunter2@m.local/charts?t=hunter2'}\n`, 'acme', 'customers/acme.yaml');
    expect(withToken.warnings.map(formatProblem).join('\n')).not.toContain('hunter2');
  });

  test('Flux\'s controllers of the customer\'s fluxVersion are in the bill of materials, from the pinned table; a release the table lacks is refused, not guessed', async () => {
    const lines = (await render(configFrom(`${MINIMAL}offline: {registry: m.local}\nfluxVersion: 2.6.2\n`))).find((f) => f.path.endsWith('images.txt'))!.content;
    for (const image of ['source-controller:v1.6.1', 'kustomize-controller:v1.6.0', 'helm-controller:v1.3.0', 'notification-controller:v1.6.0']) {
      expect(lines).toContain(`ghcr.io/fluxcd/${image} -> m.local/fluxcd/${image}\n`);
    }
    await expect(render(configFrom(`${MINIMAL}offline: {registry: m.local}\nfluxVersion: 2.7.9\n`)))
      .rejects.toThrow(/^customers\/acme\.yaml: fluxVersion: expected a Flux release whose controller images catalog\/flux-images\.ts lists \(2\.3\.0, .*2\.7\.5\), found 2\.7\.9/);
    // The table covers the default and only releases the platform runs on.
    expect(Object.keys(FLUX_RELEASES)).toContain(DEFAULT_FLUX_VERSION);
    expect(Object.keys(FLUX_RELEASES).filter((v) => !fluxSupported(v))).toEqual([]);
    // Online customers mirror nothing: any fluxVersion synthesizes.
    await expect(render(configFrom(`${MINIMAL}fluxVersion: 2.7.9\n`))).resolves.toBeDefined();
  });

  test('a bad driver OS is a one-line error', () => {
    expect(() => configFrom(`${MINIMAL}offline: {registry: m.local, gpuDriverOs: ['Ubuntu 22']}\n`)).toThrow(/offline\.gpuDriverOs\.0.*an OS tag suffix such as ubuntu22\.04/s);
  });
});

describe('validate: airgap rules', () => {
  let files: OutputFile[];
  beforeAll(async () => {
    files = await render(factory);
  });
  const validate = (tree: OutputFile[]) => validateTrees([{ customer: 'factory', files: tree, externals: existingObjects(factory), offline: offlineSettings(factory) }])
    .findings.map((f) => f.rule).filter((r) => r.startsWith('airgap/'));
  const edit = (file: string, change: (doc: Obj) => void) => files.map((f) => {
    if (f.path !== file) return f;
    const docs = parseAllDocuments(f.content).map((d) => d.toJS() as Obj).filter(Boolean);
    docs.forEach(change);
    return { path: f.path, content: docs.map((d) => `---\n${stringify(d)}`).join('') };
  });
  const IMAGES = 'dist/factory/airgap/images.txt';
  const text = (file: string, change: (s: string) => string) => files.map((f) => (f.path === file ? { ...f, content: change(f.content) } : f));

  test.each<[string, () => OutputFile[], string[]]>([
    ['a container image from the internet', () => edit('dist/factory/applications/configs/mariadb.yaml', (d) => {
      // The server and its accounts Job run the same image.
      if (d.kind === 'StatefulSet' || d.kind === 'Job') d.spec.template.spec.containers[0].image = 'docker.io/library/mariadb:10.11.4';
    }), ['airgap/bill-of-materials', 'airgap/image', 'airgap/image']],
    ['a chart image value from the internet (the config reloader operators inject)', () => edit('dist/factory/monitoring/controllers/kube-prometheus-stack.yaml', (d) => {
      if (d.kind !== 'HelmRelease') return;
      delete d.spec.values.global.imageRegistry;
      d.spec.values.prometheusOperator.prometheusConfigReloader.image.registry = 'quay.io';
    }), ['airgap/bill-of-materials', 'airgap/image']],
    ['an image missing from images.txt', () => text(IMAGES, (s) => s.replace(/^nvcr\.io\/nvidia\/driver:.*\n/m, '')), ['airgap/bill-of-materials']],
    ['a run-time image of the platform missing from images.txt (git-sync)', () => text(IMAGES, (s) => s.replace(/^docker\.io\/xiilab\/git-sync:.*\n/m, '')), ['airgap/bill-of-materials']],
    ['an image nothing references', () => text(IMAGES, (s) => `${s}docker.io/library/busybox:1.36 -> ${REGISTRY}/library/busybox:1.36\n`), ['airgap/bill-of-materials']],
    ['a line mapped by another rule', () => text(IMAGES, (s) => `${s}docker.io/library/busybox:1.36 -> ${REGISTRY}/busybox:1.36\n`), ['airgap/bill-of-materials']],
    ['no images.txt', () => files.filter((f) => f.path !== IMAGES), ['airgap/bill-of-materials']],
    ['a GitRepository outside the Git mirror', () => [...files, { path: 'dist/factory/flux/other.yaml',
      content: '---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: other, namespace: flux-system}\nspec: {interval: 10m, url: "https://github.com/example/charts", ref: {branch: main}}\n' }], ['airgap/source']],
  ])('%s is caught', (_name, defect, rules) => {
    expect(validate(files)).toEqual([]);
    expect(validate(defect()).sort()).toEqual(rules);
  });
});

describe('mirror.sh', () => {
  let script: string;
  let listedSources: string[];
  beforeAll(async () => {
    const files = await render(factory);
    script = files.find((f) => f.path === 'dist/factory/airgap/mirror.sh')!.content;
    listedSources = files.find((f) => f.path === 'dist/factory/airgap/images.txt')!.content.split('\n')
      .filter((l) => l && !l.startsWith('#')).map((l) => l.split(' -> ')[0]);
  });

  /** Runs the generated script with stub skopeo and helm on PATH; returns its exit code, stderr and every call the stubs saw. */
  function runWithStubs(stub: { failCopyOf?: string; loggedIn: boolean }) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-mirror-'));
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const calls = path.join(dir, 'calls.log');
    fs.writeFileSync(path.join(bin, 'skopeo'), [
      '#!/bin/sh',
      `echo "skopeo $*" >> ${JSON.stringify(calls)}`,
      `if [ "$1" = login ]; then exit ${stub.loggedIn ? 0 : 1}; fi`,
      stub.failCopyOf ? `case "$*" in *"docker://${stub.failCopyOf} "*) echo "copy failed: manifest unknown" >&2; exit 1;; esac` : '',
      'exit 0',
    ].join('\n'), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\necho "helm $*" >> ${JSON.stringify(calls)}\nexit 0\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'mirror.sh'), script);
    const run = spawnSync('sh', ['mirror.sh'], { cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, input: '', encoding: 'utf8' });
    const log = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { code: run.status, stderr: run.stderr, calls: log };
  }
  const copied = (calls: string[]) => calls.filter((c) => c.startsWith('skopeo copy ')).map((c) => c.split(' ').find((w) => w.startsWith('docker://'))!.slice('docker://'.length));

  test('a copy that fails on one image still attempts every other image, then exits 1 naming that image', () => {
    const failing = 'docker.io/library/mariadb:10.11.4';
    expect(listedSources).toContain(failing);
    const { code, stderr, calls } = runWithStubs({ failCopyOf: failing, loggedIn: true });
    expect(code).toBe(1);
    // Every image of images.txt (run-time and Flux's included) was attempted, once, in spite of the failure.
    // (skopeo takes a tag or a digest: a digest-pinned image is copied by its digest.)
    expect(copied(calls).sort()).toEqual(listedSources.map((i) => i.replace(/:[^:/@]+@/, '@')).sort());
    // Charts come from the Git repository: nothing to pull.
    expect(calls.filter((c) => c.startsWith('helm '))).toEqual([]);
    expect(stderr).toContain(`mirror.sh: FAILED: ${failing}`);
    expect(stderr.slice(stderr.indexOf('mirror.sh: not mirrored:'))).toBe(`mirror.sh: not mirrored:\n  ${failing}\n`);
  });

  test('every image succeeding exits 0; a registry it cannot log in to without a terminal is named, never prompted for, and the copies still run', () => {
    const ok = runWithStubs({ loggedIn: true });
    expect([ok.code, ok.stderr.trim()]).toEqual([0, 'mirror.sh: every image mirrored']);
    const noLogin = runWithStubs({ loggedIn: false });
    expect(noLogin.code).toBe(1);
    // The mirror and the private source (ghcr.io/xiilab: the platform images) both need a login.
    expect(noLogin.stderr).toContain('mirror.sh: not mirrored:\n  login to harbor.factory.local:443\n  login to ghcr.io\n');
    expect(noLogin.stderr).toContain('not logged in to ghcr.io and no terminal to ask: run skopeo login ghcr.io first');
    expect(noLogin.calls.filter((c) => c.startsWith('skopeo login') && !c.includes('--get-login'))).toEqual([]);
    expect(copied(noLogin.calls).length).toBe(listedSources.length);
  });
});

