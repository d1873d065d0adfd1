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

/**
 * Name of the Secret holding the value a credential's last rotation replaced, for the Job that
 * changes it in its service (the Secret's annotation names the credential, like the others').
 */
export function previousSecretName(credential: string): string {
  return `${credential}-previous`;
}

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
  /** When its consumers read the value, and so what changing it takes (`secrets rotate`, `secrets set`). */
  readonly consumption: Consumption;
  /**
   * Never generated (`length` is then unused): a value only its owner can give, set with
   * `secrets set`, in this format: `docker-config`, a Docker config JSON (`{"auths": {…}}`).
   * @default - generated
   */
  readonly supplied?: 'docker-config';
}

/**
 * How a service changes an initialisation-only credential in place: the SQL of the database
 * server, or the service's own admin API. `none`: the service cannot change it at all.
 */
export type InServiceChange = 'mariadb-alter-user' | 'postgresql-alter-user' | 'keycloak-admin-api' | 'harbor-api' | 'none';

/**
 * When the consumers of a credential read it.
 * - `every-start`: each start reads the value from its Secret; a restart of the readers is
 *   the whole change.
 * - `initialisation`: the service stores the value when it first initialises its data and
 *   ignores the Secret afterwards; changing it means changing it in the service first (`change`).
 */
export type Consumption =
  | { readonly mode: 'every-start'; /** The workloads that read it, restarted by a change. */ readonly readers: string }
  | {
    readonly mode: 'initialisation';
    /** Where the service keeps the value. */
    readonly keptIn: string;
    readonly change: InServiceChange;
    /**
     * What the operator does in the service before `secrets set … --changed-in-service`, when the
     * tree does not make the change itself.
     * @default - the tree changes it in the service: `secrets rotate` needs no manual step
     */
    readonly procedure?: string;
  };

export const CREDENTIALS = {
  'keycloak-admin': {
    description: 'Keycloak administrator password (also used by the backends to manage users)', length: 24,
    consumption: {
      mode: 'initialisation', keptIn: 'Keycloak\'s database: the bootstrap admin is created once', change: 'keycloak-admin-api',
      procedure: 'sign in to Keycloak\'s admin console (realm master) as admin, open Users → admin → Credentials and reset the password to the new value (Temporary: off)',
    },
  },
  'keycloak-db': {
    description: 'Password of Keycloak\'s PostgreSQL user', length: 24,
    consumption: {
      mode: 'initialisation', keptIn: 'Keycloak\'s PostgreSQL: user bn_keycloak is created when the data directory is initialised', change: 'postgresql-alter-user',
    },
  },
  'keycloak-client-secret': {
    description: 'OIDC client secret of the Astrago client in the Keycloak realm', length: 32,
    consumption: {
      mode: 'initialisation', keptIn: 'the realm in Keycloak\'s database: --import-realm skips an existing realm', change: 'keycloak-admin-api',
      procedure: 'in Keycloak\'s admin console, realm astrago, open Clients → astrago-client → Credentials and regenerate the client secret: the one shown is the new value',
    },
  },
  'mariadb-root': {
    description: 'MariaDB root password', length: 24,
    consumption: { mode: 'initialisation', keptIn: 'MariaDB\'s grant tables: the image reads MARIADB_ROOT_PASSWORD only into an empty data directory', change: 'mariadb-alter-user' },
  },
  'mariadb-user': {
    description: 'Password of the platform\'s MariaDB user', length: 24,
    consumption: { mode: 'initialisation', keptIn: 'MariaDB\'s grant tables: the image reads MARIADB_PASSWORD only into an empty data directory', change: 'mariadb-alter-user' },
  },
  'mariadb-hub': {
    description: 'Password of the MariaDB login of hub workloads (the hub API shows it to every platform user)', length: 24,
    consumption: { mode: 'initialisation', keptIn: 'MariaDB\'s grant tables and the ENVS of the TB_HUB rows', change: 'mariadb-alter-user' },
  },
  'harbor-admin': {
    description: 'Harbor administrator password', length: 24,
    consumption: {
      mode: 'initialisation', keptIn: 'Harbor\'s database: harborAdminPassword is used only at the first start', change: 'harbor-api',
      procedure: 'sign in to Harbor\'s portal as admin, open admin → Change Password and set the new value',
    },
  },
  'harbor-db': {
    description: 'Password of Harbor\'s internal PostgreSQL', length: 24,
    consumption: {
      mode: 'initialisation', keptIn: 'Harbor\'s internal PostgreSQL: the password is set when the data directory is initialised', change: 'postgresql-alter-user',
    },
  },
  'harbor-secret-key': {
    description: 'Harbor encryption key', length: 16, exactLength: true,
    consumption: {
      mode: 'initialisation', keptIn: 'Harbor\'s database: the key encrypts the secrets Harbor stores (registry endpoint passwords, the OIDC client secret)', change: 'none',
      procedure: 'nothing can be changed in Harbor beforehand: after the change, enter the passwords of registry endpoints and the OIDC client secret in Harbor again (only the old key decrypted them)',
    },
  },
  'grafana-admin': {
    description: 'Grafana administrator password', length: 24,
    consumption: { mode: 'every-start', readers: 'Grafana (no persistent volume: its database, and the admin in it, is created at every start)' },
  },
  'nextauth-secret': {
    description: 'NextAuth session signing secret of the frontend', length: 64, alphabet: 'hex',
    consumption: { mode: 'every-start', readers: 'the frontend (sessions signed with the old value end: users sign in again)' },
  },
  'astrago-user-init-password': {
    description: 'Initial password of users created by the platform', length: 16,
    consumption: { mode: 'every-start', readers: 'the core and batch backends (users created afterwards get the new value)' },
  },
  'registry-login': {
    description: 'Login to the private registry of the platform images (a Docker config JSON), referenced as the imagePullSecret of the pods that pull them',
    length: 0,
    supplied: 'docker-config',
    consumption: { mode: 'every-start', readers: 'the kubelet, at each image pull of the pods that reference it (running pods keep their images)' },
  },
} as const satisfies Record<string, CredentialSpec>;

export type CredentialName = keyof typeof CREDENTIALS;

export const CREDENTIAL_NAMES = Object.keys(CREDENTIALS).sort() as CredentialName[];

/** Whether a name (a file name, an argument, an annotation) is a credential of the catalog. */
export function isCredentialName(name: unknown): name is CredentialName {
  return typeof name === 'string' && Object.hasOwn(CREDENTIALS, name);
}
