import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { PlatformUrls } from '../../config/urls';

/**
 * Environment variable Keycloak substitutes for `${…}` in the realm file at import: the
 * client secret reaches the realm from a Secret, never from this ConfigMap.
 */
export const CLIENT_SECRET_ENV = 'ASTRAGO_CLIENT_SECRET';

export interface KeycloakRealmProps {
  /** Name of the ConfigMap. */
  readonly name: string;
  /** Namespace of Keycloak. */
  readonly namespace: string;
  /** Realm name. */
  readonly realm: string;
  /** OIDC client id of the platform. */
  readonly clientId: string;
  /** The customer's URLs: redirect URIs, web origins and the TLS requirement derive from them. */
  readonly urls: PlatformUrls;
}

/** The realm of the platform, in Keycloak's import format (RealmRepresentation). */
export function realmRepresentation(props: Omit<KeycloakRealmProps, 'name' | 'namespace'>): Record<string, unknown> {
  const { baseUrl } = props.urls;
  const appUrls = [`${baseUrl}/*`];
  return {
    realm: props.realm,
    enabled: true,
    // HTTPS for every client outside private networks once users reach a domain; ip mode is plain HTTP.
    sslRequired: props.urls.host ? 'external' : 'none',
    registrationAllowed: true,
    accessTokenLifespan: 300,
    ssoSessionIdleTimeout: 1800,
    ssoSessionMaxLifespan: 36000,
    roles: { realm: [{ name: 'ROLE_USER' }, { name: 'ROLE_ADMIN' }] },
    defaultRole: {
      name: `default-roles-${props.realm}`,
      composite: true,
      composites: { realm: ['offline_access', 'uma_authorization', 'ROLE_USER'] },
    },
    groups: [{ name: 'account', path: '/account' }, { name: 'ws', path: '/ws' }],
    clients: [{
      clientId: props.clientId,
      enabled: true,
      protocol: 'openid-connect',
      publicClient: false,
      clientAuthenticatorType: 'client-secret',
      secret: '${' + CLIENT_SECRET_ENV + '}',
      rootUrl: baseUrl,
      baseUrl: '/',
      redirectUris: appUrls,
      webOrigins: [baseUrl],
      attributes: { 'post.logout.redirect.uris': appUrls.join('##') },
      standardFlowEnabled: true,
      directAccessGrantsEnabled: true,
      serviceAccountsEnabled: true,
    }],
  };
}

/** Key of the realm file: Keycloak imports every `*.json` of its import folder. */
export function realmFileName(realm: string): string {
  return `${realm}-realm.json`;
}

/** The realm file as a ConfigMap, mounted into Keycloak's import folder. */
export class KeycloakRealm extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: KeycloakRealmProps) {
    super(scope, id);
    this.name = props.name;
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      data: { [realmFileName(props.realm)]: JSON.stringify(realmRepresentation(props), null, 2) + '\n' },
    });
  }
}
