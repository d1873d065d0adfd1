import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import { NFS_PLUGIN_RELEASE } from '../../catalog/platform';
import { ChartRelease, type ChartComponentProps } from '../flux/chart-release';

export const NFS_CSI_PROVISIONER = 'nfs.csi.k8s.io';

export interface CsiDriverNfsProps extends ChartComponentProps {
  /** NFS server address or hostname. */
  readonly server: string;
  /** Exported directory under which each volume gets a sub-directory. */
  readonly basePath: string;
  /** Name of the StorageClass every PVC of the platform uses (`nfs.storageClassName`). */
  readonly storageClassName: string;
}

/**
 * The NFS CSI driver and the platform's StorageClass.
 *
 * The StorageClass is a plain object here rather than chart values, so a reviewer sees its
 * parameters in the diff. Volumes are retained: deleting a PVC never deletes research data.
 */
export class CsiDriverNfs extends ChartRelease {
  public readonly storageClassName: string;

  constructor(scope: Construct, id: string, props: CsiDriverNfsProps) {
    super(scope, id, {
      chart: CHARTS.csiDriverNfs,
      component: props,
      // The platform's storage-plugin page then shows NFS as installed (and refuses a second one).
      objectMetadata: NFS_PLUGIN_RELEASE,
      values: {
        // A string: the driver parses it as octal; a YAML number would reach it as decimal 511.
        driver: { mountPermissions: '0777' },
        storageClass: { create: false },
      },
    });
    this.storageClassName = props.storageClassName;
    new k8s.KubeStorageClass(this, 'storage-class', {
      metadata: {
        name: this.storageClassName,
        // Parameters of a StorageClass are immutable: let Flux recreate it when they change.
        annotations: { 'kustomize.toolkit.fluxcd.io/force': 'enabled' },
      },
      provisioner: NFS_CSI_PROVISIONER,
      parameters: { server: props.server, share: props.basePath },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
      mountOptions: ['nfsvers=4.1'],
    });
  }
}
