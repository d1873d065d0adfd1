/**
 * Ingress: with Traefik in the tree, every route the customer relies on stays served — the
 * IngressClass `nginx` exists for its Ingress NGINX provider to match, and no Ingress (ours,
 * or one a chart creates from its values) carries an ingress-nginx annotation Traefik ignores.
 */
import { CHARTS, releasedChart } from '../../catalog/charts';
import { NGINX_ANNOTATION_PREFIX, traefikSupport } from '../../catalog/nginx-annotations';
import { fieldsOf } from '../../model/fields';
import type { ValidationContext } from '../model/context';
import type { Finding } from '../model/finding';
import { specOf, type Manifest } from '../model/manifest';
import { defineRule, type Rule } from './rule';

/** HelmReleases of the Traefik chart whose Ingress NGINX provider is on. */
function traefikReleases(ctx: ValidationContext): Manifest[] {
  return ctx.ofFluxKind('HelmRelease').filter((m) => {
    const spec = specOf(m);
    return releasedChart(spec.chart?.spec?.chart ?? '')?.entry === CHARTS.traefik && spec.values?.providers?.kubernetesIngressNGINX?.enabled === true;
  });
}

/** Every `nginx.ingress.kubernetes.io/…` key anywhere in a value, with its dotted path. */
function nginxKeys(value: unknown, path: string): Array<{ path: string; key: string }> {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`;
    return [...(k.startsWith(NGINX_ANNOTATION_PREFIX) ? [{ path: here, key: k }] : []), ...nginxKeys(v, here)];
  });
}

const annotationsRead = defineRule('ingress/traefik-annotation', {
  description: 'with Traefik, every ingress-nginx annotation is one its provider reads or one with a replacement (catalog/nginx-annotations.ts)',
  check: (ctx, findings) => {
    if (traefikReleases(ctx).length === 0) return [];
    const where = (m: Manifest) => (m.object.kind === 'Ingress' ? { value: fieldsOf(m.object.metadata).annotations, path: 'metadata.annotations' }
      : m.object.kind === 'HelmRelease' ? { value: specOf(m).values, path: 'spec.values' } : undefined);
    return ctx.manifests.flatMap((m): Finding[] => {
      const at = where(m);
      if (!at) return [];
      return nginxKeys(at.value, at.path).filter(({ key }) => traefikSupport(key).status === 'ignored').map(({ path, key }) =>
        findings.on(m, `${path}: expected an annotation Traefik's Ingress NGINX provider reads or one with a replacement, found ${key}, which Traefik ignores`));
    });
  },
});

const classServed = defineRule('ingress/class-served', {
  description: 'with Traefik serving alone, the IngressClass nginx its Ingress NGINX provider matches is in the tree',
  check: (ctx, findings) => {
    const releases = traefikReleases(ctx);
    const nginx = ctx.ofFluxKind('HelmRelease').some((m) => releasedChart(specOf(m).chart?.spec?.chart ?? '')?.entry === CHARTS.ingressNginx);
    if (releases.length === 0 || nginx) return [];
    return releases.flatMap((m): Finding[] => {
      const provider = fieldsOf(specOf(m).values?.providers?.kubernetesIngressNGINX);
      const className = provider.ingressClass ?? 'nginx';
      const controller = provider.controllerClass ?? 'k8s.io/ingress-nginx';
      const classes = ctx.ofKind('IngressClass').filter((c) => c.object.metadata.name === className);
      const served = classes.some((c) => specOf(c).controller === controller);
      return served ? [] : [findings.on(m,
        `spec.values.providers.kubernetesIngressNGINX: expected IngressClass ${className} with controller ${controller} in the tree, found ${classes.length === 0 ? 'no such IngressClass' : 'another controller'}: no Ingress would be served`)];
    });
  },
});

export const INGRESS_RULES: readonly Rule[] = [annotationsRead, classServed];
