/**
 * What makes a customer air-gapped: every image pointed at the mirror registry, and the bill of
 * materials the operator mirrors from. Charts need no mirror: they come from this repository,
 * which the customer's Git mirror serves (docs/architecture.md, "How charts reach a cluster").
 */
import type { Construct } from 'constructs';
import { FLUX_RELEASES, fluxImages } from '../../catalog/flux-images';
import { mirrored, normalizeImage } from '../../catalog/images';
import { PLATFORM_GENERATIONS } from '../../catalog/platform';
import type { CustomerConfig } from '../../config/schema';
import { customerFile } from '../../model/layout';
import { UserError } from '../../model/user-error';
import { mirrorImages, type MirroredImage } from './mirror-images';

export interface BillOfMaterials {
  /** Every image the tree makes the cluster pull. */
  readonly images: readonly MirroredImage[];
  /** Images the platform launches at run time, named by no manifest (catalog/runtime-images.ts). */
  readonly launched: readonly MirroredImage[];
  /** Flux's controllers of `fluxVersion`, which `flux bootstrap --registry` installs (catalog/flux-images.ts). */
  readonly flux: readonly MirroredImage[];
}

/**
 * Images an air-gapped customer pulls that no manifest of its tree names: those the platform's
 * backend launches at run time (its image generation's, while the platform is deployed).
 * Normalised sources, sorted.
 */
export function launchedImages(config: Pick<CustomerConfig, 'astrago' | 'components'>): string[] {
  const launched = config.components.astrago.enabled ? PLATFORM_GENERATIONS[config.astrago.imageGeneration].runtimeImages.map((i) => i.ref) : [];
  return [...new Set(launched.map(normalizeImage))].sort();
}

/** The controller images of the customer's Flux, or one clear error when the catalog does not list its release. */
export function fluxControllerImages(config: Pick<CustomerConfig, 'name' | 'fluxVersion'>): string[] {
  const images = fluxImages(config.fluxVersion);
  if (!images) {
    throw new UserError(`${customerFile(config.name)}: fluxVersion: expected a Flux release whose controller images catalog/flux-images.ts lists `
      + `(${Object.keys(FLUX_RELEASES).join(', ')}), found ${config.fluxVersion} (an air-gapped customer mirrors them for bootstrap)`);
  }
  return images.map(normalizeImage).sort();
}

/** Every image an air-gapped customer pulls that its tree does not name: run-time images and Flux's. */
export function imagesBeyondTree(config: Pick<CustomerConfig, 'name' | 'astrago' | 'components' | 'fluxVersion'>): string[] {
  return [...launchedImages(config), ...fluxControllerImages(config)];
}

/**
 * Rewrites every image of the customer to the mirror registry and returns what to mirror;
 * undefined for a customer without `offline.registry`. Runs after every component is built.
 */
export function airGap(app: Construct, config: CustomerConfig): BillOfMaterials | undefined {
  const { registry, gpuDriverOs } = config.offline;
  if (!registry) return undefined;
  const images = mirrorImages(app, registry, gpuDriverOs);
  const bom = (sources: readonly string[]) => sources.map((source) => ({ source, target: mirrored(source, registry) }));
  return { images, launched: bom(launchedImages(config)), flux: bom(fluxControllerImages(config)) };
}
