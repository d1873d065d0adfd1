/**
 * `npx astrago validate [customer…]`: validates the committed trees offline — what Flux will
 * apply, hand edits included — or, with `--render`, what synth would write now.
 */
import type { Command } from 'commander';
import { existingObjects, offlineSettings } from '../validate/externals';
import { kubectlAvailable } from '../validate/kustomize-build';
import { reportJson, reportLines } from '../validate/report';
import { fetchSchemas, schemaCacheDir, SchemaOrigin, SCHEMAS_ENV, type Fetch } from '../validate/schema-store';
import { validateTrees } from '../validate/validate';
import { exitCodesHelp, outputOption, type Io, type OutputFormat } from './io';
import { runTreeCheck, type TreeCheckOptions } from './tree-check';

export interface ValidateCommandOptions extends TreeCheckOptions {
  /**
   * Download the pinned schema files into the cache first.
   * @default false
   */
  readonly fetchSchemas?: boolean;
  /**
   * Run kubectl kustomize on every folder (when kubectl is installed).
   * @default true
   */
  readonly kustomize?: boolean;
  /** @default globalThis.fetch */
  readonly fetch?: Fetch;
}

/** Returns the process exit code. */
export function validateCommand(options: ValidateCommandOptions): Promise<number> {
  return runTreeCheck(options, async (log) => {
    if (options.fetchSchemas) await fetchSchemas({ dir: schemaCacheDir(options.root), fetch: options.fetch, log });
    const kustomize = (options.kustomize ?? true) && kubectlAvailable();
    if ((options.kustomize ?? true) && !kustomize) log('notice: kubectl not found: kubectl kustomize checks skipped');
    return {
      schemaLocation: options.fetchSchemas && options.schemas === undefined && !options.env?.[SCHEMAS_ENV]
        ? { origin: SchemaOrigin.CACHE, dir: schemaCacheDir(options.root) }
        : undefined,
      alsoSchemasFrom: '--fetch-schemas',
      withoutSchemas: 'strict schema checks skipped',
      run: (selected, schemas) => validateTrees(
        selected.map(({ config, files }) => ({ customer: config.name, files, externals: existingObjects(config), offline: offlineSettings(config), fluxVersion: config.fluxVersion })),
        { schemas, kustomize, progress: options.progress }),
      json: reportJson,
      lines: reportLines,
    };
  });
}

export function registerValidate(program: Command, root: string, io: Io): void {
  program.command('validate')
    .description('check the customers\' trees offline: strict schemas, Flux semantics, cluster consistency, policy')
    .argument('[customer...]', 'customers to validate (default: all)')
    .option('--schemas <dir>', `schema folder (kubernetes/, crds/); default $${SCHEMAS_ENV}, then ../shared/schemas, then the fetched cache`)
    .option('--fetch-schemas', 'download the pinned schema files into .cache/schemas first (needs network)')
    .option('--render', 'validate what synth would write now instead of the committed dist/ and flux/')
    .option('--no-kustomize', 'skip kubectl kustomize of every folder')
    .addOption(outputOption())
    .addHelpText('after', exitCodesHelp({
      0: 'no error (warnings are printed)',
      1: 'an error finding, an invalid customer file or schema folder',
      2: 'wrong usage (unknown customer or option, missing schema folder)',
    }))
    .action(async (customers: string[], opts: { schemas?: string; fetchSchemas?: boolean; render?: boolean; kustomize: boolean; output: OutputFormat }) => {
      process.exitCode = await validateCommand({ root, customers, ...opts, log: io.err, out: io.out, progress: io.progress });
    });
}
