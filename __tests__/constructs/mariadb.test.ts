import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { DATA_LAYOUTS } from '../../catalog/data-layouts';
import { MariaDb } from '../../constructs/applications/mariadb';
import { customerManagedCredentials } from './credentials';
import { named, oneOf, SCHEMA_DEFAULTS } from './synth';

const mariadb = (props: Partial<ConstructorParameters<typeof MariaDb>[2]> = {}) => {
  const chart = Testing.chart();
  new MariaDb(chart, 'db', {
    namespace: 'astrago',
    image: { registry: 'docker.io', repository: 'library/mariadb', tag: '10.11.9' },
    pullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    username: 'astrago',
    credentials: customerManagedCredentials(),
    storageClassName: 'astrago-nfs-csi',
    storageSize: SCHEMA_DEFAULTS.astrago.mariadb.storageSize,
    volume: DATA_LAYOUTS[SCHEMA_DEFAULTS.astrago.dataLayout].mariadb,
    imagePullSecrets: SCHEMA_DEFAULTS.astrago.global.imagePullSecrets,
    ...props,
  });
  return chart;
};
const container = (chart: ReturnType<typeof mariadb>) => oneOf(chart, k8s.KubeStatefulSet).spec!.template.spec!.containers[0];

describe('MariaDb', () => {
  test('reachable only inside the cluster: a ClusterIP Service on 3306 that selects only its pods', () => {
    const service = oneOf(mariadb(), k8s.KubeService);
    expect(service.metadata?.name).toBe('astrago-mariadb');
    expect(service.spec?.type ?? 'ClusterIP').toBe('ClusterIP');
    expect(service.spec?.ports?.map((p) => [p.name, p.port, p.nodePort])).toEqual([['mysql', 3306, undefined]]);
    expect(Object.keys(service.spec?.selector ?? {})).toEqual(['app.kubernetes.io/name', 'app.kubernetes.io/part-of']);
  });

  test('one replica on a claim Flux never prunes, 8Gi by default', () => {
    const chart = mariadb();
    expect(oneOf(chart, k8s.KubeStatefulSet).spec?.replicas).toBe(1);
    const claim = named(chart, k8s.KubePersistentVolumeClaim, 'astrago-mariadb-data');
    expect(claim.metadata?.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'astrago-nfs-csi', resources: { requests: { storage: '8Gi' } } });
    expect(named(mariadb({ storageSize: '20Gi' }), k8s.KubePersistentVolumeClaim, 'astrago-mariadb-data').spec?.resources?.requests).toEqual({ storage: '20Gi' });
  });

  test('passwords come from the Secrets of credentials mariadb-root and mariadb-user; the database and user are plain values', () => {
    const env = Object.fromEntries((container(mariadb()).env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef ?? e.value]));
    expect(env).toMatchObject({
      MARIADB_ROOT_PASSWORD: { name: 'mariadb-root', key: 'password' },
      MARIADB_PASSWORD: { name: 'mariadb-user', key: 'password' },
      MARIADB_DATABASE: 'astrago',
      MARIADB_USER: 'astrago',
    });
  });

  test('image, pull policy and pull secrets follow the props', () => {
    const chart = mariadb({ pullPolicy: kplus.ImagePullPolicy.ALWAYS, imagePullSecrets: ['lab-pull'] });
    expect(container(chart)).toMatchObject({ image: 'docker.io/library/mariadb:10.11.9', imagePullPolicy: 'Always' });
    expect(oneOf(chart, k8s.KubeStatefulSet).spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'lab-pull' }]);
  });

  test('an existing volume: its claim, mount, data directory and owner (the old Bitnami layout)', () => {
    const chart = mariadb({ volume: DATA_LAYOUTS.helmfile.mariadb });
    expect(named(chart, k8s.KubePersistentVolumeClaim, 'data-astrago-mariadb-0').spec?.accessModes).toEqual(['ReadWriteOnce']);
    const pod = oneOf(chart, k8s.KubeStatefulSet).spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 });
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-astrago-mariadb-0', readOnly: false } });
    const c = container(chart);
    expect(c.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001 });
    expect(c.volumeMounts).toContainEqual(expect.objectContaining({ name: 'data', mountPath: '/bitnami/mariadb' }));
    expect(c.args).toEqual(['--datadir=/bitnami/mariadb/data']);
    expect(container(mariadb()).args).toBeUndefined();
  });

  test('runs as the mysql user on a read-only root filesystem, its data and config mounted', () => {
    const c = container(mariadb());
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(c.volumeMounts?.map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/var/lib/mysql', '/etc/mysql/conf.d', '/run/mysqld', '/tmp']));
  });
});
