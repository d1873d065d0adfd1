/**
 * Air gap: an air-gapped customer's cluster reaches only its mirror registry, so every image a
 * pod pulls must be named with that registry — one left at its upstream name never starts.
 */
import { containersOf, podTemplates } from '../pod-specs';
import type { Rule } from './rule';

export const IMAGE_MIRROR_RULE = 'airgap/image-mirror';

/** Every container image comes from `registry` (`host[:port][/path]`, as in `offline.registry`). */
export function imageMirrorRule(registry: string): Rule {
  const prefix = `${registry.replace(/\/$/, '')}/`;
  return {
    id: IMAGE_MIRROR_RULE,
    description: `every container image is pulled from the mirror ${registry}`,
    check: (ctx) => ctx.manifests.flatMap((m) => podTemplates(m.object).flatMap(containersOf)
      .filter(({ container }) => container.image !== undefined && !container.image.startsWith(prefix))
      .map(({ path, container }) => ctx.finding(m, IMAGE_MIRROR_RULE, `${path}.image: expected an image from the mirror ${registry}, found "${container.image}"`))),
  };
}
