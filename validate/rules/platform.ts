/**
 * What the Astrago platform itself needs from the cluster beyond our tree (contract §7): a
 * Flux that still serves the API versions its backend creates objects in, and a login for
 * every pod that pulls from a registry the catalog knows to be private.
 */
import { fluxSupported, fluxTooNew, privateRegistryOf, SUPPORTED_FLUX } from '../../catalog/platform';
import { customerFile } from '../../model/layout';
import { Severity } from '../model/finding';
import { containersOf, podTemplates } from '../model/pod-specs';
import { defineRule, type Rule } from './rule';

const fluxVersion = defineRule('platform/flux-version', {
  description: `the customer's fluxVersion is one the platform runs on (Flux ${SUPPORTED_FLUX.min}–${SUPPORTED_FLUX.max})`,
  check: (ctx, findings) => (ctx.fluxVersion === undefined || fluxSupported(ctx.fluxVersion) ? [] : [findings.inFile(
    customerFile(ctx.customer),
    `fluxVersion: expected Flux ${SUPPORTED_FLUX.min} to ${SUPPORTED_FLUX.max}, found ${ctx.fluxVersion} (the platform backend creates helm.toolkit.fluxcd.io/v2beta2 HelmReleases, `
      + `which Flux 2.8 removed, docs/platform-contract.md §7 Flux; this tree needs source.toolkit.fluxcd.io/v1 from 2.3)`,
    // From 2.8 the platform breaks for certain: its backend cannot create a single HelmRelease.
    fluxTooNew(ctx.fluxVersion) ? Severity.ERROR : Severity.WARNING,
  )]),
});

/** A pod pulling from a private registry (catalog/platform.ts PRIVATE_REGISTRIES) without any imagePullSecret never starts. */
const pullCredential = defineRule('platform/pull-credential', {
  description: 'every pod that pulls from a registry the catalog marks private has an imagePullSecret',
  check: (ctx, findings) => ctx.manifests.flatMap((m) => podTemplates(m.object)
    .filter((t) => (t.spec.imagePullSecrets ?? []).length === 0)
    .flatMap((t) => containersOf(t).flatMap(({ path, container }) => {
      const registry = container.image ? privateRegistryOf(container.image) : undefined;
      return registry ? [findings.on(m, `${path}.image: expected an imagePullSecret for "${container.image}" `
        + `(${registry.prefix} is private), found none: store the login with \`npx astrago secrets set ${ctx.customer} ${registry.credential}\` `
        + `(a Docker config JSON on standard input) or name the customer's Secret in secrets.existing.${registry.credential}`)] : [];
    }))),
});

export const PLATFORM_RULES: readonly Rule[] = [fluxVersion, pullCredential];
