import { CommanderError } from 'commander';
import { buildProgram } from '../commands/cli';
import type { Io } from '../commands/io';

/** What one in-process run of `npx astrago …` did: its exit code, standard output and error lines. */
export interface CliSession {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `npx astrago <args>` in this process against `root`; no terminal unless `io` says so. */
export async function runCli(root: string, args: readonly string[], io: Pick<Io, 'interactive' | 'prompts' | 'progress'>): Promise<CliSession> {
  const out: string[] = [];
  const err: string[] = [];
  const program = buildProgram(root, { ...io, out: (t) => out.push(t), err: (l) => err.push(l) });
  const saved = process.exitCode;
  let code: number;
  try {
    await program.parseAsync(['node', 'astrago', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 2;
  } finally {
    process.exitCode = saved;
  }
  return { code, out: out.join(''), err: err.join('\n') };
}
