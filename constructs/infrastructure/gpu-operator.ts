import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';
import {
  DCGM_METRICS_KEY, dcgmMetricsCsv, DEVICE_PLUGIN_DEFAULT_CONFIG, devicePluginConfigs, MIG_CONFIG_KEY, MIG_DEFAULT_PROFILE, migPartedConfig,
} from './gpu-operator-config';

/** ConfigMap names the operator's ClusterPolicy points at (in the gpu-operator namespace). */
export const GPU_CONFIG_MAPS = {
  dcgmMetrics: 'metrics-config',
  migParted: 'custom-mig-parted-config',
  devicePlugin: 'nvidia-plugin-config-mps',
} as const;

/**
 * Flux applies the MIG ConfigMap only while it does not exist: the platform writes its
 * per-node `custom-<node>` configs into it at run time, which a re-apply would undo.
 */
export const CREATE_ONCE = { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' } as const;

/**
 * The Service the operator creates for dcgm-exporter (assets/state-dcgm-exporter): the
 * monitoring tier's ServiceMonitor selects it by this label and scrapes this port.
 */
export const DCGM_EXPORTER_SERVICE = { label: { app: 'nvidia-dcgm-exporter' }, port: 'gpu-metrics' } as const;

/** Milliseconds of a Prometheus duration (`15s`, `1m`): the unit of DCGM_EXPORTER_INTERVAL. */
function promDurationMs(duration: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
  const match = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(duration);
  if (!match) throw new Error(`expected a Prometheus duration such as 15s, found "${duration}"`); // the schema checked it
  return Number(match[1]) * units[match[2]];
}

const CONTROL_PLANE_TOLERATIONS = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane']
  .map((key) => ({ key, operator: 'Equal', value: '', effect: 'NoSchedule' }));

export interface GpuOperatorProps extends ChartComponentProps {
  /**
   * How often Prometheus scrapes the DCGM exporter, as a Prometheus duration. The exporter
   * collects at the same interval: its own default (30s) would repeat samples at a 15s scrape
   * (`monitoring.gpuScrapeInterval`).
   */
  readonly scrapeInterval: string;
  /**
   * How MIG instances are offered to pods: `single` as `nvidia.com/gpu` (uniform splits only),
   * `mixed` as `nvidia.com/mig-<profile>` (needed for mixed splits such as all-balanced)
   * (`gpu.migStrategy`).
   */
  readonly migStrategy: 'single' | 'mixed';
}

/**
 * NVIDIA GPU operator with Astrago's MIG profiles, MPS sharing configs and DCGM metrics.
 *
 * Values sit at the chart's real top-level keys: the old system nested them under a
 * `gpu-operator:` key the chart never reads, so none of this took effect.
 */
export class GpuOperator extends ChartRelease {
  constructor(scope: Construct, id: string, props: GpuOperatorProps) {
    const { migStrategy } = props;
    const off = { enabled: false };
    super(scope, id, {
      chart: CHARTS.gpuOperator,
      component: props,
      values: {
        operator: { tolerations: CONTROL_PLANE_TOLERATIONS },
        driver: { enabled: true },
        toolkit: { enabled: true },
        dcgm: { enabled: true },
        gfd: { enabled: true },
        devicePlugin: { config: { name: GPU_CONFIG_MAPS.devicePlugin, create: false, default: DEVICE_PLUGIN_DEFAULT_CONFIG } },
        mig: { strategy: migStrategy },
        migManager: { config: { name: GPU_CONFIG_MAPS.migParted, create: false, default: MIG_DEFAULT_PROFILE } },
        dcgmExporter: {
          config: { name: GPU_CONFIG_MAPS.dcgmMetrics, create: false },
          env: [
            { name: 'DCGM_EXPORTER_LISTEN', value: ':9400' },
            { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
            { name: 'DCGM_EXPORTER_COLLECTORS', value: `/etc/dcgm-exporter/${DCGM_METRICS_KEY}` },
            { name: 'DCGM_EXPORTER_INTERVAL', value: String(promDurationMs(props.scrapeInterval)) },
          ],
          // The monitoring tier scrapes the exporter with its own ServiceMonitor. The operator's
          // would need the ServiceMonitor CRD one tier before it exists, and while it is missing
          // the operator holds back the states after dcgm-exporter (GFD among them).
          serviceMonitor: { enabled: false },
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
    const configMap = (name: string, data: Record<string, string>, annotations?: Record<string, string>) =>
      new k8s.KubeConfigMap(this, name, { metadata: { name, namespace: this.release.namespace, annotations }, data });
    configMap(GPU_CONFIG_MAPS.dcgmMetrics, { [DCGM_METRICS_KEY]: dcgmMetricsCsv() });
    configMap(GPU_CONFIG_MAPS.migParted, { [MIG_CONFIG_KEY]: migPartedConfig() }, { ...CREATE_ONCE });
    configMap(GPU_CONFIG_MAPS.devicePlugin, { ...devicePluginConfigs(migStrategy) });
  }
}
