/**
 * `release new`, `promote`, `fleet` and the immutability of releases in use, on scratch
 * repositories: what a fleet operator does during an upgrade in waves.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CHARTS } from '../catalog/charts';
import { MPI_OPERATOR_IMAGE } from '../catalog/mpi-operator';
import type { Prompts } from '../commands/prompts';
import { newRelease } from '../commands/release-command';
import { VENDOR_ROOT, vendoredChartFile } from '../model/layout';
import { synth } from '../pipeline/synth';
import { vendorChart } from '../render/vendor-chart';
import { readTarGz, writeTarGz } from '../tools/archive';
import { runCli } from './cli-session';
import { readTree, ROOT, scratchRepo } from './helpers';

const noPrompts: Prompts = {
  input: () => Promise.reject(new Error('no prompt expected')),
  select: () => Promise.reject(new Error('no prompt expected')),
  confirm: () => Promise.reject(new Error('no prompt expected')),
};
const run = (root: string, args: string[]) => runCli(root, args, { interactive: false, prompts: noPrompts });
const git = (repo: string, ...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8', stdio: 'pipe' });
const commitAll = (repo: string) => {
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
};
const rings = (repo: string) => parse(fs.readFileSync(path.join(repo, 'rings.yaml'), 'utf8')).rings;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

/**
 * A second version of csi-driver-nfs vendored into the scratch repository's own vendor/ copy
 * through `vendorChart`, as `charts vendor --from` does: the real v4.9.0 chart, repacked under
 * the version a rebuilt archive would carry.
 */
const NEXT_NFS = 'v4.9.0-rebuild.1';
function vendorNextNfs(repo: string): void {
  fs.rmSync(path.join(repo, VENDOR_ROOT));
  fs.cpSync(path.join(ROOT, VENDOR_ROOT), path.join(repo, VENDOR_ROOT), { recursive: true });
  const files = readTarGz(fs.readFileSync(path.join(ROOT, vendoredChartFile('csi-driver-nfs', 'v4.9.0'))));
  const entries = [...files].map(([p, content]) => ({
    path: p, content: p === 'csi-driver-nfs/Chart.yaml' ? Buffer.from(content.toString('utf8').replace(/^version: v4\.9\.0$/m, `version: ${NEXT_NFS}`)) : content,
  }));
  const archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-chart-')), `csi-driver-nfs-${NEXT_NFS}.tgz`);
  fs.writeFileSync(archive, writeTarGz(entries));
  vendorChart({ root: repo, chart: 'csi-driver-nfs', version: NEXT_NFS, repository: CHARTS.csiDriverNfs.repository.url, from: archive, origin: 'test: v4.9.0 repacked under a new version' });
}

test("a new release promoted to the first ring changes dist/ only for that ring's customers, and their objects carry the new versions", async () => {
  const repo = scratchRepo();
  vendorNextNfs(repo);
  // The MPI operator's previous upstream release (its deploy/v2beta1/mpi-operator.yaml at v0.5.0 runs mpioperator/mpi-operator:0.5.0).
  const made = await run(repo, ['release', 'new', '2026.12.1', '--chart', `csi-driver-nfs=${NEXT_NFS}`, '--image', 'mpi-operator=0.5.0']);
  expect(made).toMatchObject({ code: 0 });
  const release = parse(fs.readFileSync(path.join(repo, 'releases/2026.12.1.yaml'), 'utf8'));
  // From the first ring's release by default: the canary's platform builds, the new chart and image.
  expect(release.platform.tags.core).toBe('core-stage-1.0-45eac704');
  expect(release.charts['csi-driver-nfs']).toBe(NEXT_NFS);
  expect(release.images['mpi-operator']).toBe('docker.io/mpioperator/mpi-operator:0.5.0');

  expect(await synth({ root: repo, log })).toBe(0);
  const before = readTree(path.join(repo, 'dist'));
  expect(await run(repo, ['promote', '2026.12.1', 'canary'])).toMatchObject({ code: 0, err: expect.stringContaining('Ring canary: 2026.12.0-stage-1.0 -> 2026.12.1 (1 customer(s): demo)') });
  lines.length = 0;
  expect(await synth({ root: repo, log })).toBe(0);
  // Only the promoted ring renders again: the others' inputs (their ring's release) did not change.
  expect(lines.filter((l) => l.startsWith('synthesized '))).toEqual([expect.stringMatching(/^synthesized demo: /)]);
  expect(lines).toContain('unchanged since the last synth: 3 customer(s) (inputs and written files as recorded in .astrago/inputs/)');
  const after = readTree(path.join(repo, 'dist'));
  const changed = Object.keys({ ...before, ...after }).filter((f) => before[f] !== after[f]).sort();
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.filter((f) => !f.startsWith('demo/'))).toEqual([]);
  const nfs = parse(after['demo/infrastructure/controllers/csi-driver-nfs.yaml'].split('\n---\n').find((d) => d.includes('kind: HelmRelease'))!);
  expect(nfs.spec.chart.spec.chart).toBe(`./${vendoredChartFile('csi-driver-nfs', NEXT_NFS)}`);
  expect(after['demo/applications/controllers/mpi-operator.yaml']).toContain('image: docker.io/mpioperator/mpi-operator:0.5.0');
  expect(after['seoul-lab/applications/controllers/mpi-operator.yaml']).toContain(`image: ${MPI_OPERATOR_IMAGE}`);
  // The inventory follows: the new chart version runs at the canary only.
  const fleet = JSON.parse((await run(repo, ['fleet', '--chart', `csi-driver-nfs@${NEXT_NFS}`, '-o', 'json'])).out);
  expect(fleet.map((r: { customer: string }) => r.customer)).toEqual(['demo']);
});

test('promoting past a ring is refused without --skip-ring, and the reason is recorded with the ring when given', async () => {
  const repo = scratchRepo();
  expect((await run(repo, ['release', 'new', '2026.12.1', '--image', 'frontend=frontend-stage-3770'])).code).toBe(0);
  const unchanged = fs.readFileSync(path.join(repo, 'rings.yaml'), 'utf8');
  const refused = await run(repo, ['promote', '2026.12.1', 'early']);
  expect(refused.code).toBe(1);
  expect(refused.err).toBe('error: early: expected a release ring canary runs already (2026.12.0-stage-1.0), found 2026.12.1: '
    + 'promote it to canary first (`npx astrago promote 2026.12.1 canary`), or pass --skip-ring <reason> to skip canary on purpose');
  expect(fs.readFileSync(path.join(repo, 'rings.yaml'), 'utf8')).toBe(unchanged);

  expect((await run(repo, ['promote', '2026.12.1', 'early', '--skip-ring', 'the canary is down for maintenance until Friday'])).code).toBe(0);
  expect(rings(repo)[1]).toEqual({ name: 'early', release: '2026.12.1', skipped: 'canary did not run 2026.12.1: the canary is down for maintenance until Friday' });
  // In order, no reason is needed and none is recorded.
  expect((await run(repo, ['promote', '2026.12.1', 'canary'])).code).toBe(0);
  expect(rings(repo)[0]).toEqual({ name: 'canary', release: '2026.12.1' });
  expect((await run(repo, ['promote', '2026.12.1', 'stable'])).code).toBe(0);
  expect(rings(repo)[2]).toEqual({ name: 'stable', release: '2026.12.1' });
});

test('editing a release in use is refused by release new, by synth and by check --base', async () => {
  const repo = scratchRepo();
  commitAll(repo);
  const rewrite = await run(repo, ['release', 'new', '2026.12.0', '--image', 'core=core-v1.0.49']);
  expect(rewrite.code).toBe(1);
  expect(rewrite.err).toContain('error: releases/2026.12.0.yaml: expected a release no customer runs, found 2026.12.0 in use (ring early, ring stable in the working tree; ring early, ring stable in HEAD)');

  const file = path.join(repo, 'releases/2026.12.0.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('core: core-stage-c5ad', 'core: core-v1.0.49'));
  const edited = 'releases/2026.12.0.yaml: expected release 2026.12.0 unchanged (at HEAD, ring early, ring stable ran it), found it edited: '
    + 'a release in use is immutable; write a new one (`npx astrago release new <name> --from 2026.12.0`) and promote it';
  const dist = readTree(path.join(repo, 'dist'));
  lines.length = 0;
  expect(await synth({ root: repo, log })).toBe(1);
  expect(lines).toEqual([`error: ${edited} (nothing was written, dist/ is unchanged)`]);
  expect(readTree(path.join(repo, 'dist'))).toEqual(dist);

  git(repo, 'commit', '-q', '-am', 'edit a release in use');
  const check = await run(repo, ['check', '--base', 'HEAD~1', '-o', 'json']);
  expect(check.code).toBe(1);
  expect(check.err.split('\n')).toContain(`error: ${edited.replace('at HEAD,', 'at HEAD~1,')}`);
});

test('release new refuses an existing release name and a chart version that is not vendored; an unknown chart is wrong usage', async () => {
  const repo = scratchRepo();
  commitAll(repo);
  expect((await run(repo, ['release', 'new', '2026.12.1'])).code).toBe(0);
  expect(await run(repo, ['release', 'new', '2026.12.1'])).toMatchObject({ code: 1, err: expect.stringContaining('expected a new release name, found the file exists') });
  const notVendored = await run(repo, ['release', 'new', '2026.12.2', '--chart', 'harbor=1.99.0']);
  expect(notVendored).toMatchObject({ code: 1, err: 'error: --chart harbor=1.99.0: expected a version vendored in vendor/charts/ (what the catalog can render and Flux can install), found none: vendor it first with `npx astrago charts vendor harbor 1.99.0`' });
  expect(fs.existsSync(path.join(repo, 'releases/2026.12.2.yaml'))).toBe(false);
  expect((await run(repo, ['release', 'new', '2026.12.3', '--chart', 'harbr=1.14.2'])).code).toBe(2);
});

test('fleet -o json answers which customers run an image (its mirrored copy too) and a chart version', async () => {
  const repo = scratchRepo();
  const customers = async (...filter: string[]) => JSON.parse((await run(repo, ['fleet', ...filter, '-o', 'json'])).out).map((r: { customer: string }) => r.customer);
  expect(await customers('--image', 'ghcr.io/xiilab/astrago-backend:core-stage-1.0-45eac704')).toEqual(['demo']);
  expect(await customers('--image', 'ghcr.io/xiilab/astrago-backend:core-stage-c5ad')).toEqual(['factory', 'plant', 'seoul-lab']);
  // plant is air-gapped: its tree names the copy in its mirror registry.
  expect(await customers('--image', 'docker.io/traefik:v3.7.11')).toEqual(['plant']);
  expect(await customers('--chart', 'traefik@41.3.0')).toEqual(['plant']);
  expect(await customers('--chart', 'harbor@1.14.2')).toEqual(['demo', 'factory', 'plant', 'seoul-lab']);
  expect(await customers('--chart', 'harbor@1.13.0')).toEqual([]);
  const all = JSON.parse((await run(repo, ['fleet', '-o', 'json'])).out);
  expect(all.find((r: { customer: string }) => r.customer === 'demo')).toMatchObject({ ring: 'canary', release: '2026.12.0-stage-1.0', pinned: false, charts: { 'csi-driver-nfs': 'v4.9.0' } });
  expect((await run(repo, ['fleet', '--chart', 'harbor'])).code).toBe(2);
});

test('release new refuses a name a customer file pins, however the file spells it', () => {
  for (const spelling of ['2026.12.9', '"2026.12\\x2e9"']) {
    const repo = scratchRepo();
    const file = path.join(repo, 'customers', 'demo.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^ring: .*$/m, `release: ${spelling}`));
    expect(() => newRelease(repo, { name: '2026.12.9', from: '2026.12.0' })).toThrow('found 2026.12.9 in use (customer demo (pinned) in the working tree)');
  }
});
