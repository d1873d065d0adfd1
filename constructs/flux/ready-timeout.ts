import { Construct } from 'constructs';
import { durationSeconds } from './duration';

export interface ReadyTimeoutProps {
  /** How long the objects of the component may take to become Ready, as a Flux duration. */
  readonly timeout: string;
}

/**
 * Declares how long the plain workloads of a component may take to become Ready after an
 * apply (the HelmRelease timeout says it for charts). The stage's Kustomization waits at
 * least this long, instead of failing while slow pods are still starting. Renders nothing.
 */
export class ReadyTimeout extends Construct {
  public readonly timeout: string;

  constructor(scope: Construct, id: string, props: ReadyTimeoutProps) {
    super(scope, id);
    durationSeconds(props.timeout);
    this.timeout = props.timeout;
  }
}
