import { Stage } from '../../model/layout';
import type { TierScope } from '../tier/tier-scope';
import { CsiDriverNfs } from './csi-driver-nfs';
import { GpuOperator } from './gpu-operator';
import { IngressNginx } from './ingress-nginx';

/** Infrastructure: storage, GPUs and ingress, which every later tier stands on. */
export function buildInfrastructureTier(scope: TierScope): void {
  const { config, sources } = scope;
  const { components } = config;
  if (components.csiDriverNfs.enabled) {
    new CsiDriverNfs(scope.component(Stage.CONTROLLERS, 'csi-driver-nfs'), 'csi-driver-nfs', {
      sources,
      server: config.nfs.server,
      basePath: config.nfs.basePath,
      storageClassName: config.nfs.storageClassName,
      version: components.csiDriverNfs.version,
    });
  }
  if (components.gpuOperator.enabled) {
    new GpuOperator(scope.component(Stage.CONTROLLERS, 'gpu-operator'), 'gpu-operator', {
      sources,
      scrapeInterval: config.monitoring.gpuScrapeInterval,
      migStrategy: config.gpu.migStrategy,
      version: components.gpuOperator.version,
    });
  }
  if (components.ingressNginx.enabled) {
    new IngressNginx(scope.component(Stage.CONTROLLERS, 'ingress-nginx'), 'ingress-nginx', {
      sources,
      loadBalancerIP: config.externalAccess.ip.address,
      version: components.ingressNginx.version,
    });
  }
}
