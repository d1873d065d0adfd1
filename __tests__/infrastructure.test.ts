import { releasedChart } from '../catalog/charts';
import { configFrom, findObject, MINIMAL, objectsOf, render, SAMPLE_RECIPIENT } from './helpers';

const objects = async (yaml = MINIMAL) => objectsOf(await render(configFrom(yaml)));

describe('tier Kustomizations', () => {
  test('stages form one dependsOn chain in tier order, all in flux-system', async () => {
    const chain = (await objects()).filter((o) => o.kind === 'Kustomization' && o.file.includes('/flux/'));
    expect(chain.length).toBeGreaterThan(0);
    const order = ['infrastructure', 'monitoring', 'security', 'applications'];
    const rank = (name: string) => order.indexOf(name.split('-')[0]) * 2 + (name.endsWith('-configs') ? 1 : 0);
    const names = chain.map((k) => k.metadata.name).sort((a, b) => rank(a) - rank(b));
    names.forEach((name, i) => {
      const k = findObject(chain, 'Kustomization', name);
      const spec = k.spec as Record<string, any>;
      expect(k.metadata.namespace).toBe('flux-system');
      expect(spec).toMatchObject({ prune: true, wait: true, path: `./dist/acme/${name.replace(/-(controllers|configs)$/, '/$1')}` });
      expect(spec.dependsOn).toEqual(i === 0 ? undefined : [{ name: names[i - 1], namespace: 'flux-system' }]);
      expect(k.file).toBe(`dist/acme/flux/${name.split('-')[0]}.yaml`);
    });
  });

  test('a Kustomization waits at least as long as the longest HelmRelease it applies', async () => {
    const all = await objects();
    const seconds = (d: string) => [...d.matchAll(/(\d+)(h|m|s)/g)].reduce((s, [, n, u]) => s + Number(n) * ({ h: 3600, m: 60, s: 1 } as any)[u], 0);
    for (const k of all.filter((o) => o.kind === 'Kustomization' && o.file.includes('/flux/'))) {
      const spec = k.spec as { path: string; timeout: string };
      const releases = all.filter((o) => o.kind === 'HelmRelease' && `./${o.file}`.startsWith(`${spec.path}/`));
      for (const r of releases) expect(seconds(spec.timeout)).toBeGreaterThanOrEqual(seconds((r.spec as any).timeout));
    }
  });

  test('a disabled tier leaves no empty stage in the chain', async () => {
    const chain = (await objects(`${MINIMAL}components: {csiDriverNfs: {enabled: false}, gpuOperator: {enabled: false}, ingressNginx: {enabled: false}}\n`))
      .filter((o) => o.kind === 'Kustomization' && o.file.includes('/flux/'));
    expect(chain.map((k) => k.metadata.name)).not.toContain('infrastructure-controllers');
  });

  test('the cluster entry point applies the customer folder', async () => {
    const entry = findObject(await objects(), 'Kustomization', 'astrago');
    expect(entry.file).toBe('flux/acme/astrago.yaml');
    expect(entry.spec).toMatchObject({ path: './dist/acme', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
  });
});

describe('HelmReleases', () => {
  test('every release has an explicit identity, a pinned chart, remediation and a CRD policy', async () => {
    const all = await objects();
    const releases = all.filter((o) => o.kind === 'HelmRelease');
    expect(releases.map((r) => r.metadata.name).sort()).toEqual(expect.arrayContaining(['gpu-operator', 'ingress-nginx', 'nfs-provisioner']));
    for (const r of releases) {
      const spec = r.spec as Record<string, any>;
      expect(r.metadata.namespace).toBeTruthy();
      expect(spec.releaseName).toBe(r.metadata.name);
      expect(releasedChart(spec.chart.spec.chart)?.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(spec.install.remediation.retries).toBeGreaterThan(0);
      expect(spec.upgrade.remediation).toMatchObject({ remediateLastFailure: true });
      expect(spec.upgrade.crds).toMatch(/^(Skip|CreateReplace)$/);
      expect(spec.chart.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' });
    }
    expect((findObject(all, 'HelmRelease', 'gpu-operator').spec as any).upgrade.crds).toBe('CreateReplace');
  });
});

describe('infrastructure tier', () => {
  // What each construct makes of its props is tested in __tests__/constructs/; here, that the customer file reaches them.
  test('the customer file reaches the constructs: NFS, the ingress address, the MIG strategy and a chart version', async () => {
    const all = await objects(`externalAccess: {mode: ip, ip: {address: 10.0.0.5}}\nnfs: {server: nfs.lab.local, basePath: /vol, storageClassName: lab-nfs}\nsecrets: {ageRecipients: [${SAMPLE_RECIPIENT}]}\ngpu: {migStrategy: mixed}\ncomponents: {ingressNginx: {version: 4.13.3}}\n`);
    expect(findObject(all, 'StorageClass', 'lab-nfs')).toMatchObject({ parameters: { server: 'nfs.lab.local', share: '/vol' } });
    const nginx = findObject(all, 'HelmRelease', 'ingress-nginx').spec as any;
    expect(nginx.values.controller.service.loadBalancerIP).toBe('10.0.0.5');
    expect(nginx.chart.spec.chart).toBe('./vendor/charts/ingress-nginx-4.13.3.tgz');
    expect((findObject(all, 'HelmRelease', 'gpu-operator').spec as any).values.mig).toEqual({ strategy: 'mixed' });
  });

  test('a disabled component is absent from the tree', async () => {
    const all = await objects(`${MINIMAL}components: {gpuOperator: {enabled: false}}\n`);
    expect(all.filter((o) => o.metadata.namespace === 'gpu-operator' || o.metadata.name === 'gpu-operator')).toEqual([]);
  });
});
