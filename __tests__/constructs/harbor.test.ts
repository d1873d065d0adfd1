import { Testing } from 'cdk8s';
import { CHARTS } from '../../catalog/charts';
import { HARBOR_API_URL, Harbor, type HarborProps } from '../../constructs/security/harbor';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { customerManagedCredentials } from './credentials';
import { inventory, oneOf } from './synth';

function harbor(props: Partial<HarborProps> = {}) {
  const chart = Testing.chart();
  new Harbor(chart, 'harbor', {
    credentials: customerManagedCredentials(),
    storageClassName: 'astrago-nfs-csi',
    volumes: { registry: '200Gi', database: '5Gi', redis: '1Gi' },
    ...props,
  });
  const spec = oneOf(chart, HelmRelease).spec!;
  return { chart, spec, values: spec.values };
}

describe('Harbor', () => {
  test('admin password and secret key from their Secrets; the database password reaches the values from its Secret through Flux', () => {
    const { spec, values } = harbor();
    expect(values).toMatchObject({ existingSecretAdminPassword: 'harbor-admin', existingSecretAdminPasswordKey: 'password', existingSecretSecretKey: 'harbor-secret-key' });
    expect(spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'harbor-db', valuesKey: 'password', targetPath: 'database.internal.password' }]);
    expect(JSON.stringify(values)).not.toMatch(/Harbor12345/);
  });

  test('every volume on the given class and size, kept by Helm and never pruned by Flux', () => {
    const { chart, values } = harbor();
    const claims = values.persistence.persistentVolumeClaim;
    expect(values.persistence).toMatchObject({ enabled: true, resourcePolicy: 'keep' });
    const prune = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    expect(claims).toEqual({
      registry: { storageClass: 'astrago-nfs-csi', size: '200Gi', annotations: prune },
      database: { storageClass: 'astrago-nfs-csi', size: '5Gi', annotations: prune },
      redis: { storageClass: 'astrago-nfs-csi', size: '1Gi', annotations: prune },
    });
    expect(inventory(chart)).toEqual(['Namespace/harbor', `HelmRelease/harbor/${CHARTS.harbor.releaseName}`]);
  });

  test('without exposure it stays inside the cluster: ClusterIP, plain HTTP, its in-cluster URL as external URL', () => {
    const { values } = harbor();
    expect(values.expose).toEqual({ type: 'clusterIP', tls: { enabled: false }, clusterIP: { name: 'harbor' } });
    expect(values.externalURL).toBe('http://harbor.harbor.svc.cluster.local');
  });

  test('exposed on a host: an nginx Ingress, over HTTPS with a cert-manager certificate when an issuer is given', () => {
    const tls = harbor({ exposure: { host: 'registry.lab.example.org', tlsIssuer: 'lab-ca' } }).values;
    expect(tls.externalURL).toBe('https://registry.lab.example.org');
    expect(tls.expose).toMatchObject({
      type: 'ingress',
      tls: { enabled: true, certSource: 'secret', secret: { secretName: 'harbor-tls' } },
      ingress: { hosts: { core: 'registry.lab.example.org' }, className: 'nginx', annotations: { 'cert-manager.io/cluster-issuer': 'lab-ca', 'nginx.ingress.kubernetes.io/proxy-body-size': '0' } },
    });
    const plain = harbor({ exposure: { host: 'registry.lab.local' } }).values;
    expect(plain.externalURL).toBe('http://registry.lab.local');
    expect(plain.expose.tls).toEqual({ enabled: false });
    expect(plain.expose.ingress.annotations).not.toHaveProperty('cert-manager.io/cluster-issuer');
  });

  test('the backends reach its API on the core Service, whatever the exposure; no scanner, job logs in the database', () => {
    expect(HARBOR_API_URL).toBe(`http://${CHARTS.harbor.releaseName}-core.${CHARTS.harbor.namespace}.svc.cluster.local`);
    const { values } = harbor();
    expect(values.trivy).toEqual({ enabled: false });
    expect(values.jobservice).toEqual({ jobLoggers: ['database', 'stdout'] });
  });
});
