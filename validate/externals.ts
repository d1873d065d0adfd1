/**
 * Objects that exist in a customer's cluster without being in its tree: what `flux bootstrap`
 * creates, and what the customer file declares as existing. References to them resolve.
 */
import { PLATFORM_NAMESPACE, PRIVATE_REGISTRIES } from '../catalog/platform';
import type { CustomerConfig } from '../config/schema';
import { imagesBeyondTree } from '../constructs/airgap/air-gap';
import { SOPS_AGE_SECRET } from '../constructs/flux/kustomization';
import { BOOTSTRAP_NAME, FLUX_NAMESPACE } from '../model/layout';
import type { OutputFile } from '../model/objects';
import type { OfflineSettings } from './model/context';
import type { ObjectRef } from './model/manifest';
import type { CustomerTree } from './validate';

export function existingObjects(config: CustomerConfig): ObjectRef[] {
  const inFlux = (kind: string, name: string): ObjectRef => ({ kind, namespace: FLUX_NAMESPACE, name });
  const tls = config.externalAccess.domain.tls;
  return [
    inFlux('GitRepository', BOOTSTRAP_NAME),
    inFlux('Kustomization', BOOTSTRAP_NAME),
    // The age private key is put in the cluster by hand at bootstrap; it never sits in git.
    inFlux('Secret', SOPS_AGE_SECRET),
    ...(config.offline.caSecret ? [inFlux('Secret', config.offline.caSecret)] : []),
    ...config.astrago.global.imagePullSecrets.map((name) => ({ kind: 'Secret', namespace: PLATFORM_NAMESPACE, name })),
    // The customer's own registry login: the platform's pods pull with it (catalog/platform.ts PRIVATE_REGISTRIES).
    ...PRIVATE_REGISTRIES.flatMap((r) => config.secrets.existing[r.credential] ?? [])
      .map((e) => ({ kind: 'Secret', namespace: PLATFORM_NAMESPACE, name: e.secretName })),
    ...(tls.enabled && !tls.issuer && tls.secretName ? [{ kind: 'Secret', namespace: PLATFORM_NAMESPACE, name: tls.secretName }] : []),
    // The private CA that signed the certificate, created by the customer (externalAccess.domain.tls.caSecret).
    ...(tls.caSecret ? [{ kind: 'Secret', namespace: PLATFORM_NAMESPACE, name: tls.caSecret }] : []),
  ];
}

/** The air-gap settings `validate` checks a customer's tree against: its mirrors, and the images beyond its tree. */
export function offlineSettings(config: CustomerConfig): OfflineSettings {
  return { ...config.offline, beyondTree: config.offline.registry ? imagesBeyondTree(config) : [] };
}

/** A customer's tree as `validate` checks it: its files, the objects beside them in the cluster, its mirrors and its Flux version. */
export function validationTree(config: CustomerConfig, files: readonly OutputFile[]): CustomerTree {
  return { customer: config.name, files, externals: existingObjects(config), offline: offlineSettings(config), fluxVersion: config.fluxVersion };
}
