import type { Command } from 'commander';
import { synth } from './synth';

/** `astrago synth`: the same as `npx cdk8s synth`, without the cdk8s CLI around it. */
export function registerSynth(program: Command, root: string): void {
  program.command('synth')
    .description('write dist/<customer>/ and flux/<customer>/ for every customer file (all or nothing)')
    .action(async () => {
      process.exitCode = await synth({ root });
    });
}
