import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PLATFORM_SERVICE_ACCOUNT } from '../../catalog/platform';
import { componentLabels } from './platform-pod';

/** One row of the platform's grants: what the backend calls, and where in its source. */
export interface Grant {
  /** What the platform does with it, and the backend source that does it (contract §2). */
  readonly why: string;
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * What the backends do in the cluster (fabric8 calls of astrago-backend v1.0.49, contract §2),
 * as the platform's ClusterRole: it replaces the old binding to cluster-admin. Cluster-wide
 * because workspaces are namespaces the platform creates at run time. No `escalate` or `bind`:
 * the Role the backend creates in each workspace grants only what this role already grants
 * (the pods/jobs row), which is all Kubernetes requires of its creator.
 */
export const PLATFORM_GRANTS: readonly Grant[] = [
  { why: 'Workspaces are namespaces (WorkspaceRepoImpl).', apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
  { why: 'Node inventory; MIG and MPS are switched by labelling nodes (NodeRepositoryImpl).', apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] },
  { why: 'Workload pods: listed, restarted (mig-manager), deleted (NodeRepositoryImpl).', apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
  { why: 'The web terminal of workload pods (WorkloadRepositoryImpl).', apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
  { why: 'Workload logs (LogRepositoryImpl).', apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { why: 'Workload ports (SvcRepositoryImpl).', apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'create', 'delete', 'deletecollection'] },
  { why: 'Workload credentials, applied server-side (SecretRepositoryImpl).', apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'patch', 'delete', 'deletecollection'] },
  { why: 'The MIG configuration the platform edits (NodeRepositoryImpl).', apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'patch'] },
  { why: 'Datasets, models and storage volumes (VolumeRepositoryImpl).', apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
  { why: 'NFS volumes of datasets and models (VolumeRepositoryImpl).', apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'create', 'delete'] },
  { why: 'Workspace quotas (ResourceQuotaRepoImpl).', apiGroups: [''], resources: ['resourcequotas'], verbs: ['get', 'list', 'create', 'update', 'delete'] },
  { why: 'Workload events (WorkloadRepositoryImpl).', apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['list'] },
  { why: 'Interactive workloads; the core Deployment edits itself to mount storage (WorkloadRepositoryImpl, VolumeRepositoryImpl).', apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { why: 'Pods of a Deployment through its ReplicaSet (WorkloadRepositoryImpl).', apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get'] },
  { why: 'Cluster health view (K8sMonitorRepositoryImpl).', apiGroups: ['apps'], resources: ['statefulsets', 'daemonsets'], verbs: ['list'] },
  { why: 'Batch workloads; informer of batch (WorkloadRepositoryImpl, BatchJobInformer).', apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { why: 'Cluster health view (K8sMonitorRepositoryImpl).', apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list'] },
  { why: 'Storage offered to workspaces (StorageClassRepositoryImpl).', apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
  { why: 'Storage drivers present in the cluster (StorageClassRepositoryImpl).', apiGroups: ['storage.k8s.io'], resources: ['csidrivers'], verbs: ['get'] },
  { why: 'Each workspace gets Role and RoleBinding edit-pod-annotations for its default ServiceAccount (WorkspaceRoleRepoImpl).', apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['create'] },
  { why: 'What that workspace Role grants: its creator must hold it (no escalate needed).', apiGroups: ['', 'batch'], resources: ['pods', 'jobs'], verbs: ['get', 'patch'] },
  { why: 'Distributed training (kubeflow.org/v2beta1 MPIJobs; informer of batch).', apiGroups: ['kubeflow.org'], resources: ['mpijobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
  { why: 'Storage provisioners are HelmReleases the platform installs (ProvisionerRepositoryImpl, StorageClassRepositoryImpl).', apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['helmreleases'], verbs: ['list', 'create', 'delete', 'deletecollection'] },
  { why: 'Chart sources of those provisioners (DellService).', apiGroups: ['source.toolkit.fluxcd.io'], resources: ['helmrepositories'], verbs: ['create', 'delete'] },
  { why: 'Workload Ingresses on ASTRAGO_INGRESS_DEFAULT_HOST (2025 images).', apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'create', 'delete'] },
];

/** Alert rules users define become PrometheusRules in the platform's own namespace only (K8sAlertRepositoryImpl). */
export const NAMESPACE_GRANTS: readonly Grant[] = [
  { why: 'User-defined alert rules (K8sAlertRepositoryImpl).', apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: ['get', 'create', 'delete'] },
];

const rules = (grants: readonly Grant[]) => grants.map((g) => ({ apiGroups: [...g.apiGroups], resources: [...g.resources], verbs: [...g.verbs] }));

export interface PlatformRbacProps {
  /** Namespace of the platform. */
  readonly namespace: string;
}

/** The backends' ServiceAccount and what it may do: least privilege instead of cluster-admin. */
export class PlatformRbac extends Construct {
  public readonly serviceAccount: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: PlatformRbacProps) {
    super(scope, id);
    const name = PLATFORM_SERVICE_ACCOUNT;
    const labels = componentLabels('astrago-platform');
    // The token is mounted by the pods that need it (automountServiceAccountToken on the pod).
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name, namespace: props.namespace, labels },
      automountToken: false,
    });
    const subjects = [{ kind: 'ServiceAccount', name, namespace: props.namespace }];
    const roleRef = (kind: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name: 'astrago-platform' });

    new kplus.k8s.KubeClusterRole(this, 'cluster-role', { metadata: { name: 'astrago-platform', labels }, rules: rules(PLATFORM_GRANTS) });
    new kplus.k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', { metadata: { name: 'astrago-platform', labels }, roleRef: roleRef('ClusterRole'), subjects });
    new kplus.k8s.KubeRole(this, 'role', { metadata: { name: 'astrago-platform', namespace: props.namespace, labels }, rules: rules(NAMESPACE_GRANTS) });
    new kplus.k8s.KubeRoleBinding(this, 'role-binding', { metadata: { name: 'astrago-platform', namespace: props.namespace, labels }, roleRef: roleRef('Role'), subjects });
  }
}
