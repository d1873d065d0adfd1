/**
 * What the validator knows about kinds without asking a cluster: which API groups the API
 * server serves itself, which ones Flux bootstrap installs, and which built-in kinds are
 * cluster-scoped (a CRD's scope comes from the CRD).
 */
import { FLUX_NAMESPACE } from '../../model/layout';

/** Groups served by every Kubernetes API server (no CRD needed). */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io',
  'discovery.k8s.io', 'node.k8s.io', 'certificates.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io',
  'apiregistration.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'resource.k8s.io',
]);

/** Groups whose CRDs `flux bootstrap` installs before any of our Kustomizations runs. */
export const FLUX_GROUPS: ReadonlySet<string> = new Set([
  'source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io',
  'notification.toolkit.fluxcd.io', 'image.toolkit.fluxcd.io',
]);

/** Built-in kinds that live outside namespaces. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CSIDriver', 'CSINode',
  'VolumeAttachment', 'CustomResourceDefinition', 'PriorityClass', 'IngressClass', 'RuntimeClass', 'APIService',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
]);

/** Namespaces every cluster has, and the one `flux bootstrap` creates. */
export const EXISTING_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', FLUX_NAMESPACE]);
