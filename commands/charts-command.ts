/** `npx astrago charts pull`: fills the chart cache the render check reads. */
import * as path from 'node:path';
import type { Command } from 'commander';
import { chartCacheDir, pullCharts } from '../render/chart-cache';
import { HELM_MISSING, HELM_SOURCES, locateHelm } from '../render/helm';
import { exitCodesHelp, type Io } from './io';
import { EXIT, UserError, runCommand } from '../model/user-error';

export interface ChartsPullOptions {
  /** Repository root. */
  readonly root: string;
  /**
   * Chart repository mirror to pull from (`https://…` or `oci://…`).
   * @default - each chart's upstream repository
   */
  readonly mirror?: string;
  /**
   * helm binary.
   * @default - $ASTRAGO_HELM, the helm npm ci installs, then helm on PATH
   */
  readonly helm?: string;
  /**
   * Cache folder.
   * @default - .cache/charts
   */
  readonly cache?: string;
  /**
   * Cache charts whose digest the catalog does not record yet.
   * @default false
   */
  readonly allowUnverified?: boolean;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default console.log */
  readonly log?: (line: string) => void;
}

/** Returns the process exit code. */
export function chartsPullCommand(options: ChartsPullOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  return runCommand(log, () => pull(options, log));
}

function pull(options: ChartsPullOptions, log: (line: string) => void): number {
  if (options.mirror !== undefined && !/^(https?|oci):\/\/[^/]+/.test(options.mirror)) {
    throw new UserError(`--mirror: expected a URL starting with http://, https:// or oci://, found "${options.mirror}"`, EXIT.USAGE);
  }
  const helm = locateHelm(options.root, options.helm, options.env ?? process.env);
  if (!helm) throw new UserError(`helm: ${HELM_MISSING}`);
  const cacheDir = options.cache ? path.resolve(options.root, options.cache) : chartCacheDir(options.root);
  const failed = pullCharts({ cacheDir, helm, mirror: options.mirror, allowUnverified: options.allowUnverified, log });
  log(failed === 0 ? `chart cache ready: ${path.relative(options.root, cacheDir) || cacheDir}` : `${failed} chart(s) not cached`);
  return failed === 0 ? EXIT.OK : EXIT.FINDINGS;
}

export function registerCharts(program: Command, root: string, io: Io): void {
  const log = (line: string) => io.out(`${line}\n`);
  const charts = program.command('charts').description('the chart cache the render check reads');
  charts.command('pull')
    .description('download every chart of the catalog at its pinned version into .cache/charts, checking its recorded digest')
    .option('--mirror <url>', 'chart repository mirror to pull every chart from (https:// with an index.yaml, or oci://)')
    .option('--helm <path>', `helm binary (default: ${HELM_SOURCES})`)
    .option('--cache <dir>', 'cache folder (default .cache/charts)')
    .option('--allow-unverified', 'cache charts whose digest the catalog does not record yet (prints it, to verify and record)')
    .addHelpText('after', exitCodesHelp({ 0: 'every chart is cached', 1: 'a chart could not be pulled or verified, or no helm was found', 2: 'wrong usage (invalid --mirror or --helm)' }))
    .action(async (opts: { mirror?: string; helm?: string; cache?: string; allowUnverified?: boolean }) => {
      process.exitCode = await chartsPullCommand({ root, ...opts, log });
    });
}
