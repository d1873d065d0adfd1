import type { Command } from 'commander';
import { EXIT, runCommand, UserError } from '../model/user-error';
import { formatText, hasDestructive, type CustomerChanges } from '../output/diff-report';
import { editedReleasesInUse, revisionFiles, workingTreeFiles } from '../pipeline/release-usage';
import { compareCustomers } from './compare';
import { ALLOW_DESTRUCTIVE_HINT } from './diff-command';
import { exitCodesHelp, OutputFormat, outputOption, printJson, withSelection, type Io } from './io';

/** The options `check` parses. */
interface CheckFlags {
  readonly base?: string;
  readonly allowDestructive?: boolean;
  readonly changedSince?: string;
  readonly shard?: string;
  readonly output: OutputFormat;
}

/** `astrago check`: the CI gate. The committed trees must be exactly what synth writes, and safe against the base. */
export function registerCheck(program: Command, root: string, io: Io): void {
  withSelection(program.command('check'))
    .description('fail when the committed dist/ differs from a fresh synth, or (with --base) when the change is destructive')
    .argument('[customers...]', 'customers to check (default: all)')
    .option('--base <rev>', 'also refuse destructive changes relative to the trees committed at this git revision, and edits of a release a ring or customer ran there')
    .option('--allow-destructive', 'accept destructive changes relative to --base')
    .addOption(outputOption())
    .addHelpText('after', exitCodesHelp({
      0: 'dist/ is up to date (and, with --base, nothing destructive or it is allowed)',
      1: 'dist/ is stale, a destructive change is not allowed, a release in use at --base was edited, or a customer file is invalid',
      2: 'wrong usage (unknown customer, option or revision)',
    }))
    .action(async (customers: string[], opts: CheckFlags) => {
      process.exitCode = await runCommand(io.err, async () => {
        const text = opts.output === OutputFormat.TEXT;
        const problems: string[] = [];
        const selection = { changedSince: opts.changedSince, shard: opts.shard };
        const stale = (await compareCustomers(root, io, { customers, ...selection })).filter((d) => d.changes.length > 0);
        if (stale.length > 0) {
          if (text) io.out(formatText(stale).map((l) => `${l}\n`).join(''));
          problems.push(`dist/ is stale for ${stale.map((d) => d.customer).join(', ')}: run \`npx cdk8s synth\` and commit the result`);
        }
        let destructive: CustomerChanges[] = [];
        let refused = false;
        if (opts.base !== undefined) {
          let fromBase: CustomerChanges[];
          try {
            // A release the base ran is immutable: its edit would reach every customer of it at once, behind the rings.
            const base = revisionFiles(root, opts.base, '--base');
            if (base) problems.push(...editedReleasesInUse(base, workingTreeFiles(root)));
            fromBase = await compareCustomers(root, io, { customers, base: opts.base, ...selection });
          } catch (e) {
            // A wrong --base still reports the stale dist/ found before it.
            throw e instanceof UserError ? new UserError([...problems, ...e.problems], e.exitCode) : e;
          }
          destructive = fromBase.map((d) => ({ ...d, changes: d.changes.filter((c) => c.destructive.length > 0) }))
            .filter((d) => d.changes.length > 0);
          refused = hasDestructive(fromBase) && !opts.allowDestructive;
          if (refused) {
            if (text) io.out(formatText(destructive).map((l) => `${l}\n`).join(''));
            problems.push(`destructive changes since ${opts.base}: ${ALLOW_DESTRUCTIVE_HINT}`);
          }
        }
        if (!text) {
          printJson(io.out, { ok: problems.length === 0, stale, base: opts.base ?? null, destructive, allowed: destructive.length > 0 && !refused });
        }
        if (problems.length > 0) throw new UserError(problems);
        io.err('dist/ is up to date' + (opts.base !== undefined ? ` and nothing destructive since ${opts.base}` : ''));
        return EXIT.OK;
      });
    });
}
