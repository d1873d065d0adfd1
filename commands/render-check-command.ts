/**
 * `npx astrago render-check [customer…]`: renders every HelmRelease of the committed trees
 * (or, with `--render`, of what synth would write now) with the chart archive it names in
 * vendor/charts/, checked against the lock, and reports values the chart ignores or rejects and
 * rendered objects that break the rules of `validate`. A chart it cannot read is an error.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { readVendorLock } from '../catalog/vendor-lock';
import { renderCheck } from '../render/check';
import { HELM_MISSING, HELM_SOURCES, locateHelm } from '../render/helm';
import { renderTree } from '../render/plan';
import { renderReportJson, renderReportLines } from '../render/report';
import { SCHEMAS_ENV } from '../validate/schema-store';
import { SchemaSet } from '../validate/schemas';
import { exitCodesHelp, outputOption, withSelection, type Io, type OutputFormat } from './io';
import { runTreeCheck, type TreeCheckOptions } from './tree-check';

export interface RenderCheckCommandOptions extends TreeCheckOptions {
  /**
   * helm binary.
   * @default - $ASTRAGO_HELM, the helm npm ci installs, then helm on PATH
   */
  readonly helm?: string;
}

/** Returns the process exit code. */
export function renderCheckCommand(options: RenderCheckCommandOptions): Promise<number> {
  return runTreeCheck(options, (log, env) => {
    const helm = locateHelm(options.root, options.helm, env);
    if (!helm) log(`notice: helm: ${HELM_MISSING}: values are checked against the charts, nothing is rendered`);
    return {
      run: (selected, schemas) => {
        const trees = selected.map(({ config, files }) => renderTree(config, files));
        const charts = { root: options.root, lock: readVendorLock(options.root) };
        const schemaSet = SchemaSet.load(schemas.dir, schemas.pinned);
        return renderCheck(trees, { charts, helm, schemas: schemaSet, renderCache: renderCacheDir(options.root), progress: options.progress });
      },
      json: renderReportJson,
      lines: renderReportLines,
    };
  });
}

/** Rendered output of unchanged releases, reused by the next run (git-ignored). */
export function renderCacheDir(root: string): string {
  return path.join(root, '.cache', 'rendered');
}

/** The options `render-check` parses. */
interface RenderCheckFlags {
  readonly changedSince?: string;
  readonly shard?: string;
  readonly helm?: string;
  readonly schemas?: string;
  readonly render?: boolean;
  readonly output: OutputFormat;
}

export function registerRenderCheck(program: Command, root: string, io: Io): void {
  withSelection(program.command('render-check'))
    .description('render every HelmRelease with its vendored chart: ignored or invalid values, rendered objects against validate\'s rules')
    .argument('[customer...]', 'customers to check (default: all)')
    .option('--helm <path>', `helm binary (default: ${HELM_SOURCES})`)
    .option('--schemas <dir>', `schema folder for the rendered objects (default $${SCHEMAS_ENV}, then vendor/schemas)`)
    .option('--render', 'check what synth would write now instead of the committed dist/')
    .addOption(outputOption())
    .addHelpText('after', exitCodesHelp({
      0: 'no error (warnings are printed)',
      1: 'an error finding (a chart that is not vendored or does not match the lock among them), an invalid customer file or schema folder',
      2: 'wrong usage (unknown customer or option, helm or schema folder not found)',
    }))
    .action(async (customers: string[], opts: RenderCheckFlags) => {
      process.exitCode = await renderCheckCommand({ root, customers, ...opts, log: io.err, out: io.out, progress: io.progress });
    });
}
