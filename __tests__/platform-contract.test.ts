/**
 * What the Astrago platform's own code requires of the cluster (docs/platform-contract.md,
 * its §8 checklist and the sections it points to), one named requirement per test, asserted on the
 * synthesized objects: a construct alone where that is enough, the sample customers' trees where
 * the requirement spans components.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { CHARTS } from '../catalog/charts';
import { FLUX_RELEASES, fluxImages } from '../catalog/flux-images';
import { DEFAULT_FLUX_VERSION, fluxSupported, PLATFORM_GENERATIONS, prometheusUrl, SUPPORTED_FLUX } from '../catalog/platform';
import { PROFILES } from '../config/schema';
import { platformUrls } from '../config/urls';
import { NAMESPACE_GRANTS, PLATFORM_GRANTS, PlatformRbac } from '../constructs/applications/platform-rbac';
import { GpuOperator } from '../constructs/infrastructure/gpu-operator';
import { DcgmServiceMonitor } from '../constructs/monitoring/dcgm-service-monitor';
import { realmRepresentation } from '../constructs/security/keycloak-realm';
import { listOf, type Fields } from '../model/fields';
import { ValidationContext } from '../validate/model/context';
import { PLATFORM_RULES } from '../validate/rules/platform';
import { POLICY_RULES } from '../validate/rules/policy';
import { SCHEMA_DEFAULTS } from './constructs/synth';
import { configFrom, findObject, vendoredChart, MINIMAL, objectsOf, render, ROOT, sampleConfig, SAMPLES } from './helpers';

type Obj = Fields;
type Objects = ReturnType<typeof objectsOf>;

const samples = async () =>
  Promise.all(SAMPLES.map(async (name) => ({ name, config: sampleConfig(name), all: objectsOf(await render(sampleConfig(name))) })));
const objects = async (yaml: string) => objectsOf(await render(configFrom(yaml)));
const containerOf = (all: Objects, deployment: string) => (findObject(all, 'Deployment', deployment).spec as Obj).template.spec.containers[0];
const envOf = (all: Objects, deployment: string): Record<string, Obj> =>
  Object.fromEntries((containerOf(all, deployment).env as Obj[]).map((e) => [e.name, e]));
const values = (all: Objects, release: string) => (findObject(all, 'HelmRelease', release).spec as Obj).values;
/** The GPU operator construct alone: its ConfigMaps and HelmRelease. */
const gpuOperator = (migStrategy: 'single' | 'mixed' = SCHEMA_DEFAULTS.gpu.migStrategy) => {
  const c = Testing.chart();
  new GpuOperator(c, 'gpu', { migStrategy, scrapeInterval: SCHEMA_DEFAULTS.monitoring.gpuScrapeInterval });
  return Testing.synth(c) as Obj[];
};
const configMap = (all: Obj[], name: string) => all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as Obj;
const BACKENDS = ['astrago-backend-core', 'astrago-backend-batch', 'astrago-backend-monitor'] as const;
const [CORE, BATCH, MONITOR] = BACKENDS;

describe('contract §1: Services and environment of the platform', () => {
  test('contract §1: ns astrago; Services astrago-backend-{core,batch,monitor}:8080, astrago-frontend:3000, astrago-mariadb:3306', async () => {
    for (const { all } of await samples()) {
      const ports: Record<string, number> = { [CORE]: 8080, [BATCH]: 8080, [MONITOR]: 8080, 'astrago-frontend': 3000, 'astrago-mariadb': 3306 };
      for (const [name, port] of Object.entries(ports)) {
        const service = findObject(all, 'Service', name);
        expect(service.metadata.namespace).toBe('astrago');
        expect((service.spec as Obj).ports.map((p: Obj) => p.port)).toContain(port);
      }
      expect(findObject(all, 'Deployment', CORE).metadata.namespace).toBe('astrago');
    }
  });

  test('contract §7: /api/v1/core/monitor reaches monitor (its MonitorController), the rest of /api/v1/core reaches core', async () => {
    for (const { all } of await samples()) {
      const paths = Object.fromEntries(all.filter((o) => o.kind === 'Ingress' && o.metadata.namespace === 'astrago')
        .flatMap((i) => (i.spec as Obj).rules.flatMap((r: Obj) => r.http.paths))
        .map((p: Obj) => [p.path, p.backend.service.name]));
      expect(paths['/api/v1/core/monitor']).toBe(MONITOR);
      expect(paths['/api/v1/core']).toBe(CORE);
    }
  });

  test('contract §1: PROMETHEUS_URL on core, batch and monitor, with scheme, at the Service of the kube-prometheus-stack release', async () => {
    // The Service the chart names <fullname>-prometheus, as the old system's working value had it.
    expect(prometheusUrl(CHARTS.prometheus)).toBe('http://prometheus-kube-prometheus-prometheus.prometheus.svc.cluster.local:9090');
    expect(prometheusUrl({ ...CHARTS.prometheus, releaseName: 'kube-prometheus-stack', namespace: 'monitoring' }))
      .toBe('http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090');
    for (const { all } of await samples()) {
      for (const backend of BACKENDS) expect(envOf(all, backend).PROMETHEUS_URL).toEqual({ name: 'PROMETHEUS_URL', value: prometheusUrl(CHARTS.prometheus) });
    }
  });

  test('contract §1: FRONTEND_URL on monitor is the URL users type (externalAccess)', async () => {
    for (const { config, all } of await samples()) {
      expect(envOf(all, MONITOR).FRONTEND_URL.value).toBe(platformUrls(config).baseUrl);
    }
  });

  test('contract §1: admin credentials and ASTRAGO_PRIVATE-REGISTRY-URL on core, batch and monitor; ADMIN_INIT-PASSWORD on core and batch; Keycloak URL is <base>/auth', async () => {
    for (const { config, all } of await samples()) {
      const urls = platformUrls(config);
      for (const backend of BACKENDS) {
        const env = envOf(all, backend);
        expect(env.ADMIN_NAME.value).toBe('admin');
        expect(env.ADMIN_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'keycloak-admin', key: 'password' });
        expect(env['KEYCLOAK_AUTH-SERVER-URL'].value).toBe(`${urls.baseUrl}/auth`);
        expect(env.KEYCLOAK_REALM.value).toBe('astrago');
      }
      for (const backend of [CORE, BATCH]) expect(envOf(all, backend)['ADMIN_INIT-PASSWORD'].valueFrom.secretKeyRef.name).toBe('astrago-user-init-password');
      for (const backend of BACKENDS) expect(envOf(all, backend)['ASTRAGO_PRIVATE-REGISTRY-URL'].value).toBe(config.offline.registry ?? '');
      // The issuer the core validates tokens against is the one the browser's tokens carry.
      expect(envOf(all, CORE)['SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_ISSUER-URI'].value).toBe(`${urls.baseUrl}/auth/realms/astrago`);
    }
  });

  test('contract §1: HARBOR_URL has a scheme for v1.0 images and none for the 2025 images (astrago.imageGeneration)', async () => {
    expect(envOf(await objects(MINIMAL), CORE).HARBOR_URL.value).toBe('harbor-core.harbor.svc.cluster.local');
    const v1 = await objects(`${MINIMAL}astrago: {imageGeneration: v1.0}\n`);
    for (const backend of [CORE, BATCH]) expect(envOf(v1, backend).HARBOR_URL.value).toBe('http://harbor-core.harbor.svc.cluster.local');
  });

  test('contract §7: v1.0 images (no actuator) are probed on their port; 2025 images on /actuator/health', async () => {
    const v1 = containerOf(await objects(`${MINIMAL}astrago: {imageGeneration: v1.0}\n`), CORE);
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      expect(v1[probe].tcpSocket).toEqual({ port: 8080 });
      expect(v1[probe].httpGet).toBeUndefined();
    }
    const current = containerOf(await objects(MINIMAL), CORE);
    expect(current.readinessProbe.httpGet.path).toBe('/actuator/health');
    expect(Object.keys(PLATFORM_GENERATIONS)).toEqual(['v1.0', 'stage-2025']);
  });
});

describe('contract §2: the platform ServiceAccount may do what the backend calls, and no more than that', () => {
  const chart = Testing.chart();
  new PlatformRbac(chart, 'rbac', { namespace: 'astrago' });
  const synthesized = Testing.synth(chart) as Obj[];
  const one = (kind: string) => synthesized.find((o) => o.kind === kind) as Obj;
  const clusterRules = one('ClusterRole').rules as Obj[];
  const roleRules = one('Role').rules as Obj[];
  const holds = (rules: Obj[], group: string, resource: string, verb: string) =>
    rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

  // The §2 table: apiGroups, resources, verbs.
  const TABLE: Array<[string[], string[], string[]]> = [
    [[''], ['namespaces'], ['get', 'list', 'create', 'patch', 'delete']],
    [[''], ['nodes'], ['get', 'list', 'watch', 'patch']],
    [[''], ['pods'], ['get', 'list', 'delete']],
    [[''], ['pods/exec'], ['create', 'get']],
    [[''], ['pods/log'], ['get']],
    [[''], ['services'], ['get', 'list', 'create', 'delete', 'deletecollection']],
    [[''], ['secrets'], ['get', 'list', 'create', 'patch', 'delete', 'deletecollection']],
    [[''], ['configmaps'], ['get', 'patch']],
    [[''], ['persistentvolumeclaims'], ['get', 'list', 'create', 'patch', 'delete']],
    [[''], ['persistentvolumes'], ['get', 'create', 'delete']],
    [[''], ['resourcequotas'], ['get', 'list', 'create', 'update', 'delete']],
    [['', 'events.k8s.io'], ['events'], ['list']],
    [['apps'], ['deployments'], ['get', 'list', 'watch', 'create', 'patch', 'delete']],
    [['apps'], ['replicasets'], ['get']],
    [['apps'], ['statefulsets', 'daemonsets'], ['list']],
    [['batch'], ['jobs'], ['get', 'list', 'watch', 'create', 'patch', 'delete']],
    [['autoscaling'], ['horizontalpodautoscalers'], ['list']],
    [['storage.k8s.io'], ['storageclasses'], ['get', 'list', 'create', 'patch', 'delete']],
    [['storage.k8s.io'], ['csidrivers'], ['get']],
    [['rbac.authorization.k8s.io'], ['roles', 'rolebindings'], ['create']],
    [['', 'batch'], ['pods', 'jobs'], ['get', 'patch']],
    [['kubeflow.org'], ['mpijobs'], ['get', 'list', 'watch', 'create', 'delete']],
    [['helm.toolkit.fluxcd.io'], ['helmreleases'], ['list', 'create', 'delete', 'deletecollection']],
    [['source.toolkit.fluxcd.io'], ['helmrepositories'], ['create', 'delete']],
    [['networking.k8s.io'], ['ingresses'], ['get', 'list', 'create', 'delete']],
  ];
  const cases = TABLE.flatMap(([groups, resources, verbs]) => groups.flatMap((g) => resources.flatMap((r) => verbs.map((v) => [g || 'core', r, v, g] as const))));

  test.each(cases)('contract §2: ClusterRole grants %s %s %s', (_label, resource, verb, group) => {
    expect(holds(clusterRules, group, resource, verb)).toBe(true);
  });

  test('contract §2: PrometheusRules get/create/delete in namespace astrago, where the backend writes them', () => {
    for (const verb of ['get', 'create', 'delete']) expect(holds(roleRules, 'monitoring.coreos.com', 'prometheusrules', verb)).toBe(true);
    expect(one('Role').metadata.namespace).toBe('astrago');
  });

  test('contract §2: the Role each workspace gets (edit-pod-annotations) is within what the platform holds, so no escalate is needed', () => {
    for (const group of ['', 'batch']) for (const resource of ['pods', 'jobs']) for (const verb of ['get', 'patch']) {
      expect(holds(clusterRules, group, resource, verb)).toBe(true);
    }
  });

  test('contract §2: no more than the table — no wildcard, no escalate/bind, nothing the backend does not call; never cluster-admin', () => {
    const granted = (rules: Obj[]) => rules.flatMap((r) => r.apiGroups.flatMap((g: string) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g}|${res}|${v}`))));
    const allowed = new Set([...cases.map(([, r, v, g]) => `${g}|${r}|${v}`)]);
    expect(granted(clusterRules).filter((k) => !allowed.has(k))).toEqual([]);
    expect(granted(clusterRules).some((k) => k.includes('*') || k.endsWith('|escalate') || k.endsWith('|bind'))).toBe(false);
    expect(synthesized.filter((o) => /Binding$/.test(o.kind)).map((b) => b.roleRef.name)).toEqual(['astrago-platform', 'astrago-platform']);
    expect([...PLATFORM_GRANTS, ...NAMESPACE_GRANTS].every((g) => g.why.length > 0)).toBe(true);
    // validate keeps its policy.
    expect(POLICY_RULES.map((r) => r.id)).toContain('policy/cluster-admin');
  });

  test('contract §2: the backends run as astrago-sa with its token; workload pods are scheduled by binpack-scheduler', async () => {
    for (const { all } of await samples()) {
      for (const backend of BACKENDS) {
        const pod = (findObject(all, 'Deployment', backend).spec as Obj).template.spec;
        expect(pod.serviceAccountName).toBe('astrago-sa');
        expect(pod.automountServiceAccountToken).toBe(true);
      }
      expect(findObject(all, 'ClusterRoleBinding', 'astrago-platform').subjects).toEqual([{ kind: 'ServiceAccount', name: 'astrago-sa', namespace: 'astrago' }]);
      expect(findObject(all, 'Deployment', 'binpack-scheduler').metadata.namespace).toBe('astrago');
    }
  });

  test('contract §2 MPI: every sample serves kubeflow.org/v2beta1 MPIJobs, run by the v2 controller (launcher Jobs), applied before the backend starts', async () => {
    for (const { all } of await samples()) {
      const crd = findObject(all, 'CustomResourceDefinition', 'mpijobs.kubeflow.org');
      expect((crd.spec as Obj).versions.filter((v: Obj) => v.served).map((v: Obj) => [v.name, v.storage])).toEqual([['v2beta1', true]]);
      // The v2 controller (≥ v0.4.0) makes the launcher a Job labelled job-name=<mpijob>-launcher; 0.3.0 made a bare Pod.
      const controller = (findObject(all, 'Deployment', 'mpi-operator-v2').spec as Obj).template.spec.containers[0];
      expect(controller.image).toMatch(/\/mpioperator\/mpi-operator:0\.6\.0$/);
      expect(crd.file).toMatch(/\/applications\/controllers\//);
      expect(findObject(all, 'Deployment', 'astrago-backend-batch').file).toMatch(/\/applications\/configs\//);
      expect(all.some((o) => o.kind === 'HelmRelease' && (o.spec as Obj).chart?.spec?.chart === 'mpi-operator')).toBe(false);
    }
  });
});

describe('contract §3: Keycloak and the realm', () => {
  const urls = platformUrls(configFrom(MINIMAL));
  const realm = realmRepresentation({ realm: 'astrago', clientId: 'astrago-client', urls }) as Obj;
  const client = (realm.clients as Obj[]).find((c) => c.clientId === 'astrago-client') as Obj;

  test('contract §3: realm has group /account/default (every new user and admin joins it)', () => {
    const account = (realm.groups as Obj[]).find((g) => g.name === 'account') as Obj;
    expect(account.path).toBe('/account');
    expect(account.subGroups).toEqual([{ name: 'default', path: '/account/default' }]);
  });

  test('contract §3: realm has group /ws (workspaces add /ws/<ws>/{owner,user})', () => {
    expect((realm.groups as Obj[]).map((g) => g.path)).toContain('/ws');
  });

  test('contract §3: realm roles ROLE_USER and ROLE_ADMIN; the default role grants neither (the backend assigns them)', () => {
    expect((realm.roles.realm as Obj[]).map((r) => r.name)).toEqual(['ROLE_USER', 'ROLE_ADMIN']);
    expect(realm.defaultRole.name).toBe('default-roles-astrago');
    expect(realm.defaultRole.composites.realm).toEqual(['offline_access', 'uma_authorization']);
  });

  test('contract §3: realm settings: email as username, registration allowed, token 300 s, SSO idle 1800 s / max 36000 s, HTTP allowed over HTTP', () => {
    expect(realm).toMatchObject({
      realm: 'astrago', enabled: true, registrationAllowed: true, registrationEmailAsUsername: true,
      accessTokenLifespan: 300, ssoSessionIdleTimeout: 1800, ssoSessionMaxLifespan: 36000, sslRequired: 'none',
    });
  });

  test('contract §3: client astrago-client is confidential with standard flow, direct grants and a service account', () => {
    expect(client).toMatchObject({
      publicClient: false, clientAuthenticatorType: 'client-secret', standardFlowEnabled: true,
      directAccessGrantsEnabled: true, serviceAccountsEnabled: true, protocol: 'openid-connect',
    });
    // The secret reaches the realm from a Secret at import, never from the ConfigMap.
    expect(client.secret).toBe('${ASTRAGO_CLIENT_SECRET}');
  });

  test('contract §3: client astrago-client has login_theme astrago', () => {
    expect(client.attributes.login_theme).toBe('astrago');
  });

  test('contract §3: client astrago-client has the mappers client_id, clientHost, clientAddress and full name', () => {
    const mappers = client.protocolMappers as Obj[];
    const notes = mappers.filter((m) => m.protocolMapper === 'oidc-usersessionmodel-note-mapper').map((m) => m.config['claim.name']);
    expect(notes.sort()).toEqual(['clientAddress', 'clientHost', 'client_id']);
    expect(mappers.map((m) => m.protocolMapper)).toContain('oidc-full-name-mapper');
  });

  test('contract §3: Keycloak 22.x (Bitnami chart 17.3.5, theme image v1.2.0) served at <base>/auth, importing the realm', async () => {
    expect(CHARTS.keycloak.version).toBe('17.3.5');
    for (const { config, all } of await samples()) {
      const v = values(all, 'keycloak');
      expect(`${v.image.repository}:${v.image.tag}`).toBe('xiilab/astrago-keycloak-theme:v1.2.0');
      expect(v.httpRelativePath).toBe('/auth/');
      expect(v.proxy).toBe('edge');
      expect(v.extraStartupArgs).toContain('--import-realm');
      expect(v.extraStartupArgs).toContain('--spi-login-protocol-openid-connect-legacy-logout-redirect-uri=true');
      const imported = JSON.parse(Object.values(findObject(all, 'ConfigMap', 'keycloak-realm').data as Record<string, string>)[0]);
      expect(imported.groups[0].subGroups[0].path).toBe('/account/default');
      expect(imported.clients[0].redirectUris).toEqual([`${platformUrls(config).baseUrl}/*`]);
    }
  });
});

describe('contract §4: Prometheus and DCGM labels', () => {
  const chart = Testing.chart();
  new DcgmServiceMonitor(chart, 'dcgm', { namespace: 'prometheus', exporterNamespace: 'gpu-operator', interval: SCHEMA_DEFAULTS.monitoring.gpuScrapeInterval });
  const endpoint = (Testing.synth(chart)[0] as Obj).spec.endpoints[0];

  test('contract §4: the DCGM ServiceMonitor keeps the workload\'s pod/namespace labels (honorLabels: true)', () => {
    expect(endpoint.honorLabels).toBe(true);
  });

  test('contract §4: GPU metrics carry kubernetes_node, the node of the exporter pod', () => {
    expect(endpoint.relabelings).toContainEqual({ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'kubernetes_node', action: 'replace' });
  });

  const csvFields = () => (configMap(gpuOperator(), 'metrics-config').data['dcgm-metrics.csv'] as string).split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => l.split(',')[0].trim());

  test('contract §4: every DCGM field the backend queries is collected', () => {
    const queried = ['GPU_TEMP', 'MEMORY_TEMP', 'FAN_SPEED', 'COUNT', 'GPU_UTIL', 'FB_USED', 'FB_FREE', 'POWER_USAGE', 'MEM_CLOCK'].map((f) => `DCGM_FI_DEV_${f}`);
    expect(csvFields()).toEqual(expect.arrayContaining(queried));
  });

  test('contract §4: every field of the old system\'s dcgm-metrics.csv is collected, once', () => {
    const old = [
      ...['SM_CLOCK', 'MEM_CLOCK', 'MEMORY_TEMP', 'GPU_TEMP', 'POWER_USAGE', 'TOTAL_ENERGY_CONSUMPTION', 'FAN_SPEED', 'PCIE_REPLAY_COUNTER', 'GPU_UTIL',
        'MEM_COPY_UTIL', 'ENC_UTIL', 'DEC_UTIL', 'XID_ERRORS', 'FB_FREE', 'FB_USED', 'FB_TOTAL', 'FB_RESERVED', 'FB_USED_PERCENT', 'NVLINK_BANDWIDTH_TOTAL',
        'VGPU_LICENSE_STATUS', 'UNCORRECTABLE_REMAPPED_ROWS', 'CORRECTABLE_REMAPPED_ROWS', 'ROW_REMAP_FAILURE', 'COUNT', 'SLOWDOWN_TEMP', 'POWER_MGMT_LIMIT',
        'PSTATE', 'CLOCK_THROTTLE_REASONS', 'NAME', 'MINOR_NUMBER', 'BRAND', 'SERIAL'].map((f) => `DCGM_FI_DEV_${f}`),
      ...['GR_ENGINE_ACTIVE', 'PIPE_TENSOR_ACTIVE', 'DRAM_ACTIVE', 'PCIE_TX_BYTES', 'PCIE_RX_BYTES'].map((f) => `DCGM_FI_PROF_${f}`),
      'DCGM_FI_DRIVER_VERSION', 'DCGM_FI_PROCESS_NAME', 'DCGM_FI_CUDA_DRIVER_VERSION',
    ];
    const fields = csvFields();
    expect(fields).toEqual(expect.arrayContaining(old));
    expect(new Set(fields).size).toBe(fields.length);
  });

  test('contract §4: gpu-operator values at its top-level keys: DCGM CSV, device-plugin and MIG ConfigMaps, mig.strategy single', () => {
    const v = (gpuOperator().find((o) => o.kind === 'HelmRelease') as Obj).spec.values;
    expect(v.dcgmExporter.config).toEqual({ name: 'metrics-config', create: false });
    expect(v.devicePlugin.config).toMatchObject({ name: 'nvidia-plugin-config-mps', create: false });
    expect(v.migManager.config).toMatchObject({ name: 'custom-mig-parted-config', create: false });
    expect(v.mig.strategy).toBe('single');
    expect(v['gpu-operator']).toBeUndefined();
  });

  test('contract §4: the one GPU scrape path is the ServiceMonitor (the chart\'s own is off, no extra scrape job)', async () => {
    for (const { all } of await samples()) {
      expect(values(all, 'gpu-operator').dcgmExporter.serviceMonitor).toEqual({ enabled: false });
      expect(values(all, CHARTS.prometheus.releaseName).prometheus.prometheusSpec.additionalScrapeConfigs).toBeUndefined();
      expect(findObject(all, 'ServiceMonitor', 'nvidia-dcgm-exporter').spec).toMatchObject({ namespaceSelector: { matchNames: ['gpu-operator'] } });
    }
  });
});

describe('contract §5: GPU sharing', () => {

  test('contract §5: device plugin configs mps_2 … mps_48, each renamed to nvidia.com/gpu.shared', () => {
    const data = configMap(gpuOperator(), 'nvidia-plugin-config-mps').data as Record<string, string>;
    const mps = Object.keys(data).filter((k) => k.startsWith('mps_')).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
    expect(mps).toEqual(Array.from({ length: 47 }, (_, i) => `mps_${i + 2}`));
    for (const key of mps) {
      const config = parse(data[key]);
      expect(config.sharing.mps).toEqual({ renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas: Number(key.slice(4)) }] });
      expect(config.flags.migStrategy).toBe('none');
    }
  });

  test('contract §5: nodes without a device-plugin label get the default config (whole GPUs)', () => {
    const all = gpuOperator('mixed');
    const data = configMap(all, 'nvidia-plugin-config-mps').data as Record<string, string>;
    expect(parse(data.default)).toEqual({ version: 'v1', flags: { migStrategy: 'mixed' } });
    expect(all.find((o) => o.kind === 'HelmRelease')!.spec.values.devicePlugin.config.default).toBe('default');
  });

  test('contract §5: the MIG ConfigMap custom-mig-parted-config is created once, then left to the platform (ssa: IfNotPresent)', () => {
    const mig = configMap(gpuOperator(), 'custom-mig-parted-config');
    expect(mig.metadata.namespace).toBe('gpu-operator');
    expect(mig.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' });
  });

  test('contract §5: MIG configs all-disabled (what disabling sets) and profiles for A30, A100 40/80GB, H100 80/94/96GB', () => {
    const configs = parse(configMap(gpuOperator(), 'custom-mig-parted-config').data['config.yaml'])['mig-configs'];
    expect(configs['all-disabled']).toEqual([{ devices: 'all', 'mig-enabled': false }]);
    // PCI device ids: A30, A100 40GB, A100 80GB, H100 80GB, H100 NVL, H100 96GB.
    const ids = new Set(Object.values(configs).flatMap((c) => listOf(c).flatMap((e: Obj) => e['device-filter'] ?? [])));
    for (const id of ['0x20B710DE', '0x20B010DE', '0x20B210DE', '0x233010DE', '0x232110DE', '0x233D10DE']) expect(ids).toContain(id);
    for (const profile of ['all-1g.6gb', 'all-1g.5gb', 'all-1g.10gb', 'all-1g.12gb', 'all-7g.96gb', 'all-balanced']) expect(configs[profile]).toBeDefined();
    // The old system's 30 NVIDIA-default configurations, media-extension variants included.
    expect(Object.keys(configs)).toHaveLength(30);
    expect(configs['all-1g.5gb.me']).toEqual([{ 'device-filter': ['0x20B010DE', '0x20B110DE', '0x20F110DE', '0x20F610DE'], devices: 'all', 'mig-enabled': true, 'mig-devices': { '1g.5gb+me': 1 } }]);
  });

  test('contract §5: no config map the platform edits at run time is pruned or rewritten by a chart', async () => {
    for (const { all } of await samples()) {
      const mig = findObject(all, 'ConfigMap', 'custom-mig-parted-config');
      expect((mig.metadata as Obj).annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' });
      expect(values(all, 'gpu-operator').migManager.config.create).toBe(false);
    }
  });
});

describe('contract §6: alerts', () => {
  test('contract §6: Alertmanager sends app="astrago" to the core webhook, send_resolved false, grouped by nodeName and ruleName (30s / 2m / 1h)', async () => {
    for (const { all } of await samples()) {
      const config = values(all, CHARTS.prometheus.releaseName).alertmanager.config;
      expect(config.route).toMatchObject({ group_by: ['nodeName', 'ruleName'], group_wait: '30s', group_interval: '2m', repeat_interval: '1h', receiver: 'null' });
      expect(config.route.routes).toEqual([{ matchers: ['app="astrago"'], receiver: 'astrago' }]);
      const receiver = config.receivers.find((r: Obj) => r.name === 'astrago');
      expect(receiver.webhook_configs).toEqual([{ url: 'http://astrago-backend-core.astrago.svc:8080/api/v1/core/alertManager/receive', send_resolved: false }]);
    }
  });

  test('contract §6: the platform\'s GPU alerts (aggregated, without internal_ip) get internal_ip from nodeName, others keep theirs', async () => {
    for (const { all } of await samples()) {
      const [relabel] = values(all, CHARTS.prometheus.releaseName).prometheus.prometheusSpec.additionalAlertRelabelConfigs;
      const regex = new RegExp(`^(?:${relabel.regex})$`);
      const joined = (labels: Record<string, string>) => relabel.source_labels.map((l: string) => labels[l] ?? '').join(relabel.separator);
      expect(joined({ app: 'astrago', nodeName: 'gpu-1' }).replace(regex, relabel.replacement)).toBe('gpu-1');
      expect(regex.test(joined({ app: 'astrago', nodeName: 'gpu-1', internal_ip: '10.0.0.7' }))).toBe(false);
      expect(regex.test(joined({ app: 'other', nodeName: 'gpu-1' }))).toBe(false);
      expect(relabel).toMatchObject({ target_label: 'internal_ip', action: 'replace' });
    }
  });

  test('contract §6: the platform\'s rules (release=prometheus, namespace astrago) are selected', async () => {
    for (const { all } of await samples()) {
      // The release name the platform's rules select on (release=prometheus).
      expect((findObject(all, 'HelmRelease', 'prometheus').spec as Obj).releaseName).toBe('prometheus');
      const spec = values(all, CHARTS.prometheus.releaseName).prometheus.prometheusSpec;
      expect(spec.ruleSelectorNilUsesHelmValues).toBe(false);
      expect(spec.ruleNamespaceSelector).toBeUndefined();
    }
  });

  test('contract §6: no alert rule we ship reaches the platform receiver without what it requires (ours never carry app="astrago")', async () => {
    for (const { all } of await samples()) {
      const rules = all.filter((o) => o.kind === 'PrometheusRule').flatMap((r) => (r.spec as Obj).groups.flatMap((g: Obj) => g.rules as Obj[]));
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) expect(rule.labels?.app).not.toBe('astrago');
    }
  });
});

describe('contract §7: Flux and chart sources', () => {
  test('contract §7: Flux 2.3–2.7 is what the platform runs on', () => {
    expect(SUPPORTED_FLUX).toEqual({ min: '2.3', max: '2.7' });
    for (const v of ['2.3.0', '2.4.0', 'v2.7.9']) expect(fluxSupported(v)).toBe(true);
    for (const v of ['2.2.3', '2.8.0', '3.4.0']) expect(fluxSupported(v)).toBe(false);
    expect(fluxSupported(DEFAULT_FLUX_VERSION)).toBe(true);
  });

  test('contract §7: validate fails a customer on Flux 2.8 or later, saying why (the platform\'s v2beta2 HelmReleases), warns below 2.3, and is silent otherwise', () => {
    const check = (fluxVersion?: string) => PLATFORM_RULES.flatMap((r) => r.check(new ValidationContext({ customer: 'acme', files: [], manifests: [], externals: [], fluxVersion })));
    for (const v of ['2.8.0', 'v2.9.1', '3.0.0']) {
      expect(check(v)).toEqual([expect.objectContaining({ severity: 'error', rule: 'platform/flux-version', file: 'customers/acme.yaml' })]);
    }
    expect(check('2.8.0')[0].message).toMatch(/^fluxVersion: expected Flux 2\.3 to 2\.7, found 2\.8\.0 \(the platform backend creates helm\.toolkit\.fluxcd\.io\/v2beta2 HelmReleases, which Flux 2\.8 removed, docs\/platform-contract\.md §7 Flux;/);
    expect(check('2.2.3')).toEqual([expect.objectContaining({ severity: 'warning', rule: 'platform/flux-version' })]);
    expect(check('2.4.0')).toEqual([]);
    expect(check('2.7.5')).toEqual([]);
    for (const name of SAMPLES) expect(check(sampleConfig(name).fluxVersion)).toEqual([]);
  });

  test('contract §7: the default fluxVersion is the newest 2.7 patch whose controller images the repository pins, so an air-gapped customer can mirror it', () => {
    const patches = Object.keys(FLUX_RELEASES).filter((v) => v.startsWith(`${SUPPORTED_FLUX.max}.`));
    const newest = patches.sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2])).slice(-1)[0];
    expect(DEFAULT_FLUX_VERSION).toBe(newest);
    expect(fluxImages(DEFAULT_FLUX_VERSION)).toEqual(expect.arrayContaining([expect.stringMatching(/^ghcr\.io\/fluxcd\/helm-controller:v1\.4\.\d+$/)]));
  });

  test('contract §7: getting-started bootstraps with the pinned Flux version', () => {
    const guide = fs.readFileSync(path.join(ROOT, 'docs', 'getting-started.md'), 'utf8');
    expect(guide).toContain(`FLUX_VERSION=${DEFAULT_FLUX_VERSION}`);
    expect(configFrom(MINIMAL).fluxVersion).toBe(DEFAULT_FLUX_VERSION);
  });

  test('contract §7: every HelmRelease of every sample takes its chart from the archive vendored in the repository Flux syncs, so no chart repository is reached', async () => {
    for (const { all } of await samples()) {
      const releases = all.filter((o) => o.kind === 'HelmRelease');
      expect(releases.length).toBeGreaterThan(0);
      for (const r of releases) {
        expect((r.spec as Obj).chart.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' });
        expect((r.spec as Obj).chart.spec.chart).toMatch(/^\.\/vendor\/charts\/.+\.tgz$/);
      }
      expect(all.filter((o) => o.kind === 'HelmRepository')).toEqual([]);
    }
  });

  test('contract §7: every catalog entry says why its source keeps the pinned version', () => {
    for (const entry of Object.values(CHARTS)) expect(entry.repository.keepsPinnedVersions.length).toBeGreaterThan(20);
  });

  test('contract §7: an air-gapped customer mirrors no chart: its bill of materials is images only (and the nodes\' containerd mirror)', async () => {
    const files = await render(configFrom(`${MINIMAL}offline: {registry: harbor.local/astrago}\n`));
    expect(files.filter((f) => f.path.includes('/airgap/')).map((f) => f.path.split('/').pop()).sort()).toEqual(['containerd-docker.io-hosts.toml', 'images.txt', 'mirror.sh']);
    expect(files.find((f) => f.path.endsWith('/airgap/mirror.sh'))!.content).not.toMatch(/helm (pull|push)/);
  });
});

describe('the vendored charts are the evidence: image tags and chart defaults the contract relies on', () => {
  const prometheus = vendoredChart(CHARTS.prometheus.chart, CHARTS.prometheus.version);
  const subchart = (key: string) => prometheus.subcharts.find((c) => c.key === key)!.chart;
  const catalogTag = (images: readonly { ref: string }[], repository: string) => images.map((i) => i.ref).find((r) => r.split(':')[0].endsWith(`/${repository}`))!.split(':').pop();

  test('Grafana follows the grafana subchart of kube-prometheus-stack 61.9.0 (its appVersion)', () => {
    expect(catalogTag(CHARTS.prometheus.images, 'grafana/grafana')).toBe(subchart('grafana').appVersion);
  });

  test('kube-state-metrics, node-exporter and prometheus-operator follow their charts\' appVersion', () => {
    expect(catalogTag(CHARTS.prometheus.images, 'kube-state-metrics/kube-state-metrics')).toBe(`v${subchart('kube-state-metrics').appVersion}`);
    expect(catalogTag(CHARTS.prometheus.images, 'prometheus/node-exporter')).toBe(`v${subchart('prometheus-node-exporter').appVersion}`);
    expect(catalogTag(CHARTS.prometheus.images, 'prometheus-operator/prometheus-operator')).toBe(prometheus.appVersion);
  });

  test('contract §4: node-exporter runs on the host network, so its instance label is the node IP the backend joins on', async () => {
    expect(subchart('prometheus-node-exporter').values.hostNetwork).toBe(true);
    for (const { all } of await samples()) expect(values(all, CHARTS.prometheus.releaseName)['prometheus-node-exporter']?.hostNetwork).toBeUndefined();
  });

  test('contract §6: an unset ruleNamespaceSelector renders as {} (every namespace, astrago included)', () => {
    const template = prometheus.templates.get('templates/prometheus/prometheus.yaml')!;
    expect(template).toMatch(/\{\{ else \}\}\s*ruleNamespaceSelector: \{\}/);
  });

  test('Keycloak is 22.x: the chart\'s appVersion, and the theme image built on it', () => {
    expect(vendoredChart(CHARTS.keycloak.chart, CHARTS.keycloak.version).appVersion).toMatch(/^22\./);
  });
});

describe('externalAccess.url: one external URL every URL follows (the old astrago.baseUrl)', () => {
  const BEHIND_NAT = `${MINIMAL}`.replace('externalAccess: {mode: ip, ip: {address: 10.0.0.5}}', 'externalAccess: {mode: ip, ip: {address: 10.0.0.5}, url: "https://astrago.example.com:8443"}');

  test('issuer, redirect URIs, NextAuth, Grafana root, the backends\' Keycloak URL and FRONTEND_URL follow it', async () => {
    const base = 'https://astrago.example.com:8443';
    const all = await objects(BEHIND_NAT);
    const realm = JSON.parse(Object.values(findObject(all, 'ConfigMap', 'keycloak-realm').data as Record<string, string>)[0]);
    expect(realm.clients[0].redirectUris).toEqual([`${base}/*`]);
    expect(realm.clients[0].webOrigins).toEqual([base]);
    expect(realm.sslRequired).toBe('external');
    const keycloakEnv = Object.fromEntries((values(all, 'keycloak').extraEnvVars as Obj[]).map((e) => [e.name, e.value]));
    expect(keycloakEnv.KC_HOSTNAME_URL).toBe(`${base}/auth`);
    expect(envOf(all, 'astrago-frontend').NEXTAUTH_URL.value).toBe(base);
    expect(envOf(all, 'astrago-frontend').KEYCLOAK_HOST.value).toBe(`${base}/auth`);
    expect(values(all, CHARTS.prometheus.releaseName).grafana['grafana.ini'].server.root_url).toBe(`${base}/grafana/`);
    expect(envOf(all, CORE)['SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_ISSUER-URI'].value).toBe(`${base}/auth/realms/astrago`);
    expect(envOf(all, MONITOR).FRONTEND_URL.value).toBe(base);
    // The Ingress still answers any host in ip mode.
    expect((findObject(all, 'Ingress', 'astrago').spec as Obj).rules[0].host).toBeUndefined();
  });

  test('a URL with a path, a user or no scheme is refused with one clear line', () => {
    const errors = (yaml: string) => {
      try {
        configFrom(yaml);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const bad of ['https://astrago.example.com:8443/astrago', 'https://admin@astrago.example.com', 'astrago.example.com', 'https://astrago.example.com/']) {
      expect(errors(BEHIND_NAT.replace('https://astrago.example.com:8443', bad))).toContain('externalAccess');
    }
    expect(errors(BEHIND_NAT)).toBe('');
  });
});

describe('every profile', () => {
  test.each(PROFILES)('profile %s: realm group /account/default, §2 grants, honorLabels, mps_48, MIG created once, PROMETHEUS_URL on all backends', async (profile) => {
    const all = await objects(`${MINIMAL}profile: ${profile}\n`);
    const realm = JSON.parse(Object.values(findObject(all, 'ConfigMap', 'keycloak-realm').data as Record<string, string>)[0]);
    expect(realm.groups[0].subGroups).toEqual([{ name: 'default', path: '/account/default' }]);
    const rules = (findObject(all, 'ClusterRole', 'astrago-platform') as Obj).rules as Obj[];
    expect(rules.some((r) => r.apiGroups.includes('rbac.authorization.k8s.io') && r.resources.includes('roles') && r.verbs.includes('create'))).toBe(true);
    expect((findObject(all, 'ServiceMonitor', 'nvidia-dcgm-exporter').spec as Obj).endpoints[0].honorLabels).toBe(true);
    expect(Object.keys(findObject(all, 'ConfigMap', 'nvidia-plugin-config-mps').data as object)).toContain('mps_48');
    expect((findObject(all, 'ConfigMap', 'custom-mig-parted-config').metadata as Obj).annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' });
    for (const backend of BACKENDS) expect(envOf(all, backend).PROMETHEUS_URL.value).toBe(prometheusUrl(CHARTS.prometheus));
  });
});

describe('docs: the differences from the Helmfile system', () => {
  test('docs/differences.md is a table with header | Behaviour | Helmfile system | Now | Why |, linked from the README and the docs', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'differences.md'), 'utf8');
    expect(text).toMatch(/^# Differences from the Helmfile system$/m);
    expect(text).toContain('| Behaviour | Helmfile system | Now | Why |');
    const rows = text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Behaviour'));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) expect(row.split(' | ').length).toBe(4);
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('(docs/differences.md)');
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8')).toContain('(differences.md)');
  });
});
