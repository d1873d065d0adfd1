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
  /** Access mode of the claim (of the customer's `astrago.dataLayout`); an existing claim's mode cannot change. */
  readonly accessMode: 'ReadWriteOnce' | 'ReadWriteMany';
}

/**
 * The workload-log volume core and batch write to. ReadWriteMany by default: three core pods
 * and batch mount it at once (the old chart shared one ReadWriteOnce claim, which held only
 * because NFS does not enforce the mode; a migrated customer keeps that claim as it is).
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
      accessMode: props.accessMode,
    });
  }
}
