import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { DataClaim } from '../../constructs/applications/data-claim';
import { oneOf } from './synth';

describe('DataClaim', () => {
  test('a claim of the given size, class and access mode that Flux never prunes', () => {
    const chart = Testing.chart();
    new DataClaim(chart, 'data', { name: 'db-data', namespace: 'astrago', storageClassName: 'astrago-nfs-csi', size: '8Gi', accessMode: 'ReadWriteOnce', labels: { app: 'db' } });
    const pvc = oneOf(chart, k8s.KubePersistentVolumeClaim);
    expect(pvc.metadata).toEqual({ name: 'db-data', namespace: 'astrago', labels: { app: 'db' }, annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'astrago-nfs-csi', volumeMode: 'Filesystem', resources: { requests: { storage: '8Gi' } } });
  });

  test('the size is written as given, not converted', () => {
    const chart = Testing.chart();
    new DataClaim(chart, 'data', { name: 'logs', namespace: 'astrago', storageClassName: 'nfs', size: '1.5Ti', accessMode: 'ReadWriteMany' });
    expect(oneOf(chart, k8s.KubePersistentVolumeClaim).spec?.resources?.requests).toEqual({ storage: '1.5Ti' });
  });
});
