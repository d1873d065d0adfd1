import type { Command } from 'commander';
import { formatMarkdown, formatText, hasDestructive } from '../output/diff-report';
import { compareCustomers } from './compare';
import { EXIT, exitCodesHelp, runCommand, type Io } from './io';

export const ALLOW_DESTRUCTIVE_HINT = 'pass --allow-destructive once a reviewer has accepted the loss';

/** `astrago diff`: what a synth changes, per object and field, and whether any of it destroys a release or data. */
export function registerDiff(program: Command, root: string, io: Io): void {
  program.command('diff')
    .description('compare a fresh synth with the committed dist/ (or with --base REV), per object and field')
    .argument('[customers...]', 'customers to compare (default: all)')
    .option('--base <rev>', 'compare with the trees committed at this git revision (e.g. origin/main) instead of the working tree')
    .option('--markdown', 'print Markdown (for a pull request job summary) instead of plain lines')
    .option('--allow-destructive', 'do not fail on changes that uninstall a release or delete data')
    .addHelpText('after', exitCodesHelp({
      0: 'no destructive change (other changes are printed)',
      1: 'a destructive change without --allow-destructive, or an invalid customer file',
      2: 'wrong usage (unknown customer, option or revision)',
    }))
    .action(async (customers: string[], opts: { base?: string; markdown?: boolean; allowDestructive?: boolean }) => {
      process.exitCode = await runCommand(io, async () => {
        const diffs = await compareCustomers(root, io, { customers, base: opts.base });
        io.out(opts.markdown ? formatMarkdown(diffs) : formatText(diffs).map((l) => `${l}\n`).join(''));
        if (!hasDestructive(diffs) || opts.allowDestructive) return EXIT.OK;
        io.err(`error: destructive changes (marked DESTRUCTIVE above): ${ALLOW_DESTRUCTIVE_HINT}`);
        return EXIT.FINDINGS;
      });
    });
}
