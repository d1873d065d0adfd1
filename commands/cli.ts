/**
 * `npx astrago <command>`: the command-line interface. Each command lives in its own module
 * under commands/ and registers itself here; this file only wires them to commander.
 *
 * Exit codes: 0 success; 1 the command ran and found a problem (invalid customer file,
 * validation finding, stale dist/, destructive change); 2 wrong usage (unknown command,
 * option, customer or key). Each command's --help lists its own.
 */
import { Command, CommanderError } from 'commander';
import { dns1123Label } from '../config/schema';
import { EXIT } from '../model/user-error';
import { registerCharts } from './charts-command';
import { registerCheck } from './check-command';
import { registerDiff } from './diff-command';
import { registerExplain } from './explain-command';
import { registerFleet } from './fleet-command';
import { registerGraph } from './graph-command';
import { registerImport } from './import-command';
import { registerInit } from './init-command';
import { exitCodesHelp, progressLine, type Io } from './io';
import { registerList } from './list-command';
import { registerPromote } from './promote-command';
import { terminalPrompts } from './prompts';
import { registerRelease } from './release-command';
import { registerRemove } from './remove-command';
import { registerRenderCheck } from './render-check-command';
import { registerRender } from './render-command';
import { registerSecrets } from './secrets-command';
import { registerSynth } from './synth-command';
import { registerUpgradePlan } from './upgrade-plan-command';
import { registerValidate } from './validate-command';

/** Every command, in the order `--help` lists them. */
const COMMANDS: ReadonlyArray<(program: Command, root: string, io: Io) => void> = [
  registerSynth, registerInit, registerImport, registerList, registerFleet, registerRelease, registerPromote, registerRemove,
  registerRender, registerDiff, registerCheck, registerExplain, registerGraph, registerSecrets, registerValidate, registerRenderCheck,
  registerUpgradePlan, registerCharts,
];

const progress = progressLine((text) => process.stderr.write(text), () => process.stderr.columns);

export const processIo: Io = {
  out: (text) => {
    progress.clear();
    process.stdout.write(text);
  },
  err: (line) => {
    progress.clear();
    console.error(line);
  },
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI,
  prompts: terminalPrompts,
  // A person watching sees what a long command is doing; a pipe or a CI log gets nothing extra.
  progress: process.stderr.isTTY && !process.env.CI ? progress.show : undefined,
};

export function buildProgram(root: string, io: Io = processIo): Command {
  const program = new Command('astrago')
    .description('Synthesize, check and review the GitOps trees of Astrago customers')
    .showHelpAfterError()
    .addHelpText('after', exitCodesHelp({ 0: 'success', 1: 'the command ran and found a problem (each command\'s --help says which)', 2: 'wrong usage (unknown command, option, customer or key)' }))
    // Before the commands are added: they inherit it, so --help and usage errors reach `io` too.
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text.replace(/\n$/, '')) })
    .exitOverride()
    .hook('preAction', (_program, command) => checkCustomerNames(command));
  for (const register of COMMANDS) register(program, root, io);
  return program;
}

/**
 * Every argument that names a customer (`<customer>`, `[customers...]`, …) must be a DNS-1123
 * name before any command uses it in a path: `../x` or `a/b` never reach the file system.
 */
function checkCustomerNames(command: Command): void {
  command.registeredArguments.forEach((argument, i) => {
    if (!/^customers?$/.test(argument.name())) return;
    for (const name of [command.processedArgs[i] ?? []].flat()) {
      if (typeof name !== 'string' || !dns1123Label.safeParse(name).success) {
        command.error(`error: <${argument.name()}>: expected a customer name (a DNS-1123 name such as acme), found ${JSON.stringify(String(name).slice(0, 64))}`, { exitCode: EXIT.USAGE });
      }
    }
  });
}

export async function main(argv: string[], root: string): Promise<void> {
  // `astrago render demo | head`: the reader has what it wanted; stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(Number(process.exitCode ?? EXIT.OK));
  });
  try {
    await buildProgram(root).parseAsync(argv);
    progress.clear();
  } catch (e) {
    progress.clear();
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    throw e;
  }
}
