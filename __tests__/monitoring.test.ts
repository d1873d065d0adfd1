import { ALERT_WEBHOOK_URL } from '../catalog/platform';
import { configFrom, findObject, MINIMAL, objectsOf, render, sampleConfig, SAMPLES } from './helpers';

type Objects = ReturnType<typeof objectsOf>;
const objects = async (yaml = MINIMAL) => objectsOf(await render(configFrom(yaml)));
let rendered: Promise<Array<{ name: string; all: Objects }>> | undefined;
/** The sample customers' objects, rendered once for the file. */
const samples = () => (rendered ??= Promise.all(SAMPLES.map(async (name) => ({ name, all: objectsOf(await render(sampleConfig(name))) }))));
const values = (all: Objects, release: string) => (findObject(all, 'HelmRelease', release).spec as any).values;

describe('kube-prometheus-stack', () => {
  test('sample customers: retention, NFS volume, selectors and the monitoring namespace kept from pruning', async () => {
    for (const { all } of await samples()) {
      const release = findObject(all, 'HelmRelease', 'prometheus');
      expect(release.file).toMatch(/\/monitoring\/controllers\/kube-prometheus-stack\.yaml$/);
      expect((release.spec as any).chart.spec).toMatchObject({ chart: './vendor/charts/kube-prometheus-stack-61.9.0.tgz' });
      const spec = values(all, 'prometheus').prometheus.prometheusSpec;
      expect(spec.retention).toBe('1y');
      expect(spec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
      expect(spec.ruleSelectorNilUsesHelmValues).toBe(false);
      expect(spec.storageSpec.volumeClaimTemplate.spec).toEqual({
        storageClassName: 'astrago-nfs-csi', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } },
      });
      expect(findObject(all, 'Namespace', 'prometheus').metadata).toMatchObject({ annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
      // The old 1s extra scrape job is gone: the ServiceMonitor replaces it.
      expect(spec.additionalScrapeConfigs).toBeUndefined();
    }
  });

  test('retention and storage size follow the customer file and its profile', async () => {
    const custom = values(await objects(`${MINIMAL}monitoring: {retention: 90d, storageSize: 200Gi}\n`), 'prometheus').prometheus.prometheusSpec;
    expect(custom.retention).toBe('90d');
    expect(custom.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('200Gi');
    const dev = values(await objects(`${MINIMAL}profile: dev\n`), 'prometheus').prometheus.prometheusSpec;
    expect(dev.retention).toBe('7d');
  });

  test('Alertmanager sends app="astrago" alerts to the core webhook and drops the rest', async () => {
    for (const { all } of await samples()) {
      const config = values(all, 'prometheus').alertmanager.config;
      expect(config.route).toMatchObject({ receiver: 'null', group_by: ['nodeName', 'ruleName'], group_wait: '30s', group_interval: '2m', repeat_interval: '1h' });
      expect(config.route.routes).toEqual([{ matchers: ['app="astrago"'], receiver: 'astrago' }]);
      const receivers = Object.fromEntries(config.receivers.map((r: any) => [r.name, r]));
      expect(receivers.null).toEqual({ name: 'null' });
      expect(receivers.astrago.webhook_configs).toEqual([{ url: ALERT_WEBHOOK_URL, send_resolved: false }]);
      expect(ALERT_WEBHOOK_URL).toMatch(/\/api\/v1\/core\/alertManager\/receive$/);
    }
  });

  test('no NodePort by default; opting in exposes Prometheus and Alertmanager on the documented ports', async () => {
    for (const { all } of await samples()) {
      const v = values(all, 'prometheus');
      expect(v.prometheus.service).toEqual({ type: 'ClusterIP' });
      expect(v.alertmanager.service).toEqual({ type: 'ClusterIP' });
      expect(all.filter((o) => o.kind === 'Service' && (o.spec as any)?.type === 'NodePort')).toEqual([]);
    }
    const v = values(await objects(`${MINIMAL}monitoring: {nodePorts: true}\n`), 'prometheus');
    expect(v.prometheus.service).toEqual({ type: 'NodePort', nodePort: 30090 });
    expect(v.alertmanager.service).toEqual({ type: 'NodePort', nodePort: 30903 });
  });

  test('Grafana: admin from the encrypted grafana-admin Secret, served under /grafana of the platform host', async () => {
    const expected: Record<string, { host?: string; rootUrl: string }> = {
      demo: { host: 'demo.astrago.ai', rootUrl: 'https://demo.astrago.ai/grafana/' },
      'seoul-lab': { host: undefined, rootUrl: 'http://10.61.3.163/grafana/' },
      factory: { host: undefined, rootUrl: 'http://192.168.10.20/grafana/' },
      plant: { host: 'astrago.plant.local', rootUrl: 'https://astrago.plant.local/grafana/' },
    };
    for (const { name, all } of await samples()) {
      const grafana = values(all, 'prometheus').grafana;
      expect(grafana.adminPassword).toBeUndefined();
      const secret = findObject(all, 'Secret', grafana.admin.existingSecret);
      expect(secret.metadata.namespace).toBe('prometheus');
      expect(Object.keys(secret.data as object).sort()).toEqual([grafana.admin.passwordKey, grafana.admin.userKey].sort());
      for (const v of Object.values(secret.data as Record<string, string>)) expect(v).toMatch(/^ENC\[AES256_GCM,/);
      expect(grafana['grafana.ini'].server).toEqual({ root_url: expected[name].rootUrl, serve_from_sub_path: true });
      const ingress = findObject(all, 'Ingress', 'grafana');
      expect(ingress.metadata.namespace).toBe('prometheus');
      expect((ingress.spec as any).rules).toEqual([{
        ...(expected[name].host ? { host: expected[name].host } : {}),
        http: { paths: [{ path: '/grafana', pathType: 'Prefix', backend: { service: { name: 'prometheus-grafana', port: { number: 80 } } } }] },
      }]);
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
    expect(all.filter((o) => o.kind === 'Kustomization' && o.metadata.name.startsWith('monitoring-'))).toEqual([]);
  });
});

describe('GPU observability', () => {
  const dcgmMonitors = (all: Objects) => all.filter((o) => o.kind === 'ServiceMonitor'
    && (o.spec as any).selector?.matchLabels?.app === 'nvidia-dcgm-exporter');

  // The ServiceMonitor's and the alert rules' content: __tests__/constructs/dcgm-service-monitor and gpu-alert-rules.
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
    expect((monitor.spec as any).endpoints[0].interval).toBe('30s');
    expect(values(all, 'gpu-operator').dcgmExporter.env).toContainEqual({ name: 'DCGM_EXPORTER_INTERVAL', value: '30000' });
  });

  test('dashboards are sidecar ConfigMaps with GPU utilisation and memory per node and per namespace/pod', async () => {
    for (const { all } of await samples()) {
      const maps = all.filter((o) => o.kind === 'ConfigMap' && (o.metadata as any).labels?.grafana_dashboard === '1');
      expect(maps.map((m) => m.metadata.name).sort()).toEqual(['astrago-gpu-nodes', 'astrago-gpu-workloads']);
      const exprs = (name: string) => {
        const map = maps.find((m) => m.metadata.name === name)!;
        const [json] = Object.values(map.data as Record<string, string>);
        const dashboard = JSON.parse(json);
        expect(dashboard.uid).toBe(name);
        return dashboard.panels.map((p: any) => { expect(p.datasource.uid).toBe('prometheus'); return p.targets[0].expr as string; });
      };
      const nodes = exprs('astrago-gpu-nodes');
      // Utilisation comes from the record that falls back to the profiling metric for MIG instances.
      expect(nodes).toContainEqual(expect.stringMatching(/by \(kubernetes_node\) \(astrago:gpu_utilisation:percent/));
      expect(nodes).toContainEqual(expect.stringMatching(/by \(kubernetes_node\) \(DCGM_FI_DEV_FB_USED/));
      const workloads = exprs('astrago-gpu-workloads');
      expect(workloads).toContainEqual(expect.stringMatching(/by \(namespace\) \(astrago:gpu_utilisation:percent/));
      expect([...nodes, ...workloads].filter((e: string) => e.includes('DCGM_FI_DEV_GPU_UTIL'))).toEqual([]);
      expect(workloads).toContainEqual(expect.stringMatching(/by \(namespace, pod\) \(DCGM_FI_DEV_FB_USED/));
    }
  });

  test('every ServiceMonitor and PrometheusRule is applied after the Kustomization that installs its CRD', async () => {
    for (const { all } of await samples()) {
      const kustomizations = all.filter((o) => o.kind === 'Kustomization' && o.file.includes('/flux/'));
      const applying = (file: string) => {
        const found = kustomizations.filter((k) => file.startsWith(`${(k.spec as any).path.replace(/^\.\//, '')}/`));
        expect(found).toHaveLength(1);
        return found[0];
      };
      const upstream = (name: string): string[] => {
        const k = kustomizations.find((x) => x.metadata.name === name)!;
        return ((k.spec as any).dependsOn ?? []).flatMap((d: any) => [d.name, ...upstream(d.name)]);
      };
      const provider = applying(findObject(all, 'HelmRelease', 'prometheus').file);
      expect((findObject(all, 'HelmRelease', 'prometheus').spec as any).install.crds).toBe('CreateReplace');
      expect((provider.spec as any).wait).toBe(true);
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
    expect(findObject(all, 'HelmRelease', 'prometheus')).toBeDefined();
  });
});
