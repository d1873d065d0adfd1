import * as path from 'node:path';
import type { Command } from 'commander';
import { customerName, formatProblem, loadCustomers } from '../config/load';
import type { CustomerConfig } from '../config/schema';
import { distCustomers, isUpToDate, readCustomerTree } from '../output/tree';
import { renderCustomerFiles } from './customers';
import { EXIT, exitCodesHelp, runCommand, type Io } from './io';

export const DistStatus = {
  UP_TO_DATE: 'up to date',
  STALE: 'stale: run npx cdk8s synth',
  MISSING: 'missing: run npx cdk8s synth',
  ORPHAN: 'orphan: no customer file (npx astrago remove)',
  INVALID: 'unknown: invalid customer file',
} as const;

/** Whether the files on disk are byte for byte what synth writes now. */
async function distStatus(root: string, config: CustomerConfig): Promise<string> {
  const onDisk = readCustomerTree(root, config.name);
  if (onDisk.length === 0) return DistStatus.MISSING;
  return isUpToDate(onDisk, await renderCustomerFiles(root, config)) ? DistStatus.UP_TO_DATE : DistStatus.STALE;
}

function access(c: CustomerConfig): string {
  const { mode, ip, domain } = c.externalAccess;
  return mode === 'ip' ? `ip ${ip.address}` : `domain ${domain.tls.enabled ? 'https' : 'http'}://${domain.name}`;
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
    .description('one row per customer: access, enabled components, offline registry, whether dist/ is up to date')
    .addHelpText('after', exitCodesHelp({ 0: 'listed', 1: 'a customer file is invalid (its row says so; the errors go to stderr)' }))
    .action(async () => {
      process.exitCode = await runCommand(io, async () => {
        const loaded = loadCustomers(path.join(root, 'customers'));
        const rows = [['CUSTOMER', 'ACCESS', 'COMPONENTS', 'OFFLINE', 'DIST']];
        for (const l of loaded) {
          const c = l.config;
          rows.push(c
            ? [c.name, access(c), components(c), c.offline.registry ?? 'no', await distStatus(root, c)]
            : [customerName(l.file), '?', '?', '?', DistStatus.INVALID]);
        }
        const names = new Set(loaded.map((l) => customerName(l.file)));
        for (const orphan of distCustomers(root).filter((d) => !names.has(d))) rows.push([orphan, '-', '-', '-', DistStatus.ORPHAN]);
        io.out(table(rows));
        const broken = loaded.filter((l) => !l.config);
        for (const e of broken.flatMap((l) => l.errors)) io.err(`error: ${formatProblem(e)}`);
        return broken.length ? EXIT.FINDINGS : EXIT.OK;
      });
    });
}
