import { Testing } from 'cdk8s';
import { dcgmMetricsCsv } from '../../constructs/infrastructure/gpu-operator-config';
import { GPU_NODE_LABEL } from '../../constructs/monitoring/dcgm-service-monitor';
import { GPU_UTILISATION, GpuAlertRules } from '../../constructs/monitoring/gpu-alert-rules';
import { PrometheusRule } from '../../imports/monitoring.coreos.com';
import { oneOf } from './synth';

const rules = () => {
  const chart = Testing.chart();
  new GpuAlertRules(chart, 'alerts', { namespace: 'prometheus' });
  return oneOf(chart, PrometheusRule);
};

describe('GpuAlertRules', () => {
  test('one PrometheusRule gpu-alerts in the given namespace: the alerts, and the utilisation record', () => {
    const r = rules();
    expect(r.metadata).toEqual({ name: 'gpu-alerts', namespace: 'prometheus' });
    expect(r.spec.groups?.map((g) => g.name)).toEqual(['gpu', 'gpu-utilisation']);
  });

  test('GPU utilisation of a MIG instance, for which DCGM_FI_DEV_GPU_UTIL is not reported (NVIDIA/DCGM#80), falls back to the profiling metric, which is collected', () => {
    const [record] = rules().spec.groups![1].rules!;
    expect(record.record).toBe(GPU_UTILISATION.record);
    const expr = String(record.expr);
    // MIG instances (series with a GPU instance id) read the graphics-engine activity, in percent …
    expect(expr).toContain('(100 * DCGM_FI_PROF_GR_ENGINE_ACTIVE{GPU_I_ID!=""})');
    // … every other GPU keeps GPU_UTIL, except a GPU split into instances (whose GPU_UTIL reads 0 or nothing).
    expect(expr).toContain(`or (DCGM_FI_DEV_GPU_UTIL unless on (${GPU_NODE_LABEL}, gpu) DCGM_FI_PROF_GR_ENGINE_ACTIVE{GPU_I_ID!=""})`);
    expect(dcgmMetricsCsv()).toMatch(/^DCGM_FI_PROF_GR_ENGINE_ACTIVE, gauge,/m);
  });

  test('XID errors, temperature, double-bit ECC, remapped rows, a failed remap and a GPU gone each have one alert', () => {
    const exprs = rules().spec.groups![0].rules!.map((r) => String(r.expr));
    for (const metric of ['DCGM_FI_DEV_XID_ERRORS', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL',
      'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', 'DCGM_FI_DEV_ROW_REMAP_FAILURE', 'up{job="nvidia-dcgm-exporter"}']) {
      expect(exprs.filter((e) => e.includes(metric))).toHaveLength(1);
    }
  });

  test('every alert names its node, with a severity, a wait and a summary, and stays out of the platform receiver (no app="astrago")', () => {
    for (const r of rules().spec.groups![0].rules!) {
      expect(r.labels).toEqual({ nodeName: `{{ $labels.${GPU_NODE_LABEL} }}`, severity: expect.stringMatching(/^(warning|critical)$/) });
      expect(r.for).toMatch(/^\d+[smh]$/);
      expect(r.annotations?.summary).toBeTruthy();
    }
  });
});
