import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { INGRESS_CLASS, INGRESS_CLASS_CONTROLLER } from '../../catalog/platform';
import { PRUNE_DISABLED } from '../core/namespace';

/** Makes the class the default: Ingresses created without a class get it on admission. */
const DEFAULT_CLASS = { 'ingressclass.kubernetes.io/is-default-class': 'true' } as const;

/**
 * The IngressClass `nginx`, emitted by us when Traefik serves it (the ingress-nginx chart
 * creates its own). Flux never prunes it: during a switch back to ingress-nginx the chart
 * adopts it instead of the class disappearing under the running Ingresses.
 */
export class NginxIngressClass extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new k8s.KubeIngressClass(this, 'Resource', {
      metadata: { name: INGRESS_CLASS, annotations: { ...DEFAULT_CLASS, ...PRUNE_DISABLED } },
      spec: { controller: INGRESS_CLASS_CONTROLLER },
    });
  }
}
