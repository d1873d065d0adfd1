import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { DCGM_JOB, GPU_NODE_LABEL } from './dcgm-service-monitor';

/**
 * Labels of our GPU alerts: the node under `nodeName`, which Alertmanager groups by. Never
 * `app: astrago`: that route posts to the backend's receiver, which accepts only its own
 * rules (an `alertname` of its enum, `ruleName` of a rule in its database, `internal_ip`,
 * contract §6) and answers anything else with 400 or 500. Ours stay in Alertmanager and Grafana.
 */
const GPU_ALERT_LABELS = { nodeName: `{{ $labels.${GPU_NODE_LABEL} }}` } as const;

interface GpuAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'warning' | 'critical';
  readonly summary: string;
}

const GPU = `{{ $labels.${GPU_NODE_LABEL} }} GPU {{ $labels.gpu }}`;

/** The label dcgm-exporter gives the series of a MIG instance (GPU instance id), beside `gpu` of its GPU. */
const MIG_INSTANCE = 'GPU_I_ID!=""';

/**
 * GPU utilisation in percent, MIG instances included: `DCGM_FI_DEV_GPU_UTIL` is not reported
 * for MIG instances (NVIDIA/DCGM#80; some exporter versions report 0, NVIDIA/dcgm-exporter#216),
 * so an instance reads the profiling metric NVIDIA points to instead,
 * `DCGM_FI_PROF_GR_ENGINE_ACTIVE` (a ratio, collected: gpu-operator-config.ts), and the
 * GPU_UTIL series of a GPU split into instances are left out. GPUs without profiling metrics
 * (before Volta) and without MIG keep GPU_UTIL. Recorded once; the dashboards read the record.
 */
export const GPU_UTILISATION = {
  record: 'astrago:gpu_utilisation:percent',
  expr: `(100 * DCGM_FI_PROF_GR_ENGINE_ACTIVE{${MIG_INSTANCE}}) or (DCGM_FI_DEV_GPU_UTIL unless on (${GPU_NODE_LABEL}, gpu) DCGM_FI_PROF_GR_ENGINE_ACTIVE{${MIG_INSTANCE}})`,
} as const;

/** °C above which a data-centre GPU is close to throttling (slowdown starts around 87–90°C). */
const TEMPERATURE_LIMIT = 85;

const GPU_ALERTS: readonly GpuAlert[] = [
  {
    alert: 'GpuXidError',
    // The gauge holds the last XID code; any change to a non-zero code is a new fault.
    expr: 'DCGM_FI_DEV_XID_ERRORS != 0 and changes(DCGM_FI_DEV_XID_ERRORS[10m]) > 0',
    for: '0m',
    severity: 'critical',
    summary: `${GPU} reported XID error {{ $value }}`,
  },
  {
    alert: 'GpuTemperatureHigh',
    expr: `DCGM_FI_DEV_GPU_TEMP > ${TEMPERATURE_LIMIT}`,
    for: '5m',
    severity: 'warning',
    summary: `${GPU} has been above ${TEMPERATURE_LIMIT}°C for 5 minutes ({{ $value }}°C)`,
  },
  {
    alert: 'GpuEccDoubleBitErrors',
    expr: 'increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m]) > 0',
    for: '0m',
    severity: 'critical',
    summary: `${GPU} had uncorrectable (double-bit) ECC errors`,
  },
  {
    alert: 'GpuUncorrectableRemappedRows',
    expr: 'increase(DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS[10m]) > 0',
    for: '0m',
    severity: 'warning',
    summary: `${GPU} remapped rows after uncorrectable memory errors: reset the GPU when it is idle`,
  },
  {
    alert: 'GpuRowRemapFailure',
    expr: 'DCGM_FI_DEV_ROW_REMAP_FAILURE > 0',
    for: '0m',
    severity: 'critical',
    summary: `${GPU} failed to remap memory rows: the GPU needs replacement`,
  },
  {
    alert: 'GpuExporterDown',
    expr: `up{job="${DCGM_JOB}"} == 0`,
    for: '5m',
    severity: 'critical',
    summary: `GPU metrics of {{ $labels.${GPU_NODE_LABEL} }} are unavailable: dcgm-exporter or the GPU is down`,
  },
];

export interface GpuAlertRulesProps {
  /** Namespace of the PrometheusRule (the monitoring namespace). */
  readonly namespace: string;
}

/**
 * Alerts for GPU faults, shown in Alertmanager and Grafana (not sent to the platform, see
 * GPU_ALERT_LABELS), and the GPU utilisation record the dashboards read (GPU_UTILISATION).
 */
export class GpuAlertRules extends Construct {
  constructor(scope: Construct, id: string, props: GpuAlertRulesProps) {
    super(scope, id);
    new PrometheusRule(this, 'Resource', {
      metadata: { name: 'gpu-alerts', namespace: props.namespace },
      spec: {
        groups: [{
          name: 'gpu',
          rules: GPU_ALERTS.map((a) => ({
            alert: a.alert,
            expr: PrometheusRuleSpecGroupsRulesExpr.fromString(a.expr),
            for: a.for,
            labels: { ...GPU_ALERT_LABELS, severity: a.severity },
            annotations: { summary: a.summary },
          })),
        }, {
          name: 'gpu-utilisation',
          rules: [{ record: GPU_UTILISATION.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(GPU_UTILISATION.expr) }],
        }],
      },
    });
  }
}
