import { Testing } from 'cdk8s';
import { INGRESS_CLASS } from '../../catalog/platform';
import { IngressRole, type IngressExposure } from '../../constructs/infrastructure/ingress-exposure';
import { IngressNginx } from '../../constructs/infrastructure/ingress-nginx';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { oneOf } from './synth';

const values = (exposure: IngressExposure = { role: IngressRole.SERVING }, handsOverClass = false) => {
  const chart = Testing.chart();
  new IngressNginx(chart, 'ingress', { exposure, handsOverClass });
  return oneOf(chart, HelmRelease).spec?.values;
};

describe('IngressNginx', () => {
  test('a DaemonSet on the host network, the default IngressClass nginx, also on control-plane nodes', () => {
    expect(values().controller).toMatchObject({
      kind: 'DaemonSet', hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet', publishService: { enabled: true },
      ingressClassResource: { name: INGRESS_CLASS, enabled: true, default: true },
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
    });
  });

  test('the LoadBalancer Service requests the given address and keeps client addresses', () => {
    expect(values({ role: IngressRole.SERVING, loadBalancerIP: '10.0.0.5' }).controller.service).toEqual({ type: 'LoadBalancer', loadBalancerIP: '10.0.0.5', externalTrafficPolicy: 'Local' });
  });

  test('without an address the load balancer picks one', () => {
    expect(values().controller.service).not.toHaveProperty('loadBalancerIP');
  });

  test('handing over to Traefik: Helm keeps the IngressClass when the chart lets go of it', () => {
    expect(values({ role: IngressRole.SERVING }, true).controller.ingressClassResource.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(values().controller.ingressClassResource).not.toHaveProperty('annotations');
  });

  test('side by side: off the host network, no IngressClass of its own, its own address, no Ingress status', () => {
    const controller = values({ role: IngressRole.SIDE_BY_SIDE, loadBalancerIP: '10.0.0.9' }).controller;
    expect(controller).not.toHaveProperty('hostNetwork');
    expect(controller.ingressClassResource).toEqual({ name: INGRESS_CLASS, enabled: false });
    expect(controller.publishService).toEqual({ enabled: false });
    expect(controller.service.loadBalancerIP).toBe('10.0.0.9');
  });
});
