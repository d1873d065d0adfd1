import { Testing } from 'cdk8s';
import { CHARTS } from '../../catalog/charts';
import { HelmRelease, ValuesFromKind } from '../../constructs/flux/helm-release';
import { HelmRelease as HelmReleaseL1, HelmReleaseSpecInstallCrds, HelmReleaseSpecUpgradeCrds } from '../../imports/helm.toolkit.fluxcd.io';
import { named, oneOf } from './synth';

function release(props: Partial<ConstructorParameters<typeof HelmRelease>[2]> = {}) {
  const chart = Testing.chart();
  const construct = new HelmRelease(chart, 'release', { chart: CHARTS.ingressNginx, ...props });
  return { chart, construct, spec: named(chart, HelmReleaseL1, construct.name).spec! };
}

describe('HelmRelease', () => {
  test('name, namespace and release name come from the catalog, never from the construct path', () => {
    const { chart, construct } = release();
    const r = oneOf(chart, HelmReleaseL1);
    expect(r.metadata).toEqual({ name: CHARTS.ingressNginx.releaseName, namespace: CHARTS.ingressNginx.namespace });
    expect(r.spec?.releaseName).toBe(CHARTS.ingressNginx.releaseName);
    const { releaseName, namespace, timeout } = CHARTS.ingressNginx;
    expect([construct.name, construct.namespace, construct.timeout]).toEqual([releaseName, namespace, timeout]);
  });

  test('the chart is the archive of the catalog version vendored in the repository Flux syncs (GitRepository flux-system), with no version range', () => {
    const { spec } = release();
    expect(spec.chart?.spec).toEqual({
      chart: `./vendor/charts/ingress-nginx-${CHARTS.ingressNginx.version}.tgz`,
      sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
    });
    expect(spec.timeout).toBe(CHARTS.ingressNginx.timeout);
  });

  test('a version override names the archive of that version', () => {
    const { spec, construct } = release({ version: '4.13.3' });
    expect(spec.chart?.spec.chart).toBe('./vendor/charts/ingress-nginx-4.13.3.tgz');
    expect(construct.version).toBe('4.13.3');
  });

  test('the archive is .tgz, which Flux keeps in a GitRepository artifact (it leaves *.tar.gz out by default)', () => {
    for (const entry of Object.values(CHARTS)) {
      const { spec } = release({ chart: entry });
      expect(spec.chart?.spec.chart).toMatch(/^\.\/vendor\/charts\/[^/]+\.tgz$/);
    }
  });

  test('failed installs and upgrades are retried, an upgrade rolls back its last failure', () => {
    const { spec } = release();
    expect(spec.install?.remediation).toEqual({ retries: 3 });
    expect(spec.upgrade).toMatchObject({ cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true, strategy: 'rollback' } });
  });

  test('a chart that ships CRDs gets them created and replaced on upgrade; others never touch CRDs on upgrade', () => {
    expect(release({ chart: CHARTS.gpuOperator }).spec).toMatchObject({
      install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE }, upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE },
    });
    expect(release({ chart: CHARTS.ingressNginx }).spec).toMatchObject({
      install: { crds: HelmReleaseSpecInstallCrds.CREATE }, upgrade: { crds: HelmReleaseSpecUpgradeCrds.SKIP },
    });
  });

  test('values, values from objects and dependencies are written as given', () => {
    const chart = Testing.chart();
    const first = new HelmRelease(chart, 'first', { chart: CHARTS.csiDriverNfs });
    new HelmRelease(chart, 'second', {
      chart: CHARTS.ingressNginx, dependsOn: [first],
      values: { controller: { kind: 'DaemonSet' } },
      valuesFrom: [{ kind: ValuesFromKind.SECRET, name: 'auth', valuesKey: 'token', targetPath: 'auth.token' }],
    });
    const second = named(chart, HelmReleaseL1, CHARTS.ingressNginx.releaseName).spec!;
    expect(second.dependsOn).toEqual([{ name: first.name, namespace: first.namespace }]);
    expect(second.values).toEqual({ controller: { kind: 'DaemonSet' } });
    expect(second.valuesFrom).toEqual([{ kind: 'Secret', name: 'auth', valuesKey: 'token', targetPath: 'auth.token' }]);
  });

  test('without values, dependencies or values from objects, none of those keys is written', () => {
    const { spec } = release();
    for (const key of ['values', 'dependsOn', 'valuesFrom']) expect(spec).not.toHaveProperty(key);
  });
});
