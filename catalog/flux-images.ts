/**
 * The controller images `flux bootstrap` installs, per Flux release: an air-gapped customer
 * mirrors those of its `fluxVersion` and bootstraps with `--registry=<offline.registry>/fluxcd`.
 *
 * Pinned from fluxcd/flux2 at each release tag: `manifests/bases/<controller>/kustomization.yaml`
 * names the controller release it installs; the default components are source, kustomize, helm
 * and notification controller, from `ghcr.io/fluxcd` (`pkg/manifestgen/install/options.go`).
 * Every release of the minors the platform supports (SUPPORTED_FLUX in catalog/platform.ts):
 * a release missing here is refused for an air-gapped customer, never guessed.
 */

/** Registry of Flux's images; `--registry` replaces it. */
export const FLUX_REGISTRY = 'ghcr.io/fluxcd';

/** Tags of the default controllers of one Flux release. */
export interface FluxControllers {
  readonly 'source-controller': string;
  readonly 'kustomize-controller': string;
  readonly 'helm-controller': string;
  readonly 'notification-controller': string;
}

const release = (source: string, kustomize: string, helm: string, notification: string): FluxControllers => ({
  'source-controller': source, 'kustomize-controller': kustomize, 'helm-controller': helm, 'notification-controller': notification,
});

export const FLUX_RELEASES: Readonly<Record<string, FluxControllers>> = {
  '2.3.0': release('v1.3.0', 'v1.3.0', 'v1.0.1', 'v1.3.0'),
  '2.4.0': release('v1.4.1', 'v1.4.0', 'v1.1.0', 'v1.4.0'),
  '2.5.0': release('v1.5.0', 'v1.5.0', 'v1.2.0', 'v1.5.0'),
  '2.5.1': release('v1.5.0', 'v1.5.1', 'v1.2.0', 'v1.5.0'),
  '2.6.0': release('v1.6.0', 'v1.6.0', 'v1.3.0', 'v1.6.0'),
  '2.6.1': release('v1.6.0', 'v1.6.0', 'v1.3.0', 'v1.6.0'),
  '2.6.2': release('v1.6.1', 'v1.6.0', 'v1.3.0', 'v1.6.0'),
  '2.6.3': release('v1.6.2', 'v1.6.0', 'v1.3.0', 'v1.6.0'),
  '2.6.4': release('v1.6.2', 'v1.6.1', 'v1.3.0', 'v1.6.0'),
  '2.7.0': release('v1.7.0', 'v1.7.0', 'v1.4.0', 'v1.7.1'),
  '2.7.1': release('v1.7.1', 'v1.7.0', 'v1.4.1', 'v1.7.2'),
  '2.7.2': release('v1.7.2', 'v1.7.1', 'v1.4.2', 'v1.7.3'),
  '2.7.3': release('v1.7.3', 'v1.7.2', 'v1.4.3', 'v1.7.4'),
  '2.7.4': release('v1.7.4', 'v1.7.3', 'v1.4.4', 'v1.7.5'),
  '2.7.5': release('v1.7.4', 'v1.7.3', 'v1.4.5', 'v1.7.5'),
};

/** The images bootstrap installs for a Flux version (`2.4.0` or `v2.4.0`); undefined for a release not listed. */
export function fluxImages(version: string): string[] | undefined {
  const controllers = FLUX_RELEASES[version.replace(/^v/, '')];
  return controllers && Object.entries(controllers).map(([name, tag]) => `${FLUX_REGISTRY}/${name}:${tag}`);
}
