import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadCustomerText } from '../config/load';
import { releaseResolver } from '../config/releases';
import type { KubeObject } from '../model/objects';
import { customerReadme, graphFacts, mermaidGraph, TIER_STYLES, type GraphFacts } from '../output/graph';
import { parseTree } from '../output/tree';
import { configFrom, MINIMAL, render, ROOT, SAMPLES, sampleConfig } from './helpers';

const FACTS: GraphFacts = { customer: 'acme', access: 'http://10.0.0.5 (ip mode)', sources: [], off: [] };

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

  test('releases sit inside the Kustomization that applies their folder; every dependsOn no longer path implies is an arrow', () => {
    const graph = mermaidGraph([
      kustomization('infrastructure-controllers', './dist/acme/infrastructure/controllers'),
      kustomization('monitoring-controllers', './dist/acme/monitoring/controllers', ['infrastructure-controllers']),
      kustomization('security-controllers', './dist/acme/security/controllers', ['infrastructure-controllers', 'monitoring-controllers']),
      release('dist/acme/infrastructure/controllers/nfs.yaml', 'nfs'),
      release('dist/acme/security/controllers/keycloak.yaml', 'keycloak', [{ name: 'mariadb', namespace: 'db' }]),
    ], FACTS);
    expect(graph).toContain([
      '  subgraph ks_security_controllers["Kustomization security-controllers · waits up to 10m"]',
      '    hr_keycloak_keycloak["HelmRelease keycloak/keycloak<br/>keycloak-chart 1.0.0"]',
      '  end',
    ].join('\n'));
    expect(graph).toContain('  ks_infrastructure_controllers --> ks_monitoring_controllers\n  ks_monitoring_controllers --> ks_security_controllers\n');
    // Implied by infrastructure → monitoring → security.
    expect(graph).not.toContain('ks_infrastructure_controllers --> ks_security_controllers');
    expect(graph).toContain('  hr_db_mariadb --> hr_keycloak_keycloak');
    expect(graph).not.toContain('hr_nfs_nfs -->');
    expect(graph).not.toContain('-.');
  });

  test('each tier has its colour, and every box of the tier wears it', () => {
    const graph = mermaidGraph([
      kustomization('infrastructure-controllers', './dist/acme/infrastructure/controllers'),
      kustomization('security-controllers', './dist/acme/security/controllers'),
      release('dist/acme/infrastructure/controllers/nfs.yaml', 'nfs'),
    ], FACTS);
    expect(graph).toContain(`  classDef infrastructure ${TIER_STYLES.infrastructure}\n  class ks_infrastructure_controllers,hr_nfs_nfs infrastructure`);
    expect(graph).toContain(`  classDef security ${TIER_STYLES.security}\n  class ks_security_controllers security`);
    expect(new Set(Object.values(TIER_STYLES)).size).toBe(Object.keys(TIER_STYLES).length);
  });
});

test('the customer box names the access, the mirrors and what is switched off', () => {
  const facts = graphFacts(configFrom([
    'externalAccess: {mode: domain, domain: {name: astrago.acme.com, tls: {enabled: true, issuer: letsencrypt}}}',
    'nfs: {server: 10.0.0.6}',
    'offline: {registry: "harbor.acme.local/astrago", git: "https://git.acme.local/gitops.git"}',
    'components: {mpiOperator: {enabled: false}, harbor: {enabled: false}}',
  ].join('\n')));
  expect(facts).toEqual({
    customer: 'acme',
    access: 'https://astrago.acme.com (domain mode, certificate from issuer letsencrypt)',
    sources: ['images from harbor.acme.local/astrago', 'Git (and the vendored charts) from https://git.acme.local/gitops.git'],
    off: ['harbor', 'mpiOperator'],
  });
  expect(mermaidGraph([], facts).split('\n')[1]).toBe('  customer[["acme<br/>https://astrago.acme.com (domain mode, certificate from issuer letsencrypt)'
    + '<br/>images from harbor.acme.local/astrago<br/>Git (and the vendored charts) from https://git.acme.local/gitops.git<br/>switched off: harbor, mpiOperator"]]');
});

test("the customer box and the README name the customer's release and ring, or that it pins the release", () => {
  const resolver = releaseResolver(ROOT);
  const ringed = loadCustomerText(`ring: early\n${MINIMAL}`, 'acme', 'customers/acme.yaml', resolver).config!;
  const pinned = loadCustomerText(`release: 2026.12.0-stage-1.0\n${MINIMAL}`, 'acme', 'customers/acme.yaml', resolver).config!;
  expect(mermaidGraph([], graphFacts(ringed)).split('\n')[1]).toBe('  customer[["acme<br/>release 2026.12.0 (ring early)<br/>http://10.0.0.5 (ip mode)<br/>images from their public registries"]]');
  expect(customerReadme('customers/acme.yaml', [], graphFacts(ringed))).toContain('Versions come from release `2026.12.0` (`releases/2026.12.0.yaml`), which ring `early` runs (`rings.yaml`), unless the customer file sets one.');
  expect(mermaidGraph([], graphFacts(pinned)).split('\n')[1]).toContain('<br/>release 2026.12.0-stage-1.0 (pinned)<br/>');
  expect(customerReadme('customers/acme.yaml', [], graphFacts(pinned))).toContain('which the customer file pins outside the rings');
});

describe('the graph of each sample customer', () => {
  const graphs = new Map<string, string>();
  beforeAll(async () => {
    for (const name of SAMPLES) {
      const config = sampleConfig(name);
      graphs.set(name, mermaidGraph(parseTree(await render(config)).objects, graphFacts(config)));
    }
  });

  test('shows the platform workloads, with replicas and image, in the Kustomization that applies them', () => {
    for (const graph of graphs.values()) {
      const apps = graph.slice(graph.indexOf('subgraph ks_applications_configs'), graph.indexOf('  end', graph.indexOf('subgraph ks_applications_configs')));
      for (const workload of ['Deployment astrago/astrago-backend-core', 'Deployment astrago/astrago-frontend', 'StatefulSet astrago/astrago-mariadb']) {
        expect(apps).toContain(workload);
      }
    }
    expect(graphs.get('factory')).toMatch(/Deployment astrago\/astrago-backend-core ×\d+<br\/>harbor\.factory\.local:443\/astrago\/xiilab\/astrago-backend:/);
  });

  test('differ by access mode, mirror sources and components switched off', () => {
    const facts = (name: string) => graphs.get(name)!.split('\n')[1];
    for (const name of SAMPLES) {
      const c = sampleConfig(name);
      expect(facts(name)).toContain(c.externalAccess.mode === 'ip' ? `http://${c.externalAccess.ip.address} (ip mode)` : 'domain mode');
      expect(facts(name)).toContain(c.offline.registry ? `images from ${c.offline.registry}` : 'images from their public registries');
      const off = Object.entries(c.components).filter(([, v]) => !v.enabled).map(([k]) => k);
      if (off.length) expect(facts(name)).toContain(`switched off: ${off.sort().join(', ')}`);
      else expect(facts(name)).not.toContain('switched off');
    }
    expect(new Set(graphs.values()).size).toBe(SAMPLES.length);
  });

  test('parses with Mermaid itself (what GitHub and mmdc render with); a broken graph does not', () => {
    const texts = [...graphs.values(), 'flowchart TD\n  subgraph a["unclosed"]\n  b["x" --> c\n'];
    const results = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(texts) }).toString());
    expect(results.slice(0, -1)).toEqual(SAMPLES.map(() => ({ type: 'flowchart-v2' })));
    expect(results.at(-1)).toEqual({ error: expect.stringMatching(/Parse error/) });
  });
});
