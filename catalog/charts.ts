/**
 * The chart catalog: every external chart the platform deploys, pinned.
 *
 * One entry per chart names its Helm repository, chart, version (docs/old-system.md §1),
 * the release identity Flux keeps (release name and namespace: changing either makes
 * Helm uninstall and reinstall) and the images it pulls, including those its operators
 * create at run time, with the value paths that set each one (checked against the chart's
 * values.yaml of the vendored chart), so an air-gapped customer's values can point every one
 * of them at the mirror. Constructs read releases from here; nothing else pins a version.
 */
import { vendoredChartFile } from '../model/layout';
import { SEMVER } from '../model/patterns';
import type { ImageValues } from './image-values';
import { parseImage, type ImageReference } from './images';

export type { ImageValues } from './image-values';

/** One image a chart's workloads (or the pods its operators create) pull. */
export interface ChartImage {
  /** Upstream reference `host/path:tag[@digest]`: what the chart pulls with our values. */
  readonly ref: string;
  /** Where the chart's values spell it. */
  readonly values: ImageValues;
  /**
   * The operator appends `-<node OS>` to the tag at run time (GPU driver): the mirror needs
   * one copy per OS in `offline.gpuDriverOs`.
   * @default false
   */
  readonly osSuffixed?: boolean;
}

/**
 * A Helm chart repository that publishes a chart. Clusters never reach it: Flux installs the
 * archive vendored in vendor/charts/; `charts vendor` pulls new versions from it.
 */
export interface ChartRepository {
  /** Upstream URL (`https://` or `oci://`). */
  readonly url: string;
  /**
   * Why this source still serves the versions we pin, years after they were released: where
   * `charts vendor` can pull a pinned version again to check a vendored archive against it.
   */
  readonly keepsPinnedVersions: string;
}

/**
 * A rule a chart's output breaks where the chart offers no value to fix it: the render check
 * lists it as excepted, with the reason, instead of failing.
 */
export interface ChartException {
  /** The rendered object, `Kind/name`. */
  readonly object: string;
  /** Rule id, e.g. `policy/resource-requests`. */
  readonly rule: string;
  /** Why it is accepted: what the chart lacks, and why it does no harm. */
  readonly reason: string;
}

export interface ChartEntry {
  /** Helm repository that publishes the chart: where `charts vendor` pulls a version from. */
  readonly repository: ChartRepository;
  /** Chart name inside the repository. */
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /** Helm release name: identity, never change it for an existing customer. */
  readonly releaseName: string;
  /** Namespace of the HelmRelease, the release and its workloads. */
  readonly namespace: string;
  /** Whether the chart ships CRDs (then upgrades use `CreateReplace`). */
  readonly crds: boolean;
  /**
   * API groups whose CRDs the chart installs: custom resources of these groups must be applied
   * by a Kustomization that depends on (and waits for) this release.
   * @default - none
   */
  readonly crdGroups?: readonly string[];
  /** Upper bound for one Helm action, as a Flux duration. */
  readonly timeout: string;
  /** Every image the chart's workloads pull, including those its operators create at run time. */
  readonly images: readonly ChartImage[];
  /**
   * Value path of a chart-wide registry that overrides each image's own (`global.imageRegistry`).
   * @default - none: each image's values decide
   */
  readonly globalRegistry?: string;
  /**
   * The workloads whose resource requests the customer file sets (`resources.<chart>`):
   * those the chart gives none by default. The customer schema is built from this.
   * @default - none: every workload of the chart requests resources by default
   */
  readonly requests?: ChartRequests;
  /**
   * Rendered objects the render check accepts despite a rule, each with its reason.
   * @default - none: every finding on the chart's output fails the check
   */
  readonly exceptions?: readonly ChartException[];
}

/** Requests of the workloads of one chart that sets none by default: `resources.<chart>` of the customer file. */
export interface ChartRequests {
  /** The chart in the configuration reference, with what it requests by itself. */
  readonly about: string;
  /** Each workload (`resources.<chart>.<workload>`) with its default size and where it goes. */
  readonly workloads: Readonly<Record<string, WorkloadRequests>>;
}

/** One workload's requests: `resources.<chart>.<workload>`. */
export interface WorkloadRequests {
  /** The workload in the configuration reference: `the prometheus-operator`. */
  readonly what: string;
  /** CPU each of its containers requests by default (the `prod` profile). */
  readonly cpu: string;
  /** Memory each of its containers requests by default. */
  readonly memory: string;
  /** Values paths of its `resources` blocks: several containers or Jobs may share one size. */
  readonly at: readonly string[];
}

export const REPOSITORIES = {
  csiDriverNfs: {
    url: 'https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts',
    keepsPinnedVersions: 'The index and the archive of every release are files in the project\'s git tree (charts/), which it never prunes.',
  },
  nvidia: {
    url: 'https://helm.ngc.nvidia.com/nvidia',
    keepsPinnedVersions: 'NGC keeps every released gpu-operator chart in its index (the old system pulled v25.3.4 from it).',
  },
  ingressNginx: {
    url: 'https://kubernetes.github.io/ingress-nginx',
    keepsPinnedVersions: 'GitHub Pages index built by chart-releaser: entries point at GitHub release assets, which the project keeps.',
  },
  prometheusCommunity: {
    url: 'https://prometheus-community.github.io/helm-charts',
    keepsPinnedVersions: 'GitHub Pages index built by chart-releaser: entries point at GitHub release assets, which the project keeps.',
  },
  // Bitnami's HTTP index (charts.bitnami.com) keeps only recent versions: 17.3.5 is gone from
  // it. Its OCI registry keeps every version it ever published.
  bitnamiOci: {
    url: 'oci://registry-1.docker.io/bitnamicharts',
    keepsPinnedVersions: 'Docker Hub\'s OCI registry keeps every tag Bitnami pushed; the HTTP index charts.bitnami.com was truncated to recent versions.',
  },
  harbor: {
    url: 'https://helm.goharbor.io',
    keepsPinnedVersions: 'Harbor\'s index, published from goharbor/harbor-helm, lists every chart release; none has been pruned.',
  },
  traefik: {
    url: 'https://traefik.github.io/charts',
    keepsPinnedVersions: 'GitHub Pages index published by the release workflow of traefik/traefik-helm-chart, which keeps past releases listed; the tag v41.3.0 of that repository holds the chart itself.',
  },
} as const satisfies Record<string, ChartRepository>;

const SIG_STORAGE = 'registry.k8s.io/sig-storage';
const NVIDIA = 'nvcr.io/nvidia';
/** The Keycloak image with the Astrago theme (the default of `keycloak.image`). */
export const KEYCLOAK_THEME_IMAGE = 'docker.io/xiilab/astrago-keycloak-theme:v1.2.0';

/** `<block>.repository` (host/path) and `<block>.tag`. */
const fullRepository = (block: string) => ({ repository: `${block}.repository`, tag: `${block}.tag` });
/** `<block>.registry`, `.repository` (path), `.tag`. */
const splitRepository = (block: string) => ({ registry: `${block}.registry`, repository: `${block}.repository`, tag: `${block}.tag` });
/** gpu-operator: `<block>.repository` (host/parent), `.image`, `.version`. */
const nvidia = (block: string) => ({ repository: `${block}.repository`, name: `${block}.image`, tag: `${block}.version` });

export const CHARTS = {
  csiDriverNfs: {
    repository: REPOSITORIES.csiDriverNfs,
    chart: 'csi-driver-nfs',
    version: 'v4.9.0',
    releaseName: 'nfs-provisioner',
    namespace: 'nfs-provisioner',
    crds: false,
    timeout: '10m',
    // A repository without a leading "/" is used whole, so image.baseRepo plays no part.
    images: [
      { ref: `${SIG_STORAGE}/nfsplugin:v4.9.0`, values: fullRepository('image.nfs') },
      { ref: `${SIG_STORAGE}/csi-provisioner:v5.0.2`, values: fullRepository('image.csiProvisioner') },
      { ref: `${SIG_STORAGE}/csi-snapshotter:v8.0.1`, values: fullRepository('image.csiSnapshotter') },
      { ref: `${SIG_STORAGE}/livenessprobe:v2.13.1`, values: fullRepository('image.livenessProbe') },
      { ref: `${SIG_STORAGE}/csi-node-driver-registrar:v2.11.1`, values: fullRepository('image.nodeDriverRegistrar') },
      { ref: `${SIG_STORAGE}/snapshot-controller:v8.0.1`, values: fullRepository('image.externalSnapshotter') },
    ],
  },
  gpuOperator: {
    repository: REPOSITORIES.nvidia,
    chart: 'gpu-operator',
    version: 'v25.3.4',
    releaseName: 'gpu-operator',
    namespace: 'gpu-operator',
    crds: true,
    // ClusterPolicy, NVIDIADriver; the node-feature-discovery subchart's NodeFeature & co.
    crdGroups: ['nvidia.com', 'nfd.k8s-sigs.io'],
    timeout: '15m',
    // All but the operator and NFD are pulled by pods the operator creates from its ClusterPolicy.
    exceptions: [
      {
        object: 'Job/gpu-operator-upgrade-crd',
        rule: 'policy/resource-requests',
        reason: 'pre-upgrade hook that applies the CRDs and exits; templates/upgrade_crd.yaml sets no resources and reads no value for them',
      },
      {
        object: 'Job/gpu-operator-node-feature-discovery-prune',
        rule: 'policy/resource-requests',
        reason: 'post-delete hook of the node-feature-discovery subchart that removes its node labels once; its template reads no resources value',
      },
    ],
    images: [
      { ref: `${NVIDIA}/gpu-operator:v25.3.4`, values: nvidia('operator') },
      { ref: `${NVIDIA}/cloud-native/gpu-operator-validator:v25.3.4`, values: nvidia('validator') },
      { ref: `${NVIDIA}/cuda:13.0.1-base-ubi9`, values: nvidia('operator.initContainer') },
      { ref: `${NVIDIA}/driver:580.82.07`, values: nvidia('driver'), osSuffixed: true },
      { ref: `${NVIDIA}/cloud-native/k8s-driver-manager:v0.8.1`, values: nvidia('driver.manager') },
      { ref: `${NVIDIA}/k8s/container-toolkit:v1.17.8-ubuntu20.04`, values: nvidia('toolkit') },
      { ref: `${NVIDIA}/k8s-device-plugin:v0.17.4`, values: nvidia('devicePlugin') },
      // GPU feature discovery runs from the device plugin's image.
      { ref: `${NVIDIA}/k8s-device-plugin:v0.17.4`, values: nvidia('gfd') },
      { ref: `${NVIDIA}/cloud-native/dcgm:4.3.1-1-ubuntu22.04`, values: nvidia('dcgm') },
      { ref: `${NVIDIA}/k8s/dcgm-exporter:4.3.1-4.4.0-ubuntu22.04`, values: nvidia('dcgmExporter') },
      { ref: `${NVIDIA}/cloud-native/k8s-mig-manager:v0.12.3-ubuntu20.04`, values: nvidia('migManager') },
      { ref: 'registry.k8s.io/nfd/node-feature-discovery:v0.17.3', values: fullRepository('node-feature-discovery.image') },
    ],
  },
  ingressNginx: {
    repository: REPOSITORIES.ingressNginx,
    chart: 'ingress-nginx',
    version: '4.13.2',
    releaseName: 'ingress-nginx',
    namespace: 'ingress-nginx',
    crds: false,
    timeout: '10m',
    // Digest-pinned by the chart; the mirroring script keeps digests (skopeo copy --all).
    requests: {
      about: 'ingress-nginx (the controller requests 100m and 90Mi by default)',
      workloads: {
        admissionJobs: {
          what: 'the Jobs that create and patch the admission webhook certificate', cpu: '10m', memory: '20Mi',
          at: ['controller.admissionWebhooks.createSecretJob.resources', 'controller.admissionWebhooks.patchWebhookJob.resources'],
        },
      },
    },
    images: [
      {
        ref: 'registry.k8s.io/ingress-nginx/controller:v1.13.2@sha256:1f7eaeb01933e719c8a9f4acd8181e555e582330c7d50f24484fb64d2ba9b2ef',
        values: { registry: 'controller.image.registry', repository: 'controller.image.image', tag: 'controller.image.tag', digest: 'controller.image.digest' },
      },
      {
        ref: 'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.2@sha256:050a34002d5bb4966849c880c56c91f5320372564245733b33d4b3461b4dbd24',
        values: {
          registry: 'controller.admissionWebhooks.patch.image.registry', repository: 'controller.admissionWebhooks.patch.image.image',
          tag: 'controller.admissionWebhooks.patch.image.tag', digest: 'controller.admissionWebhooks.patch.image.digest',
        },
      },
    ],
  },
  traefik: {
    repository: REPOSITORIES.traefik,
    chart: 'traefik',
    version: '41.3.0',
    releaseName: 'traefik',
    namespace: 'traefik',
    // crds/: IngressRoute, Middleware, TLSOption … (traefik.io) and the Traefik Hub kinds (hub.traefik.io).
    crds: true,
    crdGroups: ['traefik.io', 'hub.traefik.io'],
    timeout: '10m',
    requests: {
      about: 'Traefik (its chart requests nothing by default)',
      workloads: {
        proxy: { what: 'Traefik, on every node (what the ingress-nginx chart requests for its controller)', cpu: '100m', memory: '90Mi', at: ['resources'] },
      },
    },
    // The proxy image: registry docker.io and repository traefik by default, tag the chart's
    // appVersion v3.7.11 (templates/_helpers.tpl traefik.imageRegistry/imageRepository/defaultTag).
    images: [{ ref: 'docker.io/traefik:v3.7.11', values: splitRepository('image') }],
  },
  prometheus: {
    repository: REPOSITORIES.prometheusCommunity,
    chart: 'kube-prometheus-stack',
    version: '61.9.0',
    releaseName: 'prometheus',
    namespace: 'prometheus',
    crds: true,
    crdGroups: ['monitoring.coreos.com'],
    timeout: '15m',
    // Tags the chart leaves to its subcharts' appVersion are pinned in the values from here.
    // The config reloader runs in the Prometheus and Alertmanager pods the operator creates.
    globalRegistry: 'global.imageRegistry',
    requests: {
      about: 'kube-prometheus-stack',
      workloads: {
        operator: { what: 'the prometheus-operator', cpu: '100m', memory: '128Mi', at: ['prometheusOperator.resources'] },
        admissionJobs: {
          what: 'the Jobs that create and patch the admission webhook certificate', cpu: '10m', memory: '32Mi',
          at: ['prometheusOperator.admissionWebhooks.patch.resources'],
        },
        prometheus: { what: 'Prometheus', cpu: '500m', memory: '2Gi', at: ['prometheus.prometheusSpec.resources'] },
        alertmanager: { what: 'Alertmanager', cpu: '10m', memory: '64Mi', at: ['alertmanager.alertmanagerSpec.resources'] },
        grafana: { what: 'Grafana', cpu: '100m', memory: '256Mi', at: ['grafana.resources'] },
        grafanaSidecars: { what: "Grafana's dashboard and datasource sidecars (each)", cpu: '50m', memory: '64Mi', at: ['grafana.sidecar.resources'] },
        kubeStateMetrics: { what: 'kube-state-metrics', cpu: '10m', memory: '64Mi', at: ['kube-state-metrics.resources'] },
        nodeExporter: { what: 'the node exporter (on every node)', cpu: '50m', memory: '32Mi', at: ['prometheus-node-exporter.resources'] },
      },
    },
    images: [
      { ref: 'quay.io/prometheus-operator/prometheus-operator:v0.75.2', values: splitRepository('prometheusOperator.image') },
      { ref: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.75.2', values: splitRepository('prometheusOperator.prometheusConfigReloader.image') },
      { ref: 'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20221220-controller-v1.5.1-58-g787ea74b6', values: splitRepository('prometheusOperator.admissionWebhooks.patch.image') },
      { ref: 'quay.io/prometheus/prometheus:v2.54.0', values: splitRepository('prometheus.prometheusSpec.image') },
      { ref: 'quay.io/prometheus/alertmanager:v0.27.0', values: splitRepository('alertmanager.alertmanagerSpec.image') },
      // The grafana subchart's appVersion (charts/grafana 8.4.4).
      { ref: 'docker.io/grafana/grafana:11.1.3', values: splitRepository('grafana.image') },
      { ref: 'quay.io/kiwigrid/k8s-sidecar:1.27.4', values: splitRepository('grafana.sidecar.image') },
      { ref: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0', values: splitRepository('kube-state-metrics.image') },
      { ref: 'quay.io/prometheus/node-exporter:v1.8.2', values: splitRepository('prometheus-node-exporter.image') },
    ],
  },
  keycloak: {
    repository: REPOSITORIES.bitnamiOci,
    chart: 'keycloak',
    version: '17.3.5',
    releaseName: 'keycloak',
    namespace: 'keycloak',
    crds: false,
    timeout: '15m',
    // The Keycloak image is the customer's theme image (keycloak.image); Bitnami's own tags
    // left docker.io/bitnami, so PostgreSQL comes from bitnamilegacy.
    globalRegistry: 'global.imageRegistry',
    requests: {
      about: 'Keycloak',
      workloads: { keycloak: { what: 'Keycloak (its PostgreSQL requests resources by default)', cpu: '250m', memory: '768Mi', at: ['resources'] } },
    },
    images: [
      { ref: KEYCLOAK_THEME_IMAGE, values: splitRepository('image') },
      { ref: 'docker.io/bitnamilegacy/postgresql:16.1.0-debian-11-r9', values: splitRepository('postgresql.image') },
    ],
  },
  harbor: {
    repository: REPOSITORIES.harbor,
    chart: 'harbor',
    version: '1.14.2',
    releaseName: 'harbor',
    namespace: 'harbor',
    crds: false,
    timeout: '15m',
    requests: {
      about: 'Harbor',
      workloads: {
        nginx: { what: "Harbor's nginx (only when Harbor has no host of its own)", cpu: '50m', memory: '64Mi', at: ['nginx.resources'] },
        portal: { what: 'the Harbor portal', cpu: '50m', memory: '64Mi', at: ['portal.resources'] },
        core: { what: 'Harbor core', cpu: '100m', memory: '256Mi', at: ['core.resources'] },
        jobservice: { what: 'the Harbor job service', cpu: '50m', memory: '128Mi', at: ['jobservice.resources'] },
        registry: { what: 'the Harbor registry and its controller (each)', cpu: '100m', memory: '256Mi', at: ['registry.registry.resources', 'registry.controller.resources'] },
        database: { what: "Harbor's database", cpu: '100m', memory: '256Mi', at: ['database.internal.resources'] },
        databaseInit: {
          what: "the init containers of Harbor's database (each)", cpu: '10m', memory: '32Mi',
          at: ['database.internal.initContainer.migrator.resources', 'database.internal.initContainer.permissions.resources'],
        },
        redis: { what: "Harbor's Redis", cpu: '50m', memory: '64Mi', at: ['redis.internal.resources'] },
      },
    },
    images: Object.entries({
      'nginx-photon': 'nginx',
      'harbor-portal': 'portal',
      'harbor-core': 'core',
      'harbor-jobservice': 'jobservice',
      'registry-photon': 'registry.registry',
      'harbor-registryctl': 'registry.controller',
      'harbor-db': 'database.internal',
      'redis-photon': 'redis.internal',
    }).map(([name, block]) => ({ ref: `docker.io/goharbor/${name}:v2.10.2`, values: fullRepository(`${block}.image`) })),
  },
} as const satisfies Record<string, ChartEntry>;

export type ChartName = keyof typeof CHARTS;

/**
 * A catalog image of a chart, found by the values block that spells it (`grafana.image`), for a
 * component that writes part of it into the values itself (a tag the chart leaves to a
 * subchart, a repository that moved).
 */
export function chartImage(entry: ChartEntry, block: string): ImageReference {
  const image = entry.images.find((i) => Object.values(i.values).some((p) => p.startsWith(`${block}.`)));
  if (!image) throw new Error(`catalog: ${entry.chart} has no image at ${block}`);
  return parseImage(image.ref);
}

/** The catalog entry of a chart name (every chart we deploy has one). */
export function catalogEntry(chart: string): ChartEntry | undefined {
  const entries: readonly ChartEntry[] = Object.values(CHARTS);
  return entries.find((e) => e.chart === chart);
}

/**
 * The catalog entry and version a HelmRelease's `spec.chart.spec.chart` names: the vendored
 * archive `./vendor/charts/<chart>-<version>.tgz` our HelmReleases take from Git.
 */
export function releasedChart(chartPath: string): { readonly entry: ChartEntry; readonly version: string } | undefined {
  const entries: readonly ChartEntry[] = Object.values(CHARTS);
  for (const entry of entries) {
    const prefix = `./${vendoredChartFile(entry.chart, '')}`.replace(/\.tgz$/, '');
    if (!chartPath.startsWith(prefix) || !chartPath.endsWith('.tgz')) continue;
    const version = chartPath.slice(prefix.length, -'.tgz'.length);
    if (SEMVER.test(version)) return { entry, version };
  }
  return undefined;
}
