import { ApiObject, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ComponentChart } from '../../constructs/tier/component-chart';
import { oneOf } from './synth';

describe('ComponentChart', () => {
  test('it carries the file it becomes, and every object of its constructs, however deeply nested', () => {
    const chart = new ComponentChart(Testing.app(), 'infrastructure-controllers-gpu-operator', { file: 'dist/acme/infrastructure/controllers/gpu-operator.yaml' });
    new k8s.KubeNamespace(chart, 'namespace', { metadata: { name: 'gpu-operator' } });
    new k8s.KubeConfigMap(new Construct(new Construct(chart, 'outer'), 'inner'), 'config', { metadata: { name: 'config' } });
    expect(chart.file).toBe('dist/acme/infrastructure/controllers/gpu-operator.yaml');
    expect(chart.objects.map((o) => `${o.kind}/${o.name}`)).toEqual(['Namespace/gpu-operator', 'ConfigMap/config']);
  });

  test('a name the chart generates is its construct path with no hash suffix: every name in the tree reads as written', () => {
    const chart = new ComponentChart(Testing.app(), 'monitoring-configs-gpu-dashboards', { file: 'dist/acme/monitoring/configs/gpu-dashboards.yaml' });
    new ApiObject(new Construct(chart, 'dashboards'), 'nodes', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(oneOf(chart, k8s.KubeConfigMap).metadata?.name).toBe('monitoring-configs-gpu-dashboards-dashboards-nodes');
  });

  test('all() lists the component charts of an app in construction order, and nothing else', () => {
    const app = Testing.app();
    const first = new ComponentChart(app, 'b', { file: 'dist/acme/b.yaml' });
    new Chart(app, 'plain');
    new Construct(app, 'not-a-chart');
    const second = new ComponentChart(app, 'a', { file: 'dist/acme/a.yaml' });
    expect(ComponentChart.all(app)).toEqual([first, second]);
  });
});
