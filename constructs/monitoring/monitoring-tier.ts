import { CHARTS } from '../../catalog/charts';
import { platformUrls } from '../../config/urls';
import { Stage } from '../../model/layout';
import type { TierScope } from '../tier/tier-scope';
import { DcgmServiceMonitor } from './dcgm-service-monitor';
import { GpuAlertRules } from './gpu-alert-rules';
import { GpuDashboards } from './gpu-dashboards';
import { KubePrometheusStack } from './kube-prometheus-stack';

/**
 * Monitoring: kube-prometheus-stack in the controllers stage; the GPU ServiceMonitor, alert
 * rules and dashboards in the configs stage, after the chart has installed their CRDs.
 */
export function buildMonitoringTier(scope: TierScope): void {
  const { config, credentials } = scope;
  const { components, monitoring } = config;
  if (!components.prometheus.enabled) return;
  const stack = new KubePrometheusStack(scope.component(Stage.CONTROLLERS, 'kube-prometheus-stack'), 'kube-prometheus-stack', {
    ...scope.chart('prometheus'),
    credentials,
    urls: platformUrls(config),
    storageClassName: config.nfs.storageClassName,
    retention: monitoring.retention,
    storageSize: monitoring.storageSize,
    nodePorts: monitoring.nodePorts,
  });
  if (!components.gpuOperator.enabled) return;
  const { namespace } = stack.release;
  new DcgmServiceMonitor(scope.component(Stage.CONFIGS, 'gpu-metrics'), 'gpu-metrics', {
    namespace,
    exporterNamespace: CHARTS.gpuOperator.namespace,
    interval: monitoring.gpuScrapeInterval,
  });
  new GpuAlertRules(scope.component(Stage.CONFIGS, 'gpu-alerts'), 'gpu-alerts', { namespace });
  new GpuDashboards(scope.component(Stage.CONFIGS, 'gpu-dashboards'), 'gpu-dashboards', { namespace });
}
