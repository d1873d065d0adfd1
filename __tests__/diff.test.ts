import { stringify } from 'yaml';
import type { OutputFile } from '../model/objects';
import { diffTrees } from '../output/diff';
import { formatMarkdown, formatText } from '../output/diff-report';
import { configFrom, MINIMAL as WITH_GENERATED, render, withExistingCredentials } from './helpers';

// Generated credentials differ between two renders of a new customer; these do not.
const MINIMAL = withExistingCredentials(WITH_GENERATED);

const CONTROLLERS = 'dist/acme/infrastructure/controllers';
const tierKustomization = (name: string, folder: string) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' },
  spec: { path: `./${folder}`, prune: true },
});
const release = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'harbor', namespace: 'harbor' },
  spec: { releaseName: 'harbor', chart: { spec: { chart: 'harbor', version: '1.0.0' } }, ...spec },
});
const claim = (annotations?: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'registry', namespace: 'harbor', annotations }, spec: { resources: { requests: { storage: '5Gi' } } },
});
const namespace = (annotations?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'harbor', annotations } });
const statefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'harbor-database', namespace: 'harbor' }, spec: { replicas: 1 } };
const PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

/** A tree with the tier Kustomizations and the given objects in one component file. */
function tree(objects: object[], file = `${CONTROLLERS}/harbor.yaml`): OutputFile[] {
  return [
    { path: 'dist/acme/flux/infrastructure.yaml', content: stringify(tierKustomization('infrastructure-controllers', CONTROLLERS)) },
    { path: 'dist/acme/flux/security.yaml', content: stringify(tierKustomization('security-controllers', 'dist/acme/security/controllers')) },
    { path: file, content: objects.map((o) => `---\n${stringify(o)}`).join('') },
  ];
}
const destructive = (before: OutputFile[], after: OutputFile[]) => diffTrees(before, after).flatMap((c) => c.destructive);

describe('semantic diff', () => {
  test('a one-value change of a customer file is one field with its path, old and new value', async () => {
    const before = await render(configFrom(MINIMAL));
    const after = await render(configFrom(MINIMAL.replace('nfs: {server: 10.0.0.6}', 'nfs: {server: 10.0.0.9}')));
    const changes = diffTrees(before, after);
    expect(changes).toEqual([{
      type: 'changed',
      label: 'StorageClass astrago-nfs-csi',
      file: `${CONTROLLERS}/csi-driver-nfs.yaml`,
      fields: [{ path: 'parameters.server', before: '10.0.0.6', after: '10.0.0.9' }],
      destructive: [],
    }]);
    expect(formatText([{ customer: 'acme', changes }])).toEqual([
      'acme: 1 changed, 0 added, 0 removed',
      `  ~ StorageClass astrago-nfs-csi  (${CONTROLLERS}/csi-driver-nfs.yaml)`,
      '      parameters.server: "10.0.0.6" → "10.0.0.9"',
    ]);
  });

  test('identical trees have no changes, whatever the comments say', async () => {
    const files = await render(configFrom(MINIMAL));
    expect(diffTrees(files, files.map((f) => ({ ...f, content: f.content.replace(/^# Generated.*$/m, '# other comment') })))).toEqual([]);
  });

  test('added and removed objects and files are listed by identity', async () => {
    const before = await render(configFrom(MINIMAL));
    const after = await render(configFrom(`${MINIMAL}components: {gpuOperator: {enabled: false}}\n`));
    const summary = diffTrees(before, after).map((c) => `${c.type} ${c.label}`);
    expect(summary).toEqual(expect.arrayContaining([
      'removed HelmRelease gpu-operator/gpu-operator',
      'removed Namespace gpu-operator',
      'changed dist/acme/infrastructure/controllers/kustomization.yaml',
    ]));
  });

  test.each([
    ['releaseName', { releaseName: 'registry' }, 'spec.releaseName changes from "harbor" to "registry"'],
    ['targetNamespace', { targetNamespace: 'registry' }, 'spec.targetNamespace changes from "harbor" to "registry"'],
    ['storageNamespace', { storageNamespace: 'flux-system' }, 'spec.storageNamespace changes from "harbor" to "flux-system"'],
    ['chart name', { chart: { spec: { chart: 'harbor-ng', version: '1.0.0' } } }, 'chart changes from "harbor" to "harbor-ng"'],
  ])('a HelmRelease %s change is destructive', (_what, spec, reason) => {
    expect(destructive(tree([release()]), tree([release(spec)]))).toEqual([`${reason}: Flux uninstalls the release and installs a new one`]);
  });

  test('a chart version bump, a move to the vendored archive, or an explicit release name equal to the default is not destructive', async () => {
    expect(destructive(tree([release()]), tree([release({ chart: { spec: { chart: 'harbor', version: '2.0.0' } } })]))).toEqual([]);
    const vendored = (version: string) => release({ chart: { spec: { chart: `./vendor/charts/harbor-${version}.tgz`, sourceRef: { kind: 'GitRepository', name: 'flux-system' } } } });
    // helm-controller keys a release by the chart's own name: the same chart from Git is upgraded in place.
    expect(destructive(tree([release()]), tree([vendored('1.14.2')]))).toEqual([]);
    expect(destructive(tree([vendored('1.14.2')]), tree([vendored('1.15.0')]))).toEqual([]);
    expect(destructive(tree([vendored('1.14.2')]), tree([release({ chart: { spec: { chart: './vendor/charts/keycloak-17.3.5.tgz' } } })])))
      .toEqual(['chart changes from "harbor" to "keycloak": Flux uninstalls the release and installs a new one']);
    const { releaseName: _omitted, ...implicit } = release().spec;
    expect(destructive(tree([release()]), tree([{ ...release(), spec: implicit }]))).toEqual([]);
  });

  test.each([
    ['a HelmRelease', [namespace(), release()], [namespace()], 'Flux uninstalls the Helm release'],
    ['a PVC', [namespace(), claim()], [namespace()], 'Flux deletes the claim'],
    ['a PVC whose prune is disabled', [claim(PRUNE_DISABLED)], [], 'the volume loses its workload (Flux leaves the claim in the cluster: prune disabled)'],
    ['a StatefulSet', [statefulSet], [], 'Flux deletes the StatefulSet'],
    ['a namespace marked as holding data', [namespace(PRUNE_DISABLED)], [], 'the namespace holds data'],
    ['a namespace with a PVC in it', [namespace(), claim(PRUNE_DISABLED)], [claim(PRUNE_DISABLED)], 'Flux deletes the namespace and every volume claim in it'],
  ])('removing %s is destructive', (_what, before, after, reason) => {
    const reasons = destructive(tree(before), tree(after));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain(reason);
  });

  test('removing a namespace without data, or a plain object, is not destructive', async () => {
    expect(destructive(tree([namespace(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'harbor' } }]), tree([]))).toEqual([]);
  });

  test('moving a release to another Kustomization is destructive; moving it to another file of the same folder is not', async () => {
    expect(destructive(tree([release()]), tree([release()], 'dist/acme/security/controllers/harbor.yaml')))
      .toEqual(['moves from Flux Kustomization infrastructure-controllers to security-controllers: the old one may prune it before the new one adopts it']);
    const sameFolder = diffTrees(tree([release()]), tree([release()], `${CONTROLLERS}/registry.yaml`));
    expect(sameFolder.map((c) => [c.destructive, c.fields[0]])).toContainEqual([[], { path: '(file)', before: `${CONTROLLERS}/harbor.yaml`, after: `${CONTROLLERS}/registry.yaml` }]);
  });

  test('lists of named items are matched by name, not position', async () => {
    const deps = (names: string[]) => release({ dependsOn: names.map((name) => ({ name, namespace: 'harbor' })) });
    expect(diffTrees(tree([deps(['a', 'b'])]), tree([deps(['b', 'c'])])).flatMap((c) => c.fields)).toEqual([
      { path: 'spec.dependsOn[name=a]', before: { name: 'a', namespace: 'harbor' }, after: undefined },
      { path: 'spec.dependsOn[name=c]', before: undefined, after: { name: 'c', namespace: 'harbor' } },
    ]);
  });

  test('SOPS-encrypted Secrets show that their data changed, never the values', async () => {
    const secret = (data: string, mac: string, label: string) => ({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'harbor-admin', namespace: 'harbor', labels: { l: label } },
      data: { password: `ENC[AES256_GCM,data:${data}]` }, sops: { mac: `ENC[${mac}]` },
    });
    const [change] = diffTrees(tree([secret('x1', 'm1', 'a')]), tree([secret('x2', 'm2', 'b')]));
    expect(change.fields).toEqual([{ path: 'metadata.labels.l', before: 'a', after: 'b' }, { path: 'data', note: 'encrypted data changed' }]);
    expect(formatText([{ customer: 'acme', changes: [change] }]).join('\n')).not.toMatch(/x1|x2|m1|m2/);
  });

  test('Markdown groups customers by identical change: a ring that moved together is one section, and customers that differ are named', () => {
    const of = (customer: string, files: OutputFile[]) => files.map((f) => ({ path: f.path.replace('dist/acme/', `dist/${customer}/`), content: f.content.replaceAll('dist/acme/', `dist/${customer}/`) }));
    const upgrade = (customer: string, values?: object) => ({
      customer, changes: diffTrees(of(customer, tree([release()])), of(customer, tree([release({ chart: { spec: { chart: 'harbor', version: '1.1.0' } }, ...(values ? { values } : {}) })]))),
    });
    const md = formatMarkdown([upgrade('a'), upgrade('b'), upgrade('c'), upgrade('d', { expose: { type: 'nodePort' } }), { customer: 'e', changes: [] }]);
    expect(md).toContain('The same 1 object change(s) in 3 customers; 1 differ from them (their own settings): d.');
    expect(md).toContain('### 3 customers: a, b, c: 1 changed, 0 added, 0 removed');
    expect(md).toContain('| ~ | HelmRelease harbor/harbor<br>`dist/<customer>/infrastructure/controllers/harbor.yaml` | `spec.chart.spec.version` | `"1.0.0"` | `"1.1.0"` |');
    expect(md).toContain('### d: 1 changed, 0 added, 0 removed');
    expect(md).toContain('`dist/d/infrastructure/controllers/harbor.yaml` | `spec.values`');
    expect(md).toContain('### e: no changes');
    expect(md.match(/spec\.chart\.spec\.version/g)).toHaveLength(2);
  });

  test('Markdown puts destructive changes in a caution block above a table of every field', async () => {
    const md = formatMarkdown([{ customer: 'acme', changes: diffTrees(tree([release()]), tree([release({ releaseName: 'registry|x' })])) }]);
    expect(md).toContain('### acme: 1 changed, 0 added, 0 removed, 1 DESTRUCTIVE');
    expect(md).toContain('> [!CAUTION]');
    expect(md).toContain('> - **HelmRelease harbor/harbor**: spec.releaseName changes from "harbor" to "registry\\|x"');
    expect(md).toContain('| ~ | HelmRelease harbor/harbor<br>`dist/acme/infrastructure/controllers/harbor.yaml` | `spec.releaseName` | `"harbor"` | `"registry\\|x"` |');
  });
});
