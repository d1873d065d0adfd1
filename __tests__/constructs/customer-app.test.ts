import { ComponentChart } from '../../constructs/core/component-chart';
import { CustomerApp } from '../../constructs/customer-app';
import { durationSeconds } from '../../constructs/flux/duration';
import { HelmRelease } from '../../constructs/flux/helm-release';
import { ReadyTimeout } from '../../constructs/flux/ready-timeout';
import { Kustomization } from '../../imports/kustomize.toolkit.fluxcd.io';
import { placementFile, Stage, type Tier, TIERS } from '../../model/layout';
import { configFrom, MINIMAL } from '../helpers';
import { RecordingVault } from './recording-vault';
import { synthOf } from './synth';

const customer = (yaml = MINIMAL) => new CustomerApp(configFrom(yaml), new RecordingVault());

/** Every Flux Kustomization of the customer: name, namespace, spec and the file it is written to. */
const kustomizations = (app: CustomerApp) => ComponentChart.all(app).flatMap((c) => synthOf(c, Kustomization)
  .map((k) => ({ name: k.metadata?.name ?? '', namespace: k.metadata?.namespace, spec: k.spec!, file: placementFile('acme', c.placement) })));
const stages = (app: CustomerApp) => kustomizations(app).filter((k) => k.name !== 'astrago');

describe('CustomerApp', () => {
  test('the stages form one dependsOn chain in tier order, controllers before configs, each Kustomization in its tier\'s flux file', () => {
    const chain = stages(customer());
    expect(chain.map((k) => k.name)).toEqual([
      'infrastructure-controllers', 'monitoring-controllers', 'monitoring-configs',
      'security-controllers', 'applications-controllers', 'applications-configs',
    ]);
    chain.forEach((k, i) => {
      const [tier, stage] = k.name.split('-');
      expect(k.namespace).toBe('flux-system');
      expect(k.spec).toMatchObject({ path: `./dist/acme/${tier}/${stage}`, prune: true, wait: true });
      expect(k.spec.dependsOn).toEqual(i === 0 ? undefined : [{ name: chain[i - 1].name, namespace: 'flux-system' }]);
      expect(k.file).toBe(`dist/acme/flux/${tier}.yaml`);
    });
  });

  test('a stage\'s Kustomization waits at least as long as the slowest HelmRelease or ReadyTimeout it applies', () => {
    const app = customer();
    const byName = new Map(stages(app).map((k) => [k.name, k]));
    let checked = 0;
    for (const tier of TIERS) {
      for (const stage of [Stage.CONTROLLERS, Stage.CONFIGS]) {
        const waits = app.stageCharts(tier, stage).flatMap((c) => c.node.findAll())
          .filter((n): n is HelmRelease | ReadyTimeout => n instanceof HelmRelease || n instanceof ReadyTimeout);
        for (const w of waits) {
          expect(durationSeconds(byName.get(`${tier}-${stage}`)!.spec.timeout!)).toBeGreaterThanOrEqual(durationSeconds(w.timeout));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    // The platform declares 15m for its workloads; a stage of custom resources alone keeps Flux's 5m.
    expect(byName.get('applications-configs')?.spec.timeout).toBe('15m');
    expect(byName.get('monitoring-configs')?.spec.timeout).toBe('5m');
  });

  test('only a stage that holds an encrypted Secret decrypts, with the sops-age key', () => {
    const app = customer();
    const decrypting = stages(app).filter((k) => k.spec.decryption);
    expect(decrypting.map((k) => k.name)).toEqual(['monitoring-controllers', 'security-controllers', 'applications-configs']);
    for (const k of decrypting) expect(k.spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
    expect(app.stageCharts('monitoring', Stage.CONTROLLERS).flatMap((c) => c.objects).filter((o) => o.kind === 'Secret')).toHaveLength(1);
    expect(app.stageCharts('infrastructure', Stage.CONTROLLERS).flatMap((c) => c.objects).filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('a stage without components has no Kustomization, and a tier without any has no flux file', () => {
    const app = customer(`${MINIMAL}components: {csiDriverNfs: {enabled: false}, gpuOperator: {enabled: false}, ingressNginx: {enabled: false}}\n`);
    expect(stages(app).map((k) => k.name)).not.toContain('infrastructure-controllers');
    expect(stages(app)[0].spec.dependsOn).toBeUndefined();
    expect(ComponentChart.all(app).map((c) => c.placement)).not.toContainEqual({ kind: 'flux', tier: 'infrastructure' });
  });

  test('the cluster entry point, which flux bootstrap picks up, applies the whole customer folder without waiting for it', () => {
    const [entry] = kustomizations(customer()).filter((k) => k.name === 'astrago');
    expect(entry.file).toBe('flux/acme/astrago.yaml');
    expect(entry.namespace).toBe('flux-system');
    expect(entry.spec).toMatchObject({ path: './dist/acme', prune: true, wait: false, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
  });

  test('stageCharts gives the component charts of one stage of one tier only', () => {
    const app = customer();
    const components = (tier: Tier, stage: Stage) => app.stageCharts(tier, stage).map((c) => c.placement.kind === 'component' && c.placement.component);
    expect(components('monitoring', Stage.CONTROLLERS)).toEqual(['kube-prometheus-stack', 'secret-prometheus-grafana-admin']);
    expect(components('security', Stage.CONFIGS)).toEqual([]);
  });

  test('only an air-gapped customer has a bill of materials', () => {
    expect(customer().billOfMaterials).toBeUndefined();
    expect(customer(`${MINIMAL}offline: {registry: harbor.local:443/astrago}\n`).billOfMaterials?.images.length).toBeGreaterThan(0);
  });
});
