/**
 * The chart catalog: every external chart the platform deploys, pinned.
 *
 * One entry per chart names its Helm repository, chart, version (reference §1),
 * the release identity Flux keeps (release name and namespace: changing either makes
 * Helm uninstall and reinstall) and the images it pulls, including those its operators
 * create at run time, with the value paths that set each one (checked against the chart's
 * values.yaml in ../shared/charts), so an air-gapped customer's values can point every one
 * of them at the mirror. Constructs read releases from here; nothing else pins a version.
 */
import type { ImageValues } from './image-values';

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

/** A Helm chart repository. One Flux HelmRepository is emitted per entry in use. */
export interface ChartRepository {
  /** Name of the HelmRepository object (in flux-system). */
  readonly name: string;
  /** Upstream URL (`https://` or `oci://`). */
  readonly url: string;
}

export interface ChartEntry {
  /** Helm repository that serves the chart. */
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
   * Checksum of the chart archive, `sha256:<hex>`: the `digest` of this version in the
   * repository's index.yaml. `charts pull` refuses an archive that does not match it.
   * Record one only from the repository itself (or a copy of its index.yaml you can cite).
   * @default - none recorded: `charts pull` refuses the chart unless told to accept it unverified
   */
  readonly digest?: string;
}

export const REPOSITORIES = {
  csiDriverNfs: { name: 'csi-driver-nfs', url: 'https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts' },
  nvidia: { name: 'nvidia', url: 'https://helm.ngc.nvidia.com/nvidia' },
  ingressNginx: { name: 'ingress-nginx', url: 'https://kubernetes.github.io/ingress-nginx' },
  prometheusCommunity: { name: 'prometheus-community', url: 'https://prometheus-community.github.io/helm-charts' },
  bitnami: { name: 'bitnami', url: 'https://charts.bitnami.com/bitnami' },
  harbor: { name: 'harbor', url: 'https://helm.goharbor.io' },
  cowboysysop: { name: 'cowboysysop', url: 'https://cowboysysop.github.io/charts/' },
  traefik: { name: 'traefik', url: 'https://traefik.github.io/charts' },
} as const satisfies Record<string, ChartRepository>;

const SIG_STORAGE = 'registry.k8s.io/sig-storage';
const NVIDIA = 'nvcr.io/nvidia';
export const MPI_OPERATOR_IMAGE = 'docker.io/mpioperator/mpi-operator:0.3.0';
/** Pinned: the chart's default is `:latest`, which an air-gapped mirror cannot reproduce. */
export const MPI_KUBECTL_DELIVERY_IMAGE = 'docker.io/mpioperator/kubectl-delivery:0.3.0';
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
    images: [
      { ref: 'quay.io/prometheus-operator/prometheus-operator:v0.75.2', values: splitRepository('prometheusOperator.image') },
      { ref: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.75.2', values: splitRepository('prometheusOperator.prometheusConfigReloader.image') },
      { ref: 'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20221220-controller-v1.5.1-58-g787ea74b6', values: splitRepository('prometheusOperator.admissionWebhooks.patch.image') },
      { ref: 'quay.io/prometheus/prometheus:v2.54.0', values: splitRepository('prometheus.prometheusSpec.image') },
      { ref: 'quay.io/prometheus/alertmanager:v0.27.0', values: splitRepository('alertmanager.alertmanagerSpec.image') },
      { ref: 'docker.io/grafana/grafana:11.1.0', values: splitRepository('grafana.image') },
      { ref: 'quay.io/kiwigrid/k8s-sidecar:1.27.4', values: splitRepository('grafana.sidecar.image') },
      { ref: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0', values: splitRepository('kube-state-metrics.image') },
      { ref: 'quay.io/prometheus/node-exporter:v1.8.2', values: splitRepository('prometheus-node-exporter.image') },
    ],
  },
  keycloak: {
    repository: REPOSITORIES.bitnami,
    chart: 'keycloak',
    version: '17.3.5',
    releaseName: 'keycloak',
    namespace: 'keycloak',
    crds: false,
    timeout: '15m',
    // The Keycloak image is the customer's theme image (keycloak.image); Bitnami's own tags
    // left docker.io/bitnami, so PostgreSQL comes from bitnamilegacy.
    globalRegistry: 'global.imageRegistry',
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
  mpiOperator: {
    repository: REPOSITORIES.cowboysysop,
    chart: 'mpi-operator',
    version: '1.2.2',
    releaseName: 'mpi-operator',
    namespace: 'mpi-operator',
    crds: true,
    crdGroups: ['kubeflow.org'],
    timeout: '10m',
    // The operator, and the init container it adds to every MPIJob launcher.
    images: [
      { ref: MPI_OPERATOR_IMAGE, values: fullRepository('image') },
      { ref: MPI_KUBECTL_DELIVERY_IMAGE, values: { reference: 'kubectlDeliveryImage' } },
    ],
  },
} as const satisfies Record<string, ChartEntry>;

export type ChartName = keyof typeof CHARTS;

/** The catalog entry of a chart name (every chart we deploy has one). */
export function catalogEntry(chart: string): ChartEntry | undefined {
  return (Object.values(CHARTS) as ChartEntry[]).find((e) => e.chart === chart);
}
