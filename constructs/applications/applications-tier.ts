import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { CHARTS } from '../../catalog/charts';
import { DATA_LAYOUTS } from '../../catalog/data-layouts';
import { harborUrlFor, PLATFORM_GENERATIONS, PLATFORM_NAMESPACE, privateRegistryOf, prometheusUrl } from '../../catalog/platform';
import type { CustomerConfig } from '../../config/schema';
import { platformUrls, type PlatformUrls } from '../../config/urls';
import { Stage } from '../../model/layout';
import { Namespace } from '../core/namespace';
import { ReadyTimeout } from '../flux/ready-timeout';
import { HARBOR_API_URL } from '../security/harbor';
import type { TierScope } from '../tier/tier-scope';
import { Backend } from './backend';
import { BackendKind, type BackendIdentity } from './backend-profile';
import { BinpackScheduler } from './binpack-scheduler';
import { Frontend } from './frontend';
import { MariaDb } from './mariadb';
import { MariaDbAccounts } from './mariadb-accounts';
import { MpiOperator } from './mpi-operator';
import { PlatformIngress } from './platform-ingress';
import { imageName, platformImage, type ImageRef, type PlatformComponent, type PlatformPodProps, type PlatformWorkloadProps } from './platform-pod';
import { PlatformRbac } from './platform-rbac';
import { WorkloadLogVolume } from './workload-log-volume';

const PULL_POLICIES: Record<CustomerConfig['astrago']['imageDefaults']['pullPolicy'], kplus.ImagePullPolicy> = {
  Always: kplus.ImagePullPolicy.ALWAYS,
  IfNotPresent: kplus.ImagePullPolicy.IF_NOT_PRESENT,
  Never: kplus.ImagePullPolicy.NEVER,
};

/**
 * Applications: the MPI operator in `controllers`, the platform in `configs`: the configs stage
 * runs only after the controllers stage is Ready, i.e. after the MPIJob CRD exists and the
 * operator's Deployment is available (the backend's MPIJob informer waits for its first LIST).
 */
export function buildApplicationsTier(scope: TierScope): void {
  const { components } = scope.config;
  if (components.mpiOperator.enabled) {
    new MpiOperator(scope.component(Stage.CONTROLLERS, 'mpi-operator'), 'mpi-operator', { image: components.mpiOperator.image });
  }
  if (components.astrago.enabled) buildPlatform(scope);
}

function buildPlatform(scope: TierScope): void {
  const { config, credentials } = scope;
  const namespace = PLATFORM_NAMESPACE;
  const file = (component: string) => scope.component(Stage.CONFIGS, component);
  const urls = platformUrls(config);
  const namespaceFile = file('namespace');
  const pod = platformPod(scope, namespaceFile);
  const workload = (component: PlatformComponent): PlatformWorkloadProps => ({
    ...pod(platformImage(config, component)),
    replicas: config.astrago.components[component].replicas,
    caSecretName: urls.tls ? config.externalAccess.domain.tls.caSecret : undefined,
  });
  const identity = identityOf(config, urls);

  new Namespace(namespaceFile, 'namespace', { name: namespace, holdsData: true });
  // A first install initialises MariaDB (up to 5 min) before the backends can connect, and the
  // monitor alone may take 4.5 min to start: the 5 min default would report a healthy install failed.
  new ReadyTimeout(namespaceFile, 'ready-timeout', { timeout: '15m' });
  const rbac = new PlatformRbac(file('platform-rbac'), 'platform-rbac', { namespace });
  const dataLayout = DATA_LAYOUTS[config.astrago.dataLayout];
  const logs = new WorkloadLogVolume(file('workload-log-volume'), 'workload-log-volume', {
    namespace, storageClassName: config.nfs.storageClassName, size: config.nfs.size, accessMode: dataLayout.workloadLogAccessMode,
  });

  const mariadbFile = file('mariadb');
  const mariadb = new MariaDb(mariadbFile, 'mariadb', {
    ...pod(config.astrago.mariadb.image), username: config.astrago.mariadb.username, credentials,
    storageClassName: config.nfs.storageClassName, storageSize: config.astrago.mariadb.storageSize, volume: dataLayout.mariadb,
  });
  new MariaDbAccounts(mariadbFile, 'mariadb-accounts', { ...pod(config.astrago.mariadb.image), uid: dataLayout.mariadb.uid, server: mariadb, credentials });

  const backendOf = (kind: BackendKind): Backend => new Backend(file(`backend-${kind}`), `backend-${kind}`, {
    ...workload(kind),
    kind,
    credentials,
    serviceAccount: rbac.serviceAccount,
    database: mariadb,
    connectionMaxLifetimeMs: config.astrago.mariadb.maxLifetime,
    prometheusUrl: prometheusUrl(CHARTS.prometheus),
    externalUrl: urls.baseUrl,
    generation: PLATFORM_GENERATIONS[config.astrago.imageGeneration],
    identity,
    harbor: config.components.harbor.enabled ? { url: harborUrlFor(config.astrago.imageGeneration, HARBOR_API_URL), adminUser: 'admin' } : undefined,
    privateRegistry: config.offline.registry,
    ingressHost: urls.host,
    workloadLogs: logs,
  });
  const backends = { core: backendOf(BackendKind.CORE), batch: backendOf(BackendKind.BATCH), monitor: backendOf(BackendKind.MONITOR) };
  const frontend = new Frontend(file('frontend'), 'frontend', {
    ...workload('frontend'), credentials, baseUrl: urls.baseUrl, identity, apis: backends, oneview: config.astrago.oneview.enabled,
  });

  new BinpackScheduler(file('binpack-scheduler'), 'binpack-scheduler', { namespace, kubernetesVersion: config.kubernetesVersion });
  new PlatformIngress(file('platform-ingress'), 'platform-ingress', { namespace, urls, workloads: { ...backends, frontend } });
}

/**
 * The pod props of a platform image. Its pull Secrets are the customer's own
 * (astrago.global.imagePullSecrets), plus the login of the private registry it comes from,
 * planned with the namespace. An air-gapped customer pulls from its mirror instead (rewritten
 * after the build), which needs no login of ours.
 */
function platformPod(scope: TierScope, namespaceFile: Construct): (image: ImageRef) => PlatformPodProps {
  const { config, credentials } = scope;
  const namespace = PLATFORM_NAMESPACE;
  const pullPolicy = PULL_POLICIES[config.astrago.imageDefaults.pullPolicy];
  return (image) => {
    const registry = config.offline.registry ? undefined : privateRegistryOf(imageName(image));
    const login = registry && credentials.pullSecret(namespaceFile, registry.credential, namespace);
    return { namespace, image, pullPolicy, imagePullSecrets: [...new Set([...config.astrago.global.imagePullSecrets, ...(login ? [login] : [])])] };
  };
}

/** Keycloak as the platform sees it: in this cluster, or an external one; otherwise no Keycloak variable or credential. */
function identityOf(config: CustomerConfig, urls: PlatformUrls): BackendIdentity | undefined {
  if (!config.components.keycloak.enabled && config.astrago.keycloak.baseUrl === undefined) return undefined;
  const { realm, client } = config.astrago.keycloak;
  return { keycloakUrl: urls.keycloakUrl, issuerUrl: urls.issuerUrl, jwksUrl: urls.jwksUrl, realm, client, adminUser: config.keycloak.adminUser };
}
