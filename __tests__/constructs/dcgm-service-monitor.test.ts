import { Testing } from 'cdk8s';
import { DCGM_EXPORTER_SERVICE } from '../../constructs/infrastructure/gpu-operator';
import { DcgmServiceMonitor, GPU_NODE_LABEL } from '../../constructs/monitoring/dcgm-service-monitor';
import { ServiceMonitor } from '../../imports/monitoring.coreos.com';
import { oneOf, SCHEMA_DEFAULTS } from './synth';

const monitor = (interval = SCHEMA_DEFAULTS.monitoring.gpuScrapeInterval) => {
  const chart = Testing.chart();
  new DcgmServiceMonitor(chart, 'dcgm', { namespace: 'prometheus', exporterNamespace: 'gpu-operator', interval });
  return oneOf(chart, ServiceMonitor);
};

describe('DcgmServiceMonitor', () => {
  test('selects the Service the GPU operator creates for dcgm-exporter, in the operator\'s namespace', () => {
    const m = monitor();
    expect(m.metadata).toEqual({ name: DCGM_EXPORTER_SERVICE.label.app, namespace: 'prometheus' });
    expect(m.spec).toMatchObject({
      jobLabel: 'app',
      namespaceSelector: { matchNames: ['gpu-operator'] },
      selector: { matchLabels: DCGM_EXPORTER_SERVICE.label },
    });
  });

  test('scrapes the metrics port every 15s by default (monitoring.gpuScrapeInterval), or at the given interval', () => {
    expect(monitor().spec.endpoints).toEqual([expect.objectContaining({ port: DCGM_EXPORTER_SERVICE.port, path: '/metrics', interval: '15s' })]);
    expect(monitor('30s').spec.endpoints?.[0].interval).toBe('30s');
  });

  test('each series carries its node, and the workload labels of the metrics are not overwritten', () => {
    const [endpoint] = monitor().spec.endpoints!;
    expect(endpoint.honorLabels).toBe(true);
    expect(endpoint.relabelings).toEqual([{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: GPU_NODE_LABEL, action: 'replace' }]);
  });
});
