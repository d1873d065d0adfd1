/**
 * The old system's credentials as an import carries them over. The existing databases were
 * initialised with these values, so the import keeps them (encrypted) rather than generating
 * new ones; those still at the old system's public default are flagged, with how to rotate
 * each one safely after the move.
 *
 * The defaults below are public: they are committed in xiilab/astrago-deployment and in the
 * charts' values.yaml (docs/old-system.md §1.1, §2.2, §8). They are here only to recognise them, and
 * for the three the environment files never set, to supply the value the old chart used.
 */
import { CREDENTIALS, type Consumption, type CredentialName } from '../catalog/credentials';

export interface LegacyCredential {
  /** The value the old system shipped. */
  readonly publicDefault?: string;
  /**
   * Where the old system set the value when no environment file does (its templates or a
   * chart default): the import carries `publicDefault` over, since that initialised the data.
   * @default - the value comes from the environment file
   */
  readonly implicit?: string;
  /**
   * How to replace the value after the move, `<customer>` standing for the customer: `secrets
   * rotate` where its readers read it at start or the tree changes it in the service (MariaDB,
   * PostgreSQL); otherwise the catalog's procedure in the service, then `secrets set
   * --changed-in-service` (commands/secrets-rotation.ts).
   */
  readonly rotate?: string;
  /**
   * Where the old system kept a credential only its owner can give (never generated), and what
   * to do with it after the move, `<customer>` standing for the customer.
   * @default - not a supplied credential
   */
  readonly supplied?: string;
  /**
   * Why a new value is generated instead (the old value protected nothing that persists).
   * @default - the value is carried over
   */
  readonly generated?: string;
}

/** The catalog's procedure for a credential only the operator can change in its service, then `secrets set`. */
const set = (credential: CredentialName) => {
  const consumption: Consumption = CREDENTIALS[credential].consumption;
  return `${consumption.mode === 'initialisation' ? consumption.procedure : ''}, then store the same value: \`npx astrago secrets set <customer> ${credential} --changed-in-service\``;
};

export const LEGACY_CREDENTIALS = {
  'keycloak-admin': {
    publicDefault: 'xiirocks',
    rotate: set('keycloak-admin'),
  },
  'keycloak-client-secret': {
    publicDefault: 'astragosecret',
    rotate: set('keycloak-client-secret'),
  },
  'astrago-user-init-password': {
    publicDefault: 'astrago',
    // Read by the backends on a credential reset only; nothing stores it.
    rotate: '`npx astrago secrets rotate <customer> astrago-user-init-password`',
  },
  'mariadb-root': {
    publicDefault: 'root',
    // The tree changes it in MariaDB (constructs/applications/mariadb-accounts.ts); the hubs no longer use root.
    rotate: '`npx astrago secrets rotate <customer> mariadb-root`',
  },
  'mariadb-user': {
    publicDefault: 'xiirocks',
    rotate: '`npx astrago secrets rotate <customer> mariadb-user`',
  },
  'mariadb-hub': {
    generated: 'the old system had no hub login: the hubs used root',
  },
  'harbor-admin': {
    publicDefault: 'Harbor12345',
    rotate: set('harbor-admin'),
  },
  'keycloak-db': {
    publicDefault: 'keycloak',
    implicit: 'bn_keycloak\'s password in the old Keycloak values (docs/old-system.md §1.1), which initialised Keycloak\'s PostgreSQL',
    // The tree changes it in PostgreSQL (constructs/credentials/postgres-password.ts).
    rotate: '`npx astrago secrets rotate <customer> keycloak-db`',
  },
  'harbor-db': {
    publicDefault: 'changeit',
    implicit: 'the default database.internal.password of Harbor chart 1.14.2, which initialised Harbor\'s PostgreSQL',
    rotate: '`npx astrago secrets rotate <customer> harbor-db`',
  },
  'harbor-secret-key': {
    publicDefault: 'not-a-secure-key',
    implicit: 'the default secretKey of Harbor chart 1.14.2, which encrypts secrets Harbor stored in its database',
    rotate: '`npx astrago secrets rotate <customer> harbor-secret-key --changed-in-service`, then enter the credentials of registry endpoints and OIDC in Harbor again (the old key decrypted them)',
  },
  'grafana-admin': {
    generated: 'the old Grafana kept no volume: its admin password (the chart default) protected nothing that persists',
  },
  'nextauth-secret': {
    generated: 'the old frontend signed sessions with a literal committed in the old chart; a new secret signs users out once',
  },
  'registry-login': {
    supplied: 'the old system pulled the platform images with a pull Secret created by hand (astrago.global.imagePullSecrets, carried over when set): '
      + 'keep it, or store the registry login with `npx astrago secrets set <customer> registry-login`',
  },
} as const satisfies Record<CredentialName, LegacyCredential>;
