import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import type { ChartSources } from './chart-sources';
import { HelmRelease, type HelmReleaseProps } from './helm-release';

export interface ChartReleaseProps extends Omit<HelmReleaseProps, 'source'> {
  /** The customer's chart sources; the chart's repository is taken from (or added to) them. */
  readonly sources: ChartSources;
  /**
   * Whether the release's namespace holds persistent data (PVCs): then Flux never prunes it.
   * @default false
   */
  readonly holdsData?: boolean;
}

/**
 * An external chart installed the way every component of ours installs one: in its own
 * namespace (created here), from the customer's HelmRepository for the chart's repository.
 */
export class ChartRelease extends Construct {
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: ChartReleaseProps) {
    super(scope, id);
    const { sources, holdsData, ...release } = props;
    new Namespace(this, 'namespace', { name: props.chart.namespace, holdsData });
    this.release = new HelmRelease(this, 'release', { ...release, source: sources.use(this, props.chart.repository) });
  }
}
