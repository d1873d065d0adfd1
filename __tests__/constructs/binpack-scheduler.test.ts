import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { BINPACK_SCHEDULER_NAME, BinpackScheduler } from '../../constructs/applications/binpack-scheduler';
import { named, oneOf, synthOf } from './synth';

const scheduler = (props: Partial<ConstructorParameters<typeof BinpackScheduler>[2]> = {}) => {
  const chart = Testing.chart();
  const construct = new BinpackScheduler(chart, 'binpack', { namespace: 'astrago', kubernetesVersion: '1.28.10', ...props });
  return { chart, construct };
};

describe('BinpackScheduler', () => {
  test('packs pods onto the fullest nodes, a GPU weighing three times CPU or memory, without leader election', () => {
    const { chart } = scheduler();
    const [file] = Object.values(named(chart, k8s.KubeConfigMap, `${BINPACK_SCHEDULER_NAME}-config`).data!);
    const config = parse(file);
    expect(config).toMatchObject({ kind: 'KubeSchedulerConfiguration', leaderElection: { leaderElect: false } });
    expect(config.profiles).toEqual([expect.objectContaining({ schedulerName: BINPACK_SCHEDULER_NAME })]);
    expect(config.profiles[0].pluginConfig[0].args.scoringStrategy).toEqual({
      type: 'MostAllocated',
      resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'nvidia.com/gpu', weight: 3 }],
    });
  });

  test('the kube-scheduler image follows the cluster version', () => {
    expect(scheduler().construct.image).toBe('registry.k8s.io/kube-scheduler:v1.28.10');
    const { chart, construct } = scheduler({ kubernetesVersion: '1.32.8' });
    expect(construct.image).toBe('registry.k8s.io/kube-scheduler:v1.32.8');
    expect(oneOf(chart, k8s.KubeDeployment).spec?.template.spec?.containers.map((c) => c.image)).toEqual([construct.image]);
  });

  test('only the built-in scheduler roles and the authentication reader in kube-system are bound', () => {
    const { chart } = scheduler();
    const subjects = [{ kind: 'ServiceAccount', name: BINPACK_SCHEDULER_NAME, namespace: 'astrago' }];
    expect(synthOf(chart, k8s.KubeClusterRoleBinding).map((b) => [b.roleRef.name, b.subjects])).toEqual([
      ['system:kube-scheduler', subjects], ['system:volume-scheduler', subjects],
    ]);
    const reader = oneOf(chart, k8s.KubeRoleBinding);
    expect([reader.metadata?.namespace, reader.roleRef]).toEqual(['kube-system', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' }]);
    expect(synthOf(chart, k8s.KubeClusterRole)).toEqual([]);
  });

  test('one replica, replaced rather than rolled (two schedulers would bind pods twice), preferring the control plane', () => {
    const spec = oneOf(scheduler().chart, k8s.KubeDeployment).spec!;
    expect(spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(spec.template.spec).toMatchObject({ priorityClassName: 'system-node-critical' });
    expect(spec.template.spec?.tolerations?.map((t) => t.key)).toEqual(['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']);
  });

  test('placement is only a preference: no node selector, no required affinity, control plane by key alone (k3s and RKE2 label it =true)', () => {
    const pod = oneOf(scheduler().chart, k8s.KubeDeployment).spec!.template.spec!;
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(pod.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, preference: { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] } },
    ]);
  });

  test('runs as non-root with a read-only root filesystem and no capabilities', () => {
    const [container] = oneOf(scheduler().chart, k8s.KubeDeployment).spec!.template.spec!.containers;
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });
});
