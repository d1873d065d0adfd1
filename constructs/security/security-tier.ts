import { platformUrls } from '../../config/urls';
import { Stage } from '../../model/layout';
import type { TierScope } from '../tier/tier-scope';
import { Harbor } from './harbor';
import { Keycloak } from './keycloak';

/** Security: Keycloak (the platform's identity provider) and the Harbor registry. */
export function buildSecurityTier(scope: TierScope): void {
  const { config, credentials } = scope;
  const { components } = config;
  if (components.keycloak.enabled) {
    new Keycloak(scope.component(Stage.CONTROLLERS, 'keycloak'), 'keycloak', {
      ...scope.chart('keycloak'),
      credentials,
      urls: platformUrls(config),
      image: config.keycloak.image,
      adminUser: config.keycloak.adminUser,
      realm: config.astrago.keycloak.realm,
      clientId: config.astrago.keycloak.client,
      storageClassName: config.nfs.storageClassName,
    });
  }
  if (components.harbor.enabled) {
    new Harbor(scope.component(Stage.CONTROLLERS, 'harbor'), 'harbor', {
      ...scope.chart('harbor'),
      credentials,
      storageClassName: config.nfs.storageClassName,
      volumes: config.harbor.persistence,
      exposure: config.harbor.host ? { host: config.harbor.host, tlsIssuer: platformUrls(config).tlsIssuer } : undefined,
    });
  }
}
