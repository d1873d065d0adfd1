import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { CHARTS } from '../../catalog/charts';
import { ChartRelease, type ChartReleaseProps } from '../../constructs/flux/chart-release';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { inventory, named, oneOf } from './synth';

const build = (props: Partial<ChartReleaseProps> = {}) => {
  const chart = Testing.chart();
  const construct = new ChartRelease(chart, 'component', { chart: CHARTS.csiDriverNfs, component: {}, ...props });
  return { chart, construct };
};

describe('ChartRelease', () => {
  test('the chart is installed in a namespace of its own, created beside its release', () => {
    const { chart, construct } = build();
    expect(inventory(chart)).toEqual(['Namespace/nfs-provisioner', 'HelmRelease/nfs-provisioner/nfs-provisioner']);
    expect(construct.release.namespace).toBe(CHARTS.csiDriverNfs.namespace);
  });

  test('the customer\'s version override picks the vendored archive; without one, the catalog pin', () => {
    const archive = (props: Partial<ChartReleaseProps>) => oneOf(build(props).chart, HelmRelease).spec?.chart?.spec.chart;
    expect(archive({})).toBe(`./vendor/charts/csi-driver-nfs-${CHARTS.csiDriverNfs.version}.tgz`);
    expect(archive({ component: { version: 'v4.10.0' } })).toBe('./vendor/charts/csi-driver-nfs-v4.10.0.tgz');
  });

  test('a release that holds data keeps its namespace from pruning; others do not', () => {
    const annotations = (holdsData?: boolean) => oneOf(build({ holdsData }).chart, k8s.KubeNamespace).metadata?.annotations;
    expect(annotations(true)).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(annotations(undefined)).toBeUndefined();
  });

  test('values and dependencies reach the release, which later components depend on', () => {
    const chart = Testing.chart();
    const first = new ChartRelease(chart, 'first', { chart: CHARTS.csiDriverNfs, component: {} });
    new ChartRelease(chart, 'second', { chart: CHARTS.ingressNginx, component: {}, values: { controller: { kind: 'DaemonSet' } }, dependsOn: [first.release] });
    expect(named(chart, HelmRelease, CHARTS.ingressNginx.releaseName).spec).toMatchObject({
      values: { controller: { kind: 'DaemonSet' } },
      dependsOn: [{ name: CHARTS.csiDriverNfs.releaseName, namespace: CHARTS.csiDriverNfs.namespace }],
    });
  });
});
