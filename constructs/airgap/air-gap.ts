/**
 * What makes a customer air-gapped: every image pointed at the mirror registry, and the bill of
 * materials the operator mirrors from. Charts need no mirror: they come from this repository,
 * which the customer's Git mirror serves (docs/architecture.md, "How charts reach a cluster").
 */
import type { Construct } from 'constructs';
import type { CustomerConfig } from '../../config/schema';
import { mirrorImages, type MirroredImage } from './mirror-images';

export interface BillOfMaterials {
  readonly images: readonly MirroredImage[];
}

/**
 * Rewrites every image of the customer to the mirror registry and returns what to mirror;
 * undefined for a customer without `offline.registry`. Runs after every component is built.
 */
export function airGap(app: Construct, config: CustomerConfig): BillOfMaterials | undefined {
  const { registry, gpuDriverOs } = config.offline;
  if (!registry) return undefined;
  return { images: mirrorImages(app, registry, gpuDriverOs) };
}
