import { CHARTS } from '../../catalog/charts';
import { IngressController } from '../../config/schema';
import { Stage } from '../../model/layout';
import type { TierScope } from '../tier/tier-scope';
import { CsiDriverNfs } from './csi-driver-nfs';
import { GpuOperator } from './gpu-operator';
import { IngressRole, type IngressExposure } from './ingress-exposure';
import { IngressNginx } from './ingress-nginx';
import { Traefik } from './traefik';
import { TraefikHsts } from './traefik-hsts';

/** Infrastructure: storage, GPUs and ingress, which every later tier stands on. */
export function buildInfrastructureTier(scope: TierScope): void {
  const { config } = scope;
  const { components } = config;
  if (components.csiDriverNfs.enabled) {
    new CsiDriverNfs(scope.component(Stage.CONTROLLERS, 'csi-driver-nfs'), 'csi-driver-nfs', {
      ...scope.chart('csiDriverNfs'),
      server: config.nfs.server,
      basePath: config.nfs.basePath,
      storageClassName: config.nfs.storageClassName,
    });
  }
  if (components.gpuOperator.enabled) {
    new GpuOperator(scope.component(Stage.CONTROLLERS, 'gpu-operator'), 'gpu-operator', {
      ...scope.chart('gpuOperator'),
      scrapeInterval: config.monitoring.gpuScrapeInterval,
      migStrategy: config.gpu.migStrategy,
    });
  }
  buildIngressControllers(scope);
}

/**
 * The controller `ingress.controller` names serves; with `ingress.sideBySide` the other one runs
 * beside it on an address of its own, for a switch-over (docs/ingress-traefik.md).
 */
function buildIngressControllers(scope: TierScope): void {
  const { config } = scope;
  const { components, ingress } = config;
  const exposure = (controller: IngressController): IngressExposure => (controller === ingress.controller
    ? { role: IngressRole.SERVING, loadBalancerIP: config.externalAccess.ip.address }
    : { role: IngressRole.SIDE_BY_SIDE, loadBalancerIP: ingress.sideBySide.address });
  const deployed = (controller: IngressController) => controller === ingress.controller || ingress.sideBySide.enabled;
  if (components.ingressNginx.enabled && deployed(IngressController.INGRESS_NGINX)) {
    new IngressNginx(scope.component(Stage.CONTROLLERS, 'ingress-nginx'), 'ingress-nginx', {
      ...scope.chart('ingressNginx'),
      exposure: exposure(IngressController.INGRESS_NGINX),
      handsOverClass: ingress.sideBySide.enabled,
    });
  }
  if (components.traefik.enabled && deployed(IngressController.TRAEFIK)) {
    // In the configs stage: its CRD comes with the chart.
    const hsts = new TraefikHsts(scope.component(Stage.CONFIGS, 'traefik-middlewares'), 'hsts', { namespace: CHARTS.traefik.namespace });
    new Traefik(scope.component(Stage.CONTROLLERS, 'traefik'), 'traefik', {
      ...scope.chart('traefik'),
      exposure: exposure(IngressController.TRAEFIK),
      hsts,
    });
  }
}
