import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import type { ChartSources } from '../flux/chart-sources';
import { HelmRelease } from '../flux/helm-release';
import { Namespace } from '../core/namespace';
import {
  DCGM_METRICS_KEY, dcgmMetricsCsv, MIG_CONFIG_KEY, MIG_DEFAULT_PROFILE, migPartedConfig, mpsDevicePluginConfigs,
} from './gpu-operator-config';

/** ConfigMap names the operator's ClusterPolicy points at (in the gpu-operator namespace). */
export const GPU_CONFIG_MAPS = {
  dcgmMetrics: 'metrics-config',
  migParted: 'custom-mig-parted-config',
  devicePlugin: 'nvidia-plugin-config-mps',
} as const;

const CONTROL_PLANE_TOLERATIONS = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane']
  .map((key) => ({ key, operator: 'Equal', value: '', effect: 'NoSchedule' }));

export interface GpuOperatorProps {
  /** Chart sources of the customer. */
  readonly sources: ChartSources;
  /**
   * Create the DCGM exporter's ServiceMonitor (needs the prometheus-operator CRDs; the
   * operator retries until the monitoring tier has installed them).
   * @default true
   */
  readonly serviceMonitor?: boolean;
  /**
   * Scrape interval of the DCGM GPU metrics.
   * @default '15s'
   */
  readonly scrapeInterval?: string;
  /**
   * Chart version override.
   * @default - the catalog version
   */
  readonly version?: string;
}

/**
 * NVIDIA GPU operator with Astrago's MIG profiles, MPS sharing configs and DCGM metrics.
 *
 * Values sit at the chart's real top-level keys: the old system nested them under a
 * `gpu-operator:` key the chart never reads, so none of this took effect.
 */
export class GpuOperator extends Construct {
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: GpuOperatorProps) {
    super(scope, id);
    const chart = CHARTS.gpuOperator;
    new Namespace(this, 'namespace', { name: chart.namespace });
    const configMap = (name: string, data: Record<string, string>) =>
      new k8s.KubeConfigMap(this, name, { metadata: { name, namespace: chart.namespace }, data });
    configMap(GPU_CONFIG_MAPS.dcgmMetrics, { [DCGM_METRICS_KEY]: dcgmMetricsCsv() });
    configMap(GPU_CONFIG_MAPS.migParted, { [MIG_CONFIG_KEY]: migPartedConfig() });
    configMap(GPU_CONFIG_MAPS.devicePlugin, mpsDevicePluginConfigs());

    const off = { enabled: false };
    this.release = new HelmRelease(this, 'release', {
      chart,
      source: props.sources.use(this, chart.repository),
      version: props.version,
      values: {
        operator: { tolerations: CONTROL_PLANE_TOLERATIONS },
        driver: { enabled: true },
        toolkit: { enabled: true },
        dcgm: { enabled: true },
        gfd: { enabled: true },
        devicePlugin: { config: { name: GPU_CONFIG_MAPS.devicePlugin, create: false } },
        migManager: { config: { name: GPU_CONFIG_MAPS.migParted, create: false, default: MIG_DEFAULT_PROFILE } },
        dcgmExporter: {
          config: { name: GPU_CONFIG_MAPS.dcgmMetrics, create: false },
          env: [
            { name: 'DCGM_EXPORTER_LISTEN', value: ':9400' },
            { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
            { name: 'DCGM_EXPORTER_COLLECTORS', value: `/etc/dcgm-exporter/${DCGM_METRICS_KEY}` },
          ],
          serviceMonitor: {
            enabled: props.serviceMonitor ?? true,
            interval: props.scrapeInterval ?? '15s',
            honorLabels: false,
            // Dashboards and alerts group GPUs by node under this label.
            relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'kubernetes_node', action: 'replace' }],
          },
        },
        nodeStatusExporter: off,
        gds: off,
        vgpuManager: off,
        vgpuDeviceManager: off,
        sandboxDevicePlugin: off,
        kataManager: off,
        ccManager: off,
        'node-feature-discovery': {
          master: { config: { extraLabelNs: ['nvidia.com'] }, tolerations: CONTROL_PLANE_TOLERATIONS },
        },
      },
    });
  }
}
