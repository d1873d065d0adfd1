/**
 * The chart catalog: every external chart the platform deploys, pinned.
 *
 * One entry per chart names its Helm repository, chart, version (reference §1),
 * the release identity Flux keeps (release name and namespace: changing either makes
 * Helm uninstall and reinstall) and the images it pulls, including those its operators
 * create at run time. Constructs read releases from here; nothing else pins a version.
 */

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
  /** Every image the chart's workloads pull (full `registry/path:tag` references). */
  readonly images: readonly string[];
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
} as const satisfies Record<string, ChartRepository>;

const SIG_STORAGE = 'registry.k8s.io/sig-storage';
const NVIDIA = 'nvcr.io/nvidia';
export const MPI_OPERATOR_IMAGE = 'docker.io/mpioperator/mpi-operator:0.3.0';
/** Pinned: the chart's default is `:latest`, which an air-gapped mirror cannot reproduce. */
export const MPI_KUBECTL_DELIVERY_IMAGE = 'docker.io/mpioperator/kubectl-delivery:0.3.0';

export const CHARTS = {
  csiDriverNfs: {
    repository: REPOSITORIES.csiDriverNfs,
    chart: 'csi-driver-nfs',
    version: 'v4.9.0',
    releaseName: 'nfs-provisioner',
    namespace: 'nfs-provisioner',
    crds: false,
    timeout: '10m',
    images: [
      `${SIG_STORAGE}/nfsplugin:v4.9.0`,
      `${SIG_STORAGE}/csi-provisioner:v5.0.2`,
      `${SIG_STORAGE}/csi-snapshotter:v8.0.1`,
      `${SIG_STORAGE}/livenessprobe:v2.13.1`,
      `${SIG_STORAGE}/csi-node-driver-registrar:v2.11.1`,
      `${SIG_STORAGE}/snapshot-controller:v8.0.1`,
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
    images: [
      `${NVIDIA}/gpu-operator:v25.3.4`,
      `${NVIDIA}/cloud-native/gpu-operator-validator:v25.3.4`,
      `${NVIDIA}/cuda:13.0.1-base-ubi9`,
      `${NVIDIA}/driver:580.82.07-ubuntu22.04`,
      `${NVIDIA}/cloud-native/k8s-driver-manager:v0.8.1`,
      `${NVIDIA}/k8s/container-toolkit:v1.17.8-ubuntu20.04`,
      `${NVIDIA}/k8s-device-plugin:v0.17.4`,
      `${NVIDIA}/cloud-native/dcgm:4.3.1-1-ubuntu22.04`,
      `${NVIDIA}/k8s/dcgm-exporter:4.3.1-4.4.0-ubuntu22.04`,
      `${NVIDIA}/cloud-native/k8s-mig-manager:v0.12.3-ubuntu20.04`,
      'registry.k8s.io/nfd/node-feature-discovery:v0.17.3',
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
    images: [
      'registry.k8s.io/ingress-nginx/controller:v1.13.2',
      'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.2',
    ],
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
    images: [
      'quay.io/prometheus-operator/prometheus-operator:v0.75.2',
      'quay.io/prometheus-operator/prometheus-config-reloader:v0.75.2',
      'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20221220-controller-v1.5.1-58-g787ea74b6',
      'quay.io/prometheus/prometheus:v2.54.0',
      'quay.io/prometheus/alertmanager:v0.27.0',
      'docker.io/grafana/grafana:11.1.0',
      'quay.io/kiwigrid/k8s-sidecar:1.27.4',
      'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0',
      'quay.io/prometheus/node-exporter:v1.8.2',
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
    images: [
      'docker.io/xiilab/astrago-keycloak-theme:v1.2.0',
      'docker.io/bitnamilegacy/postgresql:16.1.0-debian-11-r9',
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
    images: ['nginx-photon', 'harbor-portal', 'harbor-core', 'harbor-jobservice', 'registry-photon', 'harbor-registryctl', 'harbor-db', 'redis-photon']
      .map((name) => `docker.io/goharbor/${name}:v2.10.2`),
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
    images: [MPI_OPERATOR_IMAGE, MPI_KUBECTL_DELIVERY_IMAGE],
  },
} as const satisfies Record<string, ChartEntry>;

export type ChartName = keyof typeof CHARTS;
