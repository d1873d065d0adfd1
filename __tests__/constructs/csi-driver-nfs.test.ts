import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { CHARTS } from '../../catalog/charts';
import { CsiDriverNfs, NFS_CSI_PROVISIONER } from '../../constructs/infrastructure/csi-driver-nfs';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { oneOf, SCHEMA_DEFAULTS } from './synth';

const nfs = (props: Partial<ConstructorParameters<typeof CsiDriverNfs>[2]> = {}) => {
  const chart = Testing.chart();
  const construct = new CsiDriverNfs(chart, 'nfs', {
    server: 'nfs.lab.local', basePath: '/vol', storageClassName: SCHEMA_DEFAULTS.nfs.storageClassName, ...props,
  });
  return { chart, construct };
};

describe('CsiDriverNfs', () => {
  test('the release is labelled the way the platform\'s storage-plugin page finds an installed NFS plugin (storage-type: NFS, with its name annotation)', () => {
    const release = oneOf(nfs().chart, HelmRelease);
    // ProvisionerRepositoryImpl lists HelmReleases by this label in any namespace and reads the annotation "name" unchecked.
    expect(release.metadata?.labels).toEqual({ 'storage-type': 'NFS' });
    expect(release.metadata?.annotations).toEqual({ name: 'NFS 플러그인' });
    expect(release.metadata).toMatchObject({ name: CHARTS.csiDriverNfs.releaseName, namespace: CHARTS.csiDriverNfs.namespace });
  });

  test('the StorageClass is built from the NFS server and export, and retains volumes', () => {
    const { chart, construct } = nfs({ storageClassName: 'lab-nfs' });
    const sc = oneOf(chart, k8s.KubeStorageClass);
    expect(construct.storageClassName).toBe('lab-nfs');
    expect(sc).toMatchObject({
      metadata: { name: 'lab-nfs', annotations: { 'kustomize.toolkit.fluxcd.io/force': 'enabled' } },
      provisioner: NFS_CSI_PROVISIONER,
      parameters: { server: 'nfs.lab.local', share: '/vol' },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
      mountOptions: ['nfsvers=4.1'],
    });
  });

  test('the StorageClass is astrago-nfs-csi by default (nfs.storageClassName); the chart creates none of its own', () => {
    const { chart, construct } = nfs();
    expect(construct.storageClassName).toBe('astrago-nfs-csi');
    expect(oneOf(chart, k8s.KubeStorageClass).metadata?.name).toBe('astrago-nfs-csi');
    expect(oneOf(chart, HelmRelease).spec?.values).toEqual({ driver: { mountPermissions: '0777' }, storageClass: { create: false } });
  });

  test('mount permissions stay a string, so the driver reads them as octal', () => {
    const { chart } = nfs();
    expect(typeof oneOf(chart, HelmRelease).spec?.values?.driver.mountPermissions).toBe('string');
  });

  test('a version override reaches the release', () => {
    const { chart } = nfs({ version: '4.8.0' });
    expect(oneOf(chart, HelmRelease).spec?.chart?.spec.chart).toBe('./vendor/charts/csi-driver-nfs-4.8.0.tgz');
    expect(nfs().construct.release.version).toBe(CHARTS.csiDriverNfs.version);
  });
});
