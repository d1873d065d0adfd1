/**
 * Releases and rings: a customer runs the release of its ring (or the one it pins), every
 * version it runs comes from that release, and a broken release file or choice is one line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHARTS } from '../catalog/charts';
import { MPI_OPERATOR_IMAGE } from '../catalog/mpi-operator';
import { PLATFORM_IMAGES } from '../catalog/platform';
import { explain, Layer } from '../config/explain';
import { loadCustomerText } from '../config/load';
import { loadRelease, parseRelease, releaseResolver, RELEASE_CHARTS } from '../config/releases';
import { UserError } from '../model/user-error';
import { customerDigest, DigestContext } from '../pipeline/input-digest';
import { loadAll } from '../pipeline/synth';
import { MINIMAL, ROOT, scratchRepo } from './helpers';

const resolver = releaseResolver(ROOT)!;
const load = (yaml: string) => loadCustomerText(yaml, 'acme', 'customers/acme.yaml', resolver);
const problems = (action: () => unknown): readonly string[] => {
  try {
    action();
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
  return [];
};

test('the first release pins exactly the versions the catalog pinned, so adopting releases changes no output', () => {
  const first = loadRelease(ROOT, '2026.12.0');
  expect(first.charts).toEqual(Object.fromEntries(Object.values(CHARTS).map((c) => [c.chart, c.version])));
  expect(first.platform).toEqual({ generation: PLATFORM_IMAGES.generation, tags: PLATFORM_IMAGES.tags });
  expect(first.images['mpi-operator']).toBe(MPI_OPERATOR_IMAGE);
});

test('a customer that names no ring runs the release of the last ring', () => {
  const config = load(MINIMAL).config!;
  expect([config.ring, config.release]).toEqual(['stable', '2026.12.0']);
});

test("a customer of a ring gets that ring's release: chart versions, platform tags and the MPI operator image", () => {
  const config = load(`ring: canary\n${MINIMAL}`).config!;
  const canary = loadRelease(ROOT, '2026.12.0-stage-1.0');
  expect([config.ring, config.release]).toEqual(['canary', canary.name]);
  expect(config.astrago.components.core.tag).toBe(canary.platform.tags.core);
  expect(config.astrago.components.frontend.tag).toBe(canary.platform.tags.frontend);
  expect(config.components.harbor.version).toBe(canary.charts.harbor);
  expect(config.components.mpiOperator.image).toBe(canary.images['mpi-operator']);
});

test('a customer pinned to a release leaves its ring, and its own overrides still win over the release', () => {
  const config = load(`release: 2026.12.0-stage-1.0\nastrago: {components: {core: {tag: core-v1.0.49}}}\n${MINIMAL}`).config!;
  expect(config.ring).toBeUndefined();
  expect(config.release).toBe('2026.12.0-stage-1.0');
  expect(config.astrago.components.core.tag).toBe('core-v1.0.49');
  expect(config.astrago.components.batch.tag).toBe('batch-stage-1.0-45eac704');
});

test('an unknown ring, an unknown release, or both keys at once is one error naming the key and what exists', () => {
  expect(load(`ring: moon\n${MINIMAL}`).errors).toEqual([expect.objectContaining({ path: 'ring', expected: 'a ring of rings.yaml (canary, early, stable)', found: '"moon"' })]);
  expect(load(`release: 1999.1.0\n${MINIMAL}`).errors[0]).toMatchObject({ path: 'release', found: '"1999.1.0"' });
  expect(load(`release: 1999.1.0\n${MINIMAL}`).errors[0].expected).toContain('2026.12.0-stage-1.0');
  expect(load(`ring: canary\nrelease: 2026.12.0\n${MINIMAL}`).errors[0]).toMatchObject({ path: 'release', expected: expect.stringContaining('not both') });
});

test('a release file with a wrong value, a missing chart or an unknown key gives one line each: file, key path, expected, found', () => {
  const good = fs.readFileSync(path.join(ROOT, 'releases/2026.12.0.yaml'), 'utf8');
  expect(problems(() => parseRelease('x', good.replace('harbor: 1.14.2', 'harbor: latest')))).toEqual([
    'releases/x.yaml: charts.harbor: expected an exact chart version such as 4.13.2, found "latest"',
  ]);
  expect(problems(() => parseRelease('x', good.replace(/^ {2}traefik: .*\n/m, '')))).toEqual([
    'releases/x.yaml: charts.traefik: expected an exact chart version such as 4.13.2, found nothing',
  ]);
  expect(problems(() => parseRelease('x', good.replace('images:', 'imges:')))).toEqual([
    'releases/x.yaml: images: expected a map of the images outside charts (mpi-operator), found nothing',
    'releases/x.yaml: (file): expected no other key, found unknown key "imges"',
  ]);
  expect(RELEASE_CHARTS).toEqual(Object.values(CHARTS).map((c) => c.chart));
});

test('synth refuses a release whose chart version is not vendored, naming the release and the charts vendor command', () => {
  const repo = scratchRepo();
  const release = path.join(repo, 'releases/2026.12.0.yaml');
  fs.writeFileSync(release, fs.readFileSync(release, 'utf8').replace('harbor: 1.14.2', 'harbor: 1.99.0'));
  expect(problems(() => loadAll(repo, () => undefined, 'seoul-lab'))).toEqual([
    'releases/2026.12.0.yaml: charts.harbor: expected a version of harbor vendored in vendor/charts/ (vendor it with `npx astrago charts vendor harbor 1.99.0`), for customer seoul-lab, found 1.99.0',
  ]);
});

test('explain names the release (and the ring that runs it) as the layer that set a version, beneath the profile and the customer file', () => {
  const loaded = load(`ring: canary\nastrago: {components: {batch: {tag: batch-v1.0.49}}}\n${MINIMAL}`);
  const [core] = explain({ ...loaded, config: loaded.config! }, 'astrago.components.core.tag');
  expect(core.layers.map((l) => [l.layer, l.where])).toEqual([
    [Layer.DEFAULT, 'catalog/platform.ts'],
    [Layer.RELEASE, '2026.12.0-stage-1.0 (releases/2026.12.0-stage-1.0.yaml, which ring canary of rings.yaml runs)'],
  ]);
  const [batch] = explain({ ...loaded, config: loaded.config! }, 'astrago.components.batch.tag');
  expect(batch.layers.map((l) => l.layer)).toEqual([Layer.DEFAULT, Layer.RELEASE, Layer.CUSTOMER]);
  expect(batch.value).toBe('batch-v1.0.49');
});

test("a customer's synth inputs hold its own ring's release: promoting one ring, or editing its release, changes only its customers' digests", () => {
  const repo = scratchRepo();
  const digests = () => {
    const context = new DigestContext(repo);
    return Object.fromEntries(['demo', 'factory', 'plant', 'seoul-lab'].map((c) => [c, customerDigest(context, c)]));
  };
  const before = digests();
  const rings = path.join(repo, 'rings.yaml');
  fs.writeFileSync(rings, fs.readFileSync(rings, 'utf8').replace('name: early\n    release: 2026.12.0', 'name: early\n    release: 2026.12.0-stage-1.0'));
  const promoted = digests();
  expect(Object.keys(before).filter((c) => before[c] !== promoted[c])).toEqual(['seoul-lab']);
  const release = path.join(repo, 'releases/2026.12.0.yaml');
  fs.writeFileSync(release, fs.readFileSync(release, 'utf8').replace('harbor: 1.14.2', 'harbor: 1.14.3'));
  const edited = digests();
  expect(Object.keys(edited).filter((c) => edited[c] !== promoted[c])).toEqual(['factory', 'plant']);
});
