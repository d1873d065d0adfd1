import { Option, type Command } from 'commander';
import { EXIT, runCommand, UserError } from '../model/user-error';
import { formatJson, formatMarkdown, formatText, hasDestructive } from '../output/diff-report';
import { compareCustomers } from './compare';
import { exitCodesHelp, OutputFormat, outputOption, printJson, withSelection, type Io } from './io';

export const ALLOW_DESTRUCTIVE_HINT = 'pass --allow-destructive once a reviewer has accepted the loss';

/** The options `diff` parses. */
interface DiffFlags {
  readonly base?: string;
  readonly changedSince?: string;
  readonly shard?: string;
  readonly markdown?: boolean;
  readonly output: OutputFormat;
  readonly exitCode?: boolean;
  readonly allowDestructive?: boolean;
}

/** `astrago diff`: what a synth changes, per object and field, and whether any of it destroys a release or data. */
export function registerDiff(program: Command, root: string, io: Io): void {
  withSelection(program.command('diff'))
    .description('compare a fresh synth with the committed dist/ (or with --base REV), per object and field')
    .argument('[customers...]', 'customers to compare (default: all)')
    .option('--base <rev>', 'compare with the trees committed at this git revision (e.g. origin/main) instead of the working tree')
    .addOption(new Option('--markdown', 'print Markdown (for a pull request job summary) instead of plain lines').conflicts('output'))
    .addOption(outputOption())
    .option('--exit-code', 'exit 1 when there are changes, as `git diff --exit-code`, `kubectl diff` and `flux diff` do')
    .option('--allow-destructive', 'do not fail on changes that uninstall a release or delete data')
    .addHelpText('after', exitCodesHelp({
      0: 'no destructive change (other changes are printed); with --exit-code, no change at all',
      1: 'a destructive change without --allow-destructive, an invalid customer file, or (with --exit-code) any change',
      2: 'wrong usage (unknown customer, option or revision)',
    }))
    .action(async (customers: string[], opts: DiffFlags) => {
      process.exitCode = await runCommand(io.err, async () => {
        const diffs = await compareCustomers(root, io, { customers, base: opts.base, changedSince: opts.changedSince, shard: opts.shard });
        if (opts.output === OutputFormat.JSON) printJson(io.out, formatJson(diffs));
        else io.out(opts.markdown ? formatMarkdown(diffs) : formatText(diffs).map((l) => `${l}\n`).join(''));
        if (hasDestructive(diffs) && !opts.allowDestructive) throw new UserError(`destructive changes (marked DESTRUCTIVE above): ${ALLOW_DESTRUCTIVE_HINT}`);
        return opts.exitCode && diffs.some((d) => d.changes.length > 0) ? EXIT.FINDINGS : EXIT.OK;
      });
    });
}
