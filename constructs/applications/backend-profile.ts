/**
 * What makes each of the three Spring Boot backends different, and the environment each one
 * reads, as data and a pure function: the Backend construct only turns the list into a container.
 */
import type { CredentialName } from '../../catalog/credentials';
import type { EnvEntry } from './platform-pod';

/** The three Spring Boot backends: one image repository, one construct, three profiles. */
export const BackendKind = { CORE: 'core', BATCH: 'batch', MONITOR: 'monitor' } as const;
export type BackendKind = (typeof BackendKind)[keyof typeof BackendKind];

export interface ProbeTiming {
  readonly delay: number;
  readonly period: number;
  readonly timeout: number;
  readonly failures: number;
}

/** What differs between the backends (docs/old-system.md §2.1 and §2.2). */
export interface BackendProfile {
  readonly cpu: { readonly request: number; readonly limit: number };
  readonly memoryMiB: { readonly request: number; readonly limit: number };
  readonly liveness: ProbeTiming;
  readonly readiness: ProbeTiming;
  readonly startup: ProbeTiming;
  readonly gracePeriodSeconds: number;
  readonly pool: { readonly minimumIdle: number; readonly maximumPoolSize: number };
  /** Writes workload logs to the shared volume. */
  readonly workloadLogs: boolean;
  /** Creates users (initial password, credential astrago-user-init-password) and talks to Harbor. */
  readonly managesUsersAndImages: boolean;
  /** Sends report mails with links to the frontend (FRONTEND_URL). */
  readonly mailsLinks: boolean;
  /** Creates workload Ingresses on the platform host (ASTRAGO_INGRESS_DEFAULT_HOST). */
  readonly createsIngresses: boolean;
  /** Matches its request paths with Spring MVC's `ant_path_matcher` rather than the default parser. */
  readonly antPathMatcher: boolean;
}

const liveness: ProbeTiming = { delay: 30, period: 10, timeout: 5, failures: 3 };
const jobProbes = {
  liveness,
  readiness: { delay: 15, period: 5, timeout: 5, failures: 3 },
  startup: { delay: 60, period: 10, timeout: 5, failures: 10 },
};

export const BACKEND_PROFILES: Readonly<Record<BackendKind, BackendProfile>> = {
  core: {
    cpu: { request: 500, limit: 1000 }, memoryMiB: { request: 1536, limit: 2048 }, ...jobProbes,
    gracePeriodSeconds: 10, pool: { minimumIdle: 10, maximumPoolSize: 30 },
    workloadLogs: true, managesUsersAndImages: true, mailsLinks: false, createsIngresses: true, antPathMatcher: false,
  },
  batch: {
    cpu: { request: 500, limit: 1000 }, memoryMiB: { request: 1024, limit: 1536 }, ...jobProbes,
    gracePeriodSeconds: 30, pool: { minimumIdle: 5, maximumPoolSize: 20 },
    workloadLogs: true, managesUsersAndImages: true, mailsLinks: false, createsIngresses: false, antPathMatcher: false,
  },
  monitor: {
    cpu: { request: 500, limit: 1000 }, memoryMiB: { request: 1536, limit: 2560 },
    // Its startup takes up to ~270 s (metric caches warm up before the port opens).
    liveness, readiness: { delay: 30, period: 10, timeout: 10, failures: 3 }, startup: { delay: 90, period: 15, timeout: 10, failures: 12 },
    gracePeriodSeconds: 30, pool: { minimumIdle: 3, maximumPoolSize: 10 },
    workloadLogs: false, managesUsersAndImages: false, mailsLinks: true, createsIngresses: false, antPathMatcher: true,
  },
};

/** Keycloak as the backends see it; absent when the customer has no Keycloak at all. */
export interface BackendIdentity {
  /** `K/auth` (KEYCLOAK_AUTH-SERVER-URL). */
  readonly keycloakUrl: string;
  /** OIDC issuer of the realm. */
  readonly issuerUrl: string;
  /** JWKS endpoint of the realm. */
  readonly jwksUrl: string;
  readonly realm: string;
  readonly client: string;
  /** Keycloak administrator the backends manage users with; its password is credential keycloak-admin. */
  readonly adminUser: string;
}

/** Harbor as the backends see it; absent when Harbor is disabled. */
export interface BackendHarbor {
  /** HARBOR_URL: Harbor's address in the form the image generation expects (`harborUrlFor`). */
  readonly url: string;
  /** Harbor's administrator; its password is credential harbor-admin. */
  readonly adminUser: string;
}

/** The resolved values a backend's environment is made of. */
export interface BackendEnvValues {
  /** JDBC URL of the platform database. */
  readonly databaseUrl: string;
  /** Database user; its password is credential mariadb-user. */
  readonly databaseUser: string;
  /** Hikari connection max lifetime, in milliseconds. */
  readonly connectionMaxLifetimeMs: number;
  /** PROMETHEUS_URL, with scheme. */
  readonly prometheusUrl: string;
  /** What users type to reach the platform (FRONTEND_URL). */
  readonly externalUrl: string;
  /** ASTRAGO_PRIVATE-REGISTRY-URL: '' for the images' own registries. */
  readonly privateRegistry: string;
  /** ASTRAGO_INGRESS_DEFAULT_HOST: '' in ip mode. */
  readonly ingressHost: string;
  /** @default - no Keycloak variables */
  readonly identity?: BackendIdentity;
  /** @default - no Harbor variables */
  readonly harbor?: BackendHarbor;
  /**
   * JAVA_TOOL_OPTIONS, when the JVM must read another trust store.
   * @default - not set
   */
  readonly javaToolOptions?: string;
}

/** The environment of a backend with `profile`, in the order the container lists it. */
export function backendEnv(profile: BackendProfile, values: BackendEnvValues): EnvEntry[] {
  const env: EnvEntry[] = [];
  const set = (name: string, value: string) => env.push({ name, value });
  const secret = (name: string, credential: CredentialName) => env.push({ name, credential });
  set('SPRING_JPA_HIBERNATE_DDL-AUTO', 'none');
  set('SPRING_DATASOURCE_URL', values.databaseUrl);
  set('SPRING_DATASOURCE_USERNAME', values.databaseUser);
  secret('SPRING_DATASOURCE_PASSWORD', 'mariadb-user');
  set('SPRING_DATASOURCE_HIKARI_MAX-LIFETIME', String(values.connectionMaxLifetimeMs));
  set('SPRING_DATASOURCE_HIKARI_CONNECTION-TIMEOUT', '30000');
  set('SPRING_DATASOURCE_HIKARI_IDLE-TIMEOUT', '300000');
  set('SPRING_DATASOURCE_HIKARI_MINIMUM-IDLE', String(profile.pool.minimumIdle));
  set('SPRING_DATASOURCE_HIKARI_MAXIMUM-POOL-SIZE', String(profile.pool.maximumPoolSize));
  set('SPRING_DATASOURCE_HIKARI_LEAK-DETECTION-THRESHOLD', '60000');
  set('SPRING_DATASOURCE_HIKARI_VALIDATION-TIMEOUT', '5000');
  set('SPRING_DATASOURCE_HIKARI_CONNECTION-TEST-QUERY', 'SELECT 1');
  const { identity, harbor } = values;
  if (identity) {
    set('SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_ISSUER-URI', identity.issuerUrl);
    set('SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_JWK-SET-URI', identity.jwksUrl);
    set('KEYCLOAK_REALM', identity.realm);
    set('KEYCLOAK_AUTH-SERVER-URL', identity.keycloakUrl);
    set('KEYCLOAK_RESOURCE', identity.client);
    set('ADMIN_NAME', identity.adminUser);
    secret('ADMIN_PASSWORD', 'keycloak-admin');
  }
  // All three read it (contract §1): image references get it as prefix while the network is closed.
  set('ASTRAGO_PRIVATE-REGISTRY-URL', values.privateRegistry);
  if (profile.managesUsersAndImages) {
    secret('ADMIN_INIT-PASSWORD', 'astrago-user-init-password');
    if (harbor) {
      set('HARBOR_URL', harbor.url);
      set('HARBOR_ID', harbor.adminUser);
      secret('HARBOR_PASSWORD', 'harbor-admin');
    }
  }
  set('PROMETHEUS_URL', values.prometheusUrl);
  if (profile.mailsLinks) set('FRONTEND_URL', values.externalUrl);
  if (profile.createsIngresses) set('ASTRAGO_INGRESS_DEFAULT_HOST', values.ingressHost);
  if (profile.antPathMatcher) set('SPRING_MVC_PATHMATCH_MATCHING-STRATEGY', 'ant_path_matcher');
  if (values.javaToolOptions) set('JAVA_TOOL_OPTIONS', values.javaToolOptions);
  return env;
}
