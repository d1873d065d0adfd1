import { Construct } from 'constructs';
import {
  Kustomization as KustomizationL1,
  KustomizationSpecDecryptionProvider,
  KustomizationSpecSourceRefKind,
} from '../../imports/kustomize.toolkit.fluxcd.io';
import { BOOTSTRAP_NAME, FLUX_NAMESPACE } from '../../model/layout';
import { longestDuration } from './duration';

/** Secret in flux-system that holds the age private key for SOPS decryption. */
export const SOPS_AGE_SECRET = 'sops-age';

export interface KustomizationProps {
  /** Name of the Kustomization in flux-system. */
  readonly name: string;
  /** Folder of the repository to apply, e.g. `./dist/acme/monitoring/configs`. */
  readonly path: string;
  /**
   * Kustomizations that must be Ready (applied and healthy at the current revision) first.
   * @default - none
   */
  readonly dependsOn?: readonly Kustomization[];
  /**
   * Wait until every applied object is healthy (HelmReleases Ready, Deployments rolled out)
   * before reporting Ready, so that dependents start only on a working tier.
   * @default true
   */
  readonly wait?: boolean;
  /**
   * What it waits for, each with the upper bound of its own readiness (HelmReleases, ready
   * timeouts): the timeout of build, apply and health checks covers the longest of them, or the
   * Kustomization fails while a release is still installing.
   * @default - nothing slower than 5m: the timeout is 5m
   */
  readonly waitsFor?: readonly { readonly timeout: string }[];
  /**
   * Decrypt SOPS-encrypted Secrets with the age key in the `sops-age` Secret.
   * @default false
   */
  readonly decryptSecrets?: boolean;
  /**
   * How often Flux re-applies the folder to undo drift.
   * @default '10m'
   */
  readonly interval?: string;
}

/** A Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) in flux-system, applying one folder from git. */
export class Kustomization extends Construct {
  public readonly name: string;
  public readonly timeout: string;

  constructor(scope: Construct, id: string, props: KustomizationProps) {
    super(scope, id);
    this.name = props.name;
    this.timeout = longestDuration(['5m', ...(props.waitsFor ?? []).map((w) => w.timeout)]);
    const interval = props.interval ?? '10m';
    new KustomizationL1(this, 'Resource', {
      metadata: { name: props.name, namespace: FLUX_NAMESPACE },
      spec: {
        interval,
        retryInterval: '2m',
        timeout: this.timeout,
        path: props.path,
        prune: true,
        wait: props.wait ?? true,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: BOOTSTRAP_NAME },
        // Same namespace for every Kustomization of ours, written anyway: Flux resolves a
        // dependency without namespace in the dependent's namespace, which a reader may not know.
        dependsOn: props.dependsOn?.map((d) => ({ name: d.name, namespace: FLUX_NAMESPACE })),
        decryption: props.decryptSecrets
          ? { provider: KustomizationSpecDecryptionProvider.SOPS, secretRef: { name: SOPS_AGE_SECRET } }
          : undefined,
      },
    });
  }
}
