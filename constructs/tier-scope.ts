import type { Construct } from 'constructs';
import type { CustomerConfig } from '../config/schema';
import { ComponentChart } from './component-chart';
import type { CredentialRegistry } from './credentials/credential-registry';
import type { ChartSources } from './flux/chart-sources';
import { stageFolder, type Stage, type Tier } from './tiers';

/** Folder of a customer's tree, relative to the repository root. */
export function customerDistFolder(customer: string): string {
  return `dist/${customer}`;
}

/** Name of the Kustomization in `flux/<customer>/` that points Flux at `dist/<customer>`. */
export const ENTRY_KUSTOMIZATION = 'astrago';

/** The cluster entry point `flux bootstrap --path=flux/<customer>` picks up, relative to the repository root. */
export function entryFile(customer: string): string {
  return `flux/${customer}/${ENTRY_KUSTOMIZATION}.yaml`;
}

/** What a tier builder gets: the resolved config, shared registries, and one file per component. */
export class TierScope {
  constructor(
    private readonly app: Construct,
    public readonly tier: Tier,
    public readonly config: CustomerConfig,
    public readonly sources: ChartSources,
    public readonly credentials: CredentialRegistry,
  ) {}

  /** A chart written to `dist/<customer>/<tier>/<stage>/<component>.yaml`. */
  public component(stage: Stage, component: string): ComponentChart {
    const file = `${customerDistFolder(this.config.name)}/${stageFolder(this.tier, stage)}/${component}.yaml`;
    return new ComponentChart(this.app, `${this.tier}-${stage}-${component}`, { file });
  }
}
