import type { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import { INGRESS_CLASS, INGRESS_CLASS_CONTROLLER } from '../../catalog/platform';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';
import { NginxIngressClass } from './ingress-class';
import { CONTROL_PLANE_TOLERATION, IngressRole, type IngressExposure } from './ingress-exposure';
import type { TraefikHsts } from './traefik-hsts';

/**
 * Largest request header block Traefik accepts, in bytes: 1 MiB (Go's default, written out so
 * it cannot shrink under us). Keycloak's tokens and cookies need far more than nginx's 4k default,
 * which the platform worked around with 8k–128k buffers.
 */
export const TRAEFIK_MAX_HEADER_BYTES = 1048576;

/** The chart's entry points: plain HTTP on 80, HTTPS on 443. */
const WEB = 'web';
const WEBSECURE = 'websecure';

export interface TraefikProps extends ChartComponentProps {
  /** Whether Traefik serves the customer's address, or runs side by side with ingress-nginx. */
  readonly exposure: IngressExposure;
  /** The HSTS header of every HTTPS answer (a Middleware of the configs stage). */
  readonly hsts: TraefikHsts;
}

/**
 * Traefik as a DaemonSet that serves the Ingresses of class `nginx` with their ingress-nginx
 * annotations, through its Kubernetes Ingress NGINX provider. Only that provider routes
 * Ingresses: the standard Ingress provider would route them a second time.
 *
 * Serving, it holds ports 80 and 443 of every node (hostPort), the LoadBalancer IP of
 * externalAccess and the IngressClass `nginx`; side by side, only a LoadBalancer address of its own.
 */
export class Traefik extends ChartRelease {
  constructor(scope: Construct, id: string, props: TraefikProps) {
    const { exposure } = props;
    const serving = exposure.role === IngressRole.SERVING;
    // Traefik v3 ends a request still being read after 60s: uploads of datasets and models
    // (proxy-body-size 0) take longer. nginx bounds only the pause between two reads (60s).
    const entryPoint = (hostPort: number, https: { middlewares: readonly string[] } | undefined = undefined) => ({
      ...(serving ? { hostPort } : {}),
      http: {
        maxHeaderBytes: TRAEFIK_MAX_HEADER_BYTES,
        // TLS on the entry point itself (the chart's default, written out): every router on it terminates TLS.
        ...(https ? { middlewares: https.middlewares, tls: { enabled: true } } : {}),
      },
      transport: { respondingTimeouts: { readTimeout: 0 } },
    });
    super(scope, id, {
      chart: CHARTS.traefik,
      component: props,
      values: {
        deployment: { kind: 'DaemonSet' },
        // A new pod needs the host ports the old one holds: the chart's surge-first default would
        // leave it Pending for ever, and the rollout (and every tier after it) stuck.
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        // Our IngressClass `nginx` is the default class; the chart's own `traefik` class is not used.
        ingressClass: { enabled: false },
        providers: {
          kubernetesIngress: { enabled: false },
          kubernetesIngressNGINX: {
            enabled: true,
            ingressClass: INGRESS_CLASS,
            controllerClass: INGRESS_CLASS_CONTROLLER,
            // Ingress status shows the serving controller's address only.
            publishService: { enabled: serving },
            // Every path gets an HTTP router and a TLS router (the provider's loadConfiguration). Unnamed,
            // the HTTP routers go to every entry point without TLS (Traefik's own ports too) and the TLS
            // routers to every default one; named, HTTP is served on web only and HTTPS on websecure for
            // every path, /auth and /grafana included (no tls block of their own: the certificate is the
            // platform Ingress's, one per host).
            httpEntryPoint: WEB,
            httpsEntryPoint: WEBSECURE,
          },
        },
        ports: {
          [WEB]: entryPoint(80),
          [WEBSECURE]: entryPoint(443, { middlewares: [props.hsts.reference] }),
        },
        tolerations: [CONTROL_PLANE_TOLERATION],
        service: {
          spec: {
            type: 'LoadBalancer',
            loadBalancerIP: exposure.loadBalancerIP,
            // Keeps the client address visible to the platform (audit, rate limits).
            externalTrafficPolicy: 'Local',
          },
        },
      },
    });
    if (serving) new NginxIngressClass(this, 'ingress-class');
  }
}
