import { ApiObject, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { releasedChart } from '../../catalog/charts';
import { imageFromValues, pulledVariants, setImageValues, setValue } from '../../catalog/image-values';
import { formatImage, mirroredImage, parseImage, type ImageReference } from '../../catalog/images';
import { fieldsOf, listOf } from '../../model/fields';

/** One image of the bill of materials: where it comes from and where the cluster pulls it. */
export interface MirroredImage {
  readonly source: string;
  readonly target: string;
}

/**
 * Points every image of the customer at the mirror registry, after all components are built,
 * so no component can forget one: container and init-container images of every plain object,
 * and every catalog image of every HelmRelease through the chart's own value paths (plus its
 * chart-wide registry). The image each release pulls is read from its values first, so an
 * image a component chose (the Keycloak theme, a pinned tag) is the one mirrored.
 * Returns the bill of materials, sorted and unique.
 */
export function mirrorImages(scope: IConstruct, registry: string, driverOs: readonly string[]): MirroredImage[] {
  const bom = new Map<string, string>();
  const record = (image: ImageReference) => {
    bom.set(formatImage(image), formatImage(mirroredImage(image, registry)));
  };
  // Secrets hold no images, and are sealed only after the app is built.
  for (const object of scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c.kind !== 'Secret')) {
    const json = fieldsOf(object.toJson());
    if (object.kind === 'HelmRelease' && object.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
      const entry = releasedChart(json.spec.chart.spec.chart)?.entry;
      if (!entry) throw new Error(`catalog: no entry for chart ${json.spec.chart.spec.chart}`);
      const original = json.spec.values ?? {};
      const values = structuredClone(original);
      if (entry.globalRegistry) setValue(values, entry.globalRegistry, registry);
      for (const image of entry.images) {
        const source = imageFromValues(original, image.values, image.ref, entry.globalRegistry);
        setImageValues(values, image.values, source, registry);
        pulledVariants(source, image, driverOs).forEach(record);
      }
      object.addJsonPatch(JsonPatch.add('/spec/values', values));
      continue;
    }
    for (const { pointer, image } of containerImages(json)) {
      const source = parseImage(image);
      object.addJsonPatch(JsonPatch.replace(pointer, formatImage(mirroredImage(source, registry))));
      record(source);
    }
  }
  return [...bom].map(([source, target]) => ({ source, target })).sort((a, b) => a.source.localeCompare(b.source));
}

/** JSON pointers of every container and init-container image in an object (any pod spec, any depth). */
export function containerImages(node: unknown, pointer = ''): Array<{ pointer: string; image: string }> {
  if (Array.isArray(node)) return node.flatMap((n, i) => containerImages(n, `${pointer}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  const o = fieldsOf(node);
  if (Array.isArray(o.containers)) {
    return (['initContainers', 'containers'] as const).flatMap((field) => listOf(o[field])
      .flatMap((c, i) => (typeof c.image === 'string' && c.image ? [{ pointer: `${pointer}/${field}/${i}/image`, image: c.image }] : [])));
  }
  return Object.entries(o).flatMap(([k, v]) => containerImages(v, `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`));
}
