import { k8s } from 'cdk8s-plus-28';
import { releasedChart } from '../catalog/charts';
import { HelmRelease } from '../imports/helm.toolkit.fluxcd.io';
import { renderedNamed, renderedOf } from './constructs/synth';
import { configFrom, MINIMAL, objectsOf, render, SAMPLE_RECIPIENT } from './helpers';

// The tier chain, its wait times and the entry point: __tests__/constructs/customer-app.test.ts.
const objects = async (yaml = MINIMAL) => objectsOf(await render(configFrom(yaml)));

describe('HelmReleases', () => {
  test('every release of a customer has an explicit identity, a pinned chart, remediation and a CRD policy', async () => {
    const releases = renderedOf(await objects(), HelmRelease);
    expect(releases.map((r) => r.metadata.name).sort()).toEqual(expect.arrayContaining(['gpu-operator', 'ingress-nginx', 'nfs-provisioner']));
    for (const r of releases) {
      const spec = r.spec!;
      expect(r.metadata.namespace).toBeTruthy();
      expect(spec.releaseName).toBe(r.metadata.name);
      expect(releasedChart(spec.chart?.spec.chart ?? '')?.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(spec.install?.remediation?.retries).toBeGreaterThan(0);
      expect(spec.upgrade?.remediation).toMatchObject({ remediateLastFailure: true });
      expect(spec.upgrade?.crds).toMatch(/^(Skip|CreateReplace)$/);
      expect(spec.chart?.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' });
    }
    expect(releases.find((r) => r.metadata.name === 'gpu-operator')?.spec?.upgrade?.crds).toBe('CreateReplace');
  });
});

describe('infrastructure tier', () => {
  // What each construct makes of its props is tested in __tests__/constructs/; here, that the customer file reaches them.
  test('the customer file reaches the constructs: NFS, the ingress address, the MIG strategy and a chart version', async () => {
    const all = await objects(`externalAccess: {mode: ip, ip: {address: 10.0.0.5}}\nnfs: {server: nfs.lab.local, basePath: /vol, storageClassName: lab-nfs}\nsecrets: {ageRecipients: [${SAMPLE_RECIPIENT}]}\ngpu: {migStrategy: mixed}\ncomponents: {ingressNginx: {version: 4.13.3}}\n`);
    expect(renderedNamed(all, k8s.KubeStorageClass, 'lab-nfs')).toMatchObject({ parameters: { server: 'nfs.lab.local', share: '/vol' } });
    const nginx = renderedNamed(all, HelmRelease, 'ingress-nginx').spec;
    expect(nginx?.values.controller.service.loadBalancerIP).toBe('10.0.0.5');
    expect(nginx?.chart?.spec.chart).toBe('./vendor/charts/ingress-nginx-4.13.3.tgz');
    expect(renderedNamed(all, HelmRelease, 'gpu-operator').spec?.values.mig).toEqual({ strategy: 'mixed' });
  });

  test('a disabled component is absent from the tree', async () => {
    const all = await objects(`${MINIMAL}components: {gpuOperator: {enabled: false}}\n`);
    expect(all.filter((o) => o.metadata.namespace === 'gpu-operator' || o.metadata.name === 'gpu-operator')).toEqual([]);
  });
});
