import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { CHARTS } from '../../catalog/charts';
import { platformUrls } from '../../config/urls';
import { Keycloak } from '../../constructs/security/keycloak';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { configFrom, MINIMAL, SAMPLE_RECIPIENT } from '../helpers';
import { customerManagedCredentials } from './credentials';
import { inventory, oneOf } from './synth';

const DOMAIN = `externalAccess: {mode: domain, domain: {name: lab.example.org, tls: {enabled: true, issuer: lab-ca}}}\nnfs: {server: 10.0.0.6}\nsecrets: {ageRecipients: [${SAMPLE_RECIPIENT}]}\n`;

function keycloak(yaml = MINIMAL) {
  const chart = Testing.chart();
  new Keycloak(chart, 'keycloak', {
    credentials: customerManagedCredentials(),
    urls: platformUrls(configFrom(yaml)),
    image: { registry: 'docker.io', repository: 'xiilab/astrago-keycloak-theme', tag: 'v1.3.0' },
    adminUser: 'admin',
    realm: 'lab',
    clientId: 'lab-portal',
    storageClassName: 'astrago-nfs-csi',
  });
  return { chart, values: oneOf(chart, HelmRelease).spec?.values };
}

describe('Keycloak', () => {
  test('a release of the catalog chart in a namespace Flux never prunes, with its realm ConfigMap and /auth Ingress', () => {
    const { chart } = keycloak();
    expect(inventory(chart)).toEqual(['Namespace/keycloak', `HelmRelease/keycloak/${CHARTS.keycloak.releaseName}`, 'ConfigMap/keycloak/keycloak-realm', 'Ingress/keycloak/keycloak']);
    expect(oneOf(chart, k8s.KubeNamespace).metadata?.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(Object.keys(oneOf(chart, k8s.KubeConfigMap).data ?? {})).toEqual(['lab-realm.json']);
  });

  test('admin, database and client secret come from their credentials\' Secrets; the realm file is imported at start', () => {
    const { values } = keycloak();
    expect(values.auth).toEqual({ adminUser: 'admin', existingSecret: 'keycloak-admin', passwordSecretKey: 'password' });
    expect(values.postgresql.auth).toMatchObject({ existingSecret: 'keycloak-db', secretKeys: { userPasswordKey: 'password' }, enablePostgresUser: false });
    expect(values.extraEnvVars).toContainEqual({ name: 'ASTRAGO_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'keycloak-client-secret', key: 'password' } } });
    expect(values.extraStartupArgs.split(' ')).toContain('--import-realm');
    expect(values.extraVolumes).toEqual([{ name: 'realm', configMap: { name: 'keycloak-realm' } }]);
    expect(values.extraVolumeMounts).toEqual([{ name: 'realm', mountPath: '/opt/bitnami/keycloak/data/import', readOnly: true }]);
  });

  test('served under /auth behind the ingress controller, which ends TLS; tokens carry the URL users see', () => {
    const { values } = keycloak(DOMAIN);
    expect(values).toMatchObject({ proxy: 'edge', httpRelativePath: '/auth/', ingress: { enabled: false }, service: { type: 'ClusterIP' } });
    expect(values.extraEnvVars).toContainEqual({ name: 'KC_HOSTNAME_URL', value: 'https://lab.example.org/auth' });
    expect(values.extraEnvVars).toContainEqual({ name: 'KC_HOSTNAME_ADMIN_URL', value: 'https://lab.example.org/auth' });
  });

  test('its Ingress routes /auth to the chart\'s Service: any host in ip mode, the platform host in domain mode', () => {
    const path = { path: '/auth', pathType: 'Prefix', backend: { service: { name: 'keycloak', port: { number: 80 } } } };
    const ip = oneOf(keycloak().chart, k8s.KubeIngress);
    expect(ip.spec?.rules).toEqual([{ http: { paths: [path] } }]);
    expect(ip.metadata?.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/proxy-buffer-size': '128k' });
    expect(oneOf(keycloak(DOMAIN).chart, k8s.KubeIngress).spec?.rules).toEqual([{ host: 'lab.example.org', http: { paths: [path] } }]);
  });

  test('the theme image and the database volume follow the props; the volume is kept from pruning', () => {
    const { values } = keycloak();
    expect(values.image).toEqual({ registry: 'docker.io', repository: 'xiilab/astrago-keycloak-theme', tag: 'v1.3.0' });
    expect(values.postgresql.primary.persistence).toEqual({ storageClass: 'astrago-nfs-csi', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
  });

  test('no database password Job before the first rotation of keycloak-db', () => {
    expect(inventory(keycloak().chart).filter((o) => o.startsWith('Job/'))).toEqual([]);
  });
});
