/**
 * `npx astrago validate [customer…]`: validates the committed trees offline — what Flux will
 * apply, hand edits included — or, with `--render`, what synth would write now.
 */
import type { Command } from 'commander';
import { existingObjects } from '../validate/externals';
import { kubectlAvailable } from '../validate/kustomize-build';
import { formatFinding } from '../validate/model/finding';
import { reportJson, reportLines } from '../validate/report';
import { SchemaSet } from '../validate/schemas';
import { fetchSchemas, locateSchemas, schemaCacheDir, SchemaOrigin, SCHEMAS_ENV, type Fetch } from '../validate/schema-store';
import { validateTrees } from '../validate/validate';
import { exitCodesHelp, OutputFormat, outputOption, printJson, runTreeCheck, type Io, type TreeCheckOptions } from './io';
import { EXIT } from '../model/user-error';
import { selectedTrees } from '../pipeline/customers';

export interface ValidateCommandOptions extends TreeCheckOptions {
  /**
   * Schema folder.
   * @default - $ASTRAGO_SCHEMAS, ../shared/schemas, the fetched cache, in that order
   */
  readonly schemas?: string;
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
  return runTreeCheck(options, (log, out) => validate(options, log, out));
}

async function validate(options: ValidateCommandOptions, log: (line: string) => void, out: (text: string) => void): Promise<number> {
  if (options.fetchSchemas) await fetchSchemas({ dir: schemaCacheDir(options.root), fetch: options.fetch, log });
  const location = options.fetchSchemas && options.schemas === undefined && !options.env?.[SCHEMAS_ENV]
    ? { origin: SchemaOrigin.CACHE, dir: schemaCacheDir(options.root) }
    : locateSchemas(options.root, options.schemas, options.env ?? process.env);
  const schemas = location.dir ? SchemaSet.load(location.dir) : undefined;
  if (!location.dir) log(`notice: no schema folder (--schemas, $${SCHEMAS_ENV}, ../shared/schemas or --fetch-schemas): strict schema checks skipped`);
  const selected = await selectedTrees(options.root, options.customers, options.render, log, options.progress);
  if (typeof selected === 'number') return selected;
  const kustomize = (options.kustomize ?? true) && kubectlAvailable();
  if ((options.kustomize ?? true) && !kustomize) log('notice: kubectl not found: kubectl kustomize checks skipped');
  const trees = selected.map(({ config, files }) => ({ customer: config.name, files, externals: existingObjects(config), offline: config.offline, fluxVersion: config.fluxVersion }));
  const report = validateTrees(trees, { schemas, kustomize, progress: options.progress });
  for (const f of report.findings) log(formatFinding(f));
  if (options.output === OutputFormat.JSON) printJson(out, reportJson(report));
  else for (const line of reportLines(report)) out(`${line}\n`);
  return report.findings.some((f) => f.severity === 'error') ? EXIT.FINDINGS : EXIT.OK;
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
