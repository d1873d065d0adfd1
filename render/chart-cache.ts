/**
 * The chart cache: the archives of the catalog's charts at their pinned versions, in the
 * git-ignored `.cache/charts/<repository>/<chart>-<version>.tgz`, each checked against the
 * digest the catalog records before it lands there; and where the render check finds a chart.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHARTS, type ChartEntry } from '../catalog/charts';
import { HelmError, type Helm } from './helm';
import { replaceFile } from '../files/file-steps';

export function chartCacheDir(root: string): string {
  return path.join(root, '.cache', 'charts');
}

/** Where `charts pull` puts a chart archive. */
export function cachedArchivePath(cacheDir: string, repository: string, chart: string, version: string): string {
  return path.join(cacheDir, repository, `${chart}-${version}.tgz`);
}

/** `$ASTRAGO_CHARTS`: a folder of charts the render check reads after `.cache/charts`. */
export const CHARTS_ENV = 'ASTRAGO_CHARTS';

/** The unpacked catalog charts beside the checkout (CI and these machines have it). */
export function sharedChartCacheDir(root: string): string {
  return path.resolve(root, '..', 'shared', 'chart-cache');
}

/** Chart folders named on the command line. */
export interface ChartFolders {
  /**
   * The pulled chart cache.
   * @default - .cache/charts
   */
  readonly cache?: string;
  /**
   * One more folder of charts.
   * @default - $ASTRAGO_CHARTS
   */
  readonly charts?: string;
}

/**
 * Where the render check looks for charts, in order: the pulled cache, the folder named by
 * option or `$ASTRAGO_CHARTS`, then `../shared/chart-cache`. Folders that do not exist are left out.
 */
export function chartSearchPath(root: string, folders: ChartFolders = {}, env: NodeJS.ProcessEnv = process.env): string[] {
  const named = folders.charts ?? env[CHARTS_ENV];
  const cache = folders.cache ? path.resolve(root, folders.cache) : chartCacheDir(root);
  const dirs = [cache, ...(named ? [path.resolve(root, named)] : []), sharedChartCacheDir(root)];
  return [...new Set(dirs)].filter((d) => fs.existsSync(d));
}

/**
 * A chart by name and version in the first folder that holds it, as an archive
 * `<chart>-<version>.tgz` or an unpacked folder `<chart>-<version>/`, flat or one level down
 * (`.cache/charts/<repository>/…`). The repository or mirror that serves it plays no part: a
 * pinned version is the same chart wherever it comes from (`charts pull` checks its digest).
 */
export function locateChart(dirs: readonly string[], chart: string, version: string): string | undefined {
  const name = `${chart}-${version}`;
  for (const dir of dirs) {
    const subfolders = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== name).map((e) => path.join(dir, e.name)).sort();
    for (const parent of [dir, ...subfolders]) {
      const archive = path.join(parent, `${name}.tgz`);
      if (fs.existsSync(archive)) return archive;
      if (fs.existsSync(path.join(parent, name, 'Chart.yaml'))) return path.join(parent, name);
    }
  }
  return undefined;
}

export function sha256Of(file: string): string {
  return `sha256:${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
}

export interface PullChartsOptions {
  /** Cache folder to fill. */
  readonly cacheDir: string;
  readonly helm: Helm;
  /**
   * Chart repository mirror (`https://…` serving an index.yaml, or `oci://…`) to pull every chart from.
   * @default - each chart's upstream repository
   */
  readonly mirror?: string;
  /**
   * Charts to pull.
   * @default - every chart of the catalog
   */
  readonly charts?: readonly ChartEntry[];
  /**
   * Cache charts without a recorded digest (printing the digest to verify and record).
   * @default false
   */
  readonly allowUnverified?: boolean;
  readonly log: (line: string) => void;
}

/** Pulls every chart; returns the number of charts that failed (each explained in one line). */
export function pullCharts(options: PullChartsOptions): number {
  const charts = uniqueCharts(options.charts ?? Object.values(CHARTS));
  let failed = 0;
  for (const entry of charts) {
    const target = cachedArchivePath(options.cacheDir, entry.repository.name, entry.chart, entry.version);
    const label = `${entry.chart} ${entry.version}`;
    if (fs.existsSync(target) && entry.digest && sha256Of(target) === entry.digest) {
      options.log(`cached: ${label} (${path.basename(target)}, ${entry.digest})`);
      continue;
    }
    const source = options.mirror ?? entry.repository.url;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-chart-'));
    try {
      const reference = source.startsWith('oci://') ? [`${source.replace(/\/$/, '')}/${entry.chart}`] : [entry.chart, '--repo', source];
      options.helm.run(['pull', ...reference, '--version', entry.version, '--destination', work]);
      const archive = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
      if (!archive) throw new HelmError('helm pull wrote no archive');
      const digest = sha256Of(path.join(work, archive));
      if (entry.digest && digest !== entry.digest) {
        options.log(`error: ${label} from ${source}: expected digest ${entry.digest} (catalog/charts.ts), found ${digest}: not cached`);
        failed++;
        continue;
      }
      if (!entry.digest && !options.allowUnverified) {
        options.log(`error: ${label} from ${source}: no recorded checksum; the archive has ${digest}: verify it against the digest in ${entry.repository.url}/index.yaml, `
          + `record it as \`digest\` of the chart in catalog/charts.ts (or pass --allow-unverified): not cached`);
        failed++;
        continue;
      }
      replaceFile(target, fs.readFileSync(path.join(work, archive)));
      options.log(entry.digest
        ? `pulled: ${label} from ${source} (${entry.digest} verified)`
        : `warning: ${label} from ${source}: cached UNVERIFIED with ${digest}: record that digest in catalog/charts.ts once you have checked it`);
    } catch (e) {
      if (!(e instanceof HelmError)) throw e;
      options.log(`error: ${label}: expected the chart from ${source}, found it unreachable (${e.message}); ${options.mirror ? 'check the mirror URL and that it serves this chart' : 'offline? pass --mirror <URL of the chart mirror>'}`);
      failed++;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  return failed;
}

function uniqueCharts(charts: readonly ChartEntry[]): ChartEntry[] {
  const seen = new Map<string, ChartEntry>();
  for (const c of charts) seen.set(`${c.repository.name}/${c.chart}-${c.version}`, c);
  return [...seen.values()];
}
