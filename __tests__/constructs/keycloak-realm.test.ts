import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { platformUrls } from '../../config/urls';
import { CLIENT_SECRET_ENV, DEFAULT_USER_GROUP, KeycloakRealm, LOGIN_THEME } from '../../constructs/security/keycloak-realm';
import { configFrom, MINIMAL, SAMPLE_RECIPIENT } from '../helpers';
import { oneOf } from './synth';

const DOMAIN = `externalAccess: {mode: domain, domain: {name: lab.example.org, tls: {enabled: true, issuer: lab-ca}}}\nnfs: {server: 10.0.0.6}\nsecrets: {ageRecipients: [${SAMPLE_RECIPIENT}]}\n`;

function realm(yaml = MINIMAL, names = { realm: 'astrago', clientId: 'astrago-client' }) {
  const chart = Testing.chart();
  new KeycloakRealm(chart, 'realm', { name: 'keycloak-realm', namespace: 'keycloak', ...names, urls: platformUrls(configFrom(yaml)) });
  const configMap = oneOf(chart, k8s.KubeConfigMap);
  const [[file, json]] = Object.entries(configMap.data ?? {});
  return { configMap, file, realm: JSON.parse(json) };
}

describe('KeycloakRealm', () => {
  test('one realm file per ConfigMap, named after the realm: Keycloak imports every *.json of its folder', () => {
    const { configMap, file } = realm(MINIMAL, { realm: 'lab', clientId: 'lab-portal' });
    expect(configMap.metadata).toEqual({ name: 'keycloak-realm', namespace: 'keycloak' });
    expect(file).toBe('lab-realm.json');
  });

  test('the client redirects only to the platform URL, never to a wildcard, with the Astrago login theme', () => {
    const { realm: r } = realm(DOMAIN, { realm: 'lab', clientId: 'lab-portal' });
    expect(r.realm).toBe('lab');
    expect(r.clients).toHaveLength(1);
    expect(r.clients[0]).toMatchObject({
      clientId: 'lab-portal', publicClient: false, rootUrl: 'https://lab.example.org',
      redirectUris: ['https://lab.example.org/*'], webOrigins: ['https://lab.example.org'],
      attributes: { login_theme: LOGIN_THEME, 'post.logout.redirect.uris': 'https://lab.example.org/*' },
    });
    expect(JSON.stringify(r)).not.toMatch(/"\*"/);
  });

  test('HTTPS required for outside clients when users reach the platform over HTTPS; none over plain HTTP', () => {
    expect(realm(DOMAIN).realm.sslRequired).toBe('external');
    expect(realm().realm.sslRequired).toBe('none');
  });

  test('the client secret is a placeholder Keycloak fills from its environment, never a value', () => {
    expect(realm().realm.clients[0].secret).toBe(`\${${CLIENT_SECRET_ENV}}`);
  });

  test('the roles and groups the backend looks up by name exist; the default role grants neither platform role', () => {
    const { realm: r } = realm();
    expect(r.roles.realm.map((role: { name: string }) => role.name)).toEqual(['ROLE_USER', 'ROLE_ADMIN']);
    expect(JSON.stringify(r.defaultRole)).not.toContain('ROLE_');
    const account = r.groups.find((g: { name: string }) => g.name === DEFAULT_USER_GROUP.parent);
    expect(account.subGroups).toEqual([{ name: DEFAULT_USER_GROUP.name, path: '/account/default' }]);
    expect(r.registrationEmailAsUsername).toBe(true);
  });
});
