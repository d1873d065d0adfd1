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

/** Group every new user and admin joins: the backend looks it up by name on each join (§3). */
export const DEFAULT_USER_GROUP = { parent: 'account', name: 'default' } as const;
/** Login theme of the platform client, shipped in the Keycloak image (xiilab/astrago-keycloak-theme). */
export const LOGIN_THEME = 'astrago';

/** A claim filled from a user-session note the client-credentials grant sets. */
const sessionNote = (name: string, note: string) => ({
  name,
  protocol: 'openid-connect',
  protocolMapper: 'oidc-usersessionmodel-note-mapper',
  consentRequired: false,
  config: { 'user.session.note': note, 'claim.name': note, 'jsonType.label': 'String', 'id.token.claim': 'true', 'access.token.claim': 'true' },
});

/**
 * The realm of the platform, in Keycloak's import format (RealmRepresentation), as the old
 * system's 22.0.5 export had it where the backend depends on it: the roles it assigns by name,
 * the groups it walks, the client with its theme and mappers.
 */
export function realmRepresentation(props: Omit<KeycloakRealmProps, 'name' | 'namespace'>): Record<string, unknown> {
  const { baseUrl } = props.urls;
  const appUrls = [`${baseUrl}/*`];
  return {
    realm: props.realm,
    enabled: true,
    // HTTPS for clients outside private networks whenever users reach the platform over HTTPS;
    // over plain HTTP (ip mode, a domain without TLS) Keycloak must accept HTTP from anywhere.
    sslRequired: baseUrl.startsWith('https://') ? 'external' : 'none',
    registrationAllowed: true,
    // The backend looks users up by e-mail.
    registrationEmailAsUsername: true,
    accessTokenLifespan: 300,
    ssoSessionIdleTimeout: 1800,
    ssoSessionMaxLifespan: 36000,
    roles: { realm: [{ name: 'ROLE_USER' }, { name: 'ROLE_ADMIN' }] },
    // The backend assigns ROLE_USER / ROLE_ADMIN itself; the default role grants neither.
    defaultRole: {
      name: `default-roles-${props.realm}`,
      composite: true,
      composites: { realm: ['offline_access', 'uma_authorization'], client: { account: ['view-profile', 'manage-account'] } },
    },
    groups: [
      { name: DEFAULT_USER_GROUP.parent, path: `/${DEFAULT_USER_GROUP.parent}`, subGroups: [{ name: DEFAULT_USER_GROUP.name, path: `/${DEFAULT_USER_GROUP.parent}/${DEFAULT_USER_GROUP.name}` }] },
      { name: 'ws', path: '/ws' },
    ],
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
      attributes: { 'post.logout.redirect.uris': appUrls.join('##'), login_theme: LOGIN_THEME },
      standardFlowEnabled: true,
      directAccessGrantsEnabled: true,
      serviceAccountsEnabled: true,
      protocolMappers: [
        sessionNote('Client ID', 'client_id'),
        sessionNote('Client Host', 'clientHost'),
        sessionNote('Client IP Address', 'clientAddress'),
        {
          name: 'full name',
          protocol: 'openid-connect',
          protocolMapper: 'oidc-full-name-mapper',
          consentRequired: false,
          config: { 'id.token.claim': 'true', 'access.token.claim': 'true', 'userinfo.token.claim': 'true' },
        },
      ],
    }],
  };
}

/** Key of the realm file: Keycloak imports every `*.json` of its import folder. */
export function realmFileName(realm: string): string {
  return `${realm}-realm.json`;
}

/** The realm file as a ConfigMap, mounted into Keycloak's import folder. */
export class KeycloakRealm extends Construct {
  constructor(scope: Construct, id: string, props: KeycloakRealmProps) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      data: { [realmFileName(props.realm)]: JSON.stringify(realmRepresentation(props), null, 2) + '\n' },
    });
  }
}
