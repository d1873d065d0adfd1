import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MPI_OPERATOR_IMAGE, MPI_OPERATOR_NAME, MPI_OPERATOR_NAMESPACE } from '../../catalog/mpi-operator';
import { Namespace } from '../core/namespace';
import { MpiJobCrd } from './mpi-job-crd';
import { MpiOperatorRbac } from './mpi-operator-rbac';

/** UID of distroless's `nonroot` user: the image (distroless base) declares no user of its own. */
const NONROOT_UID = 65532;

/**
 * The MPI operator v2 (kubeflow/mpi-operator, catalog/mpi-operator.ts): the MPIJob CRD, the
 * controller's RBAC and its Deployment, after upstream's `deploy/v2beta1/mpi-operator.yaml`.
 * Plain objects in the applications tier's controllers stage, so the platform (configs)
 * starts only once the CRD exists and the controller is available, as the backend's MPIJob
 * informer needs. No kubectl-delivery: v2 reaches the workers over SSH, not `kubectl exec`.
 */
export interface MpiOperatorProps {
  /**
   * The controller's image (the customer's release pins it).
   * @default MPI_OPERATOR_IMAGE
   */
  readonly image?: string;
}

export class MpiOperator extends Construct {
  constructor(scope: Construct, id: string, props: MpiOperatorProps = {}) {
    super(scope, id);
    const namespace = MPI_OPERATOR_NAMESPACE;
    const name = MPI_OPERATOR_NAME;
    const labels = { 'app.kubernetes.io/name': 'mpi-operator', 'app.kubernetes.io/component': 'mpijob' };
    new Namespace(this, 'namespace', { name: namespace });
    new MpiJobCrd(this, 'crd');
    const rbac = new MpiOperatorRbac(this, 'rbac', { name, namespace, labels });
    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name, namespace, labels },
      spec: {
        // One controller; a second would wait on the leader-election Lease anyway.
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: rbac.serviceAccountName,
            securityContext: { runAsNonRoot: true, runAsUser: NONROOT_UID, runAsGroup: NONROOT_UID },
            containers: [{
              name: 'mpi-operator',
              image: props.image ?? MPI_OPERATOR_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              // Upstream's arguments: logs to stderr, the Lease in our namespace.
              args: ['-alsologtostderr', `--lock-namespace=${namespace}`],
              resources: {
                requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
                limits: { memory: k8s.Quantity.fromString('256Mi') },
              },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    });
  }
}
