import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { MPI_OPERATOR_IMAGE, MPI_OPERATOR_NAME } from '../../catalog/mpi-operator';
import { MpiOperator } from '../../constructs/applications/mpi-operator';
import { inventory, oneOf } from './synth';

const operator = () => {
  const chart = Testing.chart();
  new MpiOperator(chart, 'mpi-operator');
  return chart;
};

describe('MpiOperator', () => {
  test('the MPIJob CRD serves and stores kubeflow.org/v2beta1 only, with the status subresource, and is never pruned', () => {
    const crd = oneOf(operator(), k8s.KubeCustomResourceDefinition);
    expect(crd.metadata?.name).toBe('mpijobs.kubeflow.org');
    expect(crd.metadata?.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(crd.spec).toMatchObject({ group: 'kubeflow.org', scope: 'Namespaced', names: { kind: 'MPIJob', plural: 'mpijobs' } });
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources])).toEqual([['v2beta1', true, true, { status: {} }]]);
  });

  test('the v2 controller runs: upstream v0.6.0 image and arguments, its Lease in its own namespace, no kubectl-delivery', () => {
    const deployment = oneOf(operator(), k8s.KubeDeployment);
    expect(deployment.metadata).toMatchObject({ name: MPI_OPERATOR_NAME, namespace: 'mpi-operator' });
    const [container] = deployment.spec!.template.spec!.containers;
    expect(MPI_OPERATOR_IMAGE).toBe('docker.io/mpioperator/mpi-operator:0.6.0');
    expect(container.image).toBe(MPI_OPERATOR_IMAGE);
    expect(container.args).toEqual(['-alsologtostderr', '--lock-namespace=mpi-operator']);
    expect(deployment.spec!.template.spec!.initContainers).toBeUndefined();
    expect(JSON.stringify(Testing.synth(operator()))).not.toMatch(/kubectl-delivery|kubectlDelivery/);
  });

  test('nothing of the v1 operator is left: plain objects only, no HelmRelease, no chart values', () => {
    const chart = operator();
    expect(inventory(chart)).toEqual([
      'Namespace/mpi-operator',
      'CustomResourceDefinition/mpijobs.kubeflow.org',
      `ServiceAccount/mpi-operator/${MPI_OPERATOR_NAME}`,
      `ClusterRole/${MPI_OPERATOR_NAME}`,
      `ClusterRoleBinding/${MPI_OPERATOR_NAME}`,
      `Deployment/mpi-operator/${MPI_OPERATOR_NAME}`,
    ]);
  });

  test('the controller may create the launcher Job the backend follows, and the worker pods', () => {
    const role = oneOf(operator(), k8s.KubeClusterRole);
    const can = (group: string, resource: string, verb: string) => role.rules!.some((r) =>
      r.apiGroups!.includes(group) && r.resources!.includes(resource) && (r.verbs.includes(verb) || r.verbs.includes('*')));
    expect(can('batch', 'jobs', 'create')).toBe(true);
    expect(can('', 'pods', 'create')).toBe(true);
    expect(can('kubeflow.org', 'mpijobs/status', 'update')).toBe(true);
    expect(can('coordination.k8s.io', 'leases', 'create')).toBe(true);
    expect(can('scheduling.k8s.io', 'priorityclasses', 'watch')).toBe(true);
    const binding = oneOf(operator(), k8s.KubeClusterRoleBinding);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: MPI_OPERATOR_NAME, namespace: 'mpi-operator' }]);
  });

  test('runs as non-root with requests set', () => {
    const spec = oneOf(operator(), k8s.KubeDeployment).spec!.template.spec!;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(spec.containers[0].resources?.requests).toBeDefined();
    expect(spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });
});
