import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { GPU_UTILISATION } from '../../constructs/monitoring/gpu-alert-rules';
import { GpuDashboards } from '../../constructs/monitoring/gpu-dashboards';
import { synthOf } from './synth';

/** The parts of Grafana's dashboard JSON the tests read. */
interface DashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly templating: { readonly list: ReadonlyArray<{ readonly name: string; readonly query: { readonly query: string } }> };
  readonly panels: ReadonlyArray<{
    readonly title: string;
    readonly datasource: { readonly uid: string };
    readonly targets: ReadonlyArray<{ readonly expr: string }>;
  }>;
}

const configMaps = () => {
  const chart = Testing.chart();
  new GpuDashboards(chart, 'dashboards', { namespace: 'prometheus' });
  return synthOf(chart, k8s.KubeConfigMap);
};

/** Each dashboard by uid, parsed from the one file of its ConfigMap. */
const dashboards = (): Record<string, DashboardJson> => Object.fromEntries(configMaps().map((m) => {
  const files = Object.entries(m.data ?? {});
  expect(files.map(([file]) => file)).toEqual([`${m.metadata?.name}.json`]);
  return [m.metadata?.name, JSON.parse(files[0][1]) as DashboardJson];
}));
const exprs = (d: DashboardJson) => d.panels.map((p) => p.targets[0].expr);

describe('GpuDashboards', () => {
  test('each dashboard is a ConfigMap in the monitoring namespace with the label Grafana\'s sidecar loads dashboards by', () => {
    const maps = configMaps();
    expect(maps.map((m) => m.metadata?.name)).toEqual(['astrago-gpu-nodes', 'astrago-gpu-workloads']);
    for (const m of maps) expect(m.metadata).toMatchObject({ namespace: 'prometheus', labels: { grafana_dashboard: '1' } });
  });

  test('the dashboard uid is its ConfigMap\'s name, so a reinstalled Grafana keeps the same links', () => {
    for (const [name, d] of Object.entries(dashboards())) expect(d.uid).toBe(name);
  });

  test('every panel reads the Prometheus of kube-prometheus-stack (datasource uid prometheus)', () => {
    for (const d of Object.values(dashboards())) {
      for (const p of d.panels) expect(p.datasource.uid).toBe('prometheus');
    }
  });

  test('utilisation comes from the record that covers MIG instances, never from DCGM_FI_DEV_GPU_UTIL alone', () => {
    const all = Object.values(dashboards()).flatMap(exprs);
    expect(all.filter((e) => e.includes(GPU_UTILISATION.record)).length).toBeGreaterThan(0);
    expect(all.filter((e) => e.includes('DCGM_FI_DEV_GPU_UTIL'))).toEqual([]);
  });

  test('per node: utilisation and framebuffer memory summed by node, filtered by the node variable', () => {
    const nodes = dashboards()['astrago-gpu-nodes'];
    expect(nodes.templating.list.map((v) => v.name)).toEqual(['node']);
    expect(exprs(nodes)).toContainEqual(`avg by (kubernetes_node) (${GPU_UTILISATION.record}{kubernetes_node=~"$node"})`);
    expect(exprs(nodes)).toContainEqual('sum by (kubernetes_node) (DCGM_FI_DEV_FB_USED{kubernetes_node=~"$node"})');
  });

  test('per namespace and pod: GPUs without a workload (which carry the exporter\'s namespace gpu-operator) are left out', () => {
    const workloads = dashboards()['astrago-gpu-workloads'];
    expect(workloads.templating.list[0].query.query).toBe(`label_values(${GPU_UTILISATION.record}{namespace!="",namespace!="gpu-operator"}, namespace)`);
    expect(exprs(workloads)).toContainEqual(`avg by (namespace) (${GPU_UTILISATION.record}{namespace=~"$namespace",namespace!="gpu-operator"})`);
    expect(exprs(workloads)).toContainEqual('sum by (namespace, pod) (DCGM_FI_DEV_FB_USED{namespace=~"$namespace",namespace!="gpu-operator"})');
  });
});
