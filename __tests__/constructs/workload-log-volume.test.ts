import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { WorkloadLogVolume, type WorkloadLogVolumeProps } from '../../constructs/applications/workload-log-volume';
import { oneOf } from './synth';

const volume = (props: Partial<WorkloadLogVolumeProps> = {}) => {
  const chart = Testing.chart();
  const construct = new WorkloadLogVolume(chart, 'logs', { namespace: 'astrago', storageClassName: 'astrago-nfs-csi', size: '10Gi', accessMode: 'ReadWriteMany', ...props });
  return { construct, claim: oneOf(chart, k8s.KubePersistentVolumeClaim) };
};

describe('WorkloadLogVolume', () => {
  test('the claim workload-log-pvc on the NFS class, at nfs.size, shared ReadWriteMany, never pruned', () => {
    const { construct, claim } = volume();
    expect(claim.metadata).toMatchObject({ name: 'workload-log-pvc', namespace: 'astrago', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'astrago-nfs-csi', resources: { requests: { storage: '10Gi' } } });
    expect(construct.claim.claimName).toBe('workload-log-pvc');
  });

  test('a migrated customer keeps the old claim\'s ReadWriteOnce mode and its size as written', () => {
    expect(volume({ accessMode: 'ReadWriteOnce', size: '500Gi' }).claim.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '500Gi' } } });
  });
});
