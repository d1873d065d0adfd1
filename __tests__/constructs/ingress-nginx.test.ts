import { Testing } from 'cdk8s';
import { ChartSources } from '../../constructs/flux/chart-sources';
import { INGRESS_CLASS, IngressNginx } from '../../constructs/infrastructure/ingress-nginx';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { oneOf } from './synth';

const values = (loadBalancerIP?: string) => {
  const chart = Testing.chart();
  new IngressNginx(chart, 'ingress', { sources: new ChartSources(), loadBalancerIP });
  return oneOf(chart, HelmRelease).spec?.values;
};

describe('IngressNginx', () => {
  test('a DaemonSet on the host network, the default IngressClass nginx, also on control-plane nodes', () => {
    expect(values().controller).toMatchObject({
      kind: 'DaemonSet', hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet',
      ingressClassResource: { name: INGRESS_CLASS, enabled: true, default: true },
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
    });
  });

  test('the LoadBalancer Service requests the given address and keeps client addresses', () => {
    expect(values('10.0.0.5').controller.service).toEqual({ type: 'LoadBalancer', loadBalancerIP: '10.0.0.5', externalTrafficPolicy: 'Local' });
  });

  test('without an address the load balancer picks one', () => {
    expect(values().controller.service).not.toHaveProperty('loadBalancerIP');
  });
});
