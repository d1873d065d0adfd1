import type { Construct } from 'constructs';
import type { ComponentName, CustomerConfig } from '../../config/schema';
import type { Stage, Tier } from '../../model/layout';
import { ComponentChart } from '../core/component-chart';
import type { CredentialRegistry } from '../credentials/credential-registry';
import type { ChartComponentProps } from '../flux/chart-release';

/** What a tier builder gets: the resolved config, shared registries, and one file per component. */
export class TierScope {
  constructor(
    private readonly app: Construct,
    public readonly tier: Tier,
    public readonly config: CustomerConfig,
    public readonly credentials: CredentialRegistry,
  ) {}

  /** What a chart component takes from the customer: its version override. */
  public chart(component: Exclude<ComponentName, 'astrago' | 'mpiOperator'>): ChartComponentProps {
    return { version: this.config.components[component].version };
  }

  /** The chart of one component of a stage of this tier. */
  public component(stage: Stage, component: string): ComponentChart {
    return new ComponentChart(this.app, { placement: { kind: 'component', tier: this.tier, stage, component } });
  }
}
