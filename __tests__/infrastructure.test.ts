import { configFrom, findObject, MINIMAL, objectsOf, render, SAMPLE_RECIPIENT, sampleConfig, SAMPLES } from './helpers';

const objects = async (yaml = MINIMAL) => objectsOf(await render(configFrom(yaml)));

describe('tier Kustomizations', () => {
  test('each sample customer tree matches its snapshot', async () => {
    for (const name of SAMPLES) {
      const tree = Object.fromEntries((await render(sampleConfig(name))).map((f) => [f.path, f.content]));
      expect(tree).toMatchSnapshot(name);
    }
  });

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
      expect(spec.chart.spec.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(spec.install.remediation.retries).toBeGreaterThan(0);
      expect(spec.upgrade.remediation).toMatchObject({ remediateLastFailure: true });
      expect(spec.upgrade.crds).toMatch(/^(Skip|CreateReplace)$/);
      const source = findObject(all, 'HelmRepository', spec.chart.spec.sourceRef.name);
      expect(source.metadata.namespace).toBe(spec.chart.spec.sourceRef.namespace);
    }
    expect((findObject(all, 'HelmRelease', 'gpu-operator').spec as any).upgrade.crds).toBe('CreateReplace');
  });

  test('a chart version override reaches the release', async () => {
    const r = findObject(await objects(`${MINIMAL}components: {ingressNginx: {version: 4.13.3}}\n`), 'HelmRelease', 'ingress-nginx');
    expect((r.spec as any).chart.spec.version).toBe('4.13.3');
  });
});

describe('infrastructure tier', () => {
  test('the StorageClass is built from the nfs settings', async () => {
    const sc = findObject(await objects(`externalAccess: {mode: ip, ip: {address: 10.0.0.5}}\nnfs: {server: nfs.lab.local, basePath: /vol, storageClassName: lab-nfs}\nsecrets: {ageRecipients: [${SAMPLE_RECIPIENT}]}\n`), 'StorageClass', 'lab-nfs');
    expect(sc).toMatchObject({
      provisioner: 'nfs.csi.k8s.io',
      parameters: { server: 'nfs.lab.local', share: '/vol' },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
      mountOptions: ['nfsvers=4.1'],
    });
  });

  test('gpu-operator values sit at the chart top level, none under a wrapper key', async () => {
    const all = await objects();
    const values = (findObject(all, 'HelmRelease', 'gpu-operator').spec as any).values;
    expect(values['gpu-operator']).toBeUndefined();
    expect(values.dcgmExporter.config.name).toBe('metrics-config');
    // The monitoring tier owns the one GPU ServiceMonitor (see monitoring.test.ts).
    expect(values.dcgmExporter.serviceMonitor).toEqual({ enabled: false });
    expect(values.devicePlugin.config.name).toBe('nvidia-plugin-config-mps');
    expect(values.migManager.config).toMatchObject({ name: 'custom-mig-parted-config', default: 'all-disabled' });
    for (const name of ['metrics-config', 'custom-mig-parted-config', 'nvidia-plugin-config-mps']) {
      expect(findObject(all, 'ConfigMap', name).metadata.namespace).toBe('gpu-operator');
    }
  });

  test('the MIG, MPS and DCGM configs are complete and consistent', async () => {
    const all = await objects();
    const mps = findObject(all, 'ConfigMap', 'nvidia-plugin-config-mps').data as Record<string, string>;
    expect(Object.keys(mps)).toEqual(expect.arrayContaining(['mps_2', 'mps_48']));
    for (const [key, config] of Object.entries(mps)) if (key.startsWith('mps_')) expect(config).toContain('renameByDefault: true');
    const mig = (findObject(all, 'ConfigMap', 'custom-mig-parted-config').data as Record<string, string>)['config.yaml'];
    for (const profile of ['all-disabled', 'all-enabled', 'all-1g.10gb', 'all-balanced']) expect(mig).toContain(`  ${profile}:`);
    const csv = (findObject(all, 'ConfigMap', 'metrics-config').data as Record<string, string>)['dcgm-metrics.csv'];
    const fields = csv.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',')[0]);
    expect(new Set(fields).size).toBe(fields.length);
    expect(fields).toEqual(expect.arrayContaining(['DCGM_FI_DEV_XID_ERRORS', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS']));
  });

  test('the MIG strategy follows the customer file (single by default)', async () => {
    const mig = async (yaml: string) => (findObject(await objects(yaml), 'HelmRelease', 'gpu-operator').spec as any).values.mig;
    expect(await mig(MINIMAL)).toEqual({ strategy: 'single' });
    expect(await mig(`${MINIMAL}gpu: {migStrategy: mixed}\n`)).toEqual({ strategy: 'mixed' });
  });

  test('ingress-nginx runs on the host network with the default class and the customer address', async () => {
    const values = (findObject(await objects(), 'HelmRelease', 'ingress-nginx').spec as any).values;
    expect(values.controller).toMatchObject({
      kind: 'DaemonSet', hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet',
      ingressClassResource: { name: 'nginx', default: true },
      service: { type: 'LoadBalancer', loadBalancerIP: '10.0.0.5' },
    });
  });

  test('a disabled component is absent from the tree', async () => {
    const all = await objects(`${MINIMAL}components: {gpuOperator: {enabled: false}}\n`);
    expect(all.filter((o) => o.metadata.namespace === 'gpu-operator' || o.metadata.name === 'gpu-operator')).toEqual([]);
  });
});
