import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PLATFORM_SERVICE_ACCOUNT } from '../../catalog/platform';
import { componentLabels } from './platform-pod';

interface Grant {
  /** What the platform does with it. */
  readonly why: string;
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ['get', 'list', 'watch'] as const;
const MANAGE = [...READ, 'create', 'update', 'patch', 'delete'] as const;

/**
 * What the backends do in the cluster, as the platform's ClusterRole (it replaces the old
 * binding to cluster-admin). Cluster-wide because workspaces are namespaces the platform
 * creates at run time. Deliberately absent: RBAC objects, CRDs, webhooks, and anything in
 * the system namespaces beyond reading.
 */
const PLATFORM_GRANTS: readonly Grant[] = [
  { why: 'A workspace is a namespace with a quota and default limits: created, resized, deleted.', apiGroups: [''], resources: ['namespaces', 'resourcequotas', 'limitranges'], verbs: MANAGE },
  { why: 'Workloads: their pods (listed, logs, terminals, deleted on stop) and the objects that feed them.', apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims'], verbs: MANAGE },
  { why: 'Logs and the web terminal of workload pods.', apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { why: 'The web terminal of workload pods.', apiGroups: [''], resources: ['pods/exec', 'pods/attach'], verbs: ['create', 'get'] },
  { why: 'Datasets and models are volumes the platform binds to workloads.', apiGroups: [''], resources: ['persistentvolumes'], verbs: MANAGE },
  { why: 'Node inventory and GPU state; MIG and MPS are switched by patching node labels.', apiGroups: [''], resources: ['nodes'], verbs: [...READ, 'patch', 'update'] },
  { why: 'Workload status and failure reasons.', apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: READ },
  { why: 'Interactive and serving workloads.', apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: MANAGE },
  { why: 'Status of workload pods through their owners.', apiGroups: ['apps'], resources: ['replicasets', 'daemonsets'], verbs: READ },
  { why: 'Batch training workloads.', apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: MANAGE },
  { why: 'Distributed training through the MPI operator.', apiGroups: ['kubeflow.org'], resources: ['mpijobs'], verbs: MANAGE },
  { why: 'Storage offered to workspaces.', apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: MANAGE },
  { why: 'Storage drivers present in the cluster.', apiGroups: ['storage.k8s.io'], resources: ['csidrivers'], verbs: READ },
  { why: 'CPU and memory usage of nodes and pods.', apiGroups: ['metrics.k8s.io'], resources: ['nodes', 'pods'], verbs: ['get', 'list'] },
];

/** Alert rules users define in the platform become PrometheusRules in its own namespace. */
const NAMESPACE_GRANTS: readonly Grant[] = [
  { why: 'User-defined alert rules.', apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: MANAGE },
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
