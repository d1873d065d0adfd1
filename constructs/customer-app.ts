import { App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { CustomerConfig } from '../config/schema';
import { customerDistFolder, ENTRY_KUSTOMIZATION, type Stage, stageKustomizationName, stagePath, STAGES, type Tier, TIERS } from '../model/layout';
import type { SecretVault } from '../secrets/vault';
import { airGap, type BillOfMaterials } from './airgap/air-gap';
import { buildApplicationsTier } from './applications/applications-tier';
import { ComponentChart } from './core/component-chart';
import { protectData } from './core/protect-data';
import { CredentialRegistry } from './credentials/credential-registry';
import { HelmRelease } from './flux/helm-release';
import { Kustomization } from './flux/kustomization';
import { ReadyTimeout } from './flux/ready-timeout';
import { requestResources } from './flux/resource-requests';
import { buildInfrastructureTier } from './infrastructure/infrastructure-tier';
import { buildMonitoringTier } from './monitoring/monitoring-tier';
import { buildSecurityTier } from './security/security-tier';
import { TierScope } from './tier/tier-scope';

type TierBuilder = (scope: TierScope) => void;

/** The builder of each tier. */
const TIER_BUILDERS: Record<Tier, TierBuilder> = {
  infrastructure: buildInfrastructureTier,
  monitoring: buildMonitoringTier,
  security: buildSecurityTier,
  applications: buildApplicationsTier,
};

/**
 * Every object of one customer: the components of each tier, the Flux Kustomizations that
 * apply the tiers in order, and the cluster entry point that `flux bootstrap` picks up.
 * Never synthesized by cdk8s itself: the writer turns its charts into files.
 */
export class CustomerApp extends App {
  /** What an air-gapped customer mirrors; undefined without `offline.registry`. */
  public readonly billOfMaterials?: BillOfMaterials;

  constructor(public readonly config: CustomerConfig, vault: SecretVault) {
    super();
    const credentials = new CredentialRegistry(config, vault);
    for (const tier of TIERS) TIER_BUILDERS[tier](new TierScope(this, tier, config, credentials));
    credentials.addSecrets(this);
    requestResources(this, config.resources);
    this.chainTiers();
    protectData(this);
    this.billOfMaterials = airGap(this, config);
    const entry = new ComponentChart(this, { placement: { kind: 'entry' } });
    // Not waiting: the tier Kustomizations it creates report their own health.
    new Kustomization(entry, 'entry', { name: ENTRY_KUSTOMIZATION, path: `./${customerDistFolder(config.name)}`, wait: false });
  }

  /** Component charts of one stage of one tier. */
  public stageCharts(tier: Tier, stage: Stage): ComponentChart[] {
    return ComponentChart.all(this).filter(({ placement: p }) => p.kind === 'component' && p.tier === tier && p.stage === stage);
  }

  /** One Kustomization per non-empty stage, each depending on the one before it. */
  private chainTiers(): void {
    let previous: Kustomization | undefined;
    for (const tier of TIERS) {
      const file = new ComponentChart(this, { placement: { kind: 'flux', tier } });
      for (const stage of STAGES) {
        const charts = this.stageCharts(tier, stage);
        if (charts.length === 0) continue;
        const isWait = (n: IConstruct): n is HelmRelease | ReadyTimeout => n instanceof HelmRelease || n instanceof ReadyTimeout;
        const waits = charts.flatMap((c) => c.node.findAll().filter(isWait));
        previous = new Kustomization(file, stage, {
          name: stageKustomizationName(tier, stage),
          path: `./${stagePath(this.config.name, tier, stage)}`,
          dependsOn: previous ? [previous] : undefined,
          waitsFor: waits,
          decryptSecrets: charts.some((c) => c.objects.some((o) => o.kind === 'Secret')),
        });
      }
      if (file.objects.length === 0) file.node.scope?.node.tryRemoveChild(file.node.id);
    }
  }
}
