import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import { GPU_NODE_LABEL } from './dcgm-service-monitor';
import { GPU_UTILISATION } from './gpu-alert-rules';

/** GPU utilisation in percent, MIG instances included (the record of GpuAlertRules). */
const UTIL = GPU_UTILISATION.record;

/** Label the Grafana sidecar of kube-prometheus-stack watches ConfigMaps for (in every namespace). */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;
/** Datasource uid kube-prometheus-stack gives its Prometheus. */
const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

interface Panel {
  readonly title: string;
  readonly expr: string;
  readonly legend: string;
  /** Grafana unit id. */
  readonly unit: string;
}

interface Variable {
  readonly name: string;
  readonly label: string;
  /** The metric label the variable selects. */
  readonly source: string;
  /**
   * Extra label matchers of the variable's values.
   * @default - none
   */
  readonly filter?: string;
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly variable: Variable;
  readonly panels: readonly Panel[];
}

const NODE: Variable = { name: 'node', label: 'Node', source: GPU_NODE_LABEL };
// A GPU without workload carries the exporter's namespace (honorLabels, see DcgmServiceMonitor).
const IN_USE = `namespace!="${CHARTS.gpuOperator.namespace}"`;
const NAMESPACE: Variable = { name: 'namespace', label: 'Namespace', source: 'namespace', filter: IN_USE };
const onNode = `${GPU_NODE_LABEL}=~"$node"`;
const onNamespace = `namespace=~"$namespace",${IN_USE}`;

/** dcgm-exporter reports framebuffer memory in MiB; Grafana's `mbytes` is MiB. */
const DASHBOARDS: readonly Dashboard[] = [
  {
    uid: 'astrago-gpu-nodes',
    title: 'Astrago / GPU nodes',
    variable: NODE,
    panels: [
      { title: 'GPU utilisation per node', expr: `avg by (${GPU_NODE_LABEL}) (${UTIL}{${onNode}})`, legend: `{{${GPU_NODE_LABEL}}}`, unit: 'percent' },
      // A MIG instance is named by its GPU and its instance id.
      { title: 'GPU utilisation per GPU', expr: `${UTIL}{${onNode}}`, legend: `{{${GPU_NODE_LABEL}}} GPU {{gpu}} {{GPU_I_PROFILE}} {{GPU_I_ID}}`, unit: 'percent' },
      { title: 'GPU memory used per node', expr: `sum by (${GPU_NODE_LABEL}) (DCGM_FI_DEV_FB_USED{${onNode}})`, legend: `{{${GPU_NODE_LABEL}}}`, unit: 'mbytes' },
      {
        title: 'GPU memory used per node (%)',
        expr: `100 * sum by (${GPU_NODE_LABEL}) (DCGM_FI_DEV_FB_USED{${onNode}}) / sum by (${GPU_NODE_LABEL}) (DCGM_FI_DEV_FB_USED{${onNode}} + DCGM_FI_DEV_FB_FREE{${onNode}})`,
        legend: `{{${GPU_NODE_LABEL}}}`,
        unit: 'percent',
      },
      { title: 'GPU temperature', expr: `DCGM_FI_DEV_GPU_TEMP{${onNode}}`, legend: `{{${GPU_NODE_LABEL}}} GPU {{gpu}}`, unit: 'celsius' },
      { title: 'GPU power', expr: `DCGM_FI_DEV_POWER_USAGE{${onNode}}`, legend: `{{${GPU_NODE_LABEL}}} GPU {{gpu}}`, unit: 'watt' },
    ],
  },
  {
    uid: 'astrago-gpu-workloads',
    title: 'Astrago / GPU workloads',
    variable: NAMESPACE,
    panels: [
      { title: 'GPUs in use per namespace', expr: `count by (namespace) (${UTIL}{${onNamespace}})`, legend: '{{namespace}}', unit: 'short' },
      { title: 'GPU utilisation per namespace', expr: `avg by (namespace) (${UTIL}{${onNamespace}})`, legend: '{{namespace}}', unit: 'percent' },
      { title: 'GPU memory used per namespace', expr: `sum by (namespace) (DCGM_FI_DEV_FB_USED{${onNamespace}})`, legend: '{{namespace}}', unit: 'mbytes' },
      { title: 'GPU utilisation per pod', expr: `avg by (namespace, pod) (${UTIL}{${onNamespace}})`, legend: '{{namespace}}/{{pod}}', unit: 'percent' },
      { title: 'GPU memory used per pod', expr: `sum by (namespace, pod) (DCGM_FI_DEV_FB_USED{${onNamespace}})`, legend: '{{namespace}}/{{pod}}', unit: 'mbytes' },
    ],
  },
];

/** Grafana dashboard JSON: time-series panels two per row, one multi-value variable. */
function dashboardJson(d: Dashboard): string {
  const width = 12;
  const height = 8;
  return JSON.stringify({
    uid: d.uid,
    title: d.title,
    tags: ['astrago', 'gpu'],
    timezone: 'browser',
    schemaVersion: 39,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{
        name: d.variable.name,
        label: d.variable.label,
        type: 'query',
        datasource: PROMETHEUS_DATASOURCE,
        query: { query: `label_values(${UTIL}{${[`${d.variable.source}!=""`, ...(d.variable.filter ? [d.variable.filter] : [])].join(',')}}, ${d.variable.source})`, refId: 'variable' },
        refresh: 2,
        multi: true,
        includeAll: true,
        allValue: '.+',
        current: { text: 'All', value: '$__all' },
        sort: 1,
      }],
    },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: PROMETHEUS_DATASOURCE,
      gridPos: { x: (i % 2) * width, y: Math.floor(i / 2) * height, w: width, h: height },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options: { legend: { displayMode: 'table', placement: 'right', calcs: ['lastNotNull', 'max'] }, tooltip: { mode: 'multi' } },
      targets: [{ refId: 'A', datasource: PROMETHEUS_DATASOURCE, expr: p.expr, legendFormat: p.legend }],
    })),
  }, null, 2) + '\n';
}

export interface GpuDashboardsProps {
  /** Namespace of the ConfigMaps (the monitoring namespace). */
  readonly namespace: string;
}

/**
 * GPU dashboards (per node; per namespace and pod) as ConfigMaps that Grafana's sidecar
 * loads, so they are reviewed in git and survive a Grafana reinstall.
 */
export class GpuDashboards extends Construct {
  constructor(scope: Construct, id: string, props: GpuDashboardsProps) {
    super(scope, id);
    for (const d of DASHBOARDS) {
      new k8s.KubeConfigMap(this, d.uid, {
        metadata: { name: d.uid, namespace: props.namespace, labels: { ...GRAFANA_DASHBOARD_LABEL } },
        data: { [`${d.uid}.json`]: dashboardJson(d) },
      });
    }
  }
}
