import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHARTS } from '../catalog/charts';
import { findVendoredChart, readVendorLock } from '../catalog/vendor-lock';
import { upgradePlanCommand, type UpgradePlanOptions } from '../commands/upgrade-plan-command';
import type { ReleasePlan } from '../render/plan-release';
import { PlanFindingKind } from '../render/upgrade-plan';
import { readTarGz } from '../tools/archive';
import { ROOT, SAMPLES, withHelm } from './helpers';

/** Pairs of small charts, each planting one kind of problem between `from` and `to`. */
const PLANTED = path.join(__dirname, 'fixtures', 'charts', 'upgrades');

async function run(options: Partial<UpgradePlanOptions>): Promise<{ code: number; plans: ReleasePlan[]; blocked: boolean; errors: string[] }> {
  const errors: string[] = [];
  let out = '';
  const code = await upgradePlanCommand({ root: ROOT, args: [], output: 'json', log: (l) => errors.push(l), out: (t) => (out += t), ...options });
  const json = out ? JSON.parse(out) as { blocked: boolean; plans: ReleasePlan[] } : { blocked: false, plans: [] };
  return { code, ...json, errors };
}

/** The plan between a planted pair, with the values file of the pair when it has one. */
async function planted(pair: string, to = 'to') {
  const values = path.join(PLANTED, pair, 'release-values.yaml');
  const result = await run({ from: path.join(PLANTED, pair, 'from'), to: path.join(PLANTED, pair, to), values: fs.existsSync(values) ? values : undefined });
  expect(result.plans).toHaveLength(1);
  return { ...result, plan: result.plans[0] };
}

const summary = (plan: ReleasePlan) => plan.findings.map((f) => `${f.blocks ? 'blocks' : 'warning'} ${f.kind} ${f.object}`);

withHelm('planted chart pairs: each kind of finding', () => {
  test('a Deployment whose selector changes blocks, and upgrade.force is proposed to replace it', async () => {
    const { code, plan } = await planted('selector');
    expect(code).toBe(1);
    expect(summary(plan)).toEqual([
      `blocks ${PlanFindingKind.FLUX_SETTING} spec.upgrade.force`,
      `blocks ${PlanFindingKind.IMMUTABLE} Deployment/default/planted-web`,
    ]);
    expect(plan.findings[1].message).toContain('spec.selector.matchLabels.tier changes (unset → "front")');
    expect(plan.proposals).toEqual([expect.objectContaining({ setting: 'upgrade.force', value: 'true', current: 'false' })]);
  });

  test('a StatefulSet whose volumeClaimTemplates change blocks, naming the field, and no force is proposed for an object holding data', async () => {
    const { code, plan } = await planted('claims');
    expect(code).toBe(1);
    expect(summary(plan)).toEqual([`blocks ${PlanFindingKind.IMMUTABLE} StatefulSet/default/planted-db`]);
    expect(plan.findings[0].message).toContain('spec.volumeClaimTemplates[0].spec.resources.requests.storage changes ("1Gi" → "2Gi")');
    expect(plan.proposals).toEqual([]);
  });

  test('a CRD version that the target removes blocks, and upgrade.crds CreateReplace is proposed for the changed crds/ folder', async () => {
    const { code, plan } = await planted('crds', 'to-removed');
    expect(code).toBe(1);
    expect(summary(plan)).toEqual([
      `blocks ${PlanFindingKind.CRD} CustomResourceDefinition/widgets.example.org`,
      `blocks ${PlanFindingKind.FLUX_SETTING} spec.upgrade.crds`,
    ]);
    expect(plan.findings[0].message).toMatch(/^version v1alpha1 removed/);
    expect(plan.proposals).toEqual([expect.objectContaining({ setting: 'upgrade.crds', value: 'CreateReplace', current: 'Skip' })]);
  });

  test('a storage version that moves while the old version is still served is reported as a warning, not a blocker', async () => {
    const { plan } = await planted('crds', 'to-storage');
    const crd = plan.findings.filter((f) => f.kind === PlanFindingKind.CRD);
    expect(crd).toEqual([expect.objectContaining({ blocks: false, message: expect.stringMatching(/^storage version changes v1alpha1 → v1/) })]);
  });

  test('a values key of ours that the target no longer reads blocks, at its values path', async () => {
    const { code, plan } = await planted('values');
    expect(code).toBe(1);
    expect(summary(plan)).toEqual([`blocks ${PlanFindingKind.UNREAD_VALUE} values.image.pullPolicy`]);
  });

  test('a PersistentVolumeClaim missing from the target blocks: Helm would delete it', async () => {
    const { code, plan } = await planted('claim-removed');
    expect(code).toBe(1);
    expect(summary(plan)).toEqual([`blocks ${PlanFindingKind.DATA_REMOVED} PersistentVolumeClaim/default/planted-data`]);
  });

  test('a Service that becomes ExternalName blocks: the cluster IP it holds is refused', async () => {
    const { code, plan } = await planted('service');
    expect(code).toBe(1);
    expect(summary(plan)).toContain(`blocks ${PlanFindingKind.IMMUTABLE} Service/default/planted-api`);
    expect(plan.findings.find((f) => f.kind === PlanFindingKind.IMMUTABLE)?.message).toContain('ClusterIP → ExternalName');
  });

  test('a Service that becomes headless blocks: its cluster IP cannot change', async () => {
    const { code, plan } = await planted('service', 'to-headless');
    expect(code).toBe(1);
    expect(plan.findings.find((f) => f.kind === PlanFindingKind.IMMUTABLE)?.message).toMatch(/^spec\.clusterIP changes between headless \(None\) and allocated/);
  });

  test('a claim that changes storage class and shrinks blocks twice, and a Job whose template changes blocks with force proposed', async () => {
    const { code, plan } = await planted('claim-class');
    expect(code).toBe(1);
    expect(plan.findings.map((f) => `${f.blocks ? 'blocks' : 'warning'} ${f.object}: ${f.message.split(':')[0]}`)).toEqual([
      'blocks spec.upgrade.force: expected true, found false',
      'blocks Job/default/planted-setup: spec.template.spec.containers[0].image changes ("registry.example.org/setup',
      'blocks PersistentVolumeClaim/default/planted-data: spec.resources.requests.storage shrinks (2Gi → 1Gi)',
      'blocks PersistentVolumeClaim/default/planted-data: spec.storageClassName changes ("nfs" → "fast")',
      'warning Job/default/planted-setup: pulls registry.example.org/setup',
    ]);
  });

  test('an image the target pulls and the current chart does not is a warning to mirror it first, naming only the new image', async () => {
    const { plan } = await planted('claim-class');
    expect(plan.findings.filter((f) => f.kind === PlanFindingKind.NEW_IMAGE)).toEqual([{
      kind: PlanFindingKind.NEW_IMAGE, blocks: false, object: 'Job/default/planted-setup',
      message: expect.stringMatching(/^pulls registry\.example\.org\/setup:2\.0\.0, which no pod of the current chart pulls: on an air-gapped site, .*mirror it before the upgrade$/),
    }]);
  });

  test('a chart planned against itself has no finding and exits 0', async () => {
    for (const pair of fs.readdirSync(PLANTED).sort()) {
      const from = path.join(PLANTED, pair, 'from');
      const { code, plans } = await run({ from, to: from });
      expect({ pair, code, findings: plans[0].findings }).toEqual({ pair, code: 0, findings: [] });
    }
  });
});

/** The vendored archive of a chart unpacked to a folder. */
function unpacked(chart: string, version: string): string {
  const entry = findVendoredChart(readVendorLock(ROOT), chart, version);
  if (!entry) throw new Error(`expected ${chart} ${version} in vendor/lock.yaml`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-harmless-'));
  scratch.push(dir);
  for (const [name, content] of readTarGz(fs.readFileSync(path.join(ROOT, entry.file)))) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return path.join(dir, chart);
}

/** The vendored chart with a template comment and an optional value added: a harmless new version. */
function harmlessCopy(chart: string, version: string): string {
  const root = unpacked(chart, version);
  const template = fs.readdirSync(path.join(root, 'templates'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort()[0];
  if (!template) throw new Error(`expected a template in ${root}/templates`);
  fs.appendFileSync(path.join(root, 'templates', template), '\n{{- /* a comment a later version might add */ -}}\n');
  fs.appendFileSync(path.join(root, 'values.yaml'), '\n# An optional value a later version might add.\nplannedOptionalValue: {}\n');
  return root;
}

/** For each chart of the catalog, the first sample customer whose committed tree installs its pinned archive. */
function vendoredReleases(): Array<[string, string, string]> {
  return Object.values(CHARTS).map((entry) => {
    const archive = `vendor/charts/${entry.chart}-${entry.version}.tgz`;
    const customer = SAMPLES.find((c) => fs.readdirSync(path.join(ROOT, 'dist', c), { recursive: true, encoding: 'utf8' })
      .some((f) => f.endsWith('.yaml') && fs.readFileSync(path.join(ROOT, 'dist', c, f), 'utf8').includes(archive)));
    if (!customer) throw new Error(`expected a sample customer installing ${archive}`);
    return [customer, entry.chart, entry.version];
  });
}

const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

withHelm('real vendored charts across a transition', () => {
  test.each(vendoredReleases())('%s: %s %s planned to its own vendored version, and to a copy with a harmless change, reports nothing', async (customer, chart, version) => {
    const self = await run({ args: [customer, chart, version] });
    expect(self.errors).toEqual([]);
    expect(self.plans.map((p) => [p.release, p.findings])).toEqual(self.plans.map((p) => [p.release, []]));
    expect(self.plans.length).toBeGreaterThan(0);
    expect(self.code).toBe(0);
    const copy = await run({ args: [customer, chart, harmlessCopy(chart, version)] });
    expect(copy.plans.map((p) => [p.release, p.findings])).toEqual(self.plans.map((p) => [p.release, []]));
    expect(copy.plans[0].objects).toEqual(self.plans[0].objects);
    expect(copy.code).toBe(0);
  });

  test('a customer\'s release planned to a chart that no longer renders the registry claim is blocked, naming the claim in the release namespace', async () => {
    const target = unpacked('harbor', '1.14.2');
    fs.rmSync(path.join(target, 'templates', 'registry', 'registry-pvc.yaml'));
    const { code, plans } = await run({ args: ['demo', 'harbor', target] });
    expect(code).toBe(1);
    // The annotation our values put on that claim is read by no template any more either.
    expect(plans[0].findings.map((f) => [f.kind, f.blocks, f.object])).toEqual([
      [PlanFindingKind.DATA_REMOVED, true, 'PersistentVolumeClaim/harbor/harbor-registry'],
      [PlanFindingKind.UNREAD_VALUE, true, 'values.persistence.persistentVolumeClaim.registry.annotations."kustomize.toolkit.fluxcd.io/prune"'],
    ]);
  });

  test('a changed CRD of the crds/ folder needs no proposal for a release that already upgrades CRDs with CreateReplace', async () => {
    const target = unpacked('kube-prometheus-stack', '61.9.0');
    const crd = path.join(target, 'charts', 'crds', 'crds', 'crd-alertmanagerconfigs.yaml');
    fs.writeFileSync(crd, fs.readFileSync(crd, 'utf8').replace(/^(\s+)description: /m, '$1description: Changed. '));
    const { code, plans } = await run({ args: ['demo', 'kube-prometheus-stack', target] });
    expect(plans[0].proposals).toEqual([]);
    expect(plans[0].findings).toEqual([]);
    expect(code).toBe(0);
  });

  test('the text report names the customer, release and both versions, then a summary line', async () => {
    let out = '';
    const code = await upgradePlanCommand({ root: ROOT, args: ['demo', 'harbor', '1.14.2'], output: 'text', log: () => undefined, out: (t) => (out += t) });
    expect(code).toBe(0);
    expect(out).toContain('demo: HelmRelease/harbor/harbor: harbor 1.14.2 → harbor 1.14.2');
    expect(out).toMatch(/1 release\(s\) planned: 0 blocked, 1 can upgrade/);
  });
});

describe('usage', () => {
  const usage = async (options: Partial<UpgradePlanOptions>) => {
    const { code, errors } = await run(options);
    return { code, errors };
  };

  test('a target that is neither vendored nor a chart on disk is a usage error naming the vendored versions and how to vendor one', async () => {
    const { code, errors } = await usage({ args: ['demo', 'harbor', '1.99.0'] });
    expect(code).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/^error: <target>: expected a version of harbor recorded in vendor\/lock\.yaml \(1\.14\.2\).*npx astrago charts vendor harbor <version>/)]);
  });

  test('a chart the customer does not install is a usage error listing the charts it does', async () => {
    const { code, errors } = await usage({ args: ['plant', 'ingress-nginx', '4.13.2'] });
    expect(code).toBe(2);
    expect(errors[0]).toMatch(/^error: <chart>: expected a chart that a HelmRelease of plant installs \(.*traefik\), found ingress-nginx$/);
  });

  test('a target folder holding another chart is refused', async () => {
    const { code, errors } = await usage({ args: ['demo', 'harbor', path.join(PLANTED, 'service', 'to')] });
    expect(code).toBe(2);
    expect(errors[0]).toMatch(/^error: <target>: expected a chart named harbor, found planted 2\.0\.0/);
  });

  test('both forms at once, --from without --to, too few arguments and --values with a customer are usage errors', async () => {
    const from = path.join(PLANTED, 'values', 'from');
    for (const options of [{ args: ['demo', 'harbor', '1.14.2'], from, to: from }, { from }, { args: ['demo'] }, { args: ['demo', 'harbor', '1.14.2'], values: 'v.yaml' }]) {
      const { code, errors } = await usage(options);
      expect({ options, code, lines: errors.length }).toEqual({ options, code: 2, lines: 1 });
      expect(errors[0]).toMatch(/^error: /);
    }
  });

  test('a --values file that is not a map of values is one error naming the file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-values-')), 'values.yaml');
    fs.writeFileSync(file, '- a\n- b\n');
    const from = path.join(PLANTED, 'values', 'from');
    const { code, errors } = await usage({ from, to: from, values: file });
    expect(code).toBe(1);
    expect(errors).toEqual([`error: ${file}: expected a map of chart values, found a list`]);
  });
});
