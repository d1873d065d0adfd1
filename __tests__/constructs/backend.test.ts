import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { DATA_LAYOUTS } from '../../catalog/data-layouts';
import { PLATFORM_GENERATIONS } from '../../catalog/platform';
import { Backend, type BackendProps } from '../../constructs/applications/backend';
import { BackendKind } from '../../constructs/applications/backend-profile';
import { MariaDb } from '../../constructs/applications/mariadb';
import { PlatformRbac } from '../../constructs/applications/platform-rbac';
import { WorkloadLogVolume } from '../../constructs/applications/workload-log-volume';
import { customerManagedCredentials } from './credentials';
import { named, SCHEMA_DEFAULTS } from './synth';

type Container = k8s.Container;

function backend(kind: BackendKind, props: Partial<BackendProps> = {}) {
  const chart = Testing.chart();
  const credentials = customerManagedCredentials();
  const pod = { namespace: 'astrago', pullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, imagePullSecrets: ['lab-pull'] };
  const database = new MariaDb(chart, 'db', {
    ...pod, image: { registry: 'docker.io', repository: 'library/mariadb', tag: '10.11.4' }, username: 'astrago-app', credentials,
    storageClassName: 'astrago-nfs-csi', storageSize: '8Gi', volume: DATA_LAYOUTS[SCHEMA_DEFAULTS.astrago.dataLayout].mariadb,
  });
  const workloadLogs = new WorkloadLogVolume(chart, 'logs', { namespace: 'astrago', storageClassName: 'astrago-nfs-csi', size: '10Gi', accessMode: 'ReadWriteMany' });
  const rbac = new PlatformRbac(chart, 'rbac', { namespace: 'astrago' });
  const construct = new Backend(chart, 'backend', {
    ...pod,
    image: { registry: 'ghcr.io', repository: 'xiilab/astrago-backend', tag: `${kind}-stage-c5ad` },
    kind,
    replicas: 2,
    credentials,
    serviceAccount: rbac.serviceAccount,
    database,
    connectionMaxLifetimeMs: 1800000,
    prometheusUrl: 'http://prometheus.monitoring.svc.cluster.local:9090',
    externalUrl: 'http://10.0.0.5',
    generation: PLATFORM_GENERATIONS['stage-2025'],
    harbor: { url: 'harbor-core.harbor.svc.cluster.local', adminUser: 'admin' },
    workloadLogs,
    ...props,
  });
  const deployment = named(chart, k8s.KubeDeployment, `astrago-backend-${kind}`);
  const spec = deployment.spec!.template.spec!;
  return { chart, construct, deployment, spec, container: spec.containers[0], service: named(chart, k8s.KubeService, `astrago-backend-${kind}`) };
}

/** Plain values by name; Secret references as `{ name, key }`. */
const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef ?? e.value]));

describe('Backend', () => {
  test('a ClusterIP Service on 8080 that selects exactly its pods; the frontend gets its in-cluster URL', () => {
    const { construct, deployment, service, container } = backend(BackendKind.BATCH);
    expect(service.spec?.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080 }]);
    expect(service.spec?.type).toBe('ClusterIP');
    expect(service.spec?.selector).toEqual(deployment.spec?.template.metadata?.labels);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(construct.url).toBe('http://astrago-backend-batch.astrago.svc:8080');
  });

  test('passwords come from the Secrets of the credentials its profile reads: core adds the users\' initial password and Harbor\'s admin, the monitor neither', () => {
    const secretsOf = (kind: BackendKind) =>
      Object.fromEntries((backend(kind).container.env ?? []).flatMap((e) => (e.valueFrom ? [[e.name, e.valueFrom.secretKeyRef]] : [])));
    const ref = (name: string) => ({ name, key: 'password' });
    expect(secretsOf(BackendKind.CORE)).toEqual({ SPRING_DATASOURCE_PASSWORD: ref('mariadb-user'), 'ADMIN_INIT-PASSWORD': ref('astrago-user-init-password'), HARBOR_PASSWORD: ref('harbor-admin') });
    expect(secretsOf(BackendKind.MONITOR)).toEqual({ SPRING_DATASOURCE_PASSWORD: ref('mariadb-user') });
  });

  test('connects to the MariaDb it is given: its Service, port, database and application user', () => {
    expect(envOf(backend(BackendKind.CORE).container)).toMatchObject({
      SPRING_DATASOURCE_URL: 'jdbc:mariadb://astrago-mariadb:3306/astrago',
      SPRING_DATASOURCE_USERNAME: 'astrago-app',
      'SPRING_DATASOURCE_HIKARI_MAX-LIFETIME': '1800000',
      PROMETHEUS_URL: 'http://prometheus.monitoring.svc.cluster.local:9090',
    });
  });

  test('core and batch mount the workload-log claim at /root/astrago; the monitor does not', () => {
    for (const kind of [BackendKind.CORE, BackendKind.BATCH]) {
      const { spec, container } = backend(kind);
      expect(spec.volumes).toContainEqual({ name: 'workload-log', persistentVolumeClaim: { claimName: 'workload-log-pvc', readOnly: false } });
      expect(container.volumeMounts).toContainEqual(expect.objectContaining({ name: 'workload-log', mountPath: '/root/astrago' }));
    }
    expect(backend(BackendKind.MONITOR).spec.volumes).toBeUndefined();
  });

  test('probes follow the image generation: /actuator/health on the 2025 images, the TCP port on v1.0; the monitor starts slowly', () => {
    const current = backend(BackendKind.CORE).container;
    expect(current.startupProbe).toMatchObject({ httpGet: { path: '/actuator/health', port: 8080 }, initialDelaySeconds: 60, failureThreshold: 10 });
    const old = backend(BackendKind.CORE, { generation: PLATFORM_GENERATIONS['v1.0'] }).container;
    for (const probe of [old.livenessProbe, old.readinessProbe, old.startupProbe]) {
      expect(probe?.tcpSocket).toEqual({ port: 8080 });
      expect(probe?.httpGet).toBeUndefined();
    }
    const monitor = backend(BackendKind.MONITOR).container.startupProbe!;
    expect(monitor.initialDelaySeconds! + monitor.periodSeconds! * monitor.failureThreshold!).toBeGreaterThanOrEqual(240);
  });

  test('runs as the platform ServiceAccount with its token, the props\' replicas, image and pull secrets, within its profile\'s resources', () => {
    const { deployment, spec, container } = backend(BackendKind.CORE);
    expect(deployment.spec?.replicas).toBe(2);
    expect(spec).toMatchObject({ serviceAccountName: 'astrago-sa', automountServiceAccountToken: true, imagePullSecrets: [{ name: 'lab-pull' }], terminationGracePeriodSeconds: 10 });
    expect(container).toMatchObject({ name: 'core', image: 'ghcr.io/xiilab/astrago-backend:core-stage-c5ad', imagePullPolicy: 'IfNotPresent' });
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1536Mi' }, limits: { cpu: '1000m', memory: '2048Mi' } });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false });
    expect(Object.keys(deployment.spec!.template.metadata!.labels!)).toEqual(['app.kubernetes.io/name', 'app.kubernetes.io/part-of']);
  });

  test('a private CA is imported into a copy of the JVM trust store by an init container of the same image, with verification on', () => {
    const { spec, container } = backend(BackendKind.MONITOR, { caSecretName: 'lab-ca-bundle' });
    const [init] = spec.initContainers!;
    expect(init.image).toBe(container.image);
    expect(init.command?.join(' ')).toContain('keytool -importcert');
    expect(spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'lab-ca-bundle' }) }));
    expect(envOf(container).JAVA_TOOL_OPTIONS).toBe('-Djavax.net.ssl.trustStore=/etc/astrago/truststore/cacerts -Djavax.net.ssl.trustStorePassword=changeit');
    expect(container.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/etc/astrago/truststore', readOnly: true }));
    expect(backend(BackendKind.MONITOR).spec.initContainers).toBeUndefined();
  });
});
