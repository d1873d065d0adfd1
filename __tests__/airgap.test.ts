import { parseAllDocuments, stringify } from 'yaml';
import { CHARTS, releasedChart, type ChartEntry } from '../catalog/charts';
import { imageFromValues, valueAt } from '../catalog/image-values';
import { formatImage, mirrored, normalizeImage, parseImage } from '../catalog/images';
import type { OutputFile } from '../model/objects';
import { formatProblem, loadCustomerText } from '../config/load';
import { existingObjects } from '../validate/externals';
import { validateTrees } from '../validate/validate';
import { MINIMAL, configFrom, objectsOf, render, sampleConfig, vendoredChart } from './helpers';

const factory = sampleConfig('factory');
const REGISTRY = factory.offline.registry!;
type Obj = Record<string, any>;

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
        expect([p, parent === '' || typeof p.split('.').slice(0, -1).reduce<any>((n, k) => n?.[k], defaults) === 'object']).toEqual([p, true]);
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
  const listed = () => files.find((f) => f.path === 'dist/factory/airgap/images.txt')!.content.split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => l.split(' -> '));

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
    expect(lines.map(([s]) => s)).toEqual([...lines.map(([s]) => s)].sort());
    expect(new Set(lines.map(([s]) => s)).size).toBe(lines.length);
    for (const [source, target] of lines) expect(target).toBe(mirrored(source, REGISTRY));
    const targets = new Set(lines.map(([, t]) => t));
    for (const image of containerImages()) expect(targets).toContain(image);
    // Pulled only by pods the operators create: listed too.
    for (const runtime of ['nvidia/driver:580.82.07-ubuntu22.04', 'nvidia/k8s/dcgm-exporter:', 'nvidia/cloud-native/gpu-operator-validator:',
      'prometheus-operator/prometheus-config-reloader:', 'mpioperator/kubectl-delivery:0.3.0']) {
      expect([...targets].some((t) => t.startsWith(`${REGISTRY}/${runtime}`))).toBe(true);
    }
    // And the validate rule agrees that list and tree match both ways.
    const report = validateTrees([{ customer: 'factory', files, externals: existingObjects(factory), offline: factory.offline }]);
    expect(report.findings.filter((f) => f.rule.startsWith('airgap/'))).toEqual([]);
  });

  test('no chart source but the repository Flux syncs: every HelmRelease takes its vendored archive from GitRepository flux-system', () => {
    expect(objects.filter((o) => o.kind === 'HelmRepository' || o.kind === 'OCIRepository')).toEqual([]);
    expect(new Set(objects.filter((o) => o.kind === 'HelmRelease').map((o) => `${o.spec.chart.spec.sourceRef.kind}/${o.spec.chart.spec.sourceRef.name}`))).toEqual(new Set(['GitRepository/flux-system']));
  });

  test('mirror.sh names every image and no chart; the folder is listed in no kustomization.yaml', () => {
    expect(files.find((f) => f.path === 'dist/factory/airgap/charts.txt')).toBeUndefined();
    const script = files.find((f) => f.path === 'dist/factory/airgap/mirror.sh')!.content;
    for (const [source, target] of listed()) {
      const copy = source.includes('@')
        ? `'docker://${source.replace(/:[^:/@]+@/, '@')}' 'docker://${target.split('@')[0]}'`
        : `'docker://${source}' 'docker://${target}'`;
      expect(script).toContain(`skopeo copy --all --retry-times 3 ${copy}`);
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

  test('a bad driver OS is a one-line error', () => {
    expect(() => configFrom(`${MINIMAL}offline: {registry: m.local, gpuDriverOs: ['Ubuntu 22']}\n`)).toThrow(/offline\.gpuDriverOs\.0.*an OS tag suffix such as ubuntu22\.04/s);
  });
});

describe('validate: airgap rules', () => {
  let files: OutputFile[];
  beforeAll(async () => {
    files = await render(factory);
  });
  const validate = (tree: OutputFile[]) => validateTrees([{ customer: 'factory', files: tree, externals: existingObjects(factory), offline: factory.offline }])
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
