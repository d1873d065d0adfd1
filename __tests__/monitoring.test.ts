import { k8s } from 'cdk8s-plus-28';
import { HelmRelease } from '../imports/helm.toolkit.fluxcd.io';
import { Kustomization } from '../imports/kustomize.toolkit.fluxcd.io';
import { ServiceMonitor } from '../imports/monitoring.coreos.com';
import { renderedNamed, renderedOf } from './constructs/synth';
import { configFrom, MINIMAL, objectsOf, render, sampleConfig, SAMPLES } from './helpers';

// What KubePrometheusStack, GpuDashboards, DcgmServiceMonitor and GpuAlertRules make of their props is
// tested in __tests__/constructs/; here, that the customer file reaches them and how they fit together.
type Objects = ReturnType<typeof objectsOf>;
const objects = async (yaml = MINIMAL) => objectsOf(await render(configFrom(yaml)));
let rendered: Promise<Array<{ name: string; all: Objects }>> | undefined;
/** The sample customers' objects, rendered once for the file. */
const samples = () => (rendered ??= Promise.all(SAMPLES.map(async (name) => ({ name, all: objectsOf(await render(sampleConfig(name))) }))));
const values = (all: Objects, release: string) => renderedNamed(all, HelmRelease, release).spec?.values;

describe('kube-prometheus-stack', () => {
  test('sample customers: the stack in monitoring/controllers with the schema\'s defaults, a year of samples on 50Gi of the NFS class', async () => {
    for (const { all } of await samples()) {
      expect(renderedNamed(all, HelmRelease, 'prometheus').file).toMatch(/\/monitoring\/controllers\/kube-prometheus-stack\.yaml$/);
      const spec = values(all, 'prometheus').prometheus.prometheusSpec;
      expect(spec.retention).toBe('1y');
      expect(spec.storageSpec.volumeClaimTemplate.spec).toMatchObject({ storageClassName: 'astrago-nfs-csi', resources: { requests: { storage: '50Gi' } } });
    }
  });

  test('retention and storage size follow the customer file and its profile', async () => {
    const custom = values(await objects(`${MINIMAL}monitoring: {retention: 90d, storageSize: 200Gi}\n`), 'prometheus').prometheus.prometheusSpec;
    expect(custom.retention).toBe('90d');
    expect(custom.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('200Gi');
    const dev = values(await objects(`${MINIMAL}profile: dev\n`), 'prometheus').prometheus.prometheusSpec;
    expect(dev.retention).toBe('7d');
  });

  test('no NodePort in any sample customer; monitoring.nodePorts opens the documented ones', async () => {
    for (const { all } of await samples()) {
      expect(values(all, 'prometheus').prometheus.service).toEqual({ type: 'ClusterIP' });
      expect(renderedOf(all, k8s.KubeService).filter((s) => s.spec?.type === 'NodePort')).toEqual([]);
    }
    expect(values(await objects(`${MINIMAL}monitoring: {nodePorts: true}\n`), 'prometheus').prometheus.service).toEqual({ type: 'NodePort', nodePort: 30090 });
  });

  test('Grafana: its admin from an encrypted Secret beside it holding the keys it reads, its root URL from the customer\'s access', async () => {
    const rootUrls: Record<string, string> = {
      demo: 'https://demo.astrago.ai/grafana/',
      'seoul-lab': 'http://10.61.3.163/grafana/',
      factory: 'http://192.168.10.20/grafana/',
      plant: 'https://astrago.plant.local/grafana/',
    };
    for (const { name, all } of await samples()) {
      const grafana = values(all, 'prometheus').grafana;
      const secret = renderedNamed(all, k8s.KubeSecret, grafana.admin.existingSecret);
      expect(secret.metadata.namespace).toBe('prometheus');
      expect(Object.keys(secret.data ?? {}).sort()).toEqual([grafana.admin.passwordKey, grafana.admin.userKey].sort());
      for (const v of Object.values(secret.data ?? {})) expect(v).toMatch(/^ENC\[AES256_GCM,/);
      expect(grafana['grafana.ini'].server.root_url).toBe(rootUrls[name]);
    }
  });

  test('an offline registry replaces every image registry of the stack', async () => {
    const v = values(await objects(`${MINIMAL}offline: {registry: harbor.local:443/astrago}\n`), 'prometheus');
    expect(v.global).toEqual({ imageRegistry: 'harbor.local:443/astrago' });
    expect(values(await objects(), 'prometheus').global).toBeUndefined();
  });

  test('switched off, the stack, its GPU monitoring and its Kustomizations are gone', async () => {
    const all = await objects(`${MINIMAL}components: {prometheus: {enabled: false}}\n`);
    expect(all.filter((o) => o.file.includes('/monitoring/'))).toEqual([]);
    expect(all.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule')).toEqual([]);
    expect(renderedOf(all, Kustomization).filter((k) => k.metadata.name.startsWith('monitoring-'))).toEqual([]);
  });
});

describe('GPU observability', () => {
  const dcgmMonitors = (all: Objects) => renderedOf(all, ServiceMonitor).filter((m) => m.spec.selector.matchLabels?.app === 'nvidia-dcgm-exporter');

  test('exactly one ServiceMonitor scrapes dcgm-exporter in every sample customer', async () => {
    for (const { all } of await samples()) {
      expect(dcgmMonitors(all)).toHaveLength(1);
      // The operator's own ServiceMonitor stays off, so ours is the only one in the cluster too.
      expect(values(all, 'gpu-operator').dcgmExporter.serviceMonitor.enabled).toBe(false);
    }
  });

  test('the scrape interval follows the customer file, and the exporter collects at the same pace', async () => {
    const all = await objects(`${MINIMAL}monitoring: {gpuScrapeInterval: 30s}\n`);
    const [monitor] = dcgmMonitors(all);
    expect(monitor.spec.endpoints?.[0].interval).toBe('30s');
    expect(values(all, 'gpu-operator').dcgmExporter.env).toContainEqual({ name: 'DCGM_EXPORTER_INTERVAL', value: '30000' });
  });

  test('every sample customer has the GPU dashboards, in the monitoring tier\'s configs stage', async () => {
    for (const { all } of await samples()) {
      const maps = renderedOf(all, k8s.KubeConfigMap).filter((m) => m.metadata.labels?.grafana_dashboard === '1');
      expect(maps.map((m) => m.metadata.name).sort()).toEqual(['astrago-gpu-nodes', 'astrago-gpu-workloads']);
      for (const m of maps) expect(m.file).toMatch(/\/monitoring\/configs\/gpu-dashboards\.yaml$/);
    }
  });

  test('every ServiceMonitor and PrometheusRule is applied after the Kustomization that installs its CRD', async () => {
    for (const { all } of await samples()) {
      const kustomizations = renderedOf(all, Kustomization).filter((k) => k.file.includes('/flux/'));
      const applying = (file: string) => {
        const found = kustomizations.filter((k) => file.startsWith(`${k.spec?.path?.replace(/^\.\//, '')}/`));
        expect(found).toHaveLength(1);
        return found[0];
      };
      const upstream = (name: string): string[] => {
        const k = kustomizations.find((x) => x.metadata.name === name);
        return (k?.spec?.dependsOn ?? []).flatMap((d) => [d.name, ...upstream(d.name)]);
      };
      const prometheus = renderedNamed(all, HelmRelease, 'prometheus');
      const provider = applying(prometheus.file);
      expect(prometheus.spec?.install?.crds).toBe('CreateReplace');
      expect(provider.spec?.wait).toBe(true);
      const crs = all.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'));
      expect(crs.map((o) => o.kind).sort()).toEqual(['PrometheusRule', 'ServiceMonitor']);
      for (const cr of crs) {
        const k = applying(cr.file);
        expect(k.metadata.name).not.toBe(provider.metadata.name);
        expect(upstream(k.metadata.name)).toContain(provider.metadata.name);
      }
    }
  });

  test('without the GPU operator there is no GPU monitoring', async () => {
    const all = await objects(`${MINIMAL}components: {gpuOperator: {enabled: false}}\n`);
    expect(all.filter((o) => o.file.includes('/monitoring/configs/'))).toEqual([]);
    expect(renderedNamed(all, HelmRelease, 'prometheus')).toBeDefined();
  });
});
