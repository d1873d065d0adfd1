import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { KEYCLOAK_PATH, PLATFORM_ROUTES, PLATFORM_SERVICES, type PlatformWorkload } from '../../catalog/platform';
import { platformUrls } from '../../config/urls';
import { PLATFORM_INGRESS_ANNOTATIONS, PlatformIngress } from '../../constructs/applications/platform-ingress';
import { configFrom, MINIMAL, SAMPLE_RECIPIENT } from '../helpers';
import { oneOf } from './synth';

const SECRETS = `secrets: {ageRecipients: [${SAMPLE_RECIPIENT}]}\n`;
const DOMAIN = (tls: string) => `externalAccess: {mode: domain, domain: {name: lab.example.org, tls: ${tls}}}\nnfs: {server: 10.0.0.6}\n${SECRETS}`;

function ingress(yaml = MINIMAL) {
  const chart = Testing.chart();
  const serviceOf = (workload: PlatformWorkload) => {
    const { name, port } = PLATFORM_SERVICES[workload];
    return { service: new kplus.Service(chart, workload, { metadata: { name }, ports: [{ port }] }) };
  };
  new PlatformIngress(chart, 'ingress', {
    namespace: 'astrago',
    urls: platformUrls(configFrom(yaml)),
    workloads: { core: serviceOf('core'), batch: serviceOf('batch'), monitor: serviceOf('monitor'), frontend: serviceOf('frontend') },
  });
  return oneOf(chart, k8s.KubeIngress);
}

describe('PlatformIngress', () => {
  test('every route of the catalog is a Prefix rule to its workload\'s Service port; /auth is left to Keycloak', () => {
    const [rule] = ingress().spec!.rules!;
    const routes = Object.fromEntries(rule.http!.paths.map((p) => [p.path, `${p.pathType} ${p.backend.service?.name}:${p.backend.service?.port?.number}`]));
    expect(routes).toEqual(Object.fromEntries(PLATFORM_ROUTES.map((r) => [r.path, `Prefix ${PLATFORM_SERVICES[r.workload].name}:${PLATFORM_SERVICES[r.workload].port}`])));
    expect(routes).toMatchObject({
      '/api/v1/core/monitor': 'Prefix astrago-backend-monitor:8080',
      '/api/v1/core': 'Prefix astrago-backend-core:8080',
      '/ws/workload': 'Prefix astrago-backend-core:8080',
      '/': 'Prefix astrago-frontend:3000',
    });
    expect(Object.keys(routes)).not.toContain(KEYCLOAK_PATH);
  });

  test('named astrago in the platform namespace, class nginx, with the upload, timeout and buffer annotations', () => {
    const i = ingress();
    expect(i.metadata).toMatchObject({ name: 'astrago', namespace: 'astrago', annotations: PLATFORM_INGRESS_ANNOTATIONS });
    expect(i.spec?.ingressClassName).toBe('nginx');
  });

  test('ip mode: one rule for any host, no TLS', () => {
    const i = ingress();
    expect(i.spec?.rules).toHaveLength(1);
    expect(i.spec?.rules?.[0].host).toBeUndefined();
    expect(i.spec?.tls).toBeUndefined();
  });

  test('domain mode with an issuer: a host rule, the certificate Secret and the cert-manager annotation', () => {
    const i = ingress(DOMAIN('{enabled: true, issuer: letsencrypt-prod, secretName: lab-cert}'));
    expect(i.spec?.rules?.map((r) => r.host)).toEqual(['lab.example.org']);
    expect(i.spec?.tls).toEqual([{ hosts: ['lab.example.org'], secretName: 'lab-cert' }]);
    expect(i.metadata?.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
  });

  test('domain mode with an existing certificate: its Secret, no issuer annotation; without TLS no TLS block', () => {
    const existing = ingress(DOMAIN('{enabled: true, secretName: lab-cert}'));
    expect(existing.spec?.tls).toEqual([{ hosts: ['lab.example.org'], secretName: 'lab-cert' }]);
    expect(existing.metadata?.annotations).toEqual(PLATFORM_INGRESS_ANNOTATIONS);
    expect(ingress(DOMAIN('{enabled: false}')).spec?.tls).toBeUndefined();
  });
});
