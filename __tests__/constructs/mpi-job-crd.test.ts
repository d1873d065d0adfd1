import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { MPIJOB_API } from '../../catalog/mpi-operator';
import { MPIJOB_CRD_NAME, MpiJobCrd } from '../../constructs/applications/mpi-job-crd';
import { oneOf } from './synth';

const crd = () => {
  const chart = Testing.chart();
  new MpiJobCrd(chart, 'crd');
  return oneOf(chart, k8s.KubeCustomResourceDefinition);
};

describe('MpiJobCrd', () => {
  test('named <plural>.<group> as Kubernetes requires, namespaced MPIJob of kubeflow.org', () => {
    const c = crd();
    expect(MPIJOB_CRD_NAME).toBe('mpijobs.kubeflow.org');
    expect(c.metadata?.name).toBe(MPIJOB_CRD_NAME);
    expect(c.spec).toMatchObject({ group: MPIJOB_API.group, scope: 'Namespaced', names: { kind: 'MPIJob', listKind: 'MPIJobList', plural: 'mpijobs', singular: 'mpijob' } });
  });

  test('serves and stores v2beta1 only, the version the platform creates, with the status subresource the controller writes', () => {
    expect(crd().spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources])).toEqual([['v2beta1', true, true, { status: {} }]]);
  });

  test('keeps every field of spec and status as sent: the controller validates MPIJobs itself', () => {
    const preserved = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    // The manifest spells the field openAPIV3Schema (the props' openApiv3Schema).
    expect(crd().spec.versions[0].schema).toEqual({ openAPIV3Schema: { type: 'object', properties: { spec: preserved, status: preserved } } });
  });

  test('never pruned: deleting the CRD would delete every MPIJob', () => {
    expect(crd().metadata?.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });
});
