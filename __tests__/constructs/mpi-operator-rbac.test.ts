import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { MpiOperatorRbac } from '../../constructs/applications/mpi-operator-rbac';
import { oneOf } from './synth';

const LABELS = { 'app.kubernetes.io/name': 'mpi-operator' };

const rbac = () => {
  const chart = Testing.chart();
  const construct = new MpiOperatorRbac(chart, 'rbac', { name: 'mpi-operator', namespace: 'mpi-operator', labels: LABELS });
  return { chart, construct, rules: oneOf(chart, k8s.KubeClusterRole).rules! };
};
const grants = (rules: k8s.PolicyRule[], group: string, resource: string) =>
  rules.filter((r) => r.apiGroups!.includes(group) && r.resources!.includes(resource)).flatMap((r) => r.verbs);

describe('MpiOperatorRbac', () => {
  test('the controller\'s ServiceAccount, bound to its ClusterRole, every object labelled', () => {
    const { chart, construct } = rbac();
    expect(oneOf(chart, k8s.KubeServiceAccount).metadata).toEqual({ name: 'mpi-operator', namespace: 'mpi-operator', labels: LABELS });
    expect(construct.serviceAccountName).toBe('mpi-operator');
    expect(oneOf(chart, k8s.KubeClusterRoleBinding)).toMatchObject({
      metadata: { name: 'mpi-operator', labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mpi-operator' },
      subjects: [{ kind: 'ServiceAccount', name: 'mpi-operator', namespace: 'mpi-operator' }],
    });
  });

  test('runs MPIJobs: their pods, launcher Job, hostfile ConfigMap, SSH Secret, Service and status', () => {
    const { rules } = rbac();
    expect(grants(rules, '', 'pods')).toEqual(expect.arrayContaining(['create', 'delete', 'watch']));
    expect(grants(rules, 'batch', 'jobs')).toEqual(expect.arrayContaining(['create', 'watch']));
    for (const resource of ['configmaps', 'secrets', 'services']) expect(grants(rules, '', resource)).toContain('create');
    expect(grants(rules, 'kubeflow.org', 'mpijobs/status')).toEqual(['*']);
    expect(grants(rules, 'coordination.k8s.io', 'leases')).toEqual(['*']);
  });

  test('nothing for gang scheduling: no PodGroups and no CRD reads (started without --gang-scheduling)', () => {
    const { rules } = rbac();
    const groups = rules.flatMap((r) => r.apiGroups!);
    expect(groups).not.toContain('scheduling.volcano.sh');
    expect(groups).not.toContain('scheduling.x-k8s.io');
    expect(groups).not.toContain('apiextensions.k8s.io');
  });
});
