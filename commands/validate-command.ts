/**
 * `npx astrago validate [customer…]`: validates the committed trees offline — what Flux will
 * apply, hand edits included — or, with `--render`, what synth would write now.
 */
import type { Command } from 'commander';
import { validationTree } from '../validate/externals';
import { kubectlAvailable } from '../validate/kustomize-build';
import { validateInParallel } from '../validate/parallel';
import { reportJson, reportLines } from '../validate/report';
import { SCHEMAS_ENV } from '../validate/schema-store';
import { exitCodesHelp, outputOption, withSelection, type Io, type OutputFormat } from './io';
import { runTreeCheck, type TreeCheckOptions } from './tree-check';

export interface ValidateCommandOptions extends TreeCheckOptions {
  /**
   * Run kubectl kustomize on every folder (when kubectl is installed).
   * @default true
   */
  readonly kustomize?: boolean;
}

/** Returns the process exit code. */
export function validateCommand(options: ValidateCommandOptions): Promise<number> {
  return runTreeCheck(options, (log) => {
    const kustomize = (options.kustomize ?? true) && kubectlAvailable();
    if ((options.kustomize ?? true) && !kustomize) log('notice: kubectl not found: kubectl kustomize checks skipped');
    return {
      run: (selected, schemas) => validateInParallel(
        selected.map(({ config, files }) => validationTree(config, files)),
        { schemas, root: options.root, kustomize, progress: options.progress }),
      json: reportJson,
      lines: reportLines,
    };
  });
}

/** The options `validate` parses. */
interface ValidateFlags {
  readonly changedSince?: string;
  readonly shard?: string;
  readonly schemas?: string;
  readonly render?: boolean;
  readonly kustomize: boolean;
  readonly output: OutputFormat;
}

export function registerValidate(program: Command, root: string, io: Io): void {
  withSelection(program.command('validate'))
    .description('check the customers\' trees offline: strict schemas, Flux semantics, cluster consistency, policy')
    .argument('[customer...]', 'customers to validate (default: all)')
    .option('--schemas <dir>', `schema folder (kubernetes/, crds/); default $${SCHEMAS_ENV}, then the vendored vendor/schemas`)
    .option('--render', 'validate what synth would write now instead of the committed dist/ and flux/')
    .option('--no-kustomize', 'skip kubectl kustomize of every folder')
    .addOption(outputOption())
    .addHelpText('after', exitCodesHelp({
      0: 'no error (warnings are printed)',
      1: 'an error finding, an invalid customer file, a vendored schema missing or altered',
      2: 'wrong usage (unknown customer or option, a --schemas folder that does not exist)',
    }))
    .action(async (customers: string[], opts: ValidateFlags) => {
      process.exitCode = await validateCommand({ root, customers, ...opts, log: io.err, out: io.out, progress: io.progress });
    });
}
