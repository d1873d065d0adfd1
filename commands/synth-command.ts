import type { Command } from 'commander';
import { exitCodesHelp, type Io } from './io';
import { synth } from '../pipeline/synth';

/** `astrago synth`: the same as `npx cdk8s synth`, without the cdk8s CLI around it. */
export function registerSynth(program: Command, root: string, io: Io): void {
  program.command('synth')
    .description('write dist/<customer>/ and flux/<customer>/ for every customer file (all or nothing); a customer whose inputs did not change since the last synth is skipped')
    .option('--shard <k/n>', 'only part k of n of the customers (every n-th, from the k-th), for a CI matrix')
    .addHelpText('after', exitCodesHelp({
      0: 'written',
      1: 'a customer file or a store entry is invalid or a credential needs SOPS_AGE_KEY_FILE (then nothing was written), another synth holds .astrago/synth.lock, or the file system failed (one error: line each)',
    }))
    .action(async (opts: { shard?: string }) => {
      process.exitCode = await synth({ root, shard: opts.shard, log: io.err });
    });
}
