import type { CredentialName } from '../catalog/credentials';

/**
 * Keys of the old Helmfile values files that this schema does not accept as such.
 *
 * - `unused`: the old system accepted the key but nothing read it. The key is dropped
 *   with a warning that names what replaces it, so an old file still loads.
 * - `retired`: this system read the key once and no longer needs it. Dropped with a warning
 *   that says why, so a customer file written before still loads.
 * - `credential`: a password or secret in plain text. Loading stops with an error:
 *   a credential must never sit in git unencrypted (see `secrets` in the README).
 */
export type LegacyKind = 'unused' | 'retired' | 'credential';

export interface LegacyKey {
  /** Dotted key path in the customer file. */
  readonly path: string;
  readonly kind: LegacyKind;
  /** What replaces the key, in the user's terms. */
  readonly replacement: string;
  /** The credential that holds the value now (kind `credential`). */
  readonly credential?: CredentialName;
}

const unused = (path: string, replacement: string): LegacyKey => ({ path, kind: 'unused', replacement });
const retired = (path: string, replacement: string): LegacyKey => ({ path, kind: 'retired', replacement });
const credential = (path: string, name: CredentialName): LegacyKey => ({
  path,
  kind: 'credential',
  credential: name,
  replacement: `credential "${name}" (generated and SOPS-encrypted by synth, or set with \`npx astrago secrets set <customer> ${name}\`)`,
});

export const LEGACY_KEYS: readonly LegacyKey[] = [
  unused('externalIP', 'externalAccess.ip.address'),
  unused('externalAccess.ip.port', 'externalAccess.ip.address (the Ingress serves ports 80 and 443)'),
  unused('keycloak.servicePort', 'externalAccess (Keycloak is served under /auth on the platform Ingress)'),
  unused('astrago.servicePort', 'externalAccess (the platform is served by the Ingress on ports 80 and 443)'),
  unused('harbor.servicePort', 'externalAccess (Harbor stays ClusterIP)'),
  unused('harbor.enabled', 'components.harbor.enabled'),
  unused('offline.httpServer', 'offline.git: charts come from this Git repository (vendor/charts/)'),
  retired('offline.charts', 'charts come from this Git repository (vendor/charts/), which offline.git serves: no chart mirror is needed'),
  // Read by the old system, but its default (http://127.0.0.1:30080) was wrong for every site: not carried over.
  unused('astrago.baseUrl', 'externalAccess, from which every platform URL is derived; externalAccess.url only behind NAT, another port or a proxy'),
  unused('keycloak.userInitPassword', 'the credential "astrago-user-init-password"'),
  unused('astrago.keycloak.userInitPassword', 'the credential "astrago-user-init-password"'),
  credential('keycloak.adminPassword', 'keycloak-admin'),
  credential('astrago.userInitPassword', 'astrago-user-init-password'),
  credential('astrago.keycloak.clientSecret', 'keycloak-client-secret'),
  credential('astrago.mariadb.rootPassword', 'mariadb-root'),
  credential('astrago.mariadb.password', 'mariadb-user'),
  credential('harbor.adminPassword', 'harbor-admin'),
];
