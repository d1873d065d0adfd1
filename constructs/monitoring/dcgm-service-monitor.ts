import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction } from '../../imports/monitoring.coreos.com';
import { DCGM_EXPORTER_SERVICE } from '../infrastructure/gpu-operator';

/** Label GPU metrics carry the node name under (dashboards and alerts group by it). */
export const GPU_NODE_LABEL = 'kubernetes_node';
/** `job` label of the DCGM metrics: the ServiceMonitor's jobLabel is the Service's `app`. */
export const DCGM_JOB = DCGM_EXPORTER_SERVICE.label.app;

export interface DcgmServiceMonitorProps {
  /** Namespace of the ServiceMonitor (the monitoring namespace). */
  readonly namespace: string;
  /** Namespace the GPU operator runs dcgm-exporter in. */
  readonly exporterNamespace: string;
  /** Scrape interval of the GPU metrics (`monitoring.gpuScrapeInterval`). */
  readonly interval: string;
}

/**
 * The one ServiceMonitor of the GPU metrics: dcgm-exporter's Service, at the customer's
 * interval (the old system scraped every GPU endpoint once per second), with the node under
 * `kubernetes_node`.
 *
 * `honorLabels: true`: the `namespace`/`pod` labels dcgm-exporter sets on a GPU in use name
 * the workload, and the backend filters and joins on exactly those (`pod=~"wl-.*"`,
 * `on(namespace,pod)`, contract §4). Without it they would become `exported_*`. A GPU
 * without workload carries the exporter's own namespace and pod instead.
 */
export class DcgmServiceMonitor extends Construct {
  constructor(scope: Construct, id: string, props: DcgmServiceMonitorProps) {
    super(scope, id);
    new ServiceMonitor(this, 'Resource', {
      metadata: { name: DCGM_JOB, namespace: props.namespace },
      spec: {
        jobLabel: 'app',
        namespaceSelector: { matchNames: [props.exporterNamespace] },
        selector: { matchLabels: { ...DCGM_EXPORTER_SERVICE.label } },
        endpoints: [{
          port: DCGM_EXPORTER_SERVICE.port,
          path: '/metrics',
          interval: props.interval,
          honorLabels: true,
          relabelings: [{
            sourceLabels: ['__meta_kubernetes_pod_node_name'],
            targetLabel: GPU_NODE_LABEL,
            action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE,
          }],
        }],
      },
    });
  }
}
