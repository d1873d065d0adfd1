import { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';
import type { HelmRelease } from '../flux/helm-release';

/** IngressClass every Ingress of the platform uses. */
export const INGRESS_CLASS = 'nginx';

export interface IngressNginxProps extends ChartComponentProps {
  /**
   * Address the LoadBalancer Service requests (the kube-vip VIP users reach).
   * @default - the load balancer picks one
   */
  readonly loadBalancerIP?: string;
}

/**
 * ingress-nginx as a DaemonSet on the host network, serving ports 80 and 443 on every node,
 * with the default IngressClass `nginx`.
 */
export class IngressNginx extends Construct {
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: IngressNginxProps) {
    super(scope, id);
    const chart = CHARTS.ingressNginx;
    this.release = new ChartRelease(this, 'chart', {
      chart,
      component: props,
      values: {
        controller: {
          kind: 'DaemonSet',
          hostNetwork: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          publishService: { enabled: true },
          ingressClassResource: { name: INGRESS_CLASS, enabled: true, default: true },
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
          service: {
            type: 'LoadBalancer',
            loadBalancerIP: props.loadBalancerIP,
            // Keeps the client address visible to the platform (audit, rate limits).
            externalTrafficPolicy: 'Local',
          },
        },
      },
    }).release;
  }
}
