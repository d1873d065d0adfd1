import type { CredentialName } from './credentials';
import { BACKEND_RUNTIME_IMAGES, type RuntimeImage } from './runtime-images';
/**
 * Names and ports of the Astrago platform's own services, shared by the tiers that call
 * them (Alertmanager → core, frontend → backends, Ingress → everything).
 */
export const PLATFORM_NAMESPACE = 'astrago';

export const PLATFORM_SERVICES = {
  core: { name: 'astrago-backend-core', port: 8080 },
  batch: { name: 'astrago-backend-batch', port: 8080 },
  monitor: { name: 'astrago-backend-monitor', port: 8080 },
  frontend: { name: 'astrago-frontend', port: 3000 },
  mariadb: { name: 'astrago-mariadb', port: 3306 },
} as const;

/** Where Keycloak is served on the platform host: its Ingress path and the base of every Keycloak URL. */
export const KEYCLOAK_PATH = '/auth';

/** The platform's database on the MariaDB service. */
export const PLATFORM_DATABASE = 'astrago';

/** Name of the ServiceAccount the backends run as. */
export const PLATFORM_SERVICE_ACCOUNT = 'astrago-sa';

/** Shared volume of workload logs, written by core and batch. */
export const WORKLOAD_LOG_CLAIM = 'workload-log-pvc';

/** The platform's HTTP workloads: the three backends and the frontend. */
export type PlatformWorkload = Exclude<keyof typeof PLATFORM_SERVICES, 'mariadb'>;

/** In-cluster URL of a platform workload's Service in `namespace`. */
export function serviceUrl(workload: PlatformWorkload, namespace: string): string {
  const { name, port } = PLATFORM_SERVICES[workload];
  return `http://${name}.${namespace}.svc:${port}`;
}

/** A path prefix of the platform host and the workload whose Service serves it. */
export interface PlatformRoute {
  /** Path prefix (a Prefix rule), without trailing slash. */
  readonly path: string;
  /** The workload that serves it, on its Service's port. */
  readonly workload: PlatformWorkload;
  /** Where the fact comes from. */
  readonly source: string;
}

/**
 * The routes of the platform Ingress `astrago`, passed through without rewrite. Both ingress controllers match the longest prefix whatever the order, so
 * `/` never shadows the APIs. Keycloak's `KEYCLOAK_PATH` is not here: Keycloak's own Ingress
 * serves it on the same host.
 */
export const PLATFORM_ROUTES: readonly PlatformRoute[] = [
  { path: '/api/v1/core/monitor', workload: 'monitor', source: 'MonitorController serves it: the longer prefix wins over core\'s (contract §7)' },
  { path: '/api/v1/core', workload: 'core', source: 'old system (old-system.md §2.3)' },
  { path: '/api/v1/monitor', workload: 'monitor', source: 'old system (old-system.md §2.3)' },
  { path: '/api/v1/report', workload: 'monitor', source: 'old system (old-system.md §2.3)' },
  { path: '/api/v1/batch', workload: 'batch', source: 'old system (old-system.md §2.3)' },
  // ingress-nginx and Traefik upgrade the WebSocket connection by themselves.
  { path: '/ws/workload', workload: 'core', source: 'SocketConfig: /ws/workload/{terminal,log} (contract §7)' },
  { path: '/', workload: 'frontend', source: 'old system (old-system.md §2.3)' },
];

/** Where Alertmanager posts alerts labelled app="astrago". */
export const ALERT_WEBHOOK_URL = `${serviceUrl('core', PLATFORM_NAMESPACE)}/api/v1/core/alertManager/receive`;

/**
 * The Prometheus the backends query: the Service kube-prometheus-stack names
 * `<fullname>-prometheus`, its fullname being `<release>-kube-prometheus-stack` (or the release
 * name alone when it contains the chart name) cut to 26 characters (the chart's _helpers.tpl),
 * in the namespace of that release.
 */
export function prometheusUrl(release: { readonly chart: string; readonly releaseName: string; readonly namespace: string }): string {
  const name = release.releaseName.includes(release.chart) ? release.releaseName : `${release.releaseName}-${release.chart}`;
  const fullname = name.slice(0, 26).replace(/-+$/, '');
  return `http://${fullname}-prometheus.${release.namespace}.svc.cluster.local:9090`;
}

/**
 * Flux minor versions the platform runs on (contract §7): the backend creates
 * `helm.toolkit.fluxcd.io/v2beta2` HelmReleases, served up to Flux 2.7 (removed in 2.8), and
 * this tree's `source.toolkit.fluxcd.io/v1` HelmRepositories need 2.3.
 */
export const SUPPORTED_FLUX = { min: '2.3', max: '2.7' } as const;
/**
 * The Flux version getting-started bootstraps with: the newest 2.7 patch the repository has
 * evidence for, the controller images of fluxcd/flux2 v2.7.5 (catalog/flux-images.ts). The old
 * system ran 2.4.0, which no longer gets fixes; 2.8 removed what the platform creates (§7).
 */
export const DEFAULT_FLUX_VERSION = '2.7.5';

/** Whether a Flux version `x.y.z` no longer serves `helm.toolkit.fluxcd.io/v2beta2` (2.8 and later). */
export function fluxTooNew(version: string): boolean {
  const [major, m] = version.replace(/^v/, '').split('.').map(Number);
  const [, hi] = SUPPORTED_FLUX.max.split('.').map(Number);
  return major > 2 || (major === 2 && m > hi);
}

/** Whether a Flux version `x.y.z` lies in SUPPORTED_FLUX. */
export function fluxSupported(version: string): boolean {
  const minor = (v: string) => v.replace(/^v/, '').split('.').slice(0, 2).map(Number);
  const [major, m] = minor(version);
  const [, lo] = minor(SUPPORTED_FLUX.min);
  const [, hi] = minor(SUPPORTED_FLUX.max);
  return major === 2 && m >= lo && m <= hi;
}

/** What the platform images of one generation expect from the cluster, where they differ. */
export interface PlatformGeneration {
  /** What the generation is and how to tell. */
  readonly description: string;
  /**
   * Form of `HARBOR_URL`: `url` (`http://host[:port]`: v1.0.49 builds every Harbor call with
   * `UriComponentsBuilder.fromHttpUrl`, which rejects a value without scheme) or `host`
   * (`host[:port]`: the 2025 images, as the old system set it from 2025-04 on).
   */
  readonly harborUrl: 'url' | 'host';
  /**
   * Health probes: `actuator` (`GET /actuator/health`, added to the 2025 images) or `tcp` (the
   * port: v1.0.49 has no actuator and answers 404).
   */
  readonly probe: 'actuator' | 'tcp';
  /** The images its backend launches at run time (catalog/runtime-images.ts), mirrored for air-gapped customers. */
  readonly runtimeImages: readonly RuntimeImage[];
}

/** The platform image generations, keyed by the value of `astrago.imageGeneration`. */
export const PLATFORM_GENERATIONS = {
  'v1.0': {
    description: 'astrago-backend v1.0.x up to v1.0.49 (tags such as core-v1.0.49)',
    harborUrl: 'url',
    probe: 'tcp',
    runtimeImages: BACKEND_RUNTIME_IMAGES,
  },
  'stage-2025': {
    description: 'the stage images of 2025 (tags such as core-stage-c5ad or core-stage-1.0-45eac704)',
    harborUrl: 'host',
    probe: 'actuator',
    // Their source is not public. Nothing newer than v1.0.49's data.sql names other images, and the
    // old system's offline list of 2025 (astrago-deployment main,
    // airgap/kubespray-offline/imagelists/astrago.txt:26-27) has the same git-sync and dataset-nginx.
    runtimeImages: BACKEND_RUNTIME_IMAGES,
  },
} as const satisfies Record<string, PlatformGeneration>;

export type PlatformGenerationName = keyof typeof PLATFORM_GENERATIONS;
/** Where the platform's images come from, and which ones run. */
export interface PlatformImages {
  /** `astrago.imageGeneration` of the tags. */
  readonly generation: PlatformGenerationName;
  /** Registry of every platform image. */
  readonly registry: string;
  /** The one repository of the three backends (a tag prefix each). */
  readonly backendRepository: string;
  /** Repository of the frontend image. */
  readonly frontendRepository: string;
  /** Tag of each platform workload's image, all of `generation`. */
  readonly tags: { readonly core: string; readonly batch: string; readonly monitor: string; readonly frontend: string };
}

/**
 * The platform images the defaults run (the old system's working configuration): their
 * generation sits with their tags, so the two change together.
 */
export const PLATFORM_IMAGES = {
  generation: 'stage-2025',
  registry: 'ghcr.io',
  backendRepository: 'xiilab/astrago-backend',
  frontendRepository: 'xiilab/astrago-frontend',
  tags: { core: 'core-stage-c5ad', batch: 'batch-stage-c5ad', monitor: 'monitor-stage-c5ad', frontend: 'frontend-stage-3770' },
} as const satisfies PlatformImages;

/**
 * The platform database's server image: the official image at the server version the old
 * system ran (`bitnamilegacy/mariadb:10.11.4-debian-11-r46`, contract §7), so an adopted data
 * directory opens with the version that wrote it. The default of `astrago.mariadb.image`.
 */
export const MARIADB_IMAGE = 'docker.io/library/mariadb:10.11.4';

/** A registry (or a part of one) whose images need a login to pull. */
export interface PrivateRegistry {
  /** `host/path/` every image reference under it starts with. */
  readonly prefix: string;
  /** The credential holding the login (a Docker config JSON). */
  readonly credential: CredentialName;
  /** Why we hold it private. */
  readonly evidence: string;
}

/**
 * Registries the catalog knows to be private. A pod pulling from one needs an imagePullSecret:
 * synth adds the Secret of the registry's credential when the customer has one, and `validate`
 * fails a tree where such a pod has none.
 */
export const PRIVATE_REGISTRIES: readonly PrivateRegistry[] = [{
  prefix: `${PLATFORM_IMAGES.registry}/xiilab/`,
  credential: 'registry-login',
  evidence: 'xiilab/astrago-deployment stabilize/1.0 helmfile/environments/customers/xiilab/values.yaml:23 marks GHCR private, '
    + 'and its demo pulls with imagePullSecrets [ghcr-secret] (platform contract §9)',
}];

/** The private registry an image (`host/path:tag`) comes from, if any. */
export function privateRegistryOf(image: string): PrivateRegistry | undefined {
  return PRIVATE_REGISTRIES.find((r) => image.startsWith(r.prefix));
}

/** `HARBOR_URL` for the backends of a generation, from Harbor's in-cluster URL. */
export function harborUrlFor(generation: PlatformGenerationName, url: string): string {
  return PLATFORM_GENERATIONS[generation].harborUrl === 'url' ? url : new URL(url).host;
}

/**
 * How the platform's storage-plugin page knows the NFS plugin is installed: it lists
 * HelmReleases labelled `storage-type: NFS` in any namespace and shows each by its `name`
 * annotation (`ProvisionerRepositoryImpl.java:41-49,73-115`, which reads the annotation without
 * a null check); its own install button writes both (`ProvisionerVO.java:30-31`:
 * `LabelField.STORAGE_TYPE`, `AnnotationField.NAME`). Uninstalling from the page deletes
 * labelled releases in namespace `csi` only (`:150`), never ours.
 */
export const NFS_PLUGIN_RELEASE = {
  labels: { 'storage-type': 'NFS' },
  annotations: { name: 'NFS 플러그인' },
} as const;

/** IngressClass every Ingress of the platform uses, ours and those the platform creates at run time. */
export const INGRESS_CLASS = 'nginx';

/**
 * The controller value of that class: ingress-nginx's own, which Traefik's Kubernetes Ingress
 * NGINX provider also satisfies (its `controllerClass`), so one class serves under either.
 */
export const INGRESS_CLASS_CONTROLLER = 'k8s.io/ingress-nginx';
