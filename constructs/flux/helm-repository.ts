import { Construct } from 'constructs';
import { HelmRepository as HelmRepositoryL1, HelmRepositorySpecType } from '../../imports/source.toolkit.fluxcd.io';
import { FLUX_NAMESPACE } from '../../model/layout';

export interface HelmRepositoryProps {
  /** Name of the HelmRepository in flux-system; HelmReleases refer to it by this name. */
  readonly name: string;
  /** Repository URL: `https://…` for a classic index, `oci://…` for an OCI registry. */
  readonly url: string;
  /**
   * How often Flux refreshes the repository index.
   * @default '12h' - charts are pinned, so the index rarely matters
   */
  readonly interval?: string;
  /**
   * Existing Secret in flux-system with the CA (`ca.crt`) of a private mirror.
   * @default - the system trust store
   */
  readonly certSecretName?: string;
  /**
   * Allow plain HTTP (OCI registries only).
   * @default false
   */
  readonly insecure?: boolean;
}

/** A Flux chart source (source.toolkit.fluxcd.io/v1), one per upstream repository. */
export class HelmRepository extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: HelmRepositoryProps) {
    super(scope, id);
    const oci = props.url.startsWith('oci://');
    this.name = new HelmRepositoryL1(this, 'Resource', {
      metadata: { name: props.name, namespace: FLUX_NAMESPACE },
      spec: {
        url: props.url,
        // An OCI HelmRepository is a static holder without status: interval is ignored there.
        type: oci ? HelmRepositorySpecType.OCI : undefined,
        interval: oci ? undefined : props.interval ?? '12h',
        certSecretRef: props.certSecretName ? { name: props.certSecretName } : undefined,
        insecure: oci && props.insecure ? true : undefined,
      },
    }).name;
  }
}
