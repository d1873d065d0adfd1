import type { Command } from 'commander';
import { customerDistFolder } from '../constructs/tier-scope';
import { README_FILE } from '../output/graph';
import { loadCustomer, renderCustomerFiles } from './customers';
import { EXIT, exitCodesHelp, runCommand, type Io } from './io';

/** `astrago graph`: the Mermaid graph synth writes to dist/<customer>/README.md, from the customer file as it is now. */
export function registerGraph(program: Command, root: string, io: Io): void {
  program.command('graph')
    .description(`print the Mermaid graph of tiers, releases and dependsOn (synth writes the same to dist/<customer>/${README_FILE})`)
    .argument('<customer>', 'customer name (customers/<customer>.yaml)')
    .addHelpText('after', exitCodesHelp({ 0: 'printed', 1: 'the customer file is invalid', 2: 'wrong usage (unknown customer)' }))
    .action(async (customer: string) => {
      process.exitCode = await runCommand(io, async () => {
        const { config } = loadCustomer(root, customer, io);
        const readme = (await renderCustomerFiles(root, config)).find((f) => f.path === `${customerDistFolder(customer)}/${README_FILE}`)!;
        io.out(readme.content);
        return EXIT.OK;
      });
    });
}
