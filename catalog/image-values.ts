/**
 * How a chart's values spell an image, and reading and writing an image through them. The
 * same reading serves the air-gap rewrite (which image does this release pull now?) and the
 * offline validation (does every image value of a HelmRelease point at the mirror?).
 */
import { isMap } from '../model/fields';
import { formatImage, parseImage, type ImageReference } from './images';

/**
 * Value paths (dotted, from the chart's top level) of one image. Either one value holding the
 * whole reference, or separate values:
 * - `registry` + `repository` (path only) + `tag` [+ `digest`]: Bitnami, kube-prometheus-stack, ingress-nginx;
 * - `repository` (`host/path`) + `tag`: csi-driver-nfs, Harbor;
 * - `repository` (`host/parent`) + `name` (last segment) + `tag`: gpu-operator.
 */
export type ImageValues =
  | {
    /** Value holding `host/path:tag`. */
    readonly reference: string;
  }
  | {
    /** Value of the registry host alone (then `repository` is the path without host). @default - none */
    readonly registry?: string;
    /** Value of the repository. */
    readonly repository: string;
    /** Value of the image's last path segment, kept apart from `repository`. @default - none */
    readonly name?: string;
    /** Value of the tag (gpu-operator calls it `version`). */
    readonly tag: string;
    /** Value of the digest (`sha256:…`). @default - none: the reference carries no digest */
    readonly digest?: string;
  };

type Values = Record<string, unknown>;

/** The value at a dotted path, if it is a non-empty string. */
export function valueAt(values: unknown, path: string): string | undefined {
  let node = values;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Values)[key];
  }
  return typeof node === 'string' && node !== '' ? node : undefined;
}

/** Sets a dotted path, creating maps on the way and merging into those that exist. */
export function setValue(values: Values, path: string, value: string): void {
  const keys = path.split('.');
  let node = values;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (isMap(next) ? next : (node[key] = {})) as Values;
  }
  node[keys[keys.length - 1]] = value;
}

const dirname = (p: string) => p.slice(0, p.lastIndexOf('/'));
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * The image a release pulls: each part from its value when set, else from the chart's default
 * (`fallback`, the catalog reference), as Helm merges them. A chart-wide registry value wins
 * over an image's own registry, as the Bitnami and prometheus-community templates do.
 */
export function imageFromValues(values: unknown, spec: ImageValues, fallback: string, globalRegistry?: string): ImageReference {
  const base = parseImage(fallback);
  if ('reference' in spec) return parseImage(valueAt(values, spec.reference) ?? fallback);
  let name: string;
  if (spec.registry) {
    const registry = (globalRegistry && valueAt(values, globalRegistry)) || valueAt(values, spec.registry) || base.registry;
    name = `${registry}/${valueAt(values, spec.repository) ?? base.path}`;
  } else if (spec.name) {
    name = `${valueAt(values, spec.repository) ?? `${base.registry}/${dirname(base.path)}`}/${valueAt(values, spec.name) ?? basename(base.path)}`;
  } else {
    name = valueAt(values, spec.repository) ?? `${base.registry}/${base.path}`;
  }
  const tag = valueAt(values, spec.tag) ?? base.tag;
  const digest = spec.digest ? valueAt(values, spec.digest) ?? base.digest : undefined;
  return parseImage(`${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`);
}

/**
 * Writes an image into values at the chart's paths. `registry` is the registry as the values
 * should name it (for a mirror: host[:port][/path], so a chart-wide registry of the same value
 * agrees); `image.path` is then relative to it.
 */
export function setImageValues(values: Values, spec: ImageValues, image: ImageReference, registry = image.registry): void {
  if ('reference' in spec) {
    setValue(values, spec.reference, formatImage({ ...image, registry }));
    return;
  }
  if (spec.registry) {
    setValue(values, spec.registry, registry);
    setValue(values, spec.repository, image.path);
  } else if (spec.name) {
    setValue(values, spec.repository, `${registry}/${dirname(image.path)}`);
    setValue(values, spec.name, basename(image.path));
  } else {
    setValue(values, spec.repository, `${registry}/${image.path}`);
  }
  if (image.tag) setValue(values, spec.tag, image.tag);
  if (spec.digest && image.digest) setValue(values, spec.digest, image.digest);
}

/**
 * The references a chart image stands for: itself, or one per OS for images whose tag the
 * operator completes with the node's OS at run time (`driver:580.82.07` → `…-ubuntu22.04`).
 */
export function pulledVariants(image: ImageReference, spec: { readonly osSuffixed?: boolean }, driverOs: readonly string[]): ImageReference[] {
  return spec.osSuffixed ? driverOs.map((os) => ({ ...image, tag: `${image.tag}-${os}` })) : [image];
}
