import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import { HelmRelease, type HelmReleaseProps } from './helm-release';

/** What every component installed from a chart takes, besides its own settings. */
export interface ChartComponentProps {
  /**
   * Chart version override.
   * @default - the catalog version
   */
  readonly version?: string;
}

export interface ChartReleaseProps extends Omit<HelmReleaseProps, 'source' | 'version'> {
  /** The component's version override. */
  readonly component: ChartComponentProps;
  /**
   * Whether the release's namespace holds persistent data (PVCs): then Flux never prunes it.
   * @default false
   */
  readonly holdsData?: boolean;
}

/**
 * An external chart installed the way every component of ours installs one: in its own
 * namespace (created here), from the chart archive vendored in this repository.
 * Each chart component extends it with its values and the objects it adds beside the chart.
 */
export class ChartRelease extends Construct {
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: ChartReleaseProps) {
    super(scope, id);
    const { component, holdsData, ...release } = props;
    new Namespace(this, 'namespace', { name: props.chart.namespace, holdsData });
    this.release = new HelmRelease(this, 'release', { ...release, version: component.version });
  }
}
