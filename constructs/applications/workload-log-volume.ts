import { Construct } from 'constructs';
import { WORKLOAD_LOG_CLAIM } from '../../catalog/platform';
import { DataClaim } from './data-claim';

export interface WorkloadLogVolumeProps {
  /** Namespace of the platform. */
  readonly namespace: string;
  /** The NFS StorageClass. */
  readonly storageClassName: string;
  /** Size of the volume (`nfs.size`). */
  readonly size: string;
}

/**
 * The workload-log volume core and batch write to. ReadWriteMany: three core pods and batch
 * mount it at once (the old chart shared one ReadWriteOnce claim, which held only because NFS
 * does not enforce the mode).
 */
export class WorkloadLogVolume extends Construct {
  public readonly claim: DataClaim;

  constructor(scope: Construct, id: string, props: WorkloadLogVolumeProps) {
    super(scope, id);
    this.claim = new DataClaim(this, 'claim', {
      name: WORKLOAD_LOG_CLAIM,
      namespace: props.namespace,
      storageClassName: props.storageClassName,
      size: props.size,
      accessMode: 'ReadWriteMany',
    });
  }
}
