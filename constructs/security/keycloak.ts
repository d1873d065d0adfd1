import type { Construct } from 'constructs';
import { chartImage, CHARTS } from '../../catalog/charts';
import { formatImage } from '../../catalog/images';
import { KEYCLOAK_PATH } from '../../catalog/platform';
import type { PlatformUrls } from '../../config/urls';
import { PRUNE_DISABLED } from '../core/namespace';
import { PathIngress } from '../core/path-ingress';
import { rolloutAnnotations, type CredentialRegistry } from '../credentials/credential-registry';
import { PostgresPassword } from '../credentials/postgres-password';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';
import { CLIENT_SECRET_ENV, KeycloakRealm } from './keycloak-realm';

/** Keycloak's Service (Bitnami: the release name, HTTP on port 80). */
const KEYCLOAK_SERVICE = { name: CHARTS.keycloak.releaseName, port: 80 };
/** Where the Bitnami image imports realm files from with `--import-realm`. */
const IMPORT_DIR = '/opt/bitnami/keycloak/data/import';
/** The ConfigMap holding the realm file, mounted at IMPORT_DIR. */
const REALM_CONFIG_MAP = 'keycloak-realm';

export interface KeycloakImage {
  /** Registry host. */
  readonly registry: string;
  /** Repository path. */
  readonly repository: string;
  /** Pinned tag. */
  readonly tag: string;
}

/** Keycloak's database and its user in the chart's PostgreSQL (the names the old system used). */
const KEYCLOAK_DATABASE = { name: 'bitnami_keycloak', user: 'bn_keycloak' } as const;

export interface KeycloakProps extends ChartComponentProps {
  /** Credential registry: admin, database and client secret. */
  readonly credentials: CredentialRegistry;
  /** The customer's URLs: the Ingress host, Keycloak's own URL and the realm's redirect URIs. */
  readonly urls: PlatformUrls;
  /** The Keycloak image (with the Astrago theme). */
  readonly image: KeycloakImage;
  /** Name of the administrator of the master realm (`keycloak.adminUser`). */
  readonly adminUser: string;
  /** Realm of the platform (`astrago.keycloak.realm`). */
  readonly realm: string;
  /** OIDC client id of the platform (`astrago.keycloak.client`). */
  readonly clientId: string;
  /** StorageClass of the PostgreSQL volume. */
  readonly storageClassName: string;
}

/**
 * Keycloak (Bitnami chart, Keycloak 22) behind the platform's Ingress at `/auth`, in both ip
 * and domain mode, with the platform realm imported on first start from a typed ConfigMap.
 *
 * Every credential arrives through a Secret reference (admin, database, client secret); no
 * password is on any command line. The chart's own Ingress is off: it renders no rule
 * without a hostname, which broke `/auth` in ip mode.
 */
export class Keycloak extends ChartRelease {
  constructor(scope: Construct, id: string, props: KeycloakProps) {
    const ns = CHARTS.keycloak.namespace;
    const admin = props.credentials.ref(scope, 'keycloak-admin', ns);
    const database = props.credentials.ref(scope, 'keycloak-db', ns);
    const clientSecret = props.credentials.ref(scope, 'keycloak-client-secret', ns);
    super(scope, id, {
      chart: CHARTS.keycloak,
      component: props,
      holdsData: true,
      values: {
        image: { ...props.image },
        auth: { adminUser: props.adminUser, existingSecret: admin.name, passwordSecretKey: admin.key },
        production: true,
        // Keycloak reads its database password at every start: a rotation rolls it. The admin and
        // the client secret it reads only into a new database, so their rotation does not restart it.
        podAnnotations: rolloutAnnotations(database),
        // TLS ends at ingress-nginx, which sends X-Forwarded-* headers.
        proxy: 'edge',
        httpRelativePath: `${KEYCLOAK_PATH}/`,
        // The realm is created on first start only (Keycloak skips realms that exist);
        // the legacy redirect_uri logout parameter is what the platform's frontend sends.
        extraStartupArgs: '--import-realm --spi-login-protocol-openid-connect-legacy-logout-redirect-uri=true',
        extraEnvVars: [
          { name: CLIENT_SECRET_ENV, valueFrom: { secretKeyRef: { name: clientSecret.name, key: clientSecret.key } } },
          // Tokens carry the issuer users and backends see, however Keycloak was reached.
          { name: 'KC_HOSTNAME_URL', value: props.urls.keycloakUrl },
          { name: 'KC_HOSTNAME_ADMIN_URL', value: props.urls.keycloakUrl },
        ],
        extraVolumes: [{ name: 'realm', configMap: { name: REALM_CONFIG_MAP } }],
        extraVolumeMounts: [{ name: 'realm', mountPath: IMPORT_DIR, readOnly: true }],
        service: { type: 'ClusterIP' },
        ingress: { enabled: false },
        postgresql: {
          enabled: true,
          // Bitnami's own repository is gone: the catalog's image names where it moved.
          image: { repository: chartImage(CHARTS.keycloak, 'postgresql.image').path },
          auth: {
            // No password for the postgres superuser: remote access as postgres is refused.
            enablePostgresUser: false,
            username: KEYCLOAK_DATABASE.user,
            database: KEYCLOAK_DATABASE.name,
            existingSecret: database.name,
            secretKeys: { userPasswordKey: database.key },
          },
          primary: {
            persistence: { storageClass: props.storageClassName, annotations: { ...PRUNE_DISABLED } },
          },
        },
      },
    });

    new KeycloakRealm(this, 'realm', { name: REALM_CONFIG_MAP, namespace: ns, realm: props.realm, clientId: props.clientId, urls: props.urls });
    new PathIngress(this, 'ingress', {
      name: 'keycloak',
      namespace: ns,
      path: KEYCLOAK_PATH,
      serviceName: KEYCLOAK_SERVICE.name,
      servicePort: KEYCLOAK_SERVICE.port,
      urls: props.urls,
      // Keycloak's cookies and redirect headers exceed nginx's default 4k buffer.
      annotations: { 'nginx.ingress.kubernetes.io/proxy-buffer-size': '128k' },
    });
    // The chart writes the database password only into a new data directory: a rotation changes it in the server.
    const previous = props.credentials.previousRef(scope, 'keycloak-db', ns);
    if (previous) {
      new PostgresPassword(this, 'db-password', {
        name: 'keycloak-db-password', namespace: ns,
        image: formatImage(chartImage(CHARTS.keycloak, 'postgresql.image')),
        // The Bitnami image's user. Its scripts are bash (Debian based), and the subchart's probes
        // run the PostgreSQL clients from PATH (charts/postgresql/templates/primary/statefulset.yaml).
        uid: 1001,
        server: { host: 'keycloak-postgresql', port: 5432 },
        database: KEYCLOAK_DATABASE.name, user: KEYCLOAK_DATABASE.user,
        password: database, previous, rotation: database.rotation ?? 0,
      });
    }
  }
}
