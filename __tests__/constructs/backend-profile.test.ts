import { BACKEND_PROFILES, backendEnv, BackendKind, type BackendEnvValues } from '../../constructs/applications/backend-profile';
import type { EnvEntry } from '../../constructs/applications/platform-pod';

const VALUES: BackendEnvValues = {
  databaseUrl: 'jdbc:mariadb://astrago-mariadb:3306/astrago',
  databaseUser: 'astrago',
  connectionMaxLifetimeMs: 1800000,
  prometheusUrl: 'http://prometheus.monitoring.svc.cluster.local:9090',
  externalUrl: 'https://lab.example.org',
  privateRegistry: '',
  ingressHost: 'lab.example.org',
  identity: {
    keycloakUrl: 'https://lab.example.org/auth',
    issuerUrl: 'https://lab.example.org/auth/realms/astrago',
    jwksUrl: 'https://lab.example.org/auth/realms/astrago/protocol/openid-connect/certs',
    realm: 'astrago',
    client: 'astrago-client',
    adminUser: 'admin',
  },
  harbor: { url: 'harbor-core.harbor.svc.cluster.local', adminUser: 'admin' },
};

const env = (kind: BackendKind, values: Partial<BackendEnvValues> = {}) => backendEnv(BACKEND_PROFILES[kind], { ...VALUES, ...values });
/** Plain values by name. */
const plain = (entries: EnvEntry[]) => Object.fromEntries(entries.flatMap((e) => ('value' in e ? [[e.name, e.value]] : [])));
/** The credential each Secret-backed variable reads. */
const credentials = (entries: EnvEntry[]) => Object.fromEntries(entries.flatMap((e) => ('credential' in e ? [[e.name, e.credential]] : [])));

describe('backendEnv', () => {
  test('core and batch read the users\' initial password and Harbor\'s admin; the monitor reads neither, even with Harbor on', () => {
    const managing = {
      SPRING_DATASOURCE_PASSWORD: 'mariadb-user', ADMIN_PASSWORD: 'keycloak-admin', 'ADMIN_INIT-PASSWORD': 'astrago-user-init-password', HARBOR_PASSWORD: 'harbor-admin',
    };
    expect(credentials(env(BackendKind.CORE))).toEqual(managing);
    expect(credentials(env(BackendKind.BATCH))).toEqual(managing);
    expect(credentials(env(BackendKind.MONITOR))).toEqual({ SPRING_DATASOURCE_PASSWORD: 'mariadb-user', ADMIN_PASSWORD: 'keycloak-admin' });
    expect(Object.keys(plain(env(BackendKind.MONITOR))).filter((n) => n.startsWith('HARBOR_'))).toEqual([]);
    expect(plain(env(BackendKind.CORE))).toMatchObject({ HARBOR_URL: 'harbor-core.harbor.svc.cluster.local', HARBOR_ID: 'admin' });
  });

  test('without Harbor no Harbor variable; without Keycloak no Keycloak variable or admin credential', () => {
    const names = (entries: EnvEntry[]) => entries.map((e) => e.name);
    expect(names(env(BackendKind.CORE, { harbor: undefined })).filter((n) => n.startsWith('HARBOR_'))).toEqual([]);
    const noKeycloak = env(BackendKind.CORE, { identity: undefined });
    expect(names(noKeycloak).filter((n) => /^(KEYCLOAK_|SPRING_SECURITY_|ADMIN_NAME$|ADMIN_PASSWORD$)/.test(n))).toEqual([]);
    expect(Object.values(credentials(noKeycloak))).not.toContain('keycloak-admin');
  });

  test('Keycloak URLs, realm and client reach the Spring resource server and the admin client', () => {
    expect(plain(env(BackendKind.BATCH))).toMatchObject({
      'SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_ISSUER-URI': 'https://lab.example.org/auth/realms/astrago',
      'SPRING_SECURITY_OAUTH2_RESOURCE-SERVER_JWT_JWK-SET-URI': 'https://lab.example.org/auth/realms/astrago/protocol/openid-connect/certs',
      'KEYCLOAK_AUTH-SERVER-URL': 'https://lab.example.org/auth',
      KEYCLOAK_REALM: 'astrago',
      KEYCLOAK_RESOURCE: 'astrago-client',
      ADMIN_NAME: 'admin',
    });
  });

  test('every backend gets the database, Prometheus and the private registry; each its own connection pool', () => {
    for (const kind of Object.values(BackendKind)) {
      const values = plain(env(kind, { privateRegistry: 'harbor.lab.local/astrago' }));
      expect(values).toMatchObject({
        SPRING_DATASOURCE_URL: 'jdbc:mariadb://astrago-mariadb:3306/astrago',
        SPRING_DATASOURCE_USERNAME: 'astrago',
        'SPRING_DATASOURCE_HIKARI_MAX-LIFETIME': '1800000',
        PROMETHEUS_URL: 'http://prometheus.monitoring.svc.cluster.local:9090',
        'ASTRAGO_PRIVATE-REGISTRY-URL': 'harbor.lab.local/astrago',
      });
      expect(values['SPRING_DATASOURCE_HIKARI_MAXIMUM-POOL-SIZE']).toBe(String(BACKEND_PROFILES[kind].pool.maximumPoolSize));
    }
    expect(plain(env(BackendKind.CORE))['ASTRAGO_PRIVATE-REGISTRY-URL']).toBe('');
  });

  test('only core gets the Ingress host, only the monitor the frontend URL for its mails and the ant path matcher', () => {
    const core = plain(env(BackendKind.CORE));
    const batch = plain(env(BackendKind.BATCH));
    const monitor = plain(env(BackendKind.MONITOR));
    expect(core.ASTRAGO_INGRESS_DEFAULT_HOST).toBe('lab.example.org');
    expect(plain(env(BackendKind.CORE, { ingressHost: '' })).ASTRAGO_INGRESS_DEFAULT_HOST).toBe('');
    expect(monitor).toMatchObject({ FRONTEND_URL: 'https://lab.example.org', 'SPRING_MVC_PATHMATCH_MATCHING-STRATEGY': 'ant_path_matcher' });
    for (const other of [batch, monitor]) expect(other).not.toHaveProperty('ASTRAGO_INGRESS_DEFAULT_HOST');
    for (const other of [core, batch]) {
      expect(other).not.toHaveProperty('FRONTEND_URL');
      expect(other).not.toHaveProperty('SPRING_MVC_PATHMATCH_MATCHING-STRATEGY');
    }
  });

  test('JAVA_TOOL_OPTIONS only when given, and no variable is listed twice', () => {
    expect(plain(env(BackendKind.CORE))).not.toHaveProperty('JAVA_TOOL_OPTIONS');
    expect(plain(env(BackendKind.CORE, { javaToolOptions: '-Dx=y' })).JAVA_TOOL_OPTIONS).toBe('-Dx=y');
    for (const kind of Object.values(BackendKind)) {
      const names = env(kind, { javaToolOptions: '-Dx=y' }).map((e) => e.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
