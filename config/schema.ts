/**
 * The customer file schema: the one source of truth for the TypeScript type of a
 * customer's configuration, its built-in defaults, the exported JSON Schema that
 * editors use, and the error messages of `synth`.
 *
 * Every default written here is the "built-in defaults" layer; profiles and the
 * customer file are merged on top of it before parsing (see layering.ts).
 */
import { z } from 'zod';
import { CHARTS, KEYCLOAK_THEME_IMAGE, type ChartEntry, type ChartRequests, type WorkloadRequests } from '../catalog/charts';
import { CREDENTIAL_NAMES, SECRET_KEYS } from '../catalog/credentials';
import { DATA_LAYOUT_NAMES, DATA_LAYOUTS } from '../catalog/data-layouts';
import { parseImage } from '../catalog/images';
import { MPI_OPERATOR_IMAGE } from '../catalog/mpi-operator';
import { DEFAULT_FLUX_VERSION, KEYCLOAK_PATH, MARIADB_IMAGE, PLATFORM_GENERATIONS, PLATFORM_IMAGES, SUPPORTED_FLUX, type PlatformGenerationName } from '../catalog/platform';
import { RINGS_FILE, RELEASES_ROOT } from '../model/layout';
import { AGE_RECIPIENT, DNS1123_LABEL, INVISIBLE_CHARACTERS, SEMVER } from '../model/patterns';
import { RELEASE_NAME } from '../model/release';
import { getPath } from './layering';

/** Reads as the "expected …" half of an error line, so it names what is accepted. */
const expect = (what: string) => ({ error: what });

/**
 * A string matching `pattern`. `what` is both synth's "expected …" and the editor's message:
 * every value rule is a pattern, so the exported JSON Schema carries it (no refine it would drop).
 */
const matching = (pattern: RegExp, what: string) =>
  z.string(expect(what)).regex(pattern, expect(what)).meta({ errorMessage: `expected ${what}` });

/** Unanchored bodies, composed into the anchored patterns below. */
const IPV4_BODY = String.raw`(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;
// Ends where a host name's characters end, so it composes into registries and URLs. A last label of
// digits only makes a mistyped address (10.61.3, 10.20.33.300), not a host name (RFC 1123 2.1).
const HOSTNAME_BODY = String.raw`(?=[a-z0-9.-]{1,253}(?![a-z0-9.-]))(?!([a-z0-9-]*\.)*[0-9]+(?![a-z0-9.-]))`
  + String.raw`[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*`;
const HOST_BODY = `(${IPV4_BODY}|${HOSTNAME_BODY})`;
const anchored = (body: string) => new RegExp(`^${body}$`);

const IPV4 = anchored(IPV4_BODY);
const HOSTNAME = anchored(HOSTNAME_BODY);
const HOST = anchored(HOST_BODY);
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const CPU = /^([0-9]+m|[0-9]+(\.[0-9]+)?)$/;
const PROM_DURATION = /^[0-9]+(ms|s|m|h|d|w|y)$/;
const REGISTRY = anchored(`${HOST_BODY}(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*`);
const IMAGE_TAG = /^(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export const ipv4 = matching(IPV4, 'an IPv4 address such as 10.0.0.5');
export const hostname = matching(HOSTNAME, 'a lower-case DNS hostname such as demo.astrago.ai');
const host = matching(HOST, 'an IPv4 address such as 10.0.0.5 or a DNS hostname such as nfs.acme.com');
/**
 * Absolute, no `..` segment (it would leave the export), no control character (it would break
 * the mount options) and no invisible one (it would show the operator another path than the one mounted).
 */
const absolutePath = matching(new RegExp(`^/(?!(.*/)?\\.\\.(/|$))[^${INVISIBLE_CHARACTERS}]*$`),
  'an absolute path without "..", control or invisible characters, such as /kube_storage');
export const dns1123Label = matching(DNS1123_LABEL, 'a DNS-1123 name (lower-case letters, digits and "-", at most 63 characters)');
const dns1123Subdomain = matching(DNS1123_SUBDOMAIN, 'a DNS-1123 name (lower-case letters, digits, "-" and ".")');
const quantity = matching(QUANTITY, 'a storage quantity such as 10Gi');
const promDuration = matching(PROM_DURATION, 'a Prometheus duration such as 15s, 30d or 1y');
const registry = matching(REGISTRY, 'a registry host[:port][/path] without scheme, such as harbor.local:443/astrago');
const chartVersion = matching(SEMVER, 'an exact chart version such as 4.13.2');
const imageTag = matching(IMAGE_TAG, 'a pinned image tag such as v1.2.0 (":latest" is not allowed)');
const imageRepository = matching(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, 'an image repository path such as xiilab/astrago-backend');
/**
 * A URL with one of `schemes` and a host that passes the host rule (no mistyped address behind a
 * scheme), and no credentials: dist/ is committed in plain text, so a password or token in a URL
 * (as user info, or a `?private_token=` / `#…` a server may read) would be published with it. SSH's user name (ssh://git@…) is no credential.
 */
const url = (schemes: string[]) => matching(
  anchored(`(${schemes.map((s) => (s === 'ssh' ? 'ssh://([^@:/?#\\s]+@)?' : `${s}://`)).join('|')})${HOST_BODY}(:[0-9]{1,5})?(/[^\\s?#]*)?`),
  `a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')} and a valid host, without credentials, query or fragment (dist/ is committed in plain text: `
    + 'Flux takes them from a Secret, e.g. `flux bootstrap git --password` or an SSH key)',
);
const memory = matching(QUANTITY, 'a memory quantity such as 256Mi');
const cpu = matching(CPU, 'a CPU quantity such as 100m or 0.5');
const pullPolicy = z.enum(['Always', 'IfNotPresent', 'Never']);

/** The switch every component has. */
const switchOnly = (description: string) => z.strictObject({
  enabled: z.boolean(expect('true or false')).default(true).describe(`Deploy ${description} for this customer.`),
});
/**
 * A component installed from a chart: its switch and an optional version override. The pinned
 * version is the catalog's, never a schema default: an editor would write it into the customer
 * file, which would then stay behind when the catalog moves on.
 */
const component = (description: string) => switchOnly(description).extend({
  version: chartVersion.optional().describe('Overrides the chart version of the customer\'s release (releases/<name>.yaml) with another version vendored in vendor/charts/ (`npx astrago charts vendor`).'),
}).prefault({}).describe(description);

/** The catalog files whose facts are defaults of the customer file. */
const Catalog = { CHARTS: 'catalog/charts.ts', PLATFORM: 'catalog/platform.ts', CREDENTIALS: 'catalog/credentials.ts', MPI_OPERATOR: 'catalog/mpi-operator.ts' } as const;
type Catalog = (typeof Catalog)[keyof typeof Catalog];

/** Where each default that is a catalog fact is decided: the schema only passes it on, and `explain` names the file. */
export const DEFAULT_SOURCES = z.registry<{ readonly decidedIn: Catalog }>();
const decidedIn = <T extends z.ZodType>(file: Catalog, schema: T): T => {
  DEFAULT_SOURCES.add(schema, { decidedIn: file });
  return schema;
};

/** An image whose default is a catalog reference (`registry/repository:tag`), so the reference is spelled once. */
const image = (reference: string, file: Catalog) => {
  const defaults = parseImage(reference);
  return z.strictObject({
    registry: decidedIn(file, registry.default(defaults.registry).describe('Registry host of the image; replaced by offline.registry for air-gapped customers.')),
    repository: decidedIn(file, imageRepository.default(defaults.path).describe('Repository path of the image inside the registry.')),
    tag: decidedIn(file, imageTag.default(defaults.tag ?? '').describe('Pinned image tag.')),
  }).prefault({});
};

const platformComponent = (description: string, repository: string | undefined, tag: string, replicas: number) => z.strictObject({
  registry: registry.optional().describe('Registry of this component; default astrago.imageDefaults.registry.'),
  repository: repository
    ? decidedIn(Catalog.PLATFORM, imageRepository.default(repository).describe('Repository of this component.'))
    : imageRepository.optional().describe('Repository of this component; default astrago.imageDefaults.repository.'),
  tag: decidedIn(Catalog.PLATFORM, imageTag.default(tag).describe('Pinned image tag of this component.')),
  replicas: z.number(expect('a whole number')).int(expect('a whole number')).min(0, expect('0 or more')).default(replicas)
    .describe('Number of pods.'),
}).prefault({}).describe(description);

/** Resource requests of one workload of a chart (what the scheduler reserves for it). */
const requests = (workload: WorkloadRequests) => z.strictObject({
  cpu: decidedIn(Catalog.CHARTS, cpu.default(workload.cpu).describe('CPU the scheduler reserves for each container.')),
  memory: decidedIn(Catalog.CHARTS, memory.default(workload.memory).describe('Memory the scheduler reserves for each container.')),
}).prefault({}).describe(`Resource requests of ${workload.what}.`);

/** The catalog's charts that leave workloads without requests, by key. */
type SizedCharts = { [K in keyof typeof CHARTS as (typeof CHARTS)[K] extends { readonly requests: ChartRequests } ? K : never]: (typeof CHARTS)[K] };
/** `resources` typed by the catalog: a chart key for each sized chart, a workload key for each of its workloads. */
type ResourcesShape = {
  [K in keyof SizedCharts]: z.ZodPrefault<z.ZodObject<{ [W in keyof SizedCharts[K]['requests']['workloads']]: ReturnType<typeof requests> }, z.core.$strict>>
};

/** `resources.<chart>.<workload>`, from the catalog: the one list of these workloads, their default sizes and values paths. */
function chartResources(): ResourcesShape {
  const charts: Array<[string, ChartEntry]> = Object.entries(CHARTS);
  // fromEntries loses the keys; ResourcesShape states them from the same catalog entries.
  return Object.fromEntries(charts.flatMap(([chart, entry]) => (entry.requests
    ? [[chart, z.strictObject(Object.fromEntries(Object.entries(entry.requests.workloads).map(([workload, sized]) => [workload, requests(sized)])))
      .prefault({}).describe(`${entry.requests.about}.`)]]
    : []))) as ResourcesShape;
}

/** A key of the customer file having a value (after defaults). */
export interface Condition {
  readonly path: readonly string[];
  readonly equals: string | boolean;
}

/**
 * A cross-field rule: when every condition holds, one of the `anyOf` keys must be set. Data, not
 * code, so synth checks it and the exported JSON Schema states it (as if/then) from this one list.
 */
export interface Requirement {
  readonly when: readonly Condition[];
  readonly anyOf: readonly (readonly string[])[];
  /** Key path the problem is reported at. */
  readonly at: readonly string[];
  /** The "expected …" half of the error line. */
  readonly message: string;
}

const MODE = ['externalAccess', 'mode'];
const TLS = ['externalAccess', 'domain', 'tls'];

export const REQUIREMENTS: readonly Requirement[] = [
  { when: [], anyOf: [['nfs', 'server']], at: ['nfs', 'server'], message: 'an IPv4 address or a DNS hostname (required)' },
  {
    when: [{ path: MODE, equals: 'ip' }], anyOf: [['externalAccess', 'ip', 'address']], at: ['externalAccess', 'ip', 'address'],
    message: 'the address users reach (required in ip mode)',
  },
  {
    when: [{ path: MODE, equals: 'domain' }], anyOf: [['externalAccess', 'domain', 'name']], at: ['externalAccess', 'domain', 'name'],
    message: 'the domain name users reach (required in domain mode)',
  },
  {
    when: [{ path: MODE, equals: 'domain' }, { path: [...TLS, 'enabled'], equals: true }],
    anyOf: [[...TLS, 'issuer'], [...TLS, 'secretName']], at: TLS,
    message: 'issuer or secretName when tls.enabled is true',
  },
];

export const PROFILES = ['dev', 'stage', 'prod'] as const;
/** The profile of a customer file that names none. */
export const DEFAULT_PROFILE = 'prod' satisfies (typeof PROFILES)[number];
/** The TLS Secret of the platform host when `externalAccess.domain.tls.secretName` names none. */
export const DEFAULT_TLS_SECRET = 'astrago-tls';
/** The cluster version of a file without `kubernetesVersion` (also what `init` proposes). */
export const DEFAULT_KUBERNETES_VERSION = '1.28.10';
/** The export of `nfs.basePath` unless the customer names one (also what `init` proposes). */
export const DEFAULT_NFS_BASE_PATH = '/kube_storage';

/**
 * The ingress controllers a customer can run. Both serve the IngressClass `nginx` and its
 * ingress-nginx annotations: ingress-nginx itself (retired upstream in March 2026), or Traefik
 * through its Kubernetes Ingress NGINX provider.
 */
export const IngressController = {
  INGRESS_NGINX: 'ingress-nginx',
  TRAEFIK: 'traefik',
} as const;
export type IngressController = (typeof IngressController)[keyof typeof IngressController];
const INGRESS_CONTROLLERS = [IngressController.INGRESS_NGINX, IngressController.TRAEFIK] as const;

export const customerSchema = z.strictObject({
  ring: dns1123Label.optional()
    .describe(`The ring of the fleet this customer belongs to (${RINGS_FILE}): the customer runs the release of that ring, and an upgrade reaches it in that ring's wave (\`npx astrago promote\`, docs/releases.md). Default: the last ring of ${RINGS_FILE}.`),
  release: matching(RELEASE_NAME, 'a release name such as 2026.12.0').optional()
    .describe(`Instead of a ring: the release (${RELEASES_ROOT}/<name>.yaml) this customer stays on, whatever its ring would run. An exception that \`list\` and \`fleet\` flag: hold a customer on a known-good release, then remove the key to rejoin a ring.`),
  profile: z.enum(PROFILES, expect('one of dev, stage, prod')).default(DEFAULT_PROFILE)
    .describe('Layer of defaults applied before this file: dev (small, short retention), stage, prod.'),
  kubernetesVersion: matching(/^1\.[0-9]{2}\.[0-9]+$/, 'a Kubernetes version such as 1.28.10')
    .default(DEFAULT_KUBERNETES_VERSION).describe("The cluster's Kubernetes version (`kubectl version`, Server Version; `npx astrago init` asks for it): selects the binpack scheduler's kube-scheduler image, which must match the cluster, and the render check's --kube-version."),
  fluxVersion: decidedIn(Catalog.PLATFORM, matching(/^v?2\.[0-9]+\.[0-9]+$/, 'a Flux 2 version such as 2.4.0')
    .default(DEFAULT_FLUX_VERSION)
    .describe(`The Flux version the cluster runs (the flux CLI you bootstrap with). The platform creates helm.toolkit.fluxcd.io/v2beta2 HelmReleases and this tree needs source.toolkit.fluxcd.io/v1, so Flux ${SUPPORTED_FLUX.min} to ${SUPPORTED_FLUX.max} is supported; validate fails a later version (Flux 2.8 removed v2beta2) and warns below it.`)),
  externalAccess: z.strictObject({
    url: matching(anchored(`https?://${HOST_BODY}(:[0-9]{1,5})?`), 'an http:// or https:// URL with a host and an optional port, no path, such as https://astrago.example.com:8443').optional()
      .describe('What users type when it differs from what mode, ip and domain give: a NAT, a port or a TLS-terminating proxy in front of ingress-nginx (the old astrago.baseUrl). Every external URL follows it: Keycloak issuer and redirect URIs, NextAuth, Grafana, the backends\' Keycloak settings and mail links. The Ingress rules still come from mode, ip and domain (in domain mode, a proxy on another host name must send Host: domain.name). The backends call Keycloak at this URL too, so it must also be reachable from inside the cluster (hairpin NAT or split DNS).'),
    mode: z.enum(['ip', 'domain'], expect('"ip" or "domain"')).default('ip')
      .describe('ip: the platform answers on the node or VIP address over HTTP; domain: on a DNS name, optionally with TLS.'),
    ip: z.strictObject({
      address: ipv4.optional().describe('IPv4 address users reach (the kube-vip LoadBalancer IP of the ingress controller). Required in ip mode.'),
    }).prefault({}).describe('ip mode, and the LoadBalancer IP of the ingress controller in both modes.'),
    domain: z.strictObject({
      name: hostname.optional().describe('DNS name users reach. Required in domain mode.'),
      tls: z.strictObject({
        enabled: z.boolean(expect('true or false')).default(false).describe('Serve HTTPS on the domain.'),
        issuer: dns1123Subdomain.optional().describe('cert-manager ClusterIssuer that issues the certificate (cert-manager must be installed in the cluster).'),
        secretName: dns1123Subdomain.optional().describe(`TLS Secret of the certificate: created by the issuer, or existing in the astrago namespace when no issuer is set. Default ${DEFAULT_TLS_SECRET}.`),
        caSecret: dns1123Subdomain.optional().describe('Existing Secret in namespace astrago (key ca.crt) holding the private CA that signed the certificate. Set it only when the certificate is not publicly trusted: the platform pods then trust this CA; TLS verification is never turned off.'),
      }).prefault({}).describe('HTTPS on the domain: a certificate from a cert-manager ClusterIssuer, or an existing TLS Secret.'),
    }).prefault({}).describe('domain mode: the DNS name users reach and its certificate.'),
  }).prefault({}).describe('How users reach the platform: the single source of every external URL.'),
  ingress: z.strictObject({
    controller: z.enum(INGRESS_CONTROLLERS, expect(`one of ${INGRESS_CONTROLLERS.join(', ')}`)).default(IngressController.INGRESS_NGINX)
      .describe('The controller that serves every Ingress (class nginx) on ports 80 and 443 of every node and on the LoadBalancer IP of externalAccess: traefik (maintained; Ingress NGINX provider) or ingress-nginx (retired upstream in March 2026). A file without this key keeps ingress-nginx; `npx astrago init` writes traefik.'),
    sideBySide: z.strictObject({
      enabled: z.boolean(expect('true or false')).default(false)
        .describe('Also run the other controller, serving the same Ingresses on a LoadBalancer address of its own, to verify it before the switch or keep it as a fallback right after (docs/ingress-traefik.md).'),
      address: ipv4.optional().describe('LoadBalancer IP of the other controller while it runs side by side. Default: assigned by the cluster.'),
    }).prefault({}).describe('Both controllers at once, during a switch-over.'),
  }).prefault({}).describe('The ingress controller in front of the platform, and a switch-over between two.'),
  nfs: z.strictObject({
    server: host.optional().describe('NFS server address or hostname. Required.'),
    basePath: absolutePath.default(DEFAULT_NFS_BASE_PATH).describe('Exported directory under which volumes are created.'),
    storageClassName: dns1123Subdomain.default('astrago-nfs-csi').describe('Name of the StorageClass every PVC uses.'),
    size: quantity.default('10Gi').describe('Size of the shared workload-log volume.'),
  }).prefault({}).describe('The NFS server every volume of the platform lives on.'),
  keycloak: z.strictObject({
    adminUser: matching(/^\S+$/, 'a user name without spaces').default('admin').describe('Keycloak admin user name (its password is a credential, see secrets).'),
    image: image(KEYCLOAK_THEME_IMAGE, Catalog.CHARTS).describe('Keycloak image with the Astrago theme.'),
  }).prefault({}).describe(`Keycloak, the identity provider of the platform, served under ${KEYCLOAK_PATH}.`),
  astrago: z.strictObject({
    keycloak: z.strictObject({
      baseUrl: url(['http', 'https']).optional().describe('External Keycloak base URL; default the platform URL derived from externalAccess.'),
      realm: dns1123Label.default('astrago').describe('Realm of the platform.'),
      client: dns1123Label.default('astrago-client').describe('OIDC client id of the platform.'),
    }).prefault({}).describe('How the platform signs users in through Keycloak.'),
    mariadb: z.strictObject({
      username: matching(/^[a-z_][a-z0-9_]{0,31}$/, 'a database user name (lower-case letters, digits and "_")').default('astrago').describe('Application database user.'),
      maxLifetime: z.union([z.number().int(), z.string().regex(/^[0-9]+$/)], expect('milliseconds as a whole number')).meta({ errorMessage: 'expected milliseconds as a whole number' })
        .default(1800000).transform(Number).describe('Hikari connection max lifetime in milliseconds.'),
      storageSize: quantity.default('8Gi').describe('Size of the MariaDB data volume.'),
      image: image(MARIADB_IMAGE, Catalog.PLATFORM).describe('MariaDB server image (the official image; 10.11 is an LTS series).'),
    }).prefault({}).describe('The platform database (a StatefulSet in namespace astrago).'),
    dataLayout: z.enum(DATA_LAYOUT_NAMES, expect(`one of ${DATA_LAYOUT_NAMES.join(', ')}`)).default('gitops')
      .describe(`Which volumes hold the platform's data. ${DATA_LAYOUT_NAMES.map((n) => `${n}: ${DATA_LAYOUTS[n].description}`).join('. ')}. `
        + '`npx astrago import` sets helmfile; never change it for a running customer (the data stays on the other claim).'),
    imageDefaults: z.strictObject({
      registry: decidedIn(Catalog.PLATFORM, registry.default(PLATFORM_IMAGES.registry).describe('Registry of the platform images.')),
      repository: decidedIn(Catalog.PLATFORM, imageRepository.default(PLATFORM_IMAGES.backendRepository).describe('Repository of the backend images.')),
      pullPolicy: pullPolicy.default('IfNotPresent').describe('Image pull policy of the platform pods.'),
    }).prefault({}).describe('Registry, repository and pull policy shared by the platform components.'),
    components: z.strictObject({
      core: platformComponent('The core backend (API, workloads, users).', undefined, PLATFORM_IMAGES.tags.core, 3),
      batch: platformComponent('The batch backend (scheduled jobs).', undefined, PLATFORM_IMAGES.tags.batch, 1),
      monitor: platformComponent('The monitor backend (metrics and reports).', undefined, PLATFORM_IMAGES.tags.monitor, 1),
      frontend: platformComponent('The web frontend.', PLATFORM_IMAGES.frontendRepository, PLATFORM_IMAGES.tags.frontend, 1),
    }).prefault({}).describe('Image and replicas of each platform workload.'),
    global: z.strictObject({
      imagePullSecrets: z.array(dns1123Subdomain).default([]).describe('Existing Secrets (in namespace astrago) used to pull the platform images.'),
    }).prefault({}).describe('Settings shared by every platform pod.'),
    imageGeneration: decidedIn(Catalog.PLATFORM, z.enum(Object.keys(PLATFORM_GENERATIONS) as [PlatformGenerationName, ...PlatformGenerationName[]], expect(`one of ${Object.keys(PLATFORM_GENERATIONS).join(', ')}`))
      .default(PLATFORM_IMAGES.generation)
      .describe(`Which platform images run, for the settings whose form changed between them: ${Object.entries(PLATFORM_GENERATIONS).map(([k, g]) => `${k}, ${g.description}${k === PLATFORM_IMAGES.generation ? ', the default tags' : ''}: HARBOR_URL as ${g.harborUrl === 'url' ? 'http://host' : 'host[:port]'}, ${g.probe === 'tcp' ? 'TCP probes' : '/actuator/health probes'}`).join('; ')}. Set it with the component tags.`)),
    oneview: z.strictObject({
      enabled: z.boolean(expect('true or false')).default(false).describe('Enables the OneView frontend feature flag.'),
    }).prefault({}).describe('The OneView view of the frontend.'),
  }).prefault({}).describe('The Astrago platform: backends, frontend, database and their images.'),
  harbor: z.strictObject({
    host: hostname.optional()
      .describe('DNS name users and nodes reach Harbor on, through the ingress controller (it must resolve to the ingress address; HTTPS when externalAccess has a cert-manager issuer). Default: Harbor is reached inside the cluster only.'),
    persistence: z.strictObject({
      registry: quantity.default('5Gi').describe('Registry image storage.'),
      database: quantity.default('1Gi').describe('Harbor database volume.'),
      redis: quantity.default('1Gi').describe('Harbor Redis volume.'),
    }).prefault({}).describe('Sizes of the Harbor volumes on the NFS class.'),
  }).prefault({}).describe('The Harbor registry inside the cluster.'),
  gpu: z.strictObject({
    migStrategy: z.enum(['single', 'mixed'], expect('"single" or "mixed"')).default('single')
      .describe('How MIG instances are offered: single, as nvidia.com/gpu (every instance of a node the same size: the all-<profile> configurations); mixed, as nvidia.com/mig-<profile> resources (needed for all-balanced).'),
  }).prefault({}).describe('GPU settings of the NVIDIA GPU operator.'),
  monitoring: z.strictObject({
    retention: promDuration.default('1y').describe('How long Prometheus keeps samples.'),
    storageSize: quantity.default('50Gi').describe('Prometheus volume size on the NFS class.'),
    gpuScrapeInterval: promDuration.default('15s').describe('Scrape interval of the DCGM GPU metrics.'),
    nodePorts: z.boolean(expect('true or false')).default(false)
      .describe('Expose Prometheus (30090) and Alertmanager (30903) on NodePorts. They have no authentication: opt in only on trusted networks.'),
  }).prefault({}).describe('Prometheus, Alertmanager and Grafana (kube-prometheus-stack) and the GPU metrics.'),
  offline: z.strictObject({
    registry: registry.optional().describe('Mirror registry of an air-gapped customer; every image is rewritten to <registry>/<path without its registry host>.'),
    git: url(['http', 'https', 'ssh']).optional().describe('Internal Git server URL of this GitOps repository; Flux takes the vendored charts from it too.'),
    insecure: z.boolean(expect('true or false')).default(false).describe('Allow plain-HTTP or self-signed mirrors.'),
    caSecret: dns1123Subdomain.optional().describe('Existing Secret (in flux-system, key ca.crt) holding the CA of the mirrors.'),
    gpuDriverOs: z.array(matching(/^[a-z]+[0-9.]*$/, 'an OS tag suffix such as ubuntu22.04 or rhel9.4'))
      .min(1, expect('at least one OS')).default(['ubuntu22.04'])
      .describe("OS of the GPU nodes (ubuntu22.04, rhel9.4, …): the GPU operator pulls the driver image tagged <version>-<os> of each node, so the mirror needs one copy per OS."),
  }).prefault({}).describe('Mirrors of an air-gapped customer.'),
  resources: z.strictObject(chartResources()).prefault({})
    .describe('Resource requests of the chart workloads whose charts set none by default, per chart and workload: sized by the profile, overridable here.'),
  components: z.strictObject({
    csiDriverNfs: component('the NFS CSI driver and its StorageClass'),
    gpuOperator: component('the NVIDIA GPU operator'),
    ingressNginx: component('the ingress-nginx controller (when ingress.controller is ingress-nginx, or side by side)'),
    traefik: component('the Traefik ingress controller (when ingress.controller is traefik, or side by side)'),
    prometheus: component('kube-prometheus-stack (Prometheus, Alertmanager, Grafana)'),
    keycloak: component('Keycloak'),
    harbor: component('the Harbor registry'),
    mpiOperator: switchOnly('the MPI operator v2 (plain manifests from catalog/mpi-operator.ts, no chart)').extend({
      image: decidedIn(Catalog.MPI_OPERATOR, z.string(expect('an image reference host/path:tag')).default(MPI_OPERATOR_IMAGE)
        .describe(`The controller's image, pinned by the customer's release (${RELEASES_ROOT}/<name>.yaml, images.mpi-operator); set it here only to try another build on one customer.`)),
    }).prefault({}).describe('the MPI operator'),
    astrago: switchOnly('the Astrago platform (plain manifests, no chart)').prefault({}).describe('the Astrago platform'),
  }).prefault({}).describe('Per-component switches and chart version overrides.'),
  secrets: z.strictObject({
    ageRecipients: z.array(matching(AGE_RECIPIENT, 'an age public key (age1…)')).default([])
      .describe('age public keys every generated or supplied credential is encrypted for (SOPS).'),
    existing: z.partialRecord(z.enum(CREDENTIAL_NAMES, expect(`a credential name (${CREDENTIAL_NAMES.join(', ')})`)), z.strictObject({
      secretName: dns1123Subdomain.describe('Name of the Secret, created by the customer in every namespace that uses the credential.'),
      key: decidedIn(Catalog.CREDENTIALS, matching(/^[-._a-zA-Z0-9]+$/, 'a Secret key').default(SECRET_KEYS.value).describe('Key holding the value.')),
      usernameKey: decidedIn(Catalog.CREDENTIALS, matching(/^[-._a-zA-Z0-9]+$/, 'a Secret key').default(SECRET_KEYS.username)
        .describe('Key holding the user name, for consumers that read both from one Secret (Grafana).')),
    }).describe('The Secret holding this credential.')).default({}).describe('Credentials the customer manages as Secrets outside this repository; nothing is generated for them.'),
  }).prefault({}).describe('Credentials: who can decrypt them, and which ones the customer manages.'),
}).superRefine((c, ctx) => {
  // Runs even when other keys failed (`when`), so one synth reports every problem; `c` may then be partial.
  for (const r of REQUIREMENTS) {
    const applies = r.when.every((w) => getPath(c, w.path) === w.equals);
    if (applies && !r.anyOf.some((p) => Boolean(getPath(c, p)))) ctx.addIssue({ code: 'custom', path: [...r.at], message: r.message });
  }
  // Not a requirement of the list above (two values that must differ): synth checks it, the editor schema does not.
  const sideBySide = c?.ingress?.sideBySide;
  if (sideBySide?.address && sideBySide.address === c?.externalAccess?.ip?.address) {
    ctx.addIssue({ code: 'custom', path: ['ingress', 'sideBySide', 'address'], message: 'an address other than externalAccess.ip.address (the serving controller holds that one)' });
  }
}, { when: () => true });

type ParsedCustomer = z.output<typeof customerSchema>;

type ParsedAccess = ParsedCustomer['externalAccess'];

/**
 * `externalAccess` as the cross-field rules above leave it, one member per mode: in ip mode the
 * address is set, in domain mode the name is, so no reader needs to check (or assert) it again.
 */
export type ExternalAccess =
  | (Omit<ParsedAccess, 'mode' | 'ip'> & { readonly mode: 'ip'; readonly ip: ParsedAccess['ip'] & { readonly address: string } })
  | (Omit<ParsedAccess, 'mode' | 'domain'> & { readonly mode: 'domain'; readonly domain: ParsedAccess['domain'] & { readonly name: string } });

/** The parsed, fully defaulted customer configuration every construct receives: what the rules above guarantee is in its type. */
export type CustomerConfig = Omit<ParsedCustomer, 'nfs' | 'externalAccess'> & {
  /** Customer name: the file name without `.yaml`, used as the dist/ folder name. */
  readonly name: string;
  /** `server` is required by the cross-field rules above, so always set after a successful parse. */
  readonly nfs: ParsedCustomer['nfs'] & { readonly server: string };
  readonly externalAccess: ExternalAccess;
};

/**
 * A parsed customer file as the CustomerConfig its cross-field rules guarantee (the NFS server,
 * the address or name of the access mode), checked again here so the type follows from code,
 * not from a cast; undefined when a rule does not hold (the parse reported it).
 */
export function withGuarantees(parsed: ParsedCustomer, name: string): CustomerConfig | undefined {
  const { nfs, externalAccess: access } = parsed;
  const server = nfs.server;
  const externalAccess = access.mode === 'ip'
    ? (access.ip.address === undefined ? undefined : { ...access, mode: access.mode, ip: { ...access.ip, address: access.ip.address } })
    : (access.domain.name === undefined ? undefined : { ...access, mode: access.mode, domain: { ...access.domain, name: access.domain.name } });
  return server === undefined || externalAccess === undefined ? undefined : { ...parsed, name, nfs: { ...nfs, server }, externalAccess };
}

/** Names of the switchable components (keys of `components`). */
export type ComponentName = keyof CustomerConfig['components'];
