import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Namespace } from '../../constructs/core/namespace';
import { named } from './synth';

describe('Namespace', () => {
  test('a namespace without data is an ordinary object: Flux prunes it when its component leaves the repository', () => {
    const chart = Testing.chart();
    new Namespace(chart, 'ns', { name: 'ingress-nginx' });
    expect(named(chart, k8s.KubeNamespace, 'ingress-nginx').metadata).toEqual({ name: 'ingress-nginx' });
  });

  test('a namespace that holds data is never pruned: removing its component or customer from git cannot delete a volume', () => {
    const chart = Testing.chart();
    new Namespace(chart, 'ns', { name: 'prometheus', holdsData: true });
    expect(named(chart, k8s.KubeNamespace, 'prometheus').metadata?.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });
});
