/**
 * Releases and rings as data: `releases/<name>.yaml` pins every version a customer runs,
 * `rings.yaml` says which release each ring runs. This module reads and checks both (one
 * `error:` line per problem: file, key path, expected, found), resolves a customer's choice
 * (`ring`, or a pinned `release`) to a release, and turns a release into the layer of defaults
 * it is for the customer file (built-in defaults → release → profile → customer file).
 *
 * A repository without `rings.yaml` has not adopted releases: its customers run the catalog's
 * pins, which are those of the first release (a test keeps them equal).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { CHARTS, type ChartEntry } from '../catalog/charts';
import { parseImage } from '../catalog/images';
import { PLATFORM_GENERATIONS, type PlatformGenerationName } from '../catalog/platform';
import { dumpYaml } from '../files/canonical';
import { errnoCode } from '../model/caught';
import { RELEASES_ROOT, releaseFile, RINGS_FILE } from '../model/layout';
import { conflictMarkerLine, conflictMarkersProblem, DNS1123_LABEL, SEMVER } from '../model/patterns';
import { RELEASE_NAME, type Release, type ReleaseChoice, type Ring } from '../model/release';
import { EXIT, UserError } from '../model/user-error';
import { getPath } from './layering';

/** Chart name (`csi-driver-nfs`) → component key of the customer file (`csiDriverNfs`). */
const CATALOG: ReadonlyArray<[string, ChartEntry]> = Object.entries(CHARTS);
export const CHART_COMPONENTS: ReadonlyMap<string, string> = new Map(CATALOG.map(([key, entry]) => [entry.chart, key]));

/** The chart names a release must pin, in catalog order. */
export const RELEASE_CHARTS: readonly string[] = [...CHART_COMPONENTS.keys()];

const IMAGE_TAG = /^(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const text = (pattern: RegExp, what: string) => z.string({ error: what }).regex(pattern, { error: what });
const tag = text(IMAGE_TAG, 'a pinned image tag such as core-stage-c5ad (":latest" is not allowed)');
const generations = Object.keys(PLATFORM_GENERATIONS) as [PlatformGenerationName, ...PlatformGenerationName[]];
const pinnedImage = z.string({ error: 'an image reference host/path:tag' }).refine((ref) => {
  try {
    const image = parseImage(ref);
    return Boolean(image.tag && image.tag !== 'latest');
  } catch {
    return false;
  }
}, { error: 'an image reference host/path:tag with a pinned tag' });

const releaseSchema = z.strictObject({
  charts: z.strictObject(Object.fromEntries(RELEASE_CHARTS.map((chart) => [chart, text(SEMVER, 'an exact chart version such as 4.13.2')])), { error: 'a map of every chart of the catalog to its version' }),
  platform: z.strictObject({
    generation: z.enum(generations, { error: `one of ${generations.join(', ')}` }),
    tags: z.strictObject({ core: tag, batch: tag, monitor: tag, frontend: tag }, { error: 'a map of core, batch, monitor and frontend to their tags' }),
  }, { error: 'a map of generation and tags' }),
  images: z.strictObject({ 'mpi-operator': pinnedImage }, { error: 'a map of the images outside charts (mpi-operator)' }),
}, { error: 'a map of charts, platform and images' });

const ringsSchema = z.strictObject({
  rings: z.array(z.strictObject({
    name: text(DNS1123_LABEL, 'a ring name (a DNS-1123 name such as canary)'),
    release: text(RELEASE_NAME, 'a release name such as 2026.12.0'),
    skipped: z.string({ error: 'the reason the ring skipped the one before it' }).min(1).optional(),
  }, { error: 'a ring {name, release}' }), { error: 'a list of rings, each {name, release}' }).min(1, { error: 'at least one ring' }),
}, { error: 'a map with rings' });

/** `file: path: expected …, found …`, the one-line form of every problem. */
function problem(file: string, keyPath: readonly PropertyKey[], expected: string, found: string): string {
  return `${file}: ${keyPath.map(String).join('.') || '(file)'}: expected ${expected}, found ${found}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a map';
  return JSON.stringify(value);
}

/** Parses a YAML file of ours against a schema: the data, or a UserError with one line per problem. */
function parseFile<T>(file: string, content: string, schema: z.ZodType<T>): T {
  const conflict = conflictMarkerLine(content);
  if (conflict) throw new UserError(problem(file, [], 'one version of each setting', conflictMarkersProblem(conflict)));
  const doc = parseDocument(content, { uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length) throw new UserError(doc.errors.map((e) => problem(file, [], 'valid YAML', e.message.split('\n')[0])));
  const data: unknown = doc.toJS({ maxAliasCount: 10 }) ?? {};
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new UserError(parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return problem(file, issue.path, 'no other key', `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
    return problem(file, issue.path, issue.message, describe(getPath(data, issue.path.map(String))));
  }));
}

function readText(root: string, file: string, missing: () => UserError): string {
  try {
    return fs.readFileSync(path.join(root, file), 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw missing();
    const code = errnoCode(e);
    if (!code) throw e;
    throw new UserError(problem(file, [], 'a readable file', `${code} while reading it`));
  }
}

/** The release names of the repository (`releases/*.yaml`), sorted. */
export function releaseNames(root: string): string[] {
  const dir = path.join(root, RELEASES_ROOT);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}

/** A release's content as written in its file, checked. */
export function parseRelease(name: string, content: string, file = releaseFile(name)): Release {
  return { name, ...parseFile(file, content, releaseSchema) };
}

/** A release of the repository, checked; a UserError naming the releases there are when it has none of the name. */
export function loadRelease(root: string, name: string): Release {
  if (!RELEASE_NAME.test(name)) throw new UserError(problem(releaseFile('<name>'), [], 'a release name such as 2026.12.0 (lower-case letters, digits, "." and "-")', JSON.stringify(name)), EXIT.USAGE);
  const file = releaseFile(name);
  return parseRelease(name, readText(root, file, () => new UserError(problem(file, [], `a release of ${RELEASES_ROOT}/ (${releaseNames(root).join(', ') || 'none'})`, 'no such file'))));
}

/** The rings of `rings.yaml` content, in rollout order, checked. */
export function parseRings(content: string): readonly Ring[] {
  const { rings } = parseFile(RINGS_FILE, content, ringsSchema);
  const seen = new Set<string>();
  rings.forEach((ring, i) => {
    if (seen.has(ring.name)) throw new UserError(problem(RINGS_FILE, ['rings', i, 'name'], 'each ring named once', JSON.stringify(ring.name)));
    seen.add(ring.name);
  });
  return rings;
}

/** The rings of the repository, in rollout order; undefined when it has no `rings.yaml`. */
export function loadRings(root: string): readonly Ring[] | undefined {
  if (!fs.existsSync(path.join(root, RINGS_FILE))) return undefined;
  return parseRings(readText(root, RINGS_FILE, () => new UserError(problem(RINGS_FILE, [], 'a file', 'none'))));
}

/** The ring of a customer file that names neither ring nor release: the last one, the most careful (decided here, once). */
export function defaultRing(rings: readonly Ring[]): Ring {
  return rings[rings.length - 1];
}

/** `rings.yaml` as written by `promote`: canonical YAML, with a header saying what it is. */
export function formatRings(rings: readonly Ring[]): string {
  return '# The rings of the fleet, in rollout order: each runs one release (releases/<name>.yaml).\n'
    + '# A customer file names its ring (default: the last). Change it with `npx astrago promote <release> <ring>`.\n'
    + dumpYaml({ rings: rings.map((r) => ({ name: r.name, release: r.release, ...(r.skipped ? { skipped: r.skipped } : {}) })) });
}

/** A release file as `release new` writes it. */
export function formatRelease(release: Release): string {
  return `# Release ${release.name}: an immutable set of versions. Never edit it once a customer runs it: write a new one (\`npx astrago release new\`).\n`
    + dumpYaml({ charts: release.charts, platform: release.platform, images: release.images });
}

/** What a customer's `ring`/`release` keys resolve to, or the problem with them (a key path of the customer file). */
export type Resolution =
  | { readonly choice: ReleaseChoice; readonly release: Release; readonly problem?: undefined }
  | { readonly problem: { readonly path: string; readonly expected: string; readonly found: string } };

/** Resolves customers' choices against one repository's rings and releases, each release read once. */
export interface ReleaseResolver {
  resolve(ring: unknown, release: unknown): Resolution;
}

/**
 * The resolver of a repository, or undefined when it has no `rings.yaml` (customers then run the
 * catalog's pins). A broken rings.yaml or release file is a UserError: it concerns every customer.
 */
export function releaseResolver(root: string): ReleaseResolver | undefined {
  const rings = loadRings(root);
  if (!rings) return undefined;
  const cache = new Map<string, Release>();
  const release = (name: string): Release => {
    const known = cache.get(name);
    if (known) return known;
    const loaded = loadRelease(root, name);
    cache.set(name, loaded);
    return loaded;
  };
  return {
    resolve(ringKey, releaseKey) {
      if (ringKey !== undefined && releaseKey !== undefined) {
        return { problem: { path: 'release', expected: 'either ring or release, not both (a pinned release leaves every ring)', found: describe(releaseKey) } };
      }
      if (releaseKey !== undefined) {
        if (typeof releaseKey !== 'string' || !RELEASE_NAME.test(releaseKey) || !fs.existsSync(path.join(root, releaseFile(releaseKey)))) {
          return { problem: { path: 'release', expected: `a release of ${RELEASES_ROOT}/ (${releaseNames(root).join(', ')})`, found: describe(releaseKey) } };
        }
        return { choice: { release: releaseKey }, release: release(releaseKey) };
      }
      const ring = ringKey === undefined ? defaultRing(rings) : rings.find((r) => r.name === ringKey);
      if (!ring) return { problem: { path: 'ring', expected: `a ring of ${RINGS_FILE} (${rings.map((r) => r.name).join(', ')})`, found: describe(ringKey) } };
      return { choice: { ring: ring.name, release: ring.release }, release: release(ring.release) };
    },
  };
}

/**
 * A release as the layer of defaults beneath the profile: the chart versions, the platform tags
 * and generation, the MPI operator image. A customer file still overrides any of them.
 */
export function releaseLayer(release: Release): Record<string, unknown> {
  const components: Record<string, unknown> = { mpiOperator: { image: release.images['mpi-operator'] } };
  for (const [chart, version] of Object.entries(release.charts)) {
    const key = CHART_COMPONENTS.get(chart);
    if (key) components[key] = { version };
  }
  const { core, batch, monitor, frontend } = release.platform.tags;
  return {
    components,
    astrago: {
      imageGeneration: release.platform.generation,
      components: { core: { tag: core }, batch: { tag: batch }, monitor: { tag: monitor }, frontend: { tag: frontend } },
    },
  };
}
