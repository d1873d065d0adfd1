import { Option, type Command } from 'commander';
import { type Tier, TIERS } from '../model/layout';
import type { OutputFile } from '../model/objects';
import { UserError, EXIT, runCommand } from '../model/user-error';
import { loadCustomer, renderCustomerFiles } from '../pipeline/customers';
import { CUSTOMER_ARGUMENT_HELP, exitCodesHelp, type Io } from './io';

export interface RenderSelection {
  /** Only this tier's folder. @default - every tier and the Flux objects */
  readonly tier?: Tier;
  /** Only this component (its file name without .yaml, e.g. gpu-operator). @default - every component */
  readonly app?: string;
}

/** The object files of a rendered customer that a selection picks: those of a chart, by its placement. */
export function selectFiles(files: readonly OutputFile[], selection: RenderSelection): OutputFile[] {
  const inTier = files.filter(({ placement: p }) => p && (!selection.tier || (p.kind === 'component' && p.tier === selection.tier)));
  if (!selection.app) return inTier;
  const componentOf = (f: OutputFile) => (f.placement?.kind === 'component' ? f.placement.component : undefined);
  const picked = inTier.filter((f) => componentOf(f) === selection.app);
  if (picked.length === 0) {
    const apps = [...new Set(inTier.map(componentOf).filter((c) => c !== undefined))].sort();
    throw new UserError(`--app: expected one of ${apps.join(', ') || '(none)'}${selection.tier ? ` in tier ${selection.tier}` : ''}, found "${selection.app}"`, EXIT.USAGE);
  }
  return picked;
}

/** `astrago render`: the selected objects of a customer as YAML, like `helmfile template --selector`. */
export function registerRender(program: Command, root: string, io: Io): void {
  program.command('render')
    .description('print the objects of a customer as YAML, optionally only one tier or one component')
    .argument('<customer>', CUSTOMER_ARGUMENT_HELP)
    .addOption(new Option('--tier <tier>', 'only the objects of this tier').choices(TIERS))
    .option('--app <component>', 'only this component, by its file name (e.g. gpu-operator)')
    .addHelpText('after', exitCodesHelp({ 0: 'printed', 1: 'the customer file is invalid', 2: 'wrong usage (unknown customer, tier or component)' }))
    .action(async (customer: string, selection: RenderSelection) => {
      process.exitCode = await runCommand(io.err, async () => {
        const { config } = loadCustomer(root, customer, io.err);
        const files = selectFiles(await renderCustomerFiles(root, config), selection);
        if (files.length === 0) io.err(`${customer} has no objects in tier ${selection.tier}`);
        // Each file already starts with its generated-by header: name the file instead.
        io.out(files.map((f) => `# Source: ${f.path}\n${f.content.replace(/^#.*\n/, '')}`).join(''));
        return EXIT.OK;
      });
    });
}
