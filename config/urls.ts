/**
 * Every external URL of a customer, derived from `externalAccess` only (its `url` when set): the single source
 * the Ingress, Keycloak's realm and the platform's environment all read.
 */
import { KEYCLOAK_PATH } from '../catalog/platform';
import { DEFAULT_TLS_SECRET, type CustomerConfig } from './schema';

export interface PlatformUrls {
  /** Host rule of the Ingresses; undefined in ip mode (the rule matches any host). */
  readonly host?: string;
  /** Whether users reach the platform over HTTPS. */
  readonly tls: boolean;
  /** TLS Secret of the host certificate (domain mode with TLS). */
  readonly tlsSecretName?: string;
  /** cert-manager ClusterIssuer that issues it, if any. */
  readonly tlsIssuer?: string;
  /** What users type: `https://demo.astrago.ai`, `http://10.61.3.163`, or `externalAccess.url`. */
  readonly baseUrl: string;
  /** Keycloak's base URL (K in the reference): served under KEYCLOAK_PATH (`/auth`) on the platform host. */
  readonly keycloakUrl: string;
  /** OIDC issuer of the platform realm. */
  readonly issuerUrl: string;
  /** JWKS endpoint of the platform realm. */
  readonly jwksUrl: string;
}

export function platformUrls(config: CustomerConfig): PlatformUrls {
  const access = config.externalAccess;
  const tls = access.mode === 'domain' && access.domain.tls.enabled;
  const host = access.mode === 'domain' ? access.domain.name : undefined;
  // An explicit external URL (NAT, port, proxy) wins over the one derived from the access mode.
  const baseUrl = access.url ?? `${tls ? 'https' : 'http'}://${access.mode === 'domain' ? access.domain.name : access.ip.address}`;
  const keycloakBase = (config.astrago.keycloak.baseUrl ?? baseUrl).replace(/\/+$/, '');
  const keycloakUrl = `${keycloakBase}${KEYCLOAK_PATH}`;
  const issuerUrl = `${keycloakUrl}/realms/${config.astrago.keycloak.realm}`;
  return {
    host,
    tls,
    tlsSecretName: tls ? access.domain.tls.secretName ?? DEFAULT_TLS_SECRET : undefined,
    tlsIssuer: tls ? access.domain.tls.issuer : undefined,
    baseUrl,
    keycloakUrl,
    issuerUrl,
    jwksUrl: `${issuerUrl}/protocol/openid-connect/certs`,
  };
}
