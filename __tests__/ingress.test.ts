import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { CHARTS, releasedChart } from '../catalog/charts';
import { imageFromValues } from '../catalog/image-values';
import { formatImage, mirrored } from '../catalog/images';
import { NGINX_ANNOTATION_PREFIX, REPLACED_NGINX_ANNOTATIONS, traefikSupport } from '../catalog/nginx-annotations';
import { INGRESS_CLASS, INGRESS_CLASS_CONTROLLER } from '../catalog/platform';
import { loadCustomerText } from '../config/load';
import { loadNewCustomer } from '../config/new-customer';
import { type Fields } from '../model/fields';
import { vendoredChartFile } from '../model/layout';
import type { OutputFile } from '../model/objects';
import { locateHelm } from '../render/helm';
import { existingObjects, offlineSettings } from '../validate/externals';
import { validateTrees } from '../validate/validate';
import { configFrom, findObject, MINIMAL, objectsOf, render, ROOT, sampleConfig, withHelm } from './helpers';

type Obj = Fields;
/** The one object of a kind and name, as plain data for the assertions. */
const find = (objects: readonly Obj[], kind: string, name: string): Obj => findObject(objects as Parameters<typeof findObject>[0], kind, name);

const plant = sampleConfig('plant');
const REGISTRY = plant.offline.registry!;
const PLATFORM_INGRESS = 'dist/plant/applications/configs/platform-ingress.yaml';

/**
 * A workload Ingress as the platform creates it at run time (docs/platform-contract.md §2: the backend
 * may create Ingresses, host ASTRAGO_INGRESS_DEFAULT_HOST): class nginx, with the ingress-nginx
 * annotations a long-running notebook or model server needs. In namespace astrago here, so that
 * its backend is a Service of the tree for validate.
 */
const workloadIngress = (annotations: Record<string, string>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'wl-6f1c2a9e', namespace: 'astrago', annotations },
  spec: {
    ingressClassName: INGRESS_CLASS,
    rules: [{
      host: plant.externalAccess.domain.name,
      http: { paths: [{ path: '/wl-6f1c2a9e', pathType: 'Prefix', backend: { service: { name: 'astrago-backend-core', port: { number: 8080 } } } }] },
    }],
  },
});
const WORKLOAD_ANNOTATIONS = {
  'nginx.ingress.kubernetes.io/proxy-body-size': '0',
  'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
  'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
  'nginx.ingress.kubernetes.io/backend-protocol': 'HTTP',
};

/** The provider's selection (traefik pkg/provider/kubernetes/ingress-nginx: filterIngressClass, shouldProcess). */
function servedByProvider(ingress: Obj, classes: Obj[], provider: Obj): boolean {
  const matching = classes.filter((c) => c.spec.controller === provider.controllerClass
    || (provider.ingressClassByName && c.metadata.name === provider.ingressClass));
  if (matching.length > 0 && ingress.spec.ingressClassName) return matching.some((c) => c.metadata.name === ingress.spec.ingressClassName);
  const legacy = ingress.metadata.annotations?.['kubernetes.io/ingress.class'];
  return legacy !== undefined ? legacy === provider.ingressClass : provider.watchIngressWithoutClass === true;
}

const nginxAnnotations = (annotations: Record<string, string> | undefined) =>
  Object.keys(annotations ?? {}).filter((k) => k.startsWith(NGINX_ANNOTATION_PREFIX));

describe('the ingress controller setting', () => {
  test('a customer file without it keeps ingress-nginx; init writes traefik', () => {
    expect(configFrom(MINIMAL).ingress.controller).toBe('ingress-nginx');
    const created = loadNewCustomer({ name: 'acme', ip: '10.0.0.5', nfsServer: '10.0.0.6' });
    expect(created.config!.ingress.controller).toBe('traefik');
    expect(loadNewCustomer({ name: 'acme', ip: '10.0.0.5', nfsServer: '10.0.0.6', ingressController: 'ingress-nginx' }).config!.ingress.controller).toBe('ingress-nginx');
  });

  test('a wrong controller or a side-by-side address equal to the served one is one clear line each', () => {
    const problems = (yaml: string) => loadCustomerText(yaml, 'acme', 'customers/acme.yaml').errors.map((e) => `${e.path}: expected ${e.expected}, found ${e.found}`);
    expect(problems(`${MINIMAL}ingress: {controller: nginx}\n`)).toEqual(['ingress.controller: expected one of "ingress-nginx", "traefik", found "nginx"']);
    expect(problems(`${MINIMAL}ingress: {sideBySide: {enabled: true, address: 10.0.0.5}}\n`))
      .toEqual([expect.stringMatching(/^ingress\.sideBySide\.address: expected an address other than externalAccess\.ip\.address/)]);
  });
});

describe('the sample customer plant on Traefik', () => {
  let files: OutputFile[];
  let all: Obj[];
  let traefik: Obj;
  beforeAll(async () => {
    files = await render(plant);
    all = objectsOf(files);
    traefik = find(all, 'HelmRelease', 'traefik').spec.values;
  });

  test('Traefik serves the IngressClass nginx through its Ingress NGINX provider, and only through it', () => {
    expect(all.filter((o) => o.kind === 'HelmRelease' && releasedChart(o.spec.chart.spec.chart)?.entry === CHARTS.ingressNginx)).toEqual([]);
    expect(traefik.providers).toEqual({
      kubernetesIngress: { enabled: false },
      kubernetesIngressNGINX: {
        enabled: true, ingressClass: 'nginx', controllerClass: 'k8s.io/ingress-nginx', publishService: { enabled: true }, httpEntryPoint: 'web', httpsEntryPoint: 'websecure',
      },
    });
    expect(traefik.ingressClass).toEqual({ enabled: false });
    const ingressClass = find(all, 'IngressClass', INGRESS_CLASS);
    expect(ingressClass.spec).toEqual({ controller: INGRESS_CLASS_CONTROLLER });
    expect(ingressClass.metadata.annotations).toEqual({ 'ingressclass.kubernetes.io/is-default-class': 'true', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('the same exposure as ingress-nginx: 80 and 443 on every node, the LoadBalancer IP of externalAccess', () => {
    expect(traefik.deployment).toEqual({ kind: 'DaemonSet' });
    expect([traefik.ports.web.hostPort, traefik.ports.websecure.hostPort]).toEqual([80, 443]);
    expect(traefik.service.spec).toEqual({ type: 'LoadBalancer', loadBalancerIP: plant.externalAccess.ip.address, externalTrafficPolicy: 'Local' });
    expect(traefik.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('long uploads and big headers: no whole-request read timeout, 1 MiB of headers', () => {
    for (const ep of [traefik.ports.web, traefik.ports.websecure]) {
      expect(ep.transport.respondingTimeouts.readTimeout).toBe(0);
      expect(ep.http.maxHeaderBytes).toBe(1048576);
    }
  });

  test('every Ingress of the tree, and the platform\'s own, is one the provider serves, with annotations it reads or replaces', () => {
    const provider = traefik.providers.kubernetesIngressNGINX;
    const classes = all.filter((o) => o.kind === 'IngressClass');
    const ingresses = [...all.filter((o) => o.kind === 'Ingress'), workloadIngress(WORKLOAD_ANNOTATIONS)];
    expect(ingresses.map((i) => i.metadata.name).sort()).toEqual(['astrago', 'grafana', 'keycloak', 'wl-6f1c2a9e']);
    for (const ingress of ingresses) {
      expect([ingress.metadata.name, servedByProvider(ingress, classes, provider)]).toEqual([ingress.metadata.name, true]);
      for (const a of nginxAnnotations(ingress.metadata.annotations)) expect([a, traefikSupport(a).status]).not.toEqual([a, 'ignored']);
    }
    // Large bodies, long timeouts and TLS on the platform's own Ingress, all read by the provider.
    const astrago = find(all, 'Ingress', 'astrago');
    for (const a of ['proxy-body-size', 'proxy-read-timeout', 'proxy-send-timeout', 'proxy-connect-timeout', 'proxy-buffer-size']) {
      expect(traefikSupport(`${NGINX_ANNOTATION_PREFIX}${a}`).status).toBe('read');
      expect(astrago.metadata.annotations[`${NGINX_ANNOTATION_PREFIX}${a}`]).toBeDefined();
    }
    expect(astrago.spec.tls).toEqual([{ hosts: ['astrago.plant.local'], secretName: 'astrago-tls' }]);
    // The paths of the host without a tls block of their own are redirected to HTTPS as well.
    for (const name of ['keycloak', 'grafana']) {
      const ingress = find(all, 'Ingress', name);
      expect([name, ingress.spec.tls, ingress.metadata.annotations[`${NGINX_ANNOTATION_PREFIX}force-ssl-redirect`]]).toEqual([name, undefined, 'true']);
    }
    // Harbor's Ingress comes from its chart's values.
    const harbor = find(all, 'HelmRelease', 'harbor').spec.values.expose.ingress;
    expect(harbor.className).toBe(INGRESS_CLASS);
    expect(nginxAnnotations(harbor.annotations).map((a) => traefikSupport(a).status)).toEqual(['read', 'read']);
  });

  test('the one annotation of ours the provider ignores has a replacement the guide names', () => {
    const ours = all.flatMap((o) => nginxAnnotations(o.metadata.annotations)).filter((a) => traefikSupport(a).status === 'replaced');
    expect([...new Set(ours)]).toEqual(['nginx.ingress.kubernetes.io/proxy-busy-buffers-size']);
    const guide = fs.readFileSync(path.join(ROOT, 'docs', 'ingress-traefik.md'), 'utf8');
    for (const name of Object.keys(REPLACED_NGINX_ANNOTATIONS)) expect(guide).toContain(`\`${name}\``);
  });

  test('validate is clean, and flags a platform Ingress with an annotation Traefik ignores', () => {
    const withWorkload = (annotations: Record<string, string>) => files.map((f) => (f.path === PLATFORM_INGRESS
      ? { ...f, content: `${f.content}---\n${stringify(workloadIngress(annotations))}` } : f));
    const findings = (tree: OutputFile[]) => validateTrees([{ customer: 'plant', files: tree, externals: existingObjects(plant), offline: offlineSettings(plant) }]).findings
      .map((f) => `${f.rule} ${f.object}: ${f.message}`);
    expect(findings(withWorkload(WORKLOAD_ANNOTATIONS))).toEqual([]);
    expect(findings(withWorkload({ ...WORKLOAD_ANNOTATIONS, 'nginx.ingress.kubernetes.io/mirror-target': 'http://shadow' }))).toEqual([
      'ingress/traefik-annotation Ingress/astrago/wl-6f1c2a9e: metadata.annotations.nginx.ingress.kubernetes.io/mirror-target: expected an annotation Traefik\'s Ingress NGINX provider reads or one with a replacement, found nginx.ingress.kubernetes.io/mirror-target, which Traefik ignores',
    ]);
  });

  test('validate refuses a tree where Traefik serves alone without the IngressClass nginx', () => {
    const withoutClass = files.map((f) => (f.path.endsWith('/traefik.yaml')
      ? { ...f, content: f.content.split(/^---\n/m).filter((d) => !d.includes('kind: IngressClass')).join('---\n') } : f));
    const report = validateTrees([{ customer: 'plant', files: withoutClass, externals: existingObjects(plant), offline: offlineSettings(plant) }]);
    expect(report.findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([
      'ingress/class-served: spec.values.providers.kubernetesIngressNGINX: expected IngressClass nginx with controller k8s.io/ingress-nginx in the tree, found no such IngressClass: no Ingress would be served',
    ]);
  });

  test('HSTS as ingress-nginx adds it: a Middleware on the HTTPS entry point, applied after the chart that brings its CRD', () => {
    expect(traefik.ports.websecure.http.middlewares).toEqual(['traefik-hsts@kubernetescrd']);
    expect(traefik.ports.web.http.middlewares).toBeUndefined();
    const hsts = find(all, 'Middleware', 'hsts');
    expect([hsts.apiVersion, hsts.metadata.namespace, hsts.spec]).toEqual(['traefik.io/v1alpha1', 'traefik', { headers: { stsSeconds: 31536000, stsIncludeSubdomains: true } }]);
    expect(hsts.file).toBe('dist/plant/infrastructure/configs/traefik-middlewares.yaml');
    const configs = find(all, 'Kustomization', 'infrastructure-configs');
    expect(configs.spec.dependsOn).toEqual([{ name: 'infrastructure-controllers', namespace: 'flux-system' }]);
    expect(find(all, 'Kustomization', 'infrastructure-controllers').spec.wait).toBe(true);
  });

  test('a Traefik custom resource is accepted only where the chart\'s CRDs are installed before it', () => {
    const middleware = { apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name: 'compress', namespace: 'astrago' }, spec: { compress: {} } };
    const withMiddleware = (file: string) => files.map((f) => (f.path === file ? { ...f, content: `${f.content}---\n${stringify(middleware)}` } : f));
    const crdFindings = (tree: OutputFile[]) => validateTrees([{ customer: 'plant', files: tree, externals: existingObjects(plant), offline: offlineSettings(plant) }]).findings
      .filter((f) => f.rule === 'flux/crd').map((f) => f.message);
    expect(crdFindings(withMiddleware(PLATFORM_INGRESS))).toEqual([]);
    expect(crdFindings(withMiddleware('dist/plant/infrastructure/controllers/traefik.yaml'))).toEqual([
      expect.stringContaining('HelmRelease/traefik/traefik installs it in the same Kustomization'),
    ]);
  });

  test('air-gapped on Traefik: the chart comes from the Git repository, its image from the mirror, and is listed to mirror', () => {
    const release = find(all, 'HelmRelease', 'traefik');
    expect(release.spec.chart.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' });
    const [image] = CHARTS.traefik.images;
    expect(formatImage(imageFromValues(release.spec.values, image.values, image.ref))).toBe(mirrored(image.ref, REGISTRY));
    const images = files.find((f) => f.path === 'dist/plant/airgap/images.txt')!.content;
    expect(images).toContain(`docker.io/library/traefik:v3.7.11 -> ${REGISTRY}/library/traefik:v3.7.11\n`);
  });
});

describe('a switch-over: both controllers side by side', () => {
  const SIDE = '10.0.0.9';
  const objects = async (controller: string) =>
    objectsOf(await render(configFrom(`${MINIMAL}ingress: {controller: ${controller}, sideBySide: {enabled: true, address: ${SIDE}}}\n`)));

  test('ingress-nginx still serving: Traefik answers on an address of its own, and the class will survive the hand-over', async () => {
    const all = await objects('ingress-nginx');
    const nginx = find(all, 'HelmRelease', 'ingress-nginx').spec.values.controller;
    expect(nginx).toMatchObject({ hostNetwork: true, publishService: { enabled: true }, service: { loadBalancerIP: '10.0.0.5' } });
    expect(nginx.ingressClassResource).toEqual({ name: 'nginx', enabled: true, default: true, annotations: { 'helm.sh/resource-policy': 'keep' } });
    const traefik = find(all, 'HelmRelease', 'traefik').spec.values;
    expect([traefik.ports.web.hostPort, traefik.ports.websecure.hostPort]).toEqual([undefined, undefined]);
    expect(traefik.service.spec.loadBalancerIP).toBe(SIDE);
    expect(traefik.providers.kubernetesIngressNGINX.publishService).toEqual({ enabled: false });
    expect(all.filter((o) => o.kind === 'IngressClass')).toEqual([]);
  });

  test('Traefik serving: the class is ours, ingress-nginx answers on the side address as a fallback', async () => {
    const all = await objects('traefik');
    const nginx = find(all, 'HelmRelease', 'ingress-nginx').spec.values.controller;
    expect(nginx.hostNetwork).toBeUndefined();
    expect(nginx.ingressClassResource).toEqual({ name: 'nginx', enabled: false });
    expect(nginx.service.loadBalancerIP).toBe(SIDE);
    const traefik = find(all, 'HelmRelease', 'traefik').spec.values;
    expect([traefik.ports.web.hostPort, traefik.service.spec.loadBalancerIP]).toEqual([80, '10.0.0.5']);
    expect(find(all, 'IngressClass', 'nginx').spec.controller).toBe(INGRESS_CLASS_CONTROLLER);
  });

  test('without sideBySide only the chosen controller is deployed', async () => {
    const charts = (o: Array<Obj>) => o.filter((x) => x.kind === 'HelmRelease').map((x) => releasedChart(x.spec.chart.spec.chart)?.entry.chart);
    expect(charts(objectsOf(await render(configFrom(`${MINIMAL}ingress: {controller: traefik}\n`))))).not.toContain('ingress-nginx');
    expect(charts(objectsOf(await render(configFrom(MINIMAL))))).not.toContain('traefik');
  });
});

const CHART = path.join(ROOT, vendoredChartFile(CHARTS.traefik.chart, CHARTS.traefik.version));

withHelm('the Traefik chart rendered with the values of plant', () => {
  let rendered: Obj[];
  let all: Obj[];
  beforeAll(async () => {
    all = objectsOf(await render(plant));
    const values = find(all, 'HelmRelease', 'traefik').spec.values;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-traefik-')), 'values.json');
    fs.writeFileSync(file, JSON.stringify(values));
    const out = locateHelm(ROOT)!.run(['template', 'traefik', CHART, '--namespace', 'traefik', '--include-crds', '--kube-version', plant.kubernetesVersion, '-f', file]);
    rendered = parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
  });

  test('the controller runs the Ingress NGINX provider on class nginx, and not the standard Ingress provider', () => {
    const ds = rendered.find((o) => o.kind === 'DaemonSet')!;
    const [container] = ds.spec.template.spec.containers;
    expect(container.args).toEqual(expect.arrayContaining([
      '--providers.kubernetesingressnginx',
      '--providers.kubernetesingressnginx.ingressClass=nginx',
      '--providers.kubernetesingressnginx.controllerClass=k8s.io/ingress-nginx',
      '--providers.kubernetesingressnginx.publishservice=traefik/traefik',
      '--entryPoints.web.transport.respondingTimeouts.readTimeout=0',
      '--entryPoints.websecure.http.maxHeaderBytes=1048576',
      '--entryPoints.websecure.http.middlewares=traefik-hsts@kubernetescrd',
    ]));
    expect(container.args.filter((a: string) => a.startsWith('--providers.kubernetesingress='))).toEqual([]);
    expect(container.ports.filter((p: Obj) => p.hostPort).map((p: Obj) => [p.name, p.hostPort])).toEqual([['web', 80], ['websecure', 443]]);
    expect(container.image).toBe(`${REGISTRY}/library/traefik:v3.7.11`);
    // The chart adds no IngressClass of its own: nginx (ours) stays the only default.
    expect(rendered.filter((o) => o.kind === 'IngressClass')).toEqual([]);
  });

  test('HTTPS reaches /auth and /grafana: the provider puts its TLS routers on websecure, which terminates TLS with the host\'s certificate', () => {
    const args: string[] = rendered.find((o) => o.kind === 'DaemonSet')!.spec.template.spec.containers[0].args;
    expect(args).toEqual(expect.arrayContaining([
      '--providers.kubernetesingressnginx.httpEntryPoint=web',
      '--providers.kubernetesingressnginx.httpsEntryPoint=websecure',
      '--entryPoints.websecure.http.tls=true',
    ]));
    expect(args.filter((a) => a.startsWith('--entryPoints.web.http.tls'))).toEqual([]);
    // The two Ingresses outside the platform's namespace carry no tls block: the certificate is the platform Ingress's
    // (one per host), which Traefik serves for every router of the host; they redirect HTTP to HTTPS themselves.
    for (const name of ['keycloak', 'grafana']) {
      const ingress = all.find((o) => o.kind === 'Ingress' && o.metadata.name === name)!;
      expect([name, ingress.spec.tls, ingress.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']]).toEqual([name, undefined, 'true']);
    }
    const platform = all.find((o) => o.kind === 'Ingress' && o.metadata.namespace === 'astrago')!;
    expect(platform.spec.tls).toEqual([{ hosts: [plant.externalAccess.domain.name], secretName: plant.externalAccess.domain.tls.secretName }]);
  });

  test('the CRDs it installs are those of the catalog\'s crdGroups, so the configs stage waits for them', () => {
    const groups = new Set(rendered.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.spec.group));
    expect([...groups].sort()).toEqual([...CHARTS.traefik.crdGroups].sort());
  });
});
