import { parse } from 'yaml';
import { mermaidGraph } from '../output/graph';
import type { KubeObject } from '../output/render';
import { configFrom, MINIMAL, render } from './helpers';

const kustomization = (name: string, path: string, dependsOn?: string[]) => ({
  file: `dist/acme/flux/${name.split('-')[0]}.yaml`,
  object: {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' },
    spec: { path, wait: true, timeout: '10m', dependsOn: dependsOn?.map((d) => ({ name: d, namespace: 'flux-system' })) },
  } as KubeObject,
});
const release = (file: string, name: string, dependsOn?: Array<{ name: string; namespace?: string }>) => ({
  file,
  object: {
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: name },
    spec: { chart: { spec: { chart: `${name}-chart`, version: '1.0.0' } }, dependsOn },
  } as KubeObject,
});

describe('dependency graph', () => {
  test('synth writes the graph to dist/<customer>/README.md and no kustomization.yaml lists it', async () => {
    const files = await render(configFrom(MINIMAL));
    const readme = files.find((f) => f.path === 'dist/acme/README.md');
    expect(readme?.content).toContain('```mermaid\nflowchart TD\n');
    expect(readme?.content).toContain('HelmRelease nfs-provisioner/nfs-provisioner<br/>csi-driver-nfs v4.9.0');
    for (const k of files.filter((f) => f.path.endsWith('kustomization.yaml'))) {
      expect(parse(k.content).resources).not.toContain('README.md');
    }
  });

  test('releases sit inside the Kustomization that applies their folder; every dependsOn is an arrow', async () => {
    const graph = mermaidGraph([
      kustomization('infrastructure-controllers', './dist/acme/infrastructure/controllers'),
      kustomization('security-controllers', './dist/acme/security/controllers', ['infrastructure-controllers']),
      release('dist/acme/infrastructure/controllers/nfs.yaml', 'nfs'),
      release('dist/acme/security/controllers/keycloak.yaml', 'keycloak', [{ name: 'mariadb', namespace: 'db' }]),
    ]);
    expect(graph).toContain([
      '  subgraph ks_security_controllers["Kustomization security-controllers · waits up to 10m"]',
      '    hr_keycloak_keycloak["HelmRelease keycloak/keycloak<br/>keycloak-chart 1.0.0"]',
      '  end',
    ].join('\n'));
    expect(graph).toContain('  ks_infrastructure_controllers --> ks_security_controllers');
    expect(graph).toContain('  hr_db_mariadb --> hr_keycloak_keycloak');
    expect(graph).not.toContain('hr_nfs_nfs -->');
  });
});
