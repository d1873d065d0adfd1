/**
 * Image references and the one mirroring rule of air-gapped customers.
 *
 *   mirrored(ref, registry) = <registry>/<path of ref without its registry host>:<tag>[@<digest>]
 *
 * e.g. `nvcr.io/nvidia/k8s/dcgm-exporter:4.3.1` → `harbor.local/astrago/nvidia/k8s/dcgm-exporter:4.3.1`.
 * The values rewrite, the bill of materials (`images.txt`) and the mirroring script all go
 * through `mirrored`, so what is pushed and what is referenced cannot disagree.
 *
 * Digests are kept: the mirroring script copies every image with `skopeo copy --all`, which
 * copies the whole multi-platform index byte for byte, so a digest-pinned reference resolves
 * in the mirror as it does upstream (a `docker pull/tag/push` of one platform would not).
 */

/** A parsed image reference. */
export interface ImageReference {
  /** Registry host[:port], normalised (`docker.io` when the reference names none). */
  readonly registry: string;
  /** Repository path inside the registry (`library/` added for Docker Hub's official images). */
  readonly path: string;
  readonly tag?: string;
  /** `sha256:…` */
  readonly digest?: string;
}

const DOCKER_HUB = 'docker.io';
const NAME = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Thrown for a string that is no image reference; the message says which. */
export class ImageReferenceError extends Error {}

/** Parses `[host[:port]/]path[:tag][@digest]` the way container runtimes do. */
export function parseImage(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const digest = at === -1 ? undefined : reference.slice(at + 1);
  const rest = at === -1 ? reference : reference.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
  const name = tag === undefined ? rest : rest.slice(0, colon);
  if (!NAME.test(name) || (tag !== undefined && !TAG.test(tag)) || (digest !== undefined && !DIGEST.test(digest))) {
    throw new ImageReferenceError(`expected an image reference such as registry.k8s.io/pause:3.9, found "${reference}"`);
  }
  const first = name.split('/')[0];
  // The first segment is a registry host only if it looks like one (a dot, a port or localhost).
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasHost ? first : DOCKER_HUB;
  let path = hasHost ? name.slice(first.length + 1) : name;
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  return { registry, path, tag, digest };
}

/** `registry/path[:tag][@digest]`. */
export function formatImage(image: ImageReference): string {
  return `${image.registry}/${image.path}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
}

/** The normalised form of a reference (`nginx:1` → `docker.io/library/nginx:1`). */
export function normalizeImage(reference: string): string {
  return formatImage(parseImage(reference));
}

/** The mirror's copy of an image: the mirror registry (host[:port][/path]) in place of the source host. */
export function mirroredImage(image: ImageReference, registry: string): ImageReference {
  const [host, ...prefix] = registry.split('/');
  return { ...image, registry: host, path: [...prefix, image.path].join('/') };
}

/** `mirroredImage` on strings: the one rule every rewrite and list uses. */
export function mirrored(reference: string, registry: string): string {
  return formatImage(mirroredImage(parseImage(reference), registry));
}

/** Whether a reference lives in the mirror registry (host[:port][/path]). */
export function inRegistry(reference: string, registry: string): boolean {
  return reference.startsWith(`${registry}/`);
}
