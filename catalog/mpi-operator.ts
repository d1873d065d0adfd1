/**
 * The MPI operator the platform's distributed training needs: upstream facts, written once.
 *
 * The backend creates only `kubeflow.org/v2beta1` MPIJobs and follows each one through its
 * launcher *Job* (`job-name=<mpijob>-launcher`, `training.kubeflow.org/job-name` and
 * `training.kubeflow.org/job-role=launcher`: contract §2 MPI and §9), which only the v2
 * controller (kubeflow/mpi-operator ≥ v0.4.0) makes. The cowboysysop chart 1.2.2 ran the v1
 * controller (0.3.0, a bare launcher Pod), so we install the v2 controller from constructs of
 * our own (`constructs/applications/mpi-*.ts`), after upstream's single-file manifest.
 *
 * Why v0.6.0: our clusters run Kubernetes 1.28 to 1.32 (`kubernetesVersion`, the schemas of
 * `validate`). v0.6.0 (2024-10-17) is built on client-go v0.31 and tested upstream on
 * Kubernetes 1.29, 1.30 and 1.31 (its .github/workflows/main.yml); the objects it creates
 * (batch/v1 Jobs, Pods, Services, ConfigMaps, Secrets, coordination/v1 Leases) are served
 * unchanged from 1.21 on. v0.5.0 was tested on 1.27-1.29 only; v0.7.0 (2025-10) and v0.8.0
 * are tested from 1.31 and 1.32 up, leaving our lower end out.
 */

/** The release our constructs follow: `deploy/v2beta1/mpi-operator.yaml` at this tag. */
export const MPI_OPERATOR_RELEASE = 'v0.6.0';

/** The controller image of that release (its Deployment's `image`, on Docker Hub). */
export const MPI_OPERATOR_IMAGE = 'docker.io/mpioperator/mpi-operator:0.6.0';

/** Namespace of the controller; also its leader-election lock namespace (`--lock-namespace`). */
export const MPI_OPERATOR_NAMESPACE = 'mpi-operator';

/**
 * Name of the controller's Deployment, ServiceAccount, ClusterRole and ClusterRoleBinding.
 * Upstream names them `mpi-operator`, as the chart did: a customer moving off the chart would
 * have Helm's uninstall of the old release delete our same-named objects right after Flux
 * applied them (docs/migration.md), so ours carry the API generation in the name.
 */
export const MPI_OPERATOR_NAME = 'mpi-operator-v2';

/** The MPIJob API the backend uses (`org.kubeflow.v2beta1` in its DistributedJobVO). */
export const MPIJOB_API = { group: 'kubeflow.org', version: 'v2beta1', kind: 'MPIJob', plural: 'mpijobs' } as const;
