import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { INGRESS_CLASS } from '../../catalog/platform';
import type { PlatformUrls } from '../../config/urls';

const FORCE_SSL_REDIRECT = 'nginx.ingress.kubernetes.io/force-ssl-redirect';

export interface PathIngressProps {
  /** Name of the Ingress. */
  readonly name: string;
  /** Namespace of the Ingress and of the Service it routes to. */
  readonly namespace: string;
  /** Path prefix served, e.g. `/auth`. */
  readonly path: string;
  /** Service that answers under the path. */
  readonly serviceName: string;
  /** Port number of that Service. */
  readonly servicePort: number;
  /** The customer's URLs: the host rule (none in ip mode). */
  readonly urls: PlatformUrls;
  /**
   * ingress-nginx annotations.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * One path of the platform host, routed to a Service in another namespace than the
 * platform's Ingress. In ip mode the rule has no host, so it matches the address users
 * type; ingress-nginx picks the longest Prefix, so `/auth` wins over the frontend's `/`.
 * No TLS block: the certificate is the host's, held by the platform Ingress in its own
 * namespace, and both controllers serve one certificate per host for every Ingress of it.
 */
export class PathIngress extends Construct {
  constructor(scope: Construct, id: string, props: PathIngressProps) {
    super(scope, id);
    // The host's HTTPS redirect, which ingress-nginx applies to every path of a host with TLS,
    // but Traefik only to Ingresses with a tls block of their own.
    const annotations: Record<string, string> = { ...props.annotations, ...(props.urls.tls ? { [FORCE_SSL_REDIRECT]: 'true' } : {}) };
    new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      spec: {
        ingressClassName: INGRESS_CLASS,
        rules: [{
          host: props.urls.host,
          http: {
            paths: [{
              path: props.path,
              pathType: 'Prefix',
              backend: { service: { name: props.serviceName, port: { number: props.servicePort } } },
            }],
          },
        }],
      },
    });
  }
}
