/**
 * `npx astrago <command>`: the command-line interface. Each command lives in its own module
 * under commands/ and registers itself here; this file only wires them to commander.
 *
 * Exit codes: 0 success; 1 the command ran and found a problem (invalid customer file,
 * validation finding, stale dist/); 2 wrong usage (unknown command or option).
 */
import { Command, CommanderError } from 'commander';
import { registerCharts } from './charts';
import { EXIT } from './exit-codes';
import { registerRenderCheck } from './render-check';
import { registerSecrets } from './secrets';
import { registerSynth } from './synth-command';
import { registerValidate } from './validate';

export { EXIT };

export function buildProgram(root: string): Command {
  const program = new Command('astrago')
    .description('Synthesize, check and review the GitOps trees of Astrago customers')
    .showHelpAfterError()
    .exitOverride();
  registerSynth(program, root);
  registerSecrets(program, root);
  registerValidate(program, root);
  registerRenderCheck(program, root);
  registerCharts(program, root);
  return program;
}

export async function main(argv: string[], root: string): Promise<void> {
  try {
    await buildProgram(root).parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    throw e;
  }
}
