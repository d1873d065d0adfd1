import type { Command } from 'commander';
import { explain } from '../config/explain';
import { EXIT, runCommand } from '../model/user-error';
import { show } from '../output/diff';
import { loadCustomer } from '../pipeline/customers';
import { CUSTOMER_ARGUMENT_HELP, exitCodesHelp, type Io } from './io';

/** `astrago explain`: the effective value of a key and the layer that set it. */
export function registerExplain(program: Command, root: string, io: Io): void {
  program.command('explain')
    .description('show the effective value of a key and which layer set it (default, profile or customer file with line)')
    .argument('<customer>', CUSTOMER_ARGUMENT_HELP)
    .argument('<key.path>', 'dotted key of the customer file, e.g. monitoring.retention or nfs')
    .addHelpText('after', exitCodesHelp({ 0: 'explained', 1: 'the customer file is invalid', 2: 'wrong usage (unknown customer or key)' }))
    .action(async (customer: string, keyPath: string) => {
      process.exitCode = await runCommand(io.err, () => {
        const loaded = loadCustomer(root, customer, io.err);
        for (const { path, value, layers } of explain(loaded, keyPath)) {
          const winner = layers[layers.length - 1];
          io.out(`${path} = ${show(value)}  (${winner ? `set by ${winner.layer}: ${winner.where}` : 'not set, no default'})\n`);
          for (const l of layers.slice(0, -1).reverse()) io.out(`    overrides ${l.layer} ${show(l.value)}: ${l.where}\n`);
        }
        return EXIT.OK;
      });
    });
}
