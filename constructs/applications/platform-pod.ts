/**
 * Decisions every platform pod shares, taken once instead of accepting cdk8s-plus defaults:
 * fixed selector labels, images from the customer file, pull secrets, and a container
 * security context for images that run as root with a writable filesystem.
 */
import { ApiObject, JsonPatch, type Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct, IConstruct } from 'constructs';
import type { CredentialName } from '../../catalog/credentials';
import type { CustomerConfig } from '../../config/schema';
import type { SecretKeyRef } from '../../model/secret-key-ref';
import { rolloutAnnotations, type CredentialRegistry } from '../credentials/credential-registry';

/** The platform components whose image comes from `astrago.components`. */
export type PlatformComponent = keyof CustomerConfig['astrago']['components'];

/** A container image split the way the customer file and the air-gap rewrite see it. */
export interface ImageRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

export function imageName(image: ImageRef): string {
  return `${image.registry}/${image.repository}:${image.tag}`;
}

/** A component's image: its own registry and repository if set, else `astrago.imageDefaults`. */
export function platformImage(config: CustomerConfig, component: PlatformComponent): ImageRef {
  const defaults = config.astrago.imageDefaults;
  const own = config.astrago.components[component];
  return { registry: own.registry ?? defaults.registry, repository: own.repository ?? defaults.repository, tag: own.tag };
}

/** What every pod of a platform image takes from the customer file. */
export interface PlatformPodProps {
  /** Namespace of the platform. */
  readonly namespace: string;
  /** Image of the pod's containers. */
  readonly image: ImageRef;
  /** Image pull policy from `astrago.imageDefaults.pullPolicy`. */
  readonly pullPolicy: kplus.ImagePullPolicy;
  /** Existing Secrets to pull the image with (`astrago.global.imagePullSecrets`, and its private registry's login). */
  readonly imagePullSecrets: readonly string[];
}

/** What the platform's web workloads (the backends and the frontend) take beside their pod. */
export interface PlatformWorkloadProps extends PlatformPodProps {
  /** Number of pods. */
  readonly replicas: number;
  /**
   * Existing Secret (key `ca.crt`) with a private CA the workload must trust for the Keycloak URLs.
   * @default - the runtime's own CA list (a publicly trusted certificate)
   */
  readonly caSecretName?: string;
}

/** Labels that select a component's pods. Fixed strings: renaming a construct never touches a selector. */
export function componentLabels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': 'astrago' };
}

export interface StablePodOptions {
  /** Labels of the pods, selected by the workload and its Service. */
  readonly labels: Record<string, string>;
  /**
   * Existing Secrets the pods pull their images with.
   * @default - none
   */
  readonly imagePullSecrets?: readonly string[];
}

/**
 * Selects a workload's pods by `labels` only and removes the construct-path-hashed label
 * cdk8s-plus adds to every pod template, so the rendered pod spec is independent of the
 * construct tree. Pull secrets are patched in: cdk8s-plus takes at most one.
 */
export function stablePods(workload: kplus.Workload, options: StablePodOptions): void {
  workload.select(kplus.LabelSelector.of({ labels: options.labels }));
  const object = ApiObject.of(workload);
  object.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  if (options.imagePullSecrets?.length) {
    object.addJsonPatch(JsonPatch.add('/spec/template/spec/imagePullSecrets', options.imagePullSecrets.map((name) => ({ name }))));
  }
}

export interface PlatformDeploymentOptions extends StablePodOptions {
  /** Name of the Deployment (and of its Service). */
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  /** Whether the pods get a token to call the Kubernetes API. */
  readonly automountServiceAccountToken: boolean;
  /** @default - the namespace's default ServiceAccount */
  readonly serviceAccount?: kplus.IServiceAccount;
  /** @default - Kubernetes' 30s */
  readonly terminationGracePeriod?: Duration;
}

/**
 * A Deployment of a platform image: named and labelled as its component, pods selected by those
 * labels only (`stablePods`), running as the image's own user (`ROOT_IMAGE_SECURITY`).
 */
export function platformDeployment(scope: Construct, options: PlatformDeploymentOptions): kplus.Deployment {
  const { name, namespace, labels } = options;
  const deployment = new kplus.Deployment(scope, 'deployment', {
    metadata: { name, namespace, labels },
    podMetadata: { labels },
    select: false,
    replicas: options.replicas,
    serviceAccount: options.serviceAccount,
    automountServiceAccountToken: options.automountServiceAccountToken,
    securityContext: { ensureNonRoot: false },
    terminationGracePeriod: options.terminationGracePeriod,
  });
  stablePods(deployment, options);
  return deployment;
}

/**
 * For the platform's own images, which run as root and write outside their volumes (Spring
 * Boot and Next.js temporary files): non-root or a read-only root filesystem would break them.
 * Capabilities are left as the runtime gives them until the images are tested without
 * (writing to NFS-owned directories as root may need DAC_OVERRIDE); escalation is not needed.
 */
export const ROOT_IMAGE_SECURITY: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: false,
  readOnlyRootFilesystem: false,
  privileged: false,
  allowPrivilegeEscalation: false,
};

/** A Secret imported by `secretEnv` before (cdk8s-plus imports a Secret by name as a construct). */
const isSecret = (c: IConstruct | undefined): c is kplus.ISecret => c !== undefined && 'resourceType' in c && c.resourceType === 'secrets';

/** A Secret value for `env`, from a credential registry reference. */
function secretEnv(scope: kplus.Workload, ref: SecretKeyRef): kplus.EnvValue {
  const id = `secret-${ref.name}-${ref.key}`;
  const existing = scope.node.tryFindChild(id);
  const secret = isSecret(existing) ? existing : kplus.Secret.fromSecretName(scope, id, ref.name);
  // Environment is read at start: a rotated value reaches the pods by a rollout.
  for (const [key, value] of Object.entries(rolloutAnnotations(ref) ?? {})) scope.podMetadata.addAnnotation(key, value);
  return kplus.EnvValue.fromSecretValue({ secret, key: ref.key });
}

/** One environment variable: a plain value, or the value of a credential read from its Secret. */
export type EnvEntry =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly credential: CredentialName };

/** A container's environment from its entries: each credential from the Secret the registry names for `namespace`. */
export function containerEnv(
  workload: kplus.Workload, entries: readonly EnvEntry[], credentials: CredentialRegistry, namespace: string,
): Record<string, kplus.EnvValue> {
  return Object.fromEntries(entries.map((e) => [e.name, 'credential' in e
    ? secretEnv(workload, credentials.ref(workload, e.credential, namespace))
    : kplus.EnvValue.fromValue(e.value)]));
}

export interface ClusterServiceOptions {
  /** Name of the Service (what clients resolve). */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the Service and of the pods it selects. */
  readonly labels: Record<string, string>;
  /** Port, the same on the Service and the container. */
  readonly port: number;
  /** Name of the port. */
  readonly portName: string;
}

/** A ClusterIP Service selecting pods by fixed labels (never exposed on a node port). */
export function clusterService(scope: Construct, id: string, options: ClusterServiceOptions): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata: { name: options.name, namespace: options.namespace, labels: options.labels },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: [{ name: options.portName, port: options.port, targetPort: options.port }],
  });
  for (const [key, value] of Object.entries(options.labels)) service.selectLabel(key, value);
  return service;
}

/** Where a private CA (`ca.crt` of `externalAccess.domain.tls.caSecret`) is mounted in a platform container. */
export const PRIVATE_CA_DIR = '/etc/astrago/ca';

/** The volume of that private CA, from its existing Secret. */
export function privateCaVolume(scope: Construct, secretName: string): kplus.Volume {
  return kplus.Volume.fromSecret(scope, 'ca', kplus.Secret.fromSecretName(scope, 'ca-secret', secretName), {
    name: 'private-ca', items: { 'ca.crt': { path: 'ca.crt' } },
  });
}
