import type { Command } from 'commander';
import { customerName, formatProblem, loadCustomers } from '../config/load';
import { releaseResolver } from '../config/releases';
import type { CustomerConfig } from '../config/schema';
import { platformUrls } from '../config/urls';
import { distCustomers } from '../files/customer-folders';
import { EXIT, runCommand, UserError } from '../model/user-error';
import { isUpToDate, readCustomerTree } from '../output/tree';
import { renderCustomerFiles } from '../pipeline/customers';
import { exitCodesHelp, OutputFormat, outputOption, printJson, type Io } from './io';

/** Whether a customer's dist/ is what synth writes now: the `dist` field of `list -o json`. */
export const DistState = {
  UP_TO_DATE: 'up-to-date',
  STALE: 'stale',
  MISSING: 'missing',
  /** A dist/ folder without a customer file. */
  ORPHAN: 'orphan',
  /** The customer file is invalid, so nothing can be compared. */
  INVALID: 'invalid',
} as const;
export type DistState = (typeof DistState)[keyof typeof DistState];

/** The DIST column: the state and what to do about it. */
const DIST_TEXT: Record<DistState, string> = {
  [DistState.UP_TO_DATE]: 'up to date',
  [DistState.STALE]: 'stale: run npx cdk8s synth',
  [DistState.MISSING]: 'missing: run npx cdk8s synth',
  [DistState.ORPHAN]: 'orphan: no customer file (npx astrago remove)',
  [DistState.INVALID]: 'unknown: invalid customer file',
};

/** Whether the files on disk are byte for byte what synth writes now. */
async function distState(root: string, config: CustomerConfig): Promise<DistState> {
  const onDisk = readCustomerTree(root, config.name);
  if (onDisk.length === 0) return DistState.MISSING;
  return isUpToDate(onDisk, await renderCustomerFiles(root, config)) ? DistState.UP_TO_DATE : DistState.STALE;
}

/** One customer as `list -o json` prints it (docs/customers.md). */
interface CustomerRow {
  readonly customer: string;
  readonly dist: DistState;
  /** Absent for an invalid customer file or an orphan. */
  readonly access?: { readonly mode: string; readonly url: string; readonly address?: string };
  readonly components?: Record<string, boolean>;
  readonly offlineRegistry?: string | null;
  /** What the customer runs: its ring's release, or a release it pins (`pinned`, an exception); null without rings.yaml. */
  readonly release?: { readonly name: string; readonly ring: string | null; readonly pinned: boolean } | null;
}

/** The RELEASE column: `ring: release`, or the release a customer pins, flagged. */
export function releaseText(c: Pick<CustomerConfig, 'ring' | 'release'>): string {
  if (!c.release) return '-';
  return c.ring ? `${c.ring}: ${c.release}` : `${c.release} (PINNED)`;
}

function access(c: CustomerConfig): NonNullable<CustomerRow['access']> {
  const { mode, ip } = c.externalAccess;
  // The URL users type: derived like every other URL, so externalAccess.url shows here too.
  return { mode, url: platformUrls(c).baseUrl, ...(ip.address ? { address: ip.address } : {}) };
}

function accessText(c: CustomerConfig): string {
  const a = access(c);
  return a.mode === 'ip' ? `ip ${a.address}` : `domain ${a.url}`;
}

function components(c: CustomerConfig): string {
  const all = Object.entries(c.components);
  const on = all.filter(([, v]) => v.enabled).map(([k]) => k);
  return on.length === all.length ? `all ${all.length}` : on.join(',') || 'none';
}

/** Columns padded to their widest cell. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/** `astrago list`: one row per customer. */
export function registerList(program: Command, root: string, io: Io): void {
  program.command('list')
    .description('one row per customer: release (and ring, or PINNED when it pins a release), access, enabled components, offline registry, whether dist/ is up to date')
    .addOption(outputOption())
    .addHelpText('after', exitCodesHelp({ 0: 'listed', 1: 'a customer file is invalid (its row says so; the errors go to stderr)' }))
    .action(async (opts: { output: OutputFormat }) => {
      process.exitCode = await runCommand(io.err, async () => {
        const loaded = loadCustomers(root, undefined, releaseResolver(root));
        const rows: CustomerRow[] = [];
        for (const l of loaded) {
          const c = l.config;
          io.progress?.(`rendering ${customerName(l.file)}`);
          rows.push(c ? {
            customer: c.name,
            dist: await distState(root, c),
            access: access(c),
            components: Object.fromEntries(Object.entries(c.components).map(([k, v]) => [k, v.enabled])),
            offlineRegistry: c.offline.registry ?? null,
            release: c.release ? { name: c.release, ring: c.ring ?? null, pinned: !c.ring } : null,
          } : { customer: customerName(l.file), dist: DistState.INVALID });
        }
        const names = new Set(loaded.map((l) => customerName(l.file)));
        for (const orphan of distCustomers(root).filter((d) => !names.has(d))) rows.push({ customer: orphan, dist: DistState.ORPHAN });
        if (opts.output === OutputFormat.JSON) printJson(io.out, rows);
        else {
          const configs = new Map(loaded.flatMap((l) => (l.config ? [[l.config.name, l.config] as const] : [])));
          io.out(table([['CUSTOMER', 'RELEASE', 'ACCESS', 'COMPONENTS', 'OFFLINE', 'DIST'], ...rows.map((r) => textRow(r, configs.get(r.customer)))]));
        }
        const problems = loaded.flatMap((l) => (l.config ? [] : l.errors.map(formatProblem)));
        if (problems.length > 0) throw new UserError(problems);
        return EXIT.OK;
      });
    });
}

function textRow(r: CustomerRow, c: CustomerConfig | undefined): string[] {
  const unknown = r.dist === DistState.ORPHAN ? '-' : '?';
  return c
    ? [r.customer, releaseText(c), accessText(c), components(c), c.offline.registry ?? 'no', DIST_TEXT[r.dist]]
    : [r.customer, unknown, unknown, unknown, unknown, DIST_TEXT[r.dist]];
}
