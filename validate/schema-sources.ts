/**
 * The pinned schema files strict validation reads: Kubernetes OpenAPI definitions of each
 * supported version and the CRDs of the charts we deploy. CI and tests read them from
 * ../shared/schemas; connected users can fetch the same bytes (checked by sha256) into the
 * git-ignored cache. Bump a version by changing its URL and checksum together.
 */

export interface SchemaSource {
  /** Path inside the schema folder. */
  readonly file: string;
  /** Upstream location of exactly these bytes. */
  readonly url: string;
  /** sha256 of the file, hex. */
  readonly sha256: string;
}

/** Kubernetes versions every object is validated against (oldest and newest supported). */
export const KUBERNETES_VERSIONS = ['1.28.0', '1.32.0'] as const;

export function kubernetesDefinitionsFile(version: string): string {
  return `kubernetes/v${version}-definitions.json`;
}

const CDK8S = 'https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas';
const GITHUB = 'https://raw.githubusercontent.com';

export const SCHEMA_SOURCES: readonly SchemaSource[] = [
  { file: kubernetesDefinitionsFile('1.28.0'), url: `${CDK8S}/v1.28.0/_definitions.json`, sha256: '26005b7e779ea2fcbd87e4f23d76dc565eef8381c2287e149c676c03d48b0df6' },
  { file: kubernetesDefinitionsFile('1.32.0'), url: `${CDK8S}/v1.32.0/_definitions.json`, sha256: '9963f50d824263f4b44860c6a6f72d5489cdb8bef01cfcdb9a87ed7f3af16e9b' },
  { file: 'crds/helm.toolkit.fluxcd.io_helmreleases.yaml', url: `${GITHUB}/fluxcd/helm-controller/v1.6.3/config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml`, sha256: 'aa8638ac68465ceac1f93a617baf5be833c589c51fd78a7384a4a274c252becc' },
  { file: 'crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml', url: `${GITHUB}/fluxcd/kustomize-controller/v1.9.4/config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml`, sha256: 'da23ca0e6b4c80d3d26a91583137491e147ef4ef1e2208aece0d0af4ef851974' },
  { file: 'crds/source.toolkit.fluxcd.io_gitrepositories.yaml', url: `${GITHUB}/fluxcd/source-controller/v1.9.1/config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml`, sha256: 'bd0c08183287b2eea0d885751fc686bc4b2b583e919de6bd57859170b8d1727f' },
  { file: 'crds/source.toolkit.fluxcd.io_helmcharts.yaml', url: `${GITHUB}/fluxcd/source-controller/v1.9.1/config/crd/bases/source.toolkit.fluxcd.io_helmcharts.yaml`, sha256: '3e319fc2b5c4aeaf8fa3ca161c253037e2f78177b986a0df3e85ba4853615b05' },
  { file: 'crds/source.toolkit.fluxcd.io_helmrepositories.yaml', url: `${GITHUB}/fluxcd/source-controller/v1.9.1/config/crd/bases/source.toolkit.fluxcd.io_helmrepositories.yaml`, sha256: '0f3c34df4a25c88c7ad7825ada26d696aa53d92ec2c0ca540e1f9a05db247fa9' },
  { file: 'crds/source.toolkit.fluxcd.io_ocirepositories.yaml', url: `${GITHUB}/fluxcd/source-controller/v1.9.1/config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml`, sha256: '80c7c6e5c8de0764cc83acd4de5c74bea8e51186085304d22cecc5f2eb35500e' },
  { file: 'crds/monitoring.coreos.com_servicemonitors.yaml', url: `${GITHUB}/prometheus-operator/prometheus-operator/v0.75.2/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml`, sha256: 'c459e6179b0cba5867e6b0dcb797c68a2749ff09a26f04ae040a0cd34c0bab0e' },
  { file: 'crds/monitoring.coreos.com_podmonitors.yaml', url: `${GITHUB}/prometheus-operator/prometheus-operator/v0.75.2/example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml`, sha256: 'a6d2fb9e8a29785234a8ddba493116da02d1e67284bbd35f48f9b97aacb4d8fc' },
  { file: 'crds/monitoring.coreos.com_prometheusrules.yaml', url: `${GITHUB}/prometheus-operator/prometheus-operator/v0.75.2/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml`, sha256: '91de8be54ba1a745dfb138eba8f05fec7acbb5fa275f5c1ed2ad5ec85966011a' },
  { file: 'crds/nvidia.com_clusterpolicies.yaml', url: `${GITHUB}/NVIDIA/gpu-operator/v25.3.4/deployments/gpu-operator/crds/nvidia.com_clusterpolicies.yaml`, sha256: 'f48526f9826712c3ed6e79c25deb01e08acb6e7dd8a947ffacc74dc8e3e8f106' },
  { file: 'crds/traefik.io_middlewares.yaml', url: `${GITHUB}/traefik/traefik-helm-chart/v41.3.0/traefik/crds/traefik.io_middlewares.yaml`, sha256: '2d2e097725637a7fc372fab3492db2cb94860e7d463424bd6b341f6a2a81c685' },
  { file: 'crds/kubeflow.org_mpijobs.yaml', url: `${GITHUB}/cowboysysop/charts/mpi-operator-1.2.2/charts/mpi-operator/crds/kubeflow.org_mpijobs.yaml`, sha256: 'd882064f1bd706ec54e9d1cd1829894614810c2220b8f12b27dc2c80994f0a2b' },
];
