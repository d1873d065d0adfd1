import type { Construct } from 'constructs';
import type { ComponentName, CustomerConfig } from '../../config/schema';
import { ComponentChart } from './component-chart';
import type { CredentialRegistry } from '../credentials/credential-registry';
import type { ChartComponentProps } from '../flux/chart-release';
import { customerDistFolder, stageFolder, type Stage, type Tier } from '../../model/layout';

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

  /** A chart written to `dist/<customer>/<tier>/<stage>/<component>.yaml`. */
  public component(stage: Stage, component: string): ComponentChart {
    const file = `${customerDistFolder(this.config.name)}/${stageFolder(this.tier, stage)}/${component}.yaml`;
    return new ComponentChart(this.app, `${this.tier}-${stage}-${component}`, { file });
  }
}
