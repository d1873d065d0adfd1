/**
 * Tiers and stages: where a component lives decides when Flux applies it.
 *
 * Each tier is a folder of `dist/<customer>/` applied by Flux Kustomizations chained with
 * `dependsOn` in this order. A tier's `controllers` stage holds the charts; its `configs`
 * stage holds custom resources whose CRDs those charts install, so it runs after them.
 */
export const TIERS = ['infrastructure', 'monitoring', 'security', 'applications'] as const;
export type Tier = (typeof TIERS)[number];

export const Stage = {
  /** HelmReleases and the plain objects that travel with them. */
  CONTROLLERS: 'controllers',
  /** Custom resources that need the CRDs a controllers chart installs. */
  CONFIGS: 'configs',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** Name of the Flux Kustomization that applies one stage of a tier, e.g. `monitoring-configs`. */
export function stageKustomizationName(tier: Tier, stage: Stage): string {
  return `${tier}-${stage}`;
}

/** Folder of one stage inside `dist/<customer>/`, e.g. `monitoring/configs`. */
export function stageFolder(tier: Tier, stage: Stage): string {
  return `${tier}/${stage}`;
}

/** Namespace of every Flux object we emit that is not a HelmRelease. */
export const FLUX_NAMESPACE = 'flux-system';
