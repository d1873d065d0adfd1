import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { CHARTS } from '../../catalog/charts';
import { GPU_CONFIG_MAPS, GpuOperator } from '../../constructs/infrastructure/gpu-operator';
import { DCGM_METRICS_KEY, MIG_CONFIG_KEY } from '../../constructs/infrastructure/gpu-operator-config';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { named, oneOf, SCHEMA_DEFAULTS } from './synth';

const gpuOperator = (props: Partial<ConstructorParameters<typeof GpuOperator>[2]> = {}) => {
  const chart = Testing.chart();
  new GpuOperator(chart, 'gpu', {
    scrapeInterval: SCHEMA_DEFAULTS.monitoring.gpuScrapeInterval, migStrategy: SCHEMA_DEFAULTS.gpu.migStrategy, ...props,
  });
  return chart;
};
const valuesOf = (chart: ReturnType<typeof gpuOperator>) => oneOf(chart, HelmRelease).spec?.values ?? {};
const exporterEnv = (chart: ReturnType<typeof gpuOperator>) =>
  Object.fromEntries((valuesOf(chart).dcgmExporter.env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));

describe('GpuOperator', () => {
  test('values sit at the chart\'s top-level keys and point at our three ConfigMaps, which the chart must not create', () => {
    const values = valuesOf(gpuOperator());
    expect(values).not.toHaveProperty('gpu-operator');
    expect(values.dcgmExporter.config).toEqual({ name: GPU_CONFIG_MAPS.dcgmMetrics, create: false });
    expect(values.devicePlugin.config).toEqual({ name: GPU_CONFIG_MAPS.devicePlugin, create: false, default: 'default' });
    expect(values.migManager.config).toEqual({ name: GPU_CONFIG_MAPS.migParted, create: false, default: 'all-disabled' });
  });

  test('the ConfigMaps sit in the operator\'s namespace under the keys the operator reads', () => {
    const chart = gpuOperator();
    for (const [name, key] of [[GPU_CONFIG_MAPS.dcgmMetrics, DCGM_METRICS_KEY], [GPU_CONFIG_MAPS.migParted, MIG_CONFIG_KEY], [GPU_CONFIG_MAPS.devicePlugin, 'mps_2']]) {
      const cm = named(chart, k8s.KubeConfigMap, name);
      expect(cm.metadata?.namespace).toBe(CHARTS.gpuOperator.namespace);
      expect(Object.keys(cm.data ?? {})).toContain(key);
    }
  });

  test('the DCGM metrics list has each field once, with a type dcgm-exporter knows, the error and health fields among them', () => {
    const csv = named(gpuOperator(), k8s.KubeConfigMap, GPU_CONFIG_MAPS.dcgmMetrics).data![DCGM_METRICS_KEY];
    const rows = csv.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(', '));
    const fields = rows.map(([field]) => field);
    expect(rows.filter(([field, type, help]) => !/^DCGM_FI_[A-Z0-9_]+$/.test(field) || !['gauge', 'counter', 'label'].includes(type) || !help)).toEqual([]);
    expect(new Set(fields).size).toBe(fields.length);
    expect(fields).toEqual(expect.arrayContaining(['DCGM_FI_DEV_XID_ERRORS', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS']));
  });

  test('MIG profiles: disabled, enabled, one per uniform split and a balanced one; MPS sizes all rename alike', () => {
    const chart = gpuOperator();
    const mig = parse(named(chart, k8s.KubeConfigMap, GPU_CONFIG_MAPS.migParted).data![MIG_CONFIG_KEY]) as { 'mig-configs': Record<string, unknown> };
    expect(Object.keys(mig['mig-configs'])).toEqual(expect.arrayContaining(['all-disabled', 'all-enabled', 'all-1g.10gb', 'all-balanced']));
    const mps = named(chart, k8s.KubeConfigMap, GPU_CONFIG_MAPS.devicePlugin).data!;
    expect(Object.keys(mps)).toEqual(expect.arrayContaining(['mps_2', 'mps_48']));
    for (const [key, config] of Object.entries(mps).filter(([k]) => k.startsWith('mps_'))) {
      expect(parse(config)).toMatchObject({ sharing: { mps: { renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas: Number(key.slice(4)) }] } } });
    }
  });

  test('the exporter collects at the scrape interval (15s by default), in milliseconds', () => {
    expect(exporterEnv(gpuOperator()).DCGM_EXPORTER_INTERVAL).toBe('15000');
    expect(exporterEnv(gpuOperator({ scrapeInterval: '1m' })).DCGM_EXPORTER_INTERVAL).toBe('60000');
  });

  test('the operator\'s own ServiceMonitor stays off: the monitoring tier owns the one GPU ServiceMonitor', () => {
    expect(valuesOf(gpuOperator()).dcgmExporter.serviceMonitor).toEqual({ enabled: false });
  });

  test('the MIG strategy is single unless mixed is asked for', () => {
    expect(valuesOf(gpuOperator()).mig).toEqual({ strategy: 'single' });
    expect(valuesOf(gpuOperator({ migStrategy: 'mixed' })).mig).toEqual({ strategy: 'mixed' });
  });

  test('the chart installs and upgrades its CRDs', () => {
    expect(oneOf(gpuOperator(), HelmRelease).spec?.upgrade?.crds).toBe('CreateReplace');
  });
});
