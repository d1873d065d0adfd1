/**
 * How an ingress controller is exposed. One controller serves: ports 80 and 443 of every node,
 * the LoadBalancer IP of externalAccess and the IngressClass `nginx`. During a switch-over the
 * other one runs side by side, serving the same Ingresses on a LoadBalancer address of its own.
 */
export interface IngressExposure {
  /** What the controller holds. */
  readonly role: IngressRole;
  /**
   * Address the LoadBalancer Service requests (a kube-vip VIP).
   * @default - the load balancer picks one
   */
  readonly loadBalancerIP?: string;
}

/** What an ingress controller holds (`IngressExposure.role`). */
export const IngressRole = {
  /** Ports 80 and 443 of every node, the LoadBalancer IP of externalAccess, the IngressClass. */
  SERVING: 'serving',
  /** A LoadBalancer address of its own only, beside the serving controller. */
  SIDE_BY_SIDE: 'side-by-side',
} as const;
export type IngressRole = (typeof IngressRole)[keyof typeof IngressRole];

/** Ingress controllers also run on control-plane nodes, so every node answers on 80 and 443. */
export const CONTROL_PLANE_TOLERATION = { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' } as const;
