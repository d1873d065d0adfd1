import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { INGRESS_CLASS, PLATFORM_ROUTES, type PlatformWorkload } from '../../catalog/platform';
import type { PlatformUrls } from '../../config/urls';

/**
 * ingress-nginx settings of docs/old-system.md §2.3: unlimited uploads (datasets, models), five-minute
 * timeouts (long API calls and idle WebSockets, which ingress-nginx upgrades without an
 * annotation) and large buffers for Keycloak's token headers. The reference's
 * `client-header-buffer-size` is left out: ingress-nginx reads it only from its ConfigMap.
 */
export const PLATFORM_INGRESS_ANNOTATIONS: Readonly<Record<string, string>> = {
  'nginx.ingress.kubernetes.io/proxy-body-size': '0',
  'nginx.ingress.kubernetes.io/proxy-connect-timeout': '300',
  'nginx.ingress.kubernetes.io/proxy-send-timeout': '300',
  'nginx.ingress.kubernetes.io/proxy-read-timeout': '300',
  'nginx.ingress.kubernetes.io/proxy-buffer-size': '128k',
  'nginx.ingress.kubernetes.io/proxy-buffers-number': '4',
  'nginx.ingress.kubernetes.io/proxy-busy-buffers-size': '256k',
};

export interface PlatformIngressProps {
  /** Namespace of the platform. */
  readonly namespace: string;
  /** Host, TLS Secret and issuer, from `platformUrls`. */
  readonly urls: PlatformUrls;
  /** The workloads `PLATFORM_ROUTES` sends paths to: each path is a Prefix rule to its workload's Service port. */
  readonly workloads: Readonly<Record<PlatformWorkload, { readonly service: kplus.Service }>>;
}

/**
 * The Ingress `astrago`. ip mode: one rule without host, no TLS. domain mode: a host rule,
 * and with TLS the certificate Secret, issued by cert-manager when an issuer is set (else it
 * must exist). Keycloak's `/auth` is served by Keycloak's own Ingress on the same host.
 */
export class PlatformIngress extends Construct {
  constructor(scope: Construct, id: string, props: PlatformIngressProps) {
    super(scope, id);
    const { urls } = props;
    const annotations: Record<string, string> = { ...PLATFORM_INGRESS_ANNOTATIONS };
    if (urls.tlsIssuer) annotations['cert-manager.io/cluster-issuer'] = urls.tlsIssuer;
    const ingress = new kplus.Ingress(this, 'ingress', {
      metadata: { name: 'astrago', namespace: props.namespace, annotations },
      className: INGRESS_CLASS,
    });
    for (const route of PLATFORM_ROUTES) {
      const { service } = props.workloads[route.workload];
      const backend = kplus.IngressBackend.fromService(service, { port: service.port });
      if (urls.host) ingress.addHostRule(urls.host, route.path, backend, kplus.HttpIngressPathType.PREFIX);
      else ingress.addRule(route.path, backend, kplus.HttpIngressPathType.PREFIX);
    }
    if (urls.host && urls.tlsSecretName) {
      ingress.addTls([{ hosts: [urls.host], secret: kplus.Secret.fromSecretName(this, 'tls-secret', urls.tlsSecretName) }]);
    }
  }
}
