import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { NginxIngressClass } from '../../constructs/infrastructure/ingress-class';
import { oneOf } from './synth';

describe('NginxIngressClass', () => {
  const ingressClass = () => {
    const chart = Testing.chart();
    new NginxIngressClass(chart, 'class');
    return oneOf(chart, k8s.KubeIngressClass);
  };

  test('the class nginx of the ingress-nginx controller, which every Ingress of ours names', () => {
    const c = ingressClass();
    expect(c.metadata?.name).toBe('nginx');
    expect(c.spec).toEqual({ controller: 'k8s.io/ingress-nginx' });
  });

  test('the cluster default, so Ingresses created without a class are served too', () => {
    expect(ingressClass().metadata?.annotations).toMatchObject({ 'ingressclass.kubernetes.io/is-default-class': 'true' });
  });

  test('never pruned: switching back to ingress-nginx, its chart adopts the class instead of it vanishing under running Ingresses', () => {
    expect(ingressClass().metadata?.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });
});
