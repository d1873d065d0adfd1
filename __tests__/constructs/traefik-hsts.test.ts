import { Testing } from 'cdk8s';
import { TraefikHsts } from '../../constructs/infrastructure/traefik-hsts';
import { Middleware } from '../../imports/traefik.io';
import { oneOf } from './synth';

describe('TraefikHsts', () => {
  const build = (namespace: string) => {
    const chart = Testing.chart();
    const hsts = new TraefikHsts(chart, 'hsts', { namespace });
    return { hsts, middleware: oneOf(chart, Middleware) };
  };

  test('the Strict-Transport-Security header of ingress-nginx: one year, subdomains included, no preload', () => {
    const { middleware } = build('traefik');
    expect(middleware.metadata).toEqual({ name: 'hsts', namespace: 'traefik' });
    expect(middleware.spec).toEqual({ headers: { stsSeconds: 31536000, stsIncludeSubdomains: true } });
  });

  test('its reference is the name Traefik gives a Middleware of its CRD provider: <namespace>-<name>@kubernetescrd', () => {
    expect(build('traefik').hsts.reference).toBe('traefik-hsts@kubernetescrd');
    expect(build('edge').hsts.reference).toBe('edge-hsts@kubernetescrd');
  });
});
