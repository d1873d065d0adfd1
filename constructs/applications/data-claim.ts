import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PRUNE_DISABLED } from '../core/namespace';

export interface DataClaimProps {
  /** Name of the claim: identity of the data, never change it for an existing customer. */
  readonly name: string;
  readonly namespace: string;
  /** StorageClass the volume is provisioned from. */
  readonly storageClassName: string;
  /** Requested size, a Kubernetes quantity such as `10Gi`. */
  readonly size: string;
  /** ReadWriteOnce for one pod, ReadWriteMany for a volume shared by several. */
  readonly accessMode: 'ReadWriteOnce' | 'ReadWriteMany';
  /**
   * Labels of the claim.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A PersistentVolumeClaim that holds data: Flux never prunes it, so removing it (or its
 * component) from git leaves the data in the cluster for an operator to delete on purpose.
 * The size is written as given, not converted through cdk8s-plus `Size`.
 */
export class DataClaim extends Construct {
  public readonly claimName: string;

  constructor(scope: Construct, id: string, props: DataClaimProps) {
    super(scope, id);
    this.claimName = props.name;
    new kplus.k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: { ...PRUNE_DISABLED } },
      spec: {
        accessModes: [props.accessMode],
        storageClassName: props.storageClassName,
        volumeMode: 'Filesystem',
        resources: { requests: { storage: kplus.k8s.Quantity.fromString(props.size) } },
      },
    });
  }

  /** A pod volume of this claim, for a workload built in `scope`. */
  public volume(scope: Construct, id: string, volumeName: string): kplus.Volume {
    const claim = kplus.PersistentVolumeClaim.fromClaimName(scope, `${id}-claim`, this.claimName);
    return kplus.Volume.fromPersistentVolumeClaim(scope, id, claim, { name: volumeName });
  }
}
