import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { CHARTS } from '../../catalog/charts';
import { ChartRelease } from '../../constructs/flux/chart-release';
import { ChartSources } from '../../constructs/flux/chart-sources';
import { HelmRepository } from '../../constructs/flux/helm-repository';
import { HelmRelease as HelmReleaseL1 } from '../../imports/helm.toolkit.fluxcd.io';
import { HelmRepository as HelmRepositoryL1 } from '../../imports/source.toolkit.fluxcd.io';
import { inventory, oneOf, synthOf } from './synth';

describe('HelmRepository', () => {
  test('an HTTP repository is refreshed twice a day; an OCI one is a static holder without interval', () => {
    const chart = Testing.chart();
    new HelmRepository(chart, 'http', { name: 'charts', url: 'https://charts.example.org' });
    new HelmRepository(chart, 'oci', { name: 'mirror', url: 'oci://mirror.local:5000/charts', insecure: true, certSecretName: 'mirror-ca' });
    const [http, oci] = synthOf(chart, HelmRepositoryL1);
    expect(http.metadata).toEqual({ name: 'charts', namespace: 'flux-system' });
    expect(http.spec).toEqual({ url: 'https://charts.example.org', interval: '12h' });
    expect(oci.spec).toEqual({ url: 'oci://mirror.local:5000/charts', type: 'oci', insecure: true, certSecretRef: { name: 'mirror-ca' } });
  });

  test('insecure applies only to OCI: an HTTP repository never skips TLS', () => {
    const chart = Testing.chart();
    new HelmRepository(chart, 'http', { name: 'charts', url: 'http://charts.local', insecure: true });
    expect(oneOf(chart, HelmRepositoryL1).spec).not.toHaveProperty('insecure');
  });
});

describe('ChartSources and ChartRelease', () => {
  test('a repository used by two releases is created once, in the first one that needs it', () => {
    const chart = Testing.chart();
    const sources = new ChartSources();
    new ChartRelease(chart, 'operator', { chart: CHARTS.gpuOperator, component: { sources } });
    new ChartRelease(chart, 'again', { chart: { ...CHARTS.gpuOperator, releaseName: 'second', namespace: 'second' }, component: { sources } });
    expect(synthOf(chart, HelmRepositoryL1).map((r) => r.metadata?.name)).toEqual([CHARTS.gpuOperator.repository.name]);
    expect(synthOf(chart, HelmReleaseL1).map((r) => r.spec?.chart?.spec.sourceRef.name)).toEqual([CHARTS.gpuOperator.repository.name, CHARTS.gpuOperator.repository.name]);
  });

  test('with a chart mirror, every release reads from the mirror and no upstream repository is written', () => {
    const chart = Testing.chart();
    const mirror = new HelmRepository(chart, 'mirror', { name: 'astrago-charts', url: 'oci://mirror.local:5000/charts' });
    const sources = new ChartSources(mirror);
    new ChartRelease(chart, 'nfs', { chart: CHARTS.csiDriverNfs, component: { sources } });
    new ChartRelease(chart, 'nginx', { chart: CHARTS.ingressNginx, component: { sources } });
    expect(synthOf(chart, HelmRepositoryL1).map((r) => r.metadata?.name)).toEqual(['astrago-charts']);
    expect(new Set(synthOf(chart, HelmReleaseL1).map((r) => r.spec?.chart?.spec.sourceRef.name))).toEqual(new Set(['astrago-charts']));
  });

  test('a release comes with its namespace, kept from pruning when it holds data', () => {
    const chart = Testing.chart();
    new ChartRelease(chart, 'harbor', { chart: CHARTS.harbor, component: { sources: new ChartSources() }, holdsData: true });
    expect(inventory(chart)).toEqual([
      `Namespace/${CHARTS.harbor.namespace}`,
      `HelmRepository/flux-system/${CHARTS.harbor.repository.name}`,
      `HelmRelease/${CHARTS.harbor.namespace}/${CHARTS.harbor.releaseName}`,
    ]);
    expect(oneOf(chart, k8s.KubeNamespace).metadata?.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });
});
