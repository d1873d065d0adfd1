import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { componentLabels, stablePods } from './platform-pod';

/** The scheduler name GPU workloads of the platform ask for. */
export const BINPACK_SCHEDULER_NAME = 'binpack-scheduler';

const CONFIG_FILE = 'gpu-binpack-scheduler-config.yaml';
const CONFIG_DIR = '/etc/kubernetes/binpack-scheduler';
/** Secure health port of kube-scheduler. */
const HEALTH_PORT = 10259;
/** Non-root user of the distroless kube-scheduler image. */
const NONROOT_UID = 65532;

/**
 * Packs pods onto the fullest nodes (MostAllocated), GPUs weighing three times CPU and
 * memory, so whole GPU nodes stay free for large jobs. One replica, so no leader election.
 */
function binpackSchedulerConfig(): string {
  return stringify({
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    leaderElection: { leaderElect: false },
    profiles: [{
      schedulerName: BINPACK_SCHEDULER_NAME,
      pluginConfig: [{
        name: 'NodeResourcesFit',
        args: {
          scoringStrategy: {
            type: 'MostAllocated',
            resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'nvidia.com/gpu', weight: 3 }],
          },
        },
      }],
    }],
  });
}

export interface BinpackSchedulerProps {
  /** Namespace of the platform. */
  readonly namespace: string;
  /** The cluster's Kubernetes version (`kubernetesVersion`): the scheduler must match it. */
  readonly kubernetesVersion: string;
}

/**
 * A second kube-scheduler, `binpack-scheduler`, preferably on a control-plane node (any node
 * will do, as in the old chart, which had no node selector). Its image follows the cluster's version (the old chart pinned v1.28.4 whatever the cluster ran). RBAC: the
 * built-in scheduler roles plus read access to the API server's client-CA ConfigMap in
 * kube-system, instead of the old chart's cluster-wide ConfigMap read.
 */
export class BinpackScheduler extends Construct {
  /** The full image reference. */
  public readonly image: string;

  constructor(scope: Construct, id: string, props: BinpackSchedulerProps) {
    super(scope, id);
    const name = BINPACK_SCHEDULER_NAME;
    const labels = componentLabels(name);
    // Upstream's image, tagged per Kubernetes release; an air-gapped customer's mirror replaces the registry.
    this.image = `registry.k8s.io/kube-scheduler:v${props.kubernetesVersion}`;

    const account = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name, namespace: props.namespace, labels },
      automountToken: false,
    });
    const subjects = [{ kind: 'ServiceAccount', name, namespace: props.namespace }];
    for (const role of ['system:kube-scheduler', 'system:volume-scheduler']) {
      new kplus.k8s.KubeClusterRoleBinding(this, `binding-${role}`, {
        metadata: { name: `${name}-${role.replace('system:', '')}`, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects,
      });
    }
    // Delegated authentication of its health endpoint reads this ConfigMap, and only this one.
    new kplus.k8s.KubeRoleBinding(this, 'authentication-reader', {
      metadata: { name: `${name}-authentication-reader`, namespace: 'kube-system', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects,
    });

    const config = new kplus.ConfigMap(this, 'config', {
      metadata: { name: `${name}-config`, namespace: props.namespace, labels },
      data: { [CONFIG_FILE]: binpackSchedulerConfig() },
    });

    const deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name, namespace: props.namespace, labels },
      podMetadata: { labels },
      select: false,
      replicas: 1,
      serviceAccount: account,
      automountServiceAccountToken: true,
      securityContext: { ensureNonRoot: true, user: NONROOT_UID, group: NONROOT_UID },
      // Two schedulers without leader election would bind the same pods twice.
      strategy: kplus.DeploymentStrategy.recreate(),
    });
    stablePods(deployment, { labels });
    deployment.scheduling.tolerate(kplus.Node.tainted(
      ...['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']
        .map((key) => kplus.NodeTaintQuery.exists(key, { effect: kplus.TaintEffect.NO_SCHEDULE })),
    ));
    // Preferred, never required (the old chart had no selector at all): control planes labelled
    // `=true` (k3s, RKE2) or not schedulable must not leave the scheduler, and every GPU workload, Pending.
    deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.exists('node-role.kubernetes.io/control-plane')), { weight: 100 });
    const object = ApiObject.of(deployment);
    object.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'system-node-critical'));

    const health = (failures: number) => kplus.Probe.fromHttpGet('/healthz', {
      port: HEALTH_PORT, scheme: kplus.ConnectionScheme.HTTPS,
      initialDelaySeconds: Duration.seconds(10), periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(15),
      failureThreshold: failures,
    });
    deployment.addContainer({
      name: 'kube-scheduler',
      image: this.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/usr/local/bin/kube-scheduler', `--config=${CONFIG_DIR}/${CONFIG_FILE}`],
      volumeMounts: [{ volume: kplus.Volume.fromConfigMap(this, 'config-volume', config, { name: 'config' }), path: CONFIG_DIR, readOnly: true }],
      liveness: health(8),
      startup: health(30),
      resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) } },
      securityContext: {
        ensureNonRoot: true, user: NONROOT_UID, group: NONROOT_UID, readOnlyRootFilesystem: true,
        privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: [kplus.Capability.ALL] },
      },
    });
  }
}
