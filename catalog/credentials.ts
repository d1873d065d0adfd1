/**
 * Every credential the platform needs. Each is, per customer, either
 * - generated: random, created by the first synth that needs it and kept, encrypted, in the
 *   customer's credential store (`credentials/<customer>/`, secrets/credential-store.ts);
 * - supplied: set by the operator with `npx astrago secrets set`, kept in the store the same way;
 * - existing: a Secret the customer manages outside this repository (`secrets.existing`).
 * A credential marked `supplied` is never generated: until the operator sets it (or declares it
 * existing), nothing that needs it is emitted, and `validate` names what is missing.
 * Workloads and releases reach a credential only through a Secret reference.
 */

/**
 * Keys of a credential's Secret: its value, and a user name beside it for consumers that read
 * both (Grafana). A customer-managed Secret (`secrets.existing`) uses them unless it says otherwise.
 */
export const SECRET_KEYS = { value: 'password', username: 'username' } as const;

export interface CredentialSpec {
  /** What the credential protects, in the operator's terms. */
  readonly description: string;
  /** Length of a generated value. */
  readonly length: number;
  /**
   * Characters of a generated value. Alphanumeric by default: values end up in
   * JDBC URLs, shell environments and Helm templates, where symbols need escaping.
   */
  readonly alphabet?: 'alphanumeric' | 'hex';
  /** The consumer accepts only values of exactly `length` characters. */
  readonly exactLength?: boolean;
  /**
   * Never generated (`length` is then unused): a value only its owner can give, set with
   * `secrets set`, in this format: `docker-config`, a Docker config JSON (`{"auths": {…}}`).
   * @default - generated
   */
  readonly supplied?: 'docker-config';
}

export const CREDENTIALS = {
  'keycloak-admin': { description: 'Keycloak administrator password (also used by the backends to manage users)', length: 24 },
  'keycloak-db': { description: 'Password of Keycloak\'s PostgreSQL user', length: 24 },
  'keycloak-client-secret': { description: 'OIDC client secret of the Astrago client in the Keycloak realm', length: 32 },
  'mariadb-root': { description: 'MariaDB root password', length: 24 },
  'mariadb-user': { description: 'Password of the platform\'s MariaDB user', length: 24 },
  'harbor-admin': { description: 'Harbor administrator password', length: 24 },
  'harbor-db': { description: 'Password of Harbor\'s internal PostgreSQL', length: 24 },
  'harbor-secret-key': { description: 'Harbor encryption key', length: 16, exactLength: true },
  'grafana-admin': { description: 'Grafana administrator password', length: 24 },
  'nextauth-secret': { description: 'NextAuth session signing secret of the frontend', length: 64, alphabet: 'hex' },
  'astrago-user-init-password': { description: 'Initial password of users created by the platform', length: 16 },
  'registry-login': {
    description: 'Login to the private registry of the platform images (a Docker config JSON), referenced as the imagePullSecret of the pods that pull them',
    length: 0,
    supplied: 'docker-config',
  },
} as const satisfies Record<string, CredentialSpec>;

export type CredentialName = keyof typeof CREDENTIALS;

export const CREDENTIAL_NAMES = Object.keys(CREDENTIALS).sort() as CredentialName[];

/** Whether a name (a file name, an argument, an annotation) is a credential of the catalog. */
export function isCredentialName(name: unknown): name is CredentialName {
  return typeof name === 'string' && Object.hasOwn(CREDENTIALS, name);
}
