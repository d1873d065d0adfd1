import type { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import { INGRESS_CLASS } from '../../catalog/platform';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';
import { CONTROL_PLANE_TOLERATION, IngressRole, type IngressExposure } from './ingress-exposure';

export interface IngressNginxProps extends ChartComponentProps {
  /** Whether ingress-nginx serves the customer's address, or runs side by side with Traefik. */
  readonly exposure: IngressExposure;
  /**
   * Whether Traefik runs side by side with this serving ingress-nginx: the chart's IngressClass
   * is then kept when the chart stops owning it, so Traefik can take it over without a gap
   * (`ingress.sideBySide.enabled`).
   */
  readonly handsOverClass: boolean;
}

/**
 * ingress-nginx as a DaemonSet. Serving, on the host network (ports 80 and 443 on every node)
 * with the default IngressClass `nginx`; side by side, it serves the same class on a
 * LoadBalancer address of its own, and the class belongs to Traefik.
 */
export class IngressNginx extends ChartRelease {
  constructor(scope: Construct, id: string, props: IngressNginxProps) {
    const serving = props.exposure.role === IngressRole.SERVING;
    super(scope, id, {
      chart: CHARTS.ingressNginx,
      component: props,
      values: {
        controller: {
          kind: 'DaemonSet',
          ...(serving ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
          publishService: { enabled: serving },
          ingressClassResource: serving
            ? {
              name: INGRESS_CLASS, enabled: true, default: true,
              // Helm leaves a kept object in place when the chart stops rendering it or is removed.
              ...(props.handsOverClass ? { annotations: { 'helm.sh/resource-policy': 'keep' } } : {}),
            }
            : { name: INGRESS_CLASS, enabled: false },
          tolerations: [CONTROL_PLANE_TOLERATION],
          service: {
            type: 'LoadBalancer',
            loadBalancerIP: props.exposure.loadBalancerIP,
            // Keeps the client address visible to the platform (audit, rate limits).
            externalTrafficPolicy: 'Local',
          },
        },
      },
    });
  }
}
