import type { Command } from 'commander';
import { customerDistFolder, customerFluxFolder, SYNTH_LOCK } from '../model/layout';
import { synth } from '../pipeline/synth';
import { NEW_CREDENTIALS_FLAG } from '../secrets/committed';
import { exitCodesHelp, type Io } from './io';

/** `astrago synth`: the same as `npx cdk8s synth`, without the cdk8s CLI around it. */
export function registerSynth(program: Command, root: string, io: Io): void {
  program.command('synth')
    .description(`write ${customerDistFolder('<customer>')}/ and ${customerFluxFolder('<customer>')}/ for every customer file (all or nothing); `
      + 'a customer whose inputs did not change since the last synth is skipped')
    .addHelpText('after', exitCodesHelp({
      0: 'written',
      1: 'a customer file or a store entry is invalid or a credential needs SOPS_AGE_KEY_FILE (then nothing was written), '
        + `another synth holds ${SYNTH_LOCK}, or the file system failed (one error: line each)`,
    }))
    .option('--shard <k/n>', 'only part k of n of the customers (every n-th, from the k-th), for a CI matrix')
    .option(`${NEW_CREDENTIALS_FLAG} <customer...>`, 'generate the missing credentials of these customers even where synth cannot tell that they never existed '
      + '(a retired name, a shallow clone, a copy without .git): new values, which data kept from before will not accept')
    .action(async (flags: { shard?: string; newCredentials?: string[] }) => {
      process.exitCode = await synth({ root, shard: flags.shard, log: io.err, newCredentials: flags.newCredentials });
    });
}
