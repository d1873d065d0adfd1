/**
 * The render check on the real charts at their pinned versions, vendored in vendor/charts/: the sample customers render clean, and the mistakes the old system
 * let through are each caught with customer, release and values path. The charts are rendered
 * once per run of this file (and kept in .cache/rendered for the next one).
 */
import { parseAllDocuments, stringify } from 'yaml';
import { readVendorLock } from '../catalog/vendor-lock';
import { renderCacheDir, renderCheckCommand } from '../commands/render-check-command';
import { type Fields } from '../model/fields';
import { renderCheck } from '../render/check';
import { locateHelm } from '../render/helm';
import { renderTree } from '../render/plan';
import type { RenderReport } from '../render/report';
import { committedTree } from '../validate/committed-tree';
import { formatFinding } from '../validate/model/finding';
import { SchemaSet } from '../validate/schemas';
import { ROOT, SAMPLES, SCHEMAS_DIR, sampleConfig, withHelm } from './helpers';


type Values = Fields;

/** The factory's committed files of three releases, each HelmRelease's values changed by `edit`. */
function factoryWith(edits: Record<string, (values: Values) => void>): Array<{ path: string; content: string }> {
  const files = committedTree(ROOT, 'factory');
  return Object.entries(edits).map(([file, edit]) => {
    const original = files.find((f) => f.path === file);
    if (!original) throw new Error(`expected ${file} in the committed tree`);
    const docs = parseAllDocuments(original.content).map((d) => d.toJS() as Values);
    for (const d of docs.filter((o) => o.kind === 'HelmRelease')) edit(d.spec.values);
    return { path: file, content: docs.map((d) => `---\n${stringify(d)}`).join('') };
  });
}

withHelm('the sample customers against the real charts', () => {
  const log: string[] = [];
  let code: number;
  beforeAll(async () => {
    code = await renderCheckCommand({ root: ROOT, env: {}, log: (l) => log.push(l) });
  });

  test('every release of every sample customer renders with 0 findings and nothing skipped', () => {
    expect(log.filter((l) => /^(error|warning):/.test(l))).toEqual([]);
    expect(log.filter((l) => l.startsWith('skipped:'))).toEqual([]);
    expect(log.filter((l) => l.startsWith('rendered:')).map((l) => l.split(': ')[1])).toEqual(expect.arrayContaining(SAMPLES));
    expect(log[log.length - 1]).toMatch(/^(\d+) releases: \1 rendered .* 0 checked without rendering, 0 skipped; 0 errors, 0 warnings, \d+ excepted$/);
    expect(code).toBe(0);
  });

  test('each finding the catalog excepts is listed with its reason, and there are no others', () => {
    const excepted = log.filter((l) => l.startsWith('excepted:'));
    expect(new Set(excepted.map((l) => l.replace(/^excepted: [^:]+: /, '').split(':')[0]))).toEqual(new Set([
      'Job/gpu-operator/gpu-operator-upgrade-crd', 'Job/gpu-operator/gpu-operator-node-feature-discovery-prune',
    ]));
    expect(excepted.every((l) => /\] .*(reads|sets) no/.test(l))).toBe(true);
  });
});

withHelm('mistakes in the values of an air-gapped customer, against the real charts', () => {
  let report: RenderReport;
  beforeAll(async () => {
    const files = factoryWith({
      // Retention belongs under prometheus.prometheusSpec; a misspelled key under PostgreSQL's primary;
      // an NFS plugin image left at its upstream registry.
      'dist/factory/monitoring/controllers/kube-prometheus-stack.yaml': (v) => {
        v.prometheus.retention = v.prometheus.prometheusSpec.retention;
        delete v.prometheus.prometheusSpec.retention;
      },
      'dist/factory/security/controllers/keycloak.yaml': (v) => {
        v.postgresql.primary = { ...v.postgresql.primary, persistance: v.postgresql.primary?.persistence ?? { size: '8Gi' } };
        delete v.postgresql.primary.persistence;
      },
      'dist/factory/infrastructure/controllers/csi-driver-nfs.yaml': (v) => {
        v.image.nfs.repository = 'registry.k8s.io/sig-storage/nfsplugin';
      },
    });
    const config = sampleConfig('factory');
    report = await renderCheck([renderTree(config, files)], {
      charts: { root: ROOT, lock: readVendorLock(ROOT) },
      helm: locateHelm(ROOT),
      schemas: SchemaSet.load(SCHEMAS_DIR),
      renderCache: renderCacheDir(ROOT),
    });
  });
  const lines = () => report.findings.map(formatFinding);

  test('a values key under the wrong parent', () => {
    expect(lines()).toContain('error: factory: dist/factory/monitoring/controllers/kube-prometheus-stack.yaml: HelmRelease/prometheus/prometheus: '
      + '[render/unread-value] values.prometheus.retention: expected a key kube-prometheus-stack 61.9.0 defaults or reads, found one it ignores');
  });

  test('a misspelled nested key, with the key it was meant to be', () => {
    expect(lines()).toContainEqual(expect.stringMatching(/^error: factory: dist\/factory\/security\/controllers\/keycloak\.yaml: HelmRelease\/keycloak\/keycloak: \[render\/unread-value\] values\.postgresql\.primary\.persistance: .* ignores.*; did you mean "persistence"\?$/));
  });

  test('an image outside the mirror, traced to the value that sets it', () => {
    expect(lines().filter((l) => l.includes('[airgap/image]'))).toEqual([
      'error: factory: dist/factory/infrastructure/controllers/csi-driver-nfs.yaml » csi-driver-nfs/templates/csi-nfs-node.yaml: DaemonSet/nfs-provisioner/csi-nfs-node: [airgap/image] '
        + 'spec.template.spec.containers[2].image: expected an image in harbor.factory.local:443/astrago/, found "registry.k8s.io/sig-storage/nfsplugin:v4.9.0"; '
        + 'set by values.image.nfs.repository of HelmRelease/nfs-provisioner/nfs-provisioner',
      expect.stringContaining('csi-nfs-controller'),
    ].sort());
  });

  test('nothing else is reported', () => {
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['airgap/image', 'airgap/image', 'render/unread-value', 'render/unread-value']);
  });
});
