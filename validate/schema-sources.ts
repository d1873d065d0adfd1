/**
 * The Kubernetes versions strict validation reads the OpenAPI definitions of. The files are
 * vendored in vendor/schemas/ with their upstream URL and sha256 in vendor/lock.yaml.
 */

/** Kubernetes versions every object is validated against (oldest and newest supported). */
export const KUBERNETES_VERSIONS = ['1.28.0', '1.32.0'] as const;

export function kubernetesDefinitionsFile(version: string): string {
  return `kubernetes/v${version}-definitions.json`;
}
