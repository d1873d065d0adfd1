import { ApiObject, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ComponentChart } from '../../constructs/core/component-chart';
import { Stage, type Placement } from '../../model/layout';
import { oneOf } from './synth';

const GPU_OPERATOR: Placement = { kind: 'component', tier: 'infrastructure', stage: Stage.CONTROLLERS, component: 'gpu-operator' };

describe('ComponentChart', () => {
  test('it carries its placement, and every object of its constructs, however deeply nested', () => {
    const chart = new ComponentChart(Testing.app(), { placement: GPU_OPERATOR });
    new k8s.KubeNamespace(chart, 'namespace', { metadata: { name: 'gpu-operator' } });
    new k8s.KubeConfigMap(new Construct(new Construct(chart, 'outer'), 'inner'), 'config', { metadata: { name: 'config' } });
    expect(chart.placement).toEqual(GPU_OPERATOR);
    expect(chart.objects.map((o) => `${o.kind}/${o.name}`)).toEqual(['Namespace/gpu-operator', 'ConfigMap/config']);
  });

  test('a second chart for the same file is refused: its id follows from the placement', () => {
    const app = Testing.app();
    new ComponentChart(app, { placement: GPU_OPERATOR });
    expect(() => new ComponentChart(app, { placement: { ...GPU_OPERATOR } })).toThrow("There is already a Construct with name 'infrastructure-controllers-gpu-operator'");
  });

  test('a name the chart generates is its construct path with no hash suffix: every name in the tree reads as written', () => {
    const chart = new ComponentChart(Testing.app(), { placement: { kind: 'component', tier: 'monitoring', stage: Stage.CONFIGS, component: 'gpu-dashboards' } });
    new ApiObject(new Construct(chart, 'dashboards'), 'nodes', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(oneOf(chart, k8s.KubeConfigMap).metadata?.name).toBe('monitoring-configs-gpu-dashboards-dashboards-nodes');
  });

  test('all() lists the component charts of an app in construction order, and nothing else', () => {
    const app = Testing.app();
    const first = new ComponentChart(app, { placement: { kind: 'flux', tier: 'security' } });
    new Chart(app, 'plain');
    new Construct(app, 'not-a-chart');
    const second = new ComponentChart(app, { placement: { kind: 'entry' } });
    expect(ComponentChart.all(app)).toEqual([first, second]);
  });

  test('of() finds the component chart a construct is written in; outside any, it names the construct', () => {
    const app = Testing.app();
    const chart = new ComponentChart(app, { placement: GPU_OPERATOR });
    expect(ComponentChart.of(new Construct(new Construct(chart, 'outer'), 'inner'))).toBe(chart);
    const stray = new Construct(new Chart(app, 'plain'), 'stray');
    expect(() => ComponentChart.of(stray)).toThrow('plain/stray: expected a construct inside a ComponentChart, found one in plain');
  });
});
