import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { NAMESPACE_GRANTS, PLATFORM_GRANTS, PlatformRbac } from '../../constructs/applications/platform-rbac';
import { oneOf } from './synth';

const rbac = () => {
  const chart = Testing.chart();
  const construct = new PlatformRbac(chart, 'rbac', { namespace: 'astrago' });
  return { chart, construct };
};

describe('PlatformRbac', () => {
  test('the ServiceAccount astrago-sa mounts no token by itself: the pods that call the API ask for one', () => {
    const { chart, construct } = rbac();
    expect(oneOf(chart, k8s.KubeServiceAccount)).toMatchObject({ metadata: { name: 'astrago-sa', namespace: 'astrago' }, automountServiceAccountToken: false });
    expect(construct.serviceAccount.name).toBe('astrago-sa');
  });

  test('the ClusterRole grants exactly the backend\'s calls: nothing wholesale, no escalate or bind, RBAC only to create', () => {
    const { chart } = rbac();
    const rules = oneOf(chart, k8s.KubeClusterRole).rules!;
    expect(rules).toEqual(PLATFORM_GRANTS.map((g) => ({ apiGroups: g.apiGroups, resources: g.resources, verbs: g.verbs })));
    for (const rule of rules) {
      expect([...rule.verbs, ...rule.resources!, ...rule.apiGroups!]).not.toContain('*');
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['escalate']));
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['bind']));
      if (rule.apiGroups!.includes('rbac.authorization.k8s.io')) expect(rule.verbs).toEqual(['create']);
      expect(rule.apiGroups).not.toContain('apiextensions.k8s.io');
    }
    const can = (group: string, resource: string, verb: string) =>
      rules.some((r) => r.apiGroups!.includes(group) && r.resources!.includes(resource) && r.verbs.includes(verb));
    expect([can('kubeflow.org', 'mpijobs', 'create'), can('batch', 'jobs', 'create'), can('', 'nodes', 'patch'), can('', 'nodes', 'delete')]).toEqual([true, true, true, false]);
  });

  test('both roles are bound to astrago-sa only, never to cluster-admin; alert rules only in the platform namespace', () => {
    const { chart } = rbac();
    const subjects = [{ kind: 'ServiceAccount', name: 'astrago-sa', namespace: 'astrago' }];
    expect(oneOf(chart, k8s.KubeClusterRoleBinding)).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'astrago-platform' }, subjects });
    expect(oneOf(chart, k8s.KubeRoleBinding)).toMatchObject({ metadata: { namespace: 'astrago' }, roleRef: { kind: 'Role', name: 'astrago-platform' }, subjects });
    const role = oneOf(chart, k8s.KubeRole);
    expect(role.metadata?.namespace).toBe('astrago');
    expect(role.rules).toEqual(NAMESPACE_GRANTS.map((g) => ({ apiGroups: g.apiGroups, resources: g.resources, verbs: g.verbs })));
    expect(role.rules?.flatMap((r) => r.resources)).toEqual(['prometheusrules']);
  });
});
