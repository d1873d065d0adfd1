import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { INGRESS_CLASS, INGRESS_CLASS_CONTROLLER } from '../../catalog/platform';
import { IngressRole, type IngressExposure } from '../../constructs/infrastructure/ingress-exposure';
import { Traefik } from '../../constructs/infrastructure/traefik';
import { TraefikHsts } from '../../constructs/infrastructure/traefik-hsts';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { Middleware } from '../../imports/traefik.io';
import { oneOf, synthOf } from './synth';

const build = (exposure: IngressExposure) => {
  const chart = Testing.chart();
  const hsts = new TraefikHsts(chart, 'hsts', { namespace: 'traefik' });
  new Traefik(chart, 'traefik', { exposure, hsts });
  return chart;
};

describe('Traefik', () => {
  test('serving: the Ingress NGINX provider on class nginx, host ports 80 and 443, the address, and the IngressClass', () => {
    const chart = build({ role: IngressRole.SERVING, loadBalancerIP: '10.0.0.5' });
    const values = oneOf(chart, HelmRelease).spec?.values;
    expect(values.providers).toEqual({
      kubernetesIngress: { enabled: false },
      kubernetesIngressNGINX: {
        enabled: true, ingressClass: INGRESS_CLASS, controllerClass: INGRESS_CLASS_CONTROLLER, publishService: { enabled: true },
        httpEntryPoint: 'web', httpsEntryPoint: 'websecure',
      },
    });
    expect([values.ports.web.hostPort, values.ports.websecure.hostPort]).toEqual([80, 443]);
    expect(values.service.spec).toEqual({ type: 'LoadBalancer', loadBalancerIP: '10.0.0.5', externalTrafficPolicy: 'Local' });
    expect(oneOf(chart, k8s.KubeIngressClass).spec).toEqual({ controller: INGRESS_CLASS_CONTROLLER });
  });

  test('an upgrade replaces each pod in place: the new one cannot start while the old one holds the host ports', () => {
    const values = oneOf(build({ role: IngressRole.SERVING, loadBalancerIP: '10.0.0.5' }), HelmRelease).spec?.values;
    expect(values.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  });

  test('side by side: no host ports, no IngressClass, no Ingress status', () => {
    const chart = build({ role: IngressRole.SIDE_BY_SIDE, loadBalancerIP: '10.0.0.9' });
    const values = oneOf(chart, HelmRelease).spec?.values;
    expect([values.ports.web.hostPort, values.ports.websecure.hostPort]).toEqual([undefined, undefined]);
    expect(values.providers.kubernetesIngressNGINX.publishService).toEqual({ enabled: false });
    expect(values.service.spec.loadBalancerIP).toBe('10.0.0.9');
    expect(synthOf(chart, k8s.KubeIngressClass)).toEqual([]);
  });

  test('every Ingress path is also served over HTTPS: the provider\'s TLS routers go to websecure, which terminates TLS', () => {
    const values = oneOf(build({ role: IngressRole.SERVING }), HelmRelease).spec?.values;
    expect(values.providers.kubernetesIngressNGINX).toMatchObject({ httpEntryPoint: 'web', httpsEntryPoint: 'websecure' });
    expect(values.ports.websecure.http.tls).toEqual({ enabled: true });
    expect(values.ports.web.http.tls).toBeUndefined();
  });

  // The Middleware itself: traefik-hsts.test.ts.
  test('the HTTPS entry point adds the HSTS Middleware, which it names as Traefik does', () => {
    const chart = build({ role: IngressRole.SERVING });
    expect(oneOf(chart, HelmRelease).spec?.values.ports.websecure.http.middlewares).toEqual(['traefik-hsts@kubernetescrd']);
    expect(oneOf(chart, Middleware).metadata).toEqual({ name: 'hsts', namespace: 'traefik' });
  });
});
