/**
 * Vendoring a chart: its archive into `vendor/charts/<chart>-<version>.tgz` and its digest and
 * origin into the lock. The archive comes from the chart's repository (as published, so its
 * sha256 is the repository's digest), from an archive brought in by hand, or from an unpacked
 * chart folder (packed reproducibly): the last two are the offline path of an air-gapped site.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { findVendoredChart, readVendorLock, readVerified, sha256Of, writeVendorLock, type VendoredChart } from '../catalog/vendor-lock';
import { replaceFile } from '../files/file-steps';
import { errnoCode, firstLineOf, messageOf } from '../model/caught';
import { fieldsOf, type Fields } from '../model/fields';
import { VENDOR_LOCK, vendoredChartFile } from '../model/layout';
import { EXIT, UserError } from '../model/user-error';
import { readTarGz, writeTarGz, type ArchiveEntry } from '../tools/archive';
import { HelmError, type Helm } from './helm';

export interface VendorChartOptions {
  /** Repository root. */
  readonly root: string;
  /** Chart name, as the chart's own Chart.yaml names it. */
  readonly chart: string;
  readonly version: string;
  /** Chart repository the chart is published in: recorded as its origin, and pulled from without `from`. */
  readonly repository: string;
  /**
   * A chart archive (`.tgz`) or an unpacked chart folder to vendor instead of pulling.
   * @default - pulled from `repository` with helm
   */
  readonly from?: string;
  /**
   * sha256 (hex) of the archive the repository publishes, when it is known from another record.
   * @default - the pulled archive's own digest when pulled; unknown otherwise
   */
  readonly upstreamDigest?: string;
  /**
   * How the archive was obtained, for the lock.
   * @default - said from `from` or `repository`
   */
  readonly origin?: string;
  /** helm, to pull the chart, or to package a chart folder. */
  readonly helm?: Helm;
}

/** The outcome: the lock entry, and whether anything was written. */
export interface VendorChartResult {
  readonly entry: VendoredChart;
  readonly written: boolean;
}

export function vendorChart(options: VendorChartOptions): VendorChartResult {
  const lock = readVendorLock(options.root);
  const obtained = options.from ? fromLocal(options.from, options.helm) : pull(options);
  checkChartYaml(obtained.archive, options.chart, options.version, obtained.origin);
  const sha256 = sha256Of(obtained.archive);
  if (obtained.asPublished && options.upstreamDigest !== undefined && options.upstreamDigest !== sha256) {
    throw new UserError(`${obtained.origin}: expected the archive as its repository publishes it, with sha256 ${options.upstreamDigest} (--upstream-digest), found ${sha256}: not vendored (${VENDOR_LOCK} unchanged)`);
  }
  const file = vendoredChartFile(options.chart, options.version);
  const existing = findVendoredChart(lock, options.chart, options.version);
  if (existing && existing.sha256 !== sha256) {
    // Flux rebuilds a chart from Git only when its version changes: new bytes under an old version would never reach a cluster that has it.
    throw new UserError(`${file}: expected new content under a new version, found ${options.chart} ${options.version} already vendored with sha256 ${existing.sha256}, `
      + `and this one has ${sha256}: a chart version never changes its content; remove the old archive and its lock entry first if no customer uses it`);
  }
  const entry: VendoredChart = {
    chart: options.chart,
    version: options.version,
    file,
    sha256,
    repository: options.repository,
    // The same bytes vendored again keep the provenance recorded the first time, unless told otherwise.
    upstreamDigest: options.upstreamDigest ?? existing?.upstreamDigest ?? obtained.upstreamDigest,
    origin: options.origin ?? existing?.origin ?? obtained.origin,
  };
  if (existing && JSON.stringify(existing) === JSON.stringify(entry) && isIntact(options.root, existing)) return { entry, written: false };
  // The archive first: a lock entry never names a file that is not there.
  replaceFile(path.join(options.root, file), obtained.archive);
  writeVendorLock(options.root, { ...lock, charts: [...lock.charts.filter((c) => c.file !== file), entry] });
  return { entry, written: true };
}

/** Whether the vendored file is on disk as the lock records it (else vendoring the same bytes restores it). */
function isIntact(root: string, entry: VendoredChart): boolean {
  try {
    readVerified(root, entry);
    return true;
  } catch (e) {
    if (e instanceof UserError) return false;
    throw e;
  }
}

interface Obtained {
  readonly archive: Buffer;
  readonly origin: string;
  readonly upstreamDigest?: string;
  /** Bytes as a repository published them (pulled, or an archive brought in), not packed here. */
  readonly asPublished: boolean;
}

function fromLocal(from: string, helm: Helm | undefined): Obtained {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(from);
  } catch (e) {
    throw new UserError(`--from: expected a chart archive (.tgz) or chart folder, found ${errnoCode(e) === 'ENOENT' ? 'nothing' : 'an unreadable path'} at ${from}`, EXIT.USAGE);
  }
  if (stat.isDirectory()) {
    if (!helm) throw new UserError(`helm: expected a helm binary to package the chart folder ${from}, found none`);
    return { archive: packChartFolder(from, helm), origin: `packed from the unpacked chart folder ${path.basename(from)}`, asPublished: false };
  }
  return { archive: fs.readFileSync(from), origin: `copied from the archive ${path.basename(from)}`, asPublished: true };
}

function pull(options: VendorChartOptions): Obtained {
  if (!options.helm) throw new UserError('helm: expected a helm binary to pull the chart, found none; offline, pass --from <archive or chart folder>');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-vendor-'));
  try {
    const source = options.repository;
    const reference = source.startsWith('oci://') ? [`${source.replace(/\/$/, '')}/${options.chart}`] : [options.chart, '--repo', source];
    try {
      options.helm.run(['pull', ...reference, '--version', options.version, '--destination', work]);
    } catch (e) {
      if (!(e instanceof HelmError)) throw e;
      throw new UserError(`${options.chart} ${options.version}: expected the chart from ${source}, found it unreachable (${e.message}); offline, pass --from <archive or chart folder>`);
    }
    const name = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!name) throw new UserError(`${options.chart} ${options.version}: expected helm pull to write an archive, found none`);
    const archive = fs.readFileSync(path.join(work, name));
    return { archive, origin: `pulled from ${source}`, upstreamDigest: sha256Of(archive), asPublished: true };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * An unpacked chart folder as a reproducible archive: what `helm package` makes of it (its
 * .helmignore applied, its Chart.yaml as Helm writes it), with every entry's time and owner fixed,
 * so packing the same folder again gives the same files. Links are refused: a link would pack
 * whatever it points at, outside the chart.
 */
export function packChartFolder(dir: string, helm: Helm): Buffer {
  readChartYaml(path.join(dir, 'Chart.yaml'));
  const walk = (folder: string) => {
    for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
      const p = path.join(folder, e.name);
      if (e.isSymbolicLink()) throw new UserError(`${path.relative(dir, p)}: expected a file or folder of the chart, found a symbolic link: not vendored`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-pack-'));
  try {
    try {
      helm.run(['package', dir, '--destination', work]);
    } catch (e) {
      if (!(e instanceof HelmError)) throw e;
      throw new UserError(`${dir}: expected a chart folder helm can package, found: ${e.message}`);
    }
    const name = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!name) throw new UserError(`${dir}: expected helm package to write an archive, found none`);
    const files = readTarGz(fs.readFileSync(path.join(work, name)));
    return writeTarGz([...files].map(([p, content]): ArchiveEntry => ({ path: p, content })));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function readChartYaml(file: string): { name: string; version: string } {
  let meta: unknown;
  try {
    meta = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: expected a chart's Chart.yaml, found ${errnoCode(e) === 'ENOENT' ? 'no file' : messageOf(e).split('\n')[0]}`);
  }
  const { name, version } = fieldsOf(meta);
  if (typeof name !== 'string' || typeof version !== 'string') throw new UserError(`${file}: expected name and version, found ${typeof name === 'string' ? 'no version' : 'no name'}`);
  return { name, version };
}

/** The archive must hold exactly the chart and version it is vendored as. */
function checkChartYaml(archive: Buffer, chart: string, version: string, origin: string): void {
  let files: Map<string, Buffer>;
  try {
    files = readTarGz(archive);
  } catch (e) {
    throw new UserError(`${origin}: expected a gzip-compressed tar archive of a chart, found ${messageOf(e).split('\n')[0]}`);
  }
  const chartYaml = [...files.keys()].find((f) => /^[^/]+\/Chart\.yaml$/.test(f));
  if (!chartYaml) throw new UserError(`${origin}: expected <chart>/Chart.yaml in the archive, found none`);
  let meta: Fields;
  try {
    meta = fieldsOf(parse(files.get(chartYaml)?.toString('utf8') ?? ''));
  } catch (e) {
    throw new UserError(`${origin}: ${chartYaml}: expected YAML, found ${firstLineOf(e)}: not vendored`);
  }
  const found = `${String(meta.name)} ${String(meta.version)}`;
  if (meta.name !== chart || String(meta.version) !== version) {
    throw new UserError(`${origin}: expected chart ${chart} ${version}, found ${found}: not vendored (${VENDOR_LOCK} unchanged)`);
  }
}
