import type { Command } from 'commander';
import { customerDistFolder } from '../model/layout';
import { EXIT, runCommand } from '../model/user-error';
import { graphFacts, mermaidGraph, README_FILE } from '../output/graph';
import { parseTree } from '../output/tree';
import { loadCustomer, renderCustomerFiles } from '../pipeline/customers';
import { CUSTOMER_ARGUMENT_HELP, exitCodesHelp, type Io } from './io';

/** `astrago graph`: the bare Mermaid flowchart synth embeds in dist/<customer>/README.md, from the customer file as it is now. */
export function registerGraph(program: Command, root: string, io: Io): void {
  program.command('graph')
    .description(`print the Mermaid flowchart of tiers, releases, workloads and dependsOn, as embedded in ${customerDistFolder('<customer>')}/${README_FILE} (pipe it to mmdc)`)
    .argument('<customer>', CUSTOMER_ARGUMENT_HELP)
    .addHelpText('after', exitCodesHelp({ 0: 'printed', 1: 'the customer file is invalid', 2: 'wrong usage (unknown customer)' }))
    .action(async (customer: string) => {
      process.exitCode = await runCommand(io.err, async () => {
        const { config } = loadCustomer(root, customer, io.err);
        io.out(`${mermaidGraph(parseTree(await renderCustomerFiles(root, config)).objects, graphFacts(config))}\n`);
        return EXIT.OK;
      });
    });
}
