/**
 * The fleet inventory: for each customer, its ring and release, and what its committed tree
 * (what Flux applies) installs: the version of every chart and every image, those the platform
 * launches at run time included. Answers "which customers run this image / this chart version".
 */
import { releasedChart } from '../catalog/charts';
import { imageFromValues } from '../catalog/image-values';
import { formatImage, normalizeImage, parseImage, type ImageReference } from '../catalog/images';
import type { CustomerConfig } from '../config/schema';
import { launchedImages } from '../constructs/airgap/air-gap';
import { containerImages } from '../constructs/airgap/mirror-images';
import { fieldsOf } from '../model/fields';
import type { OutputFile } from '../model/objects';
import { parseTree } from './tree';

/** One customer as `fleet -o json` prints it (docs/customers.md). */
export interface FleetRow {
  readonly customer: string;
  /** Null when the customer pins its release (or the repository has no rings). */
  readonly ring: string | null;
  readonly release: string | null;
  /** The customer pins `release` instead of following a ring: an exception. */
  readonly pinned: boolean;
  /** Chart name → version of every HelmRelease of the committed tree. */
  readonly charts: Readonly<Record<string, string>>;
  /** Every image the tree names, and those the platform launches at run time; sorted. */
  readonly images: readonly string[];
}

/** The row of one customer, from its loaded config and its committed tree. */
export function fleetRow(config: CustomerConfig, tree: readonly OutputFile[]): FleetRow {
  const charts: Record<string, string> = {};
  const images = new Set<string>(launchedImages(config));
  for (const { object } of parseTree(tree).objects) {
    const json = fieldsOf(object);
    if (object.kind === 'HelmRelease') {
      const released = releasedChart(String(fieldsOf(fieldsOf(fieldsOf(json.spec).chart).spec).chart ?? ''));
      if (!released) continue;
      charts[released.entry.chart] = released.version;
      const values = fieldsOf(json.spec).values ?? {};
      for (const image of released.entry.images) {
        images.add(formatImage(imageFromValues(values, image.values, image.ref, released.entry.globalRegistry)));
      }
      continue;
    }
    for (const { image } of containerImages(json)) images.add(normalizeImage(image));
  }
  return {
    customer: config.name, ring: config.ring ?? null, release: config.release ?? null, pinned: Boolean(config.release && !config.ring),
    charts, images: [...images].sort(),
  };
}

/**
 * Whether a row's image is the one asked for: the same repository, or its copy in a mirror
 * registry (an air-gapped customer's tree names `<mirror>/<path>:<tag>`); the same tag when the
 * question names one (any tag otherwise); the same digest when it names one.
 */
export function runsImage(row: FleetRow, reference: string): boolean {
  const wanted = parseImage(reference);
  const name = (i: ImageReference) => `${i.registry}/${i.path}`;
  return row.images.map(parseImage).some((image) => (name(image) === name(wanted) || name(image).endsWith(`/${wanted.path}`))
    && (wanted.tag === undefined || image.tag === wanted.tag)
    && (wanted.digest === undefined || image.digest === wanted.digest));
}

/** Whether a row installs `chart` at `version`. */
export function runsChart(row: FleetRow, chart: string, version: string): boolean {
  return row.charts[chart] === version;
}
