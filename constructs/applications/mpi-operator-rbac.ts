import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MPIJOB_API } from '../../catalog/mpi-operator';

export interface MpiOperatorRbacProps {
  /** Name of the ServiceAccount, ClusterRole and ClusterRoleBinding. */
  readonly name: string;
  /** Namespace of the controller's ServiceAccount. */
  readonly namespace: string;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
}

/**
 * What the v2 controller may do, after the ClusterRole `mpi-operator` of kubeflow/mpi-operator
 * v0.6.0 `deploy/v2beta1/mpi-operator.yaml`, less what only gang scheduling uses (the
 * volcano and scheduler-plugins PodGroups, and the CRD read that goes with them): we start it
 * without `--gang-scheduling`. The `kubeflow-mpijobs-{admin,edit,view}` aggregated roles are
 * left out too: they grant Kubeflow's users access to MPIJobs, and the platform creates them
 * through its own ServiceAccount (platform-rbac.ts).
 */
export class MpiOperatorRbac extends Construct {
  /** The ServiceAccount the controller runs as. */
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: MpiOperatorRbacProps) {
    super(scope, id);
    const { name, namespace, labels } = props;
    this.serviceAccountName = name;
    new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name, namespace, labels } });
    new k8s.KubeClusterRole(this, 'cluster-role', {
      metadata: { name, labels },
      rules: [
        // The hostfile and discover_hosts.sh ConfigMap, the SSH key Secret, the workers' headless Service.
        { apiGroups: [''], resources: ['configmaps', 'secrets', 'services'], verbs: ['create', 'list', 'watch', 'update'] },
        // Worker pods.
        { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'delete', 'update', 'patch'] },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
        { apiGroups: [''], resources: ['endpoints'], verbs: ['create', 'get', 'update'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        // The launcher Job the backend follows.
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'list', 'update', 'watch'] },
        { apiGroups: [MPIJOB_API.group], resources: [MPIJOB_API.plural, `${MPIJOB_API.plural}/finalizers`, `${MPIJOB_API.plural}/status`], verbs: ['*'] },
        // Leader election (a Lease in the lock namespace).
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] },
        // Its informer of PriorityClasses starts whatever the scheduling (cmd/mpi-operator/app/server.go).
        { apiGroups: ['scheduling.k8s.io'], resources: ['priorityclasses'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
  }
}
