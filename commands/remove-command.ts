import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { unknownCustomer } from '../config/load';
import { customerFileNames, distCustomers, storeCustomers } from '../files/customer-folders';
import { guard } from '../files/file-steps';
import {
  credentialStoreFolder, customerDistFolder, customerFile, customerFileYml, customerFluxFolder, entryFile, importReportFile, RETIRED_FILE,
} from '../model/layout';
import { UserError, EXIT, runCommand } from '../model/user-error';
import { pruneDisabled } from '../output/diff';
import { objectLabel, parseTree, readCustomerTree } from '../output/tree';
import { withWriteLock } from '../output/write';
import { credentialStoreDir, recordRetired } from '../secrets/credential-store';
import { exitCodesHelp, type Io } from './io';

/** What Flux does in the customer's cluster once the removal is merged. */
export interface RemovalPlan {
  /** Objects Flux deletes (a HelmRelease: Helm uninstalls the release). */
  readonly pruned: readonly string[];
  /** Objects Flux leaves in the cluster because they carry `kustomize.toolkit.fluxcd.io/prune: disabled`. */
  readonly kept: readonly string[];
  /** Repository paths the command deletes. */
  readonly paths: readonly string[];
}

/** The plan from the committed tree: what is in git is what Flux applied and will prune. */
export function removalPlan(root: string, customer: string): RemovalPlan {
  const { objects } = parseTree(readCustomerTree(root, customer));
  const label = (o: (typeof objects)[number]['object']) =>
    objectLabel(o) + (o.kind === 'HelmRelease' ? ' (Helm uninstalls the release and what its chart created)' : '');
  const paths = [customerFile(customer), customerFileYml(customer), importReportFile(customer), `${credentialStoreDir(customer)}/`, `${customerDistFolder(customer)}/`, entryFile(customer)]
    .filter((p) => fs.existsSync(path.join(root, p)));
  return {
    pruned: objects.filter((p) => !pruneDisabled(p.object)).map((p) => label(p.object)).sort(),
    kept: objects.filter((p) => pruneDisabled(p.object)).map((p) => label(p.object)).sort(),
    paths,
  };
}

function describe(customer: string, plan: RemovalPlan): string[] {
  return [
    `Removing ${customer} deletes ${plan.paths.join(', ')}.`,
    `After the merge, Flux in ${customer}'s cluster prunes ${plan.pruned.length} object(s):`,
    ...plan.pruned.map((o) => `  - ${o}`),
    plan.kept.length
      ? `Flux keeps ${plan.kept.length} data-bearing object(s) (prune disabled), so no data is deleted:`
      : 'No object in dist/ holds data, so no data is deleted.',
    ...plan.kept.map((o) => `  = ${o}`),
  ];
}

/** `astrago remove`: retire a customer, showing first what Flux will prune and what it keeps. */
export function registerRemove(program: Command, root: string, io: Io): void {
  program.command('remove')
    .description(`delete a customer: its file, ${credentialStoreFolder('<customer>')}/, ${customerDistFolder('<customer>')}/ and ${entryFile('<customer>')}, `
      + `after showing what Flux will prune; its name is recorded in ${RETIRED_FILE}`)
    .argument('<customer>', 'customer name')
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .addHelpText('after', exitCodesHelp({ 0: 'removed', 1: 'not confirmed: nothing was deleted', 2: 'wrong usage (unknown customer, or no terminal and no --yes)' }))
    .action(async (customer: string, opts: { yes?: boolean }) => {
      // As the only writer: a synth running meanwhile would write the customer back, and one
      // that was killed mid-swap is finished first, so the plan reads the tree as it is.
      process.exitCode = await runCommand(io.err, () => withWriteLock(root, io.err, async () => {
        const known = [...new Set([...customerFileNames(root), ...distCustomers(root), ...storeCustomers(root)])].sort();
        if (!known.includes(customer)) throw unknownCustomer([customer], known, true);
        const plan = removalPlan(root, customer);
        for (const line of describe(customer, plan)) io.err(line);
        if (!opts.yes) {
          if (!io.interactive) throw new UserError('remove: expected --yes to confirm (there is no terminal to ask on), found neither', EXIT.USAGE);
          if (!(await io.prompts.confirm({ message: `Delete ${customer}?`, default: false }))) {
            io.err('Not confirmed: nothing was deleted.');
            return EXIT.FINDINGS;
          }
        }
        // Recorded first, in the repository itself: even a clone without history never mints its credentials anew.
        recordRetired(root, customer, true);
        // Everything in the plan: the store goes too (git history keeps it).
        for (const p of plan.paths) guard(p, () => fs.rmSync(path.join(root, p), { recursive: true, force: true }));
        const fluxDir = path.join(root, customerFluxFolder(customer));
        if (fs.existsSync(fluxDir) && fs.readdirSync(fluxDir).length === 0) fs.rmdirSync(fluxDir);
        io.err(`Removed ${customer}. Commit the deletion with ${RETIRED_FILE}; Flux prunes the objects above once it is merged.`);
        if (fs.existsSync(fluxDir)) {
          io.err(`${customerFluxFolder(customer)}/ still holds what \`flux bootstrap\` wrote: Flux itself keeps running in the cluster until you run \`flux uninstall\` there and delete that folder.`);
        }
        return EXIT.OK;
      }));
    });
}
