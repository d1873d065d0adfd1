import type { Command } from 'commander';
import { ImageReferenceError, parseImage } from '../catalog/images';
import { customerName, formatProblem, loadCustomers } from '../config/load';
import { releaseResolver } from '../config/releases';
import { SEMVER } from '../model/patterns';
import { EXIT, runCommand, UserError } from '../model/user-error';
import { fleetRow, runsChart, runsImage, type FleetRow } from '../output/fleet';
import { readCustomerTree } from '../output/tree';
import { exitCodesHelp, OutputFormat, outputOption, printJson, type Io } from './io';
import { keyValue } from './release-command';

interface FleetOptions {
  readonly output: OutputFormat;
  readonly image?: string;
  readonly chart?: string;
}

/** The question of `--image` and `--chart`, as a filter of rows; a usage error for a malformed one. */
function filterOf(opts: FleetOptions): (row: FleetRow) => boolean {
  const tests: Array<(row: FleetRow) => boolean> = [];
  if (opts.image !== undefined) {
    const image = opts.image;
    try {
      parseImage(image);
    } catch (e) {
      if (!(e instanceof ImageReferenceError)) throw e;
      throw new UserError(`--image: ${e.message}`, EXIT.USAGE);
    }
    tests.push((row) => runsImage(row, image));
  }
  if (opts.chart !== undefined) {
    const [chart, version] = keyValue('--chart', opts.chart, '@');
    if (!SEMVER.test(version)) throw new UserError(`--chart: expected <chart>@<exact version> such as harbor@1.14.2, found ${JSON.stringify(opts.chart)}`, EXIT.USAGE);
    tests.push((row) => runsChart(row, chart, version));
  }
  return (row) => tests.every((t) => t(row));
}

function textRows(rows: readonly FleetRow[]): string {
  return rows.map((r) => {
    const release = r.pinned ? `${r.release} (PINNED)` : `${r.ring ?? '-'}: ${r.release ?? '-'}`;
    const charts = Object.entries(r.charts).map(([chart, version]) => `${chart}@${version}`).join(' ');
    return `${r.customer}  ${release}\n  charts: ${charts || 'none'}\n  images: ${r.images.length}${r.images.map((i) => `\n    ${i}`).join('')}\n`;
  }).join('');
}

/** `astrago fleet`: what runs where. */
export function registerFleet(program: Command, root: string, io: Io): void {
  program.command('fleet')
    .description('each customer\'s ring, release, chart versions and images, from its committed tree (what Flux applies); --image or --chart answers which customers run it')
    .option('--image <ref>', 'only the customers whose tree or platform runs this image (any tag without one; its copy in a mirror registry counts)')
    .option('--chart <chart>@<version>', 'only the customers that install this chart version')
    .addOption(outputOption())
    .addHelpText('after', [
      '\nReads committed trees: after a promotion, run `npx cdk8s synth` first to see what the merge will run.',
      exitCodesHelp({ 0: 'listed (possibly no customer)', 1: 'a customer file is invalid', 2: 'wrong usage (malformed --image or --chart)' }),
    ].join('\n'))
    .action(async (opts: FleetOptions) => {
      process.exitCode = await runCommand(io.err, () => {
        const matches = filterOf(opts);
        const loaded = loadCustomers(root, undefined, releaseResolver(root));
        const rows = loaded.flatMap((l) => (l.config ? [fleetRow(l.config, readCustomerTree(root, l.config.name))] : [])).filter(matches);
        if (opts.output === OutputFormat.JSON) printJson(io.out, rows);
        else io.out(textRows(rows));
        if (opts.image !== undefined || opts.chart !== undefined) io.err(`${rows.length} customer(s) run ${[opts.image, opts.chart].filter(Boolean).join(' and ')}`);
        const problems = loaded.flatMap((l) => (l.config ? [] : l.errors.map(formatProblem).map((p) => `${p} (${customerName(l.file)} left out)`)));
        if (problems.length > 0) throw new UserError(problems);
        return EXIT.OK;
      });
    });
}
