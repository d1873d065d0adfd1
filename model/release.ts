/**
 * A platform release: a named, immutable set of versions, and the rings that run them. The
 * catalog keeps what is structural (values paths, resources, image paths); a release only pins
 * versions. A leaf module: types and the name rule, nothing of the project.
 */

/** A release name: lower-case letters, digits, "." and "-", such as 2026.12.0 (it is a file name). */
export const RELEASE_NAME = /^[0-9a-z]([0-9a-z.-]{0,61}[0-9a-z])?$/;

/** The platform's own images in a release: the tag of each workload and the generation they all belong to. */
export interface PlatformPins {
  /** `astrago.imageGeneration` of the tags (catalog/platform.ts PLATFORM_GENERATIONS): decides the run-time images too. */
  readonly generation: string;
  readonly tags: { readonly core: string; readonly batch: string; readonly monitor: string; readonly frontend: string };
}

export interface Release {
  /** The file name without `.yaml`. */
  readonly name: string;
  /** Version of every chart of the catalog, by chart name (`csi-driver-nfs: v4.9.0`). */
  readonly charts: Readonly<Record<string, string>>;
  readonly platform: PlatformPins;
  /** Images outside any chart, pinned whole: `mpi-operator` (catalog/mpi-operator.ts). */
  readonly images: { readonly 'mpi-operator': string };
}

/** One ring of `rings.yaml`: the customers naming it run its release. */
export interface Ring {
  readonly name: string;
  readonly release: string;
  /**
   * Why the ring was promoted to a release the ring before it did not run (`promote --skip-ring`).
   * @default - none: the ring took the release after the ring before it
   */
  readonly skipped?: string;
}

/** How a customer chose its release: through a ring, or pinned to a release as an exception. */
export interface ReleaseChoice {
  readonly release: string;
  /** The ring the customer belongs to; undefined when it pins `release`. */
  readonly ring?: string;
}
