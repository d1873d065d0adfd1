/**
 * Air gap: for a customer with `offline.registry`, nothing in its tree points outside its
 * mirrors, and the bill of materials (`airgap/images.txt`) lists exactly the images the tree
 * makes the cluster pull — container images and every catalog image value of every
 * HelmRelease, including those operators pull at run time.
 */
import { releasedChart } from '../../catalog/charts';
import { imageFromValues, pulledVariants } from '../../catalog/image-values';
import { formatImage, ImageReferenceError, inRegistry, mirrored } from '../../catalog/images';
import { customerDistFolder } from '../../model/layout';
import { AIRGAP_FOLDER, IMAGE_LINE, IMAGES_FILE } from '../../output/airgap';
import type { OfflineSettings, ValidationContext } from '../model/context';
import type { Finding } from '../model/finding';
import { specOf, type Manifest } from '../model/manifest';
import { containersOf, podTemplates } from '../model/pod-specs';
import { defineRule, type Rule, type RuleFindings } from './rule';


/** An image the tree makes the cluster pull, with where it is written; `image` is the problem when values make no valid reference. */
interface ReferencedImage {
  readonly manifest: Manifest;
  readonly field: string;
  readonly image: string;
  readonly valid: boolean;
}

/** Every image reference the tree makes the cluster pull, with where it is written. */
function referencedImages(ctx: ValidationContext, driverOs: readonly string[]): ReferencedImage[] {
  const found: ReferencedImage[] = [];
  for (const m of ctx.manifests) {
    for (const { path, container } of podTemplates(m.object).flatMap(containersOf)) {
      if (container.image) found.push({ manifest: m, field: `${path}.image`, image: container.image, valid: true });
    }
  }
  for (const m of ctx.ofFluxKind('HelmRelease')) {
    const entry = releasedChart(specOf(m).chart?.spec?.chart ?? '')?.entry;
    if (!entry) continue; // not one of ours: flux/chart-source and the schema report what is wrong with it
    for (const image of entry.images) {
      const field = 'reference' in image.values ? image.values.reference : image.values.repository;
      try {
        const pulled = imageFromValues(specOf(m).values ?? {}, image.values, image.ref, entry.globalRegistry);
        for (const variant of pulledVariants(pulled, image, driverOs)) found.push({ manifest: m, field: `spec.values.${field}`, image: formatImage(variant), valid: true });
      } catch (e) {
        if (!(e instanceof ImageReferenceError)) throw e;
        found.push({ manifest: m, field: `spec.values.${field}`, image: e.message, valid: false });
      }
    }
  }
  return found;
}

/** The mirrors of an offline customer with an image registry. */
type Mirrors = OfflineSettings & { readonly registry: string };

/** A rule of the customers with an image mirror; it finds nothing for the others. */
function mirrorRule(id: string, description: string, check: (ctx: ValidationContext, mirrors: Mirrors, findings: RuleFindings) => Finding[]): Rule {
  return defineRule(id, {
    description: `offline customers: ${description}`,
    check: (ctx, findings) => {
      const registry = ctx.offline?.registry;
      return ctx.offline && registry ? check(ctx, { ...ctx.offline, registry }, findings) : [];
    },
  });
}

/** Also run on the objects a chart renders (render-check): containers must come from the mirror there too. */
export const IMAGES_IN_MIRROR = mirrorRule('airgap/image', 'every container image and every chart image value points at offline.registry',
  (ctx, { registry, gpuDriverOs }, findings) => referencedImages(ctx, gpuDriverOs).filter((r) => !inRegistry(r.image, registry))
    .map((r) => ({ ...findings.on(r.manifest, `${r.field}: expected an image in ${registry}/, found "${r.image}"`), ...(r.valid ? { image: r.image } : {}) })));

const billOfMaterials = mirrorRule('airgap/bill-of-materials',
  'airgap/images.txt lists exactly the images the tree pulls and those the platform launches at run time, each mapped by the one mirroring rule',
  (ctx, { registry, gpuDriverOs, beyondTree }, findings) => {
    const file = `${customerDistFolder(ctx.customer)}/${AIRGAP_FOLDER}/${IMAGES_FILE}`;
    const problem = (message: string): Finding => findings.inFile(file, message);
    const text = ctx.fileContent(file);
    if (text === undefined) return [problem('expected the bill of materials of an offline customer, found no file (run npx cdk8s synth)')];
    const found: Finding[] = [];
    const listed = new Set<string>();
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const match = IMAGE_LINE.exec(line);
      let expected: string | undefined;
      try {
        expected = match ? mirrored(match[1], registry) : undefined;
      } catch (e) {
        if (!(e instanceof ImageReferenceError)) throw e;
      }
      if (!match || expected !== match[2]) {
        found.push(problem(`line ${i + 1}: expected "<source> -> ${match ? expected ?? '<mirror target>' : '<mirror target>'}", found "${line}"`));
        return;
      }
      listed.add(match[2]);
    });
    const referenced = referencedImages(ctx, gpuDriverOs).filter((r) => inRegistry(r.image, registry));
    for (const r of referenced.filter((r) => !listed.has(r.image))) {
      found.push(findings.on(r.manifest, `${r.field}: expected "${r.image}" in ${file}, found it missing (it would never be mirrored)`));
    }
    const launched = beyondTree.map((source) => mirrored(source, registry));
    for (const target of launched.filter((t) => !listed.has(t))) {
      found.push(problem(`expected "${target}" (an image the platform launches at run time, catalog/runtime-images.ts), found it missing: it would never be mirrored`));
    }
    const pulled = new Set([...referenced.map((r) => r.image), ...launched]);
    for (const target of [...listed].filter((t) => !pulled.has(t)).sort()) {
      found.push(problem(`expected only images the tree pulls, found "${target}" that nothing references`));
    }
    return found;
  });

const sourcesInMirror = mirrorRule('airgap/source', 'every GitRepository is offline.git (charts come from it too)',
  (ctx, { git }, findings) => (git === undefined ? [] : ctx.ofFluxKind('GitRepository')
    .filter((m) => specOf(m).url !== git)
    .map((m) => findings.on(m, `spec.url: expected the mirror ${git} (offline.git), found "${specOf(m).url}"`))));

export const AIRGAP_RULES: readonly Rule[] = [IMAGES_IN_MIRROR, billOfMaterials, sourcesInMirror];
