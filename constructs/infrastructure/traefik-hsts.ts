import { Construct } from 'constructs';
import { Middleware } from '../../imports/traefik.io';

/** ingress-nginx's HSTS defaults: `hsts-max-age` one year, `hsts-include-subdomains`, no preload. */
const HSTS_MAX_AGE_SECONDS = 31536000;

export interface TraefikHstsProps {
  /** Namespace of the Middleware (Traefik's). */
  readonly namespace: string;
}

/**
 * The Strict-Transport-Security header ingress-nginx adds to every HTTPS answer, as a Traefik
 * Middleware that Traefik's HTTPS entry point applies to every router. A custom resource of the
 * chart's CRDs: it lives in the tier's configs stage, applied once the chart is Ready.
 */
export class TraefikHsts extends Construct {
  /** How Traefik's static configuration names it: `<namespace>-<name>@kubernetescrd`. */
  public readonly reference: string;

  constructor(scope: Construct, id: string, props: TraefikHstsProps) {
    super(scope, id);
    const name = 'hsts';
    new Middleware(this, 'Resource', {
      metadata: { name, namespace: props.namespace },
      spec: { headers: { stsSeconds: HSTS_MAX_AGE_SECONDS, stsIncludeSubdomains: true } },
    });
    this.reference = `${props.namespace}-${name}@kubernetescrd`;
  }
}
