import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { INGRESS_CLASS } from '../../catalog/platform';
import { platformUrls } from '../../config/urls';
import { PathIngress } from '../../constructs/core/path-ingress';
import { configFrom, MINIMAL, SAMPLE_RECIPIENT } from '../helpers';
import { oneOf } from './synth';

const ingress = (yaml: string, annotations?: Record<string, string>) => {
  const chart = Testing.chart();
  new PathIngress(chart, 'auth', { name: 'keycloak', namespace: 'keycloak', path: '/auth', serviceName: 'keycloak-http', servicePort: 80, urls: platformUrls(configFrom(yaml)), annotations });
  return oneOf(chart, k8s.KubeIngress);
};

describe('PathIngress', () => {
  test('routes one path prefix to a Service port through the nginx class', () => {
    const i = ingress(MINIMAL);
    expect(i.metadata).toEqual({ name: 'keycloak', namespace: 'keycloak' });
    expect(i.spec?.ingressClassName).toBe(INGRESS_CLASS);
    expect(i.spec?.rules?.[0].http?.paths).toEqual([{ path: '/auth', pathType: 'Prefix', backend: { service: { name: 'keycloak-http', port: { number: 80 } } } }]);
  });

  test('in ip mode the rule has no host; in domain mode it is the platform host, without a TLS block of its own', () => {
    expect(ingress(MINIMAL).spec?.rules?.[0]).not.toHaveProperty('host');
    const domain = ingress(`externalAccess: {mode: domain, domain: {name: astrago.lab.example.com}}\nnfs: {server: 10.0.0.6}\nsecrets: {ageRecipients: [${SAMPLE_RECIPIENT}]}\n`);
    expect(domain.spec?.rules?.[0].host).toBe('astrago.lab.example.com');
    expect(domain.spec).not.toHaveProperty('tls');
  });

  test('on a TLS host it redirects to HTTPS itself, as both ingress controllers then agree', () => {
    const tls = ingress(`externalAccess: {mode: domain, domain: {name: astrago.lab.example.com, tls: {enabled: true, secretName: astrago-tls}}}\nnfs: {server: 10.0.0.6}\nsecrets: {ageRecipients: [${SAMPLE_RECIPIENT}]}\n`);
    expect(tls.metadata?.annotations).toEqual({ 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' });
    expect(ingress(MINIMAL).metadata).not.toHaveProperty('annotations');
  });

  test('annotations are passed through', () => {
    expect(ingress(MINIMAL, { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' }).metadata?.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '0' });
  });
});
