import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Flux leaves objects with this annotation in the cluster when they leave the repository. */
export const PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } as const;

export interface NamespaceProps {
  /** Name of the namespace. */
  readonly name: string;
  /**
   * Whether the namespace holds persistent data (PVCs). Such namespaces are never pruned
   * by Flux, so removing a component or a customer from git cannot delete data.
   * @default false
   */
  readonly holdsData?: boolean;
}

/** A namespace created in the same Kustomization as its component (Flux applies namespaces first). */
export class Namespace extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        annotations: props.holdsData ? { ...PRUNE_DISABLED } : undefined,
      },
    });
  }
}
