import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { selectFiles } from '../commands/render-command';
import { ComponentChart } from '../constructs/core/component-chart';
import { kustomizationStage, placementFile, placementId, Stage, stageKustomizationName, STAGES, TIERS, type Placement } from '../model/layout';
import type { OutputFile } from '../model/objects';
import { placementParses, placementParsesIn } from '../scripts/placement-parses';

describe('placement', () => {
  test('layout.ts turns each kind of placement into the file a user finds it in', () => {
    expect(placementFile('acme', { kind: 'component', tier: 'monitoring', stage: Stage.CONFIGS, component: 'gpu-alerts' }))
      .toBe('dist/acme/monitoring/configs/gpu-alerts.yaml');
    expect(placementFile('acme', { kind: 'flux', tier: 'security' })).toBe('dist/acme/flux/security.yaml');
    expect(placementFile('acme', { kind: 'entry' })).toBe('flux/acme/astrago.yaml');
  });

  test('a second chart for the same file is refused', () => {
    const app = new App();
    const placement = { kind: 'component', tier: 'infrastructure', stage: Stage.CONTROLLERS, component: 'traefik' } as const;
    expect(new ComponentChart(app, { placement }).node.id).toBe(placementId(placement));
    expect(() => new ComponentChart(app, { placement: { ...placement } })).toThrow("There is already a Construct with name 'infrastructure-controllers-traefik'");
  });

  test('a construct knows the component chart it is written in; one in any other chart is refused, not misfiled', () => {
    const app = new App();
    const chart = new ComponentChart(app, { placement: { kind: 'flux', tier: 'monitoring' } });
    expect(ComponentChart.of(new Construct(chart, 'inner')).placement).toEqual({ kind: 'flux', tier: 'monitoring' });
    const plain = new Chart(app, 'plain');
    expect(plain instanceof ComponentChart).toBe(false);
    expect(() => ComponentChart.of(new Construct(plain, 'inner'))).toThrow('plain/inner: expected a construct inside a ComponentChart, found one in plain');
  });

  test('each Kustomization name of ours leads back to its tier and stage; any other name to none', () => {
    for (const tier of TIERS) for (const stage of STAGES) expect(kustomizationStage(stageKustomizationName(tier, stage))).toEqual({ tier, stage });
    expect(kustomizationStage('astrago')).toBeUndefined();
    expect(kustomizationStage('flux-system')).toBeUndefined();
  });

  test('render selects files by their placement: a tier is its components, an app is a component, never a Kustomization file', () => {
    const file = (placement: Placement): OutputFile => ({ path: placementFile('acme', placement), content: '', placement });
    const traefik = file({ kind: 'component', tier: 'infrastructure', stage: Stage.CONTROLLERS, component: 'traefik' });
    const alerts = file({ kind: 'component', tier: 'monitoring', stage: Stage.CONFIGS, component: 'gpu-alerts' });
    const flux = file({ kind: 'flux', tier: 'infrastructure' });
    const entry = file({ kind: 'entry' });
    const listing: OutputFile = { path: 'dist/acme/kustomization.yaml', content: '' };
    const files = [traefik, alerts, flux, entry, listing];
    expect(selectFiles(files, {})).toEqual([traefik, alerts, flux, entry]);
    expect(selectFiles(files, { tier: 'infrastructure' })).toEqual([traefik]);
    expect(selectFiles(files, { app: 'gpu-alerts' })).toEqual([alerts]);
    expect(() => selectFiles(files, { app: 'infrastructure' })).toThrow('--app: expected one of gpu-alerts, traefik, found "infrastructure"');
  });

  test('no module outside model/layout.ts parses a path or construct id to recover a tier, stage or component', () => {
    expect(placementParses().map((p) => `${p.file}:${p.line}: ${p.code} (${p.word})`)).toEqual([]);
  });

  // The parses the tree once had, each reduced to its statement, and look-alikes that are no parse.
  test.each([
    ['a folder sliced off a chart file', 'const chart = Chart.of(scope) as ComponentChart;\nconst folder = chart.file.slice(0, chart.file.lastIndexOf("/"));'],
    ['charts picked by a path prefix', 'function f(tier, stage) {\n  const prefix = `${dist}/${stageFolder(tier, stage)}/`;\n  return charts.filter((c) => c.file.startsWith(prefix));\n}'],
    ['files picked by tier folder', 'const inTier = files.filter((f) => f.path.startsWith(`${dist}/${selection.tier}/`));'],
    ['the folder of tier Kustomizations matched in a path', "const apps = files.filter((f) => !f.path.includes('/flux/'));"],
    ['a stage matched in a path', "const late = files.filter((f) => /\\/configs\\//.test(f.path));"],
    ['a tier read off a Kustomization name', "const tierOf = (name: string): Tier | '' => TIERS.find((t) => name.startsWith(`${t}-`)) ?? '';"],
  ])('the scan finds %s', (_, code) => {
    expect(placementParsesIn('example.ts', code)).not.toEqual([]);
  });

  test.each([
    ['a version prefix beside Flux controllers', "const controllers = RELEASES[version.replace(/^v/, '')];"],
    ['a lookup in the list of tiers', 'const order = TIERS.indexOf(placement.tier);'],
    ['prose naming a stage', "lines.push(`its controllers: ${git.startsWith('http://') ? 'insecure' : 'secure'}`);"],
    ['a parameter named like a placement variable elsewhere', 'const files = ComponentChart.all(app);\nfunction list(files: string[]) { return files.filter((f) => f.startsWith(root)); }'],
    ['a comment about tiers', '// the tier folder\nconst top = file.split("/")[0];'],
  ])('the scan leaves %s alone', (_, code) => {
    expect(placementParsesIn('example.ts', code)).toEqual([]);
  });
});
