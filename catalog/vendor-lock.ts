/**
 * The vendor lock (`vendor/lock.yaml`): every artifact the repository vendors with the sha256
 * of the committed file and where it came from. Charts are what Flux installs (see
 * docs/architecture.md, "How charts reach a cluster"); schemas are what `validate` reads. Written
 * only by `npx astrago charts vendor`; read by synth (a customer's chart version override must be
 * vendored; the catalog's pins are, as a test checks), and by `validate` and the render check
 * (each archive a HelmRelease names, and each schema, must match its digest before it is used).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { dumpYaml } from '../files/canonical';
import { replaceFile } from '../files/file-steps';
import { errnoCode } from '../model/caught';
import { VENDOR_LOCK, VENDORED_SCHEMAS, vendoredChartFile } from '../model/layout';
import { UserError } from '../model/user-error';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 as 64 hex digits');

const vendoredChart = z.strictObject({
  chart: z.string().min(1),
  version: z.string().min(1),
  /** The archive, relative to the repository root. */
  file: z.string().min(1),
  /** sha256 of the committed archive. */
  sha256: sha256Hex,
  /** The chart repository the chart is published in (`https://…` or `oci://…`). */
  repository: z.string().min(1),
  /**
   * sha256 of the archive the repository publishes, where it is known (its index.yaml digest,
   * or another record of it). Equal to `sha256` when the archive was vendored as published.
   */
  upstreamDigest: sha256Hex.optional(),
  /** How the committed archive was obtained. */
  origin: z.string().min(1),
});
export type VendoredChart = z.infer<typeof vendoredChart>;

const vendoredSchema = z.strictObject({
  /** The schema, relative to the repository root. */
  file: z.string().min(1),
  sha256: sha256Hex,
  /** Upstream location of exactly these bytes. */
  url: z.string().min(1),
});
export type VendoredSchema = z.infer<typeof vendoredSchema>;

/** A path under a vendored folder, without `..` or anything a link or a second spelling could hide. */
const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`) && file.split('/').every((part) => part !== '' && part !== '.' && part !== '..');

const lockSchema = z.strictObject({
  charts: z.array(vendoredChart.refine((c) => c.file === vendoredChartFile(c.chart, c.version), { message: `a file named vendor/charts/<chart>-<version>.tgz after its chart and version` })),
  schemas: z.array(vendoredSchema.refine((s) => under(VENDORED_SCHEMAS)(s.file), { message: `a file under ${VENDORED_SCHEMAS}/ without ".."` })),
}).refine((lock) => new Set([...lock.charts, ...lock.schemas].map((e) => e.file)).size === lock.charts.length + lock.schemas.length, { message: 'each file listed once' });
export type VendorLock = z.infer<typeof lockSchema>;

const HEADER = '# Every artifact vendored in this repository: the sha256 of the committed file and where it came from.\n'
  + '# Written by `npx astrago charts vendor`; tests re-compute each sha256. See docs/architecture.md.\n';

const RESTORE = 'restore it with `git checkout -- vendor/`';

/** Reads and checks the lock's shape; one error line naming the file when it is missing or malformed. */
export function readVendorLock(root: string): VendorLock {
  const file = path.join(root, VENDOR_LOCK);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${VENDOR_LOCK}: expected the vendor lock, found ${errnoCode(e) === 'ENOENT' ? 'no file' : `an unreadable file (${errnoCode(e) ?? 'error'})`}: ${RESTORE}`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    throw new UserError(`${VENDOR_LOCK}: expected YAML, found a file that does not parse: ${RESTORE}`);
  }
  const result = lockSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UserError(`${VENDOR_LOCK}: ${issue.path.join('.') || '(file)'}: expected ${issue.message}: ${RESTORE}`);
  }
  return result.data;
}

/** Writes the lock in its canonical form (entries sorted), atomically. */
export function writeVendorLock(root: string, lock: VendorLock): void {
  const sorted: VendorLock = {
    charts: [...lock.charts].sort((a, b) => a.file.localeCompare(b.file)),
    schemas: [...lock.schemas].sort((a, b) => a.file.localeCompare(b.file)),
  };
  replaceFile(path.join(root, VENDOR_LOCK), HEADER + dumpYaml(sorted));
}

export function sha256Of(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The lock entry of a chart version, if it is vendored. */
export function findVendoredChart(lock: VendorLock, chart: string, version: string): VendoredChart | undefined {
  const file = vendoredChartFile(chart, version);
  return lock.charts.find((c) => c.file === file);
}

/** Whether a chart version is vendored in the repository; the lock is read on the first question only. */
export function vendoredIn(root: string): (chart: string, version: string) => boolean {
  let lock: VendorLock | undefined;
  return (chart, version) => findVendoredChart((lock ??= readVendorLock(root)), chart, version) !== undefined;
}

/**
 * The bytes of a vendored file, checked against its lock digest: a file that is missing, a link,
 * or altered is one error line naming it and how to restore it, never read as if it were right.
 */
export function readVerified(root: string, entry: { readonly file: string; readonly sha256: string }): Buffer {
  const absolute = path.join(root, entry.file);
  let content: Buffer;
  try {
    if (fs.lstatSync(absolute).isSymbolicLink()) throw new UserError(`${entry.file}: expected a vendored file, found a symbolic link: ${RESTORE}`);
    content = fs.readFileSync(absolute);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${entry.file}: expected the vendored file recorded in ${VENDOR_LOCK}, found ${errnoCode(e) === 'ENOENT' ? 'no file' : `an unreadable file (${errnoCode(e) ?? 'error'})`}: ${RESTORE}`);
  }
  const actual = sha256Of(content);
  if (actual !== entry.sha256) throw new UserError(`${entry.file}: expected sha256 ${entry.sha256} (${VENDOR_LOCK}), found ${actual}: ${RESTORE}`);
  return content;
}

/**
 * What is wrong with the chart archive a HelmRelease names from Git (`./vendor/charts/…`), or
 * undefined when it is in the lock and intact; each archive is checked once.
 */
export function vendoredChartProblems(root: string): (chartPath: string) => string | undefined {
  const lock = readVendorLock(root);
  const checked = new Map<string, string | undefined>();
  return (chartPath) => {
    const file = path.posix.normalize(chartPath);
    if (!checked.has(file)) {
      const entry = lock.charts.find((c) => c.file === file);
      let problem: string | undefined;
      if (!entry) problem = `expected a chart archive recorded in ${VENDOR_LOCK}, found ${chartPath}: vendor it with \`npx astrago charts vendor <chart> <version>\``;
      else {
        try {
          readVerified(root, entry);
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          problem = e.message;
        }
      }
      checked.set(file, problem);
    }
    return checked.get(file);
  };
}
