/**
 * What the repository vendors so that a clone stands alone: every artifact in vendor/ is in the
 * lock with the sha256 of its bytes, every chart the catalog pins is vendored, and nothing the
 * project runs reads a folder beside the repository.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHARTS } from '../catalog/charts';
import { findVendoredChart, readVendorLock } from '../catalog/vendor-lock';
import { VENDOR_ROOT, vendoredChartFile } from '../model/layout';
import { readTarGz } from '../tools/archive';
import { ROOT } from './helpers';

const lock = readVendorLock(ROOT);
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(path.join(ROOT, file))).digest('hex');

test('every vendored artifact has the sha256 the lock records, and the lock names every file under vendor/', () => {
  const entries = [...lock.charts, ...lock.schemas];
  for (const entry of entries) expect([entry.file, sha256(entry.file)]).toEqual([entry.file, entry.sha256]);
  const onDisk = (fs.readdirSync(path.join(ROOT, VENDOR_ROOT), { recursive: true, encoding: 'utf8' }) as string[])
    .map((f) => `${VENDOR_ROOT}/${f.split(path.sep).join('/')}`)
    .filter((f) => fs.statSync(path.join(ROOT, f)).isFile() && f !== `${VENDOR_ROOT}/lock.yaml`);
  expect(onDisk.sort()).toEqual(entries.map((e) => e.file).sort());
});

test('every chart the catalog pins is vendored as a .tgz holding exactly that chart and version, with where it came from', () => {
  for (const entry of Object.values(CHARTS)) {
    const vendored = findVendoredChart(lock, entry.chart, entry.version);
    expect([entry.chart, vendored?.file]).toEqual([entry.chart, vendoredChartFile(entry.chart, entry.version)]);
    expect(vendored!.file).toMatch(/\.tgz$/);
    expect(vendored!.repository).toBe(entry.repository.url);
    expect(vendored!.origin.length).toBeGreaterThan(10);
    const files = readTarGz(fs.readFileSync(path.join(ROOT, vendored!.file)));
    const chartYaml = files.get(`${entry.chart}/Chart.yaml`)!.toString('utf8');
    expect(chartYaml).toMatch(new RegExp(`^name: ${entry.chart}$`, 'm'));
    expect(chartYaml).toMatch(new RegExp(`^version: ${entry.version.replaceAll('.', '\\.')}$`, 'm'));
  }
});

test('the upstream digests the old system recorded (its versions.lock) are kept as provenance', () => {
  const upstream = Object.fromEntries(lock.charts.filter((c) => c.upstreamDigest).map((c) => [`${c.chart}-${c.version}`, c.upstreamDigest]));
  expect(upstream).toEqual({
    'csi-driver-nfs-v4.9.0': '46d24290ed70826bc641fd1f21becd993093d20640b79ed6f97fc0dd13ab93f6',
    'harbor-1.14.2': 'b950f0a3ab13a583d3c9840219b8826c832ecf88fdfe7681df1c4b925abdccae',
    'kube-prometheus-stack-61.9.0': '1fbc026e400233b9f8fa72d668a64413bd5ff0a0e3cdbde950d95619e1888fbe',
  });
});

test('no source, test, script, workflow or guide reads a folder beside the repository', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean)
    .filter((f) => !f.startsWith('dist/') && !f.startsWith('vendor/') && !f.startsWith('__tests__/fixtures/') && f !== 'package-lock.json' && f !== '__tests__/vendor.test.ts')
    .filter((f) => /\.(ts|js|mjs|sh|ya?ml|json|md)$/.test(f) || f === '.ci/run');
  const offending = tracked.filter((f) => fs.existsSync(path.join(ROOT, f)) && fs.readFileSync(path.join(ROOT, f), 'utf8').includes('../shared'));
  expect(offending).toEqual([]);
});
