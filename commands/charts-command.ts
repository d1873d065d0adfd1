/** `npx astrago charts vendor`: a chart version into vendor/charts/ and the lock. */
import type { Command } from 'commander';
import { CHARTS } from '../catalog/charts';
import { VENDOR_LOCK } from '../model/layout';
import { SEMVER } from '../model/patterns';
import { EXIT, UserError, runCommand } from '../model/user-error';
import { HELM_SOURCES, locateHelm } from '../render/helm';
import { vendorChart } from '../render/vendor-chart';
import { exitCodesHelp, type Io } from './io';

export interface ChartsVendorOptions {
  /** Repository root. */
  readonly root: string;
  /** Chart name, as the catalog names it. */
  readonly chart: string;
  readonly version: string;
  /**
   * An archive or unpacked chart folder to vendor instead of pulling.
   * @default - pulled from the chart's repository
   */
  readonly from?: string;
  /**
   * Repository to pull from, such as a mirror.
   * @default - the catalog's repository of the chart
   */
  readonly repository?: string;
  /**
   * sha256 of the upstream archive, known from another record.
   * @default - unknown, unless the chart is pulled
   */
  readonly upstreamDigest?: string;
  /**
   * How the archive was obtained.
   * @default - said from --from or the repository
   */
  readonly origin?: string;
  /**
   * helm binary.
   * @default - $ASTRAGO_HELM, the helm npm ci installs, then helm on PATH
   */
  readonly helm?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** What it did, or an `error:` line per problem (runCommand's). @default console.error */
  readonly log?: (line: string) => void;
}

/** Returns the process exit code. */
export function chartsVendorCommand(options: ChartsVendorOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line));
  return runCommand(log, () => {
    const entry = Object.values(CHARTS).find((c) => c.chart === options.chart);
    if (!entry) {
      const known = [...new Set(Object.values(CHARTS).map((c) => c.chart))].sort().join(', ');
      throw new UserError(`<chart>: expected a chart of the catalog (${known}), found "${options.chart}"`, EXIT.USAGE);
    }
    if (!SEMVER.test(options.version)) throw new UserError(`<version>: expected an exact chart version such as 1.14.2, found "${options.version}"`, EXIT.USAGE);
    if (options.upstreamDigest !== undefined && !/^[0-9a-f]{64}$/.test(options.upstreamDigest)) {
      throw new UserError(`--upstream-digest: expected a sha256 as 64 hex digits, found "${options.upstreamDigest}"`, EXIT.USAGE);
    }
    const repository = options.repository ?? entry.repository.url;
    if (!/^(https?|oci):\/\/[^/]+/.test(repository)) throw new UserError(`--repository: expected a URL starting with http://, https:// or oci://, found "${repository}"`, EXIT.USAGE);
    const helm = locateHelm(options.root, options.helm, options.env ?? process.env);
    const { entry: vendored, written } = vendorChart({
      root: options.root, chart: options.chart, version: options.version, repository, from: options.from,
      upstreamDigest: options.upstreamDigest, origin: options.origin, helm,
    });
    log(written
      ? `vendored: ${vendored.file} (sha256 ${vendored.sha256}), recorded in ${VENDOR_LOCK}; `
        + `commit both, then run the render check on the customers that take this version`
      : `already vendored: ${vendored.file} (sha256 ${vendored.sha256}); nothing written`);
    return EXIT.OK;
  });
}

export function registerCharts(program: Command, root: string, io: Io): void {
  const charts = program.command('charts').description('the charts vendored in vendor/charts/, which Flux installs');
  charts.command('vendor')
    .description(`vendor a chart version: its archive into vendor/charts/ and its sha256 and origin into ${VENDOR_LOCK}`)
    .argument('<chart>', 'chart name, as the catalog names it (harbor, keycloak, …)')
    .argument('<version>', 'exact chart version')
    .option('--from <path>', 'an archive (.tgz) or unpacked chart folder brought in by hand, instead of pulling (the offline path)')
    .option('--repository <url>', 'repository to pull from, such as a mirror (default: the catalog\'s)')
    .option('--upstream-digest <sha256>', 'sha256 (hex) of the archive as its repository publishes it, from another record (recorded in the lock)')
    .option('--origin <text>', 'how the archive was obtained (recorded in the lock)')
    .option('--helm <path>', `helm binary, to pull (default: ${HELM_SOURCES})`)
    .addHelpText('after', exitCodesHelp({
      0: 'the chart is vendored (or already was, with the same content)',
      1: 'the chart could not be pulled, its archive is not that chart, or that version is vendored with other content',
      2: 'wrong usage (unknown chart, invalid version, URL or digest)',
    }))
    .action(async (chart: string, version: string,
      opts: { from?: string; repository?: string; upstreamDigest?: string; origin?: string; helm?: string }) => {
      process.exitCode = await chartsVendorCommand({ root, chart, version, ...opts, log: io.err });
    });
}
