import { Option, type Command } from 'commander';
import { customerFile } from '../model/layout';
import type { ExitCode } from '../model/user-error';
import type { Progress } from '../validate/progress';
import type { Prompts } from './prompts';

/**
 * What every command shares: where its output goes, its exit codes in `--help`, and `-o json`.
 * How a user mistake ends a command is `runCommand`'s (model/user-error.ts).
 */

export interface Io {
  /** Data the command produces (YAML, a diff, a graph): stdout, so it can be piped. */
  readonly out: (text: string) => void;
  /** Messages for the person at the terminal: stderr, one line each. */
  readonly err: (line: string) => void;
  /** Whether a person can answer prompts: a TTY on stdin and stdout, and not CI. */
  readonly interactive: boolean;
  /** How questions are asked when `interactive`. */
  readonly prompts: Prompts;
  /** Progress of long commands: set only when stderr is a terminal (and not CI). */
  readonly progress?: Progress;
}

/** The `<customer>` argument's help, naming the file it stands for. */
export const CUSTOMER_ARGUMENT_HELP = `customer name (${customerFile('<customer>')})`;

/** Help text appended to a command: its exit codes. */
export function exitCodesHelp(codes: Partial<Record<ExitCode, string>>): string {
  return `\nExit codes:\n${Object.entries(codes).map(([code, what]) => `  ${code}  ${what}`).join('\n')}\n`;
}

/** `-o, --output`: what a command prints on stdout. Messages and findings go to stderr either way. */
export const OutputFormat = { TEXT: 'text', JSON: 'json' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** The `-o, --output <format>` option of the commands whose result CI reads (docs/customers.md shows each shape). */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'what stdout holds: text, or one JSON document (shape in docs/customers.md)')
    .choices(Object.values(OutputFormat)).default(OutputFormat.TEXT);
}

/** Adds `--changed-since <rev>` and `--shard <k/n>`, which narrow the customers a command works on (pipeline/selection.ts). */
export function withSelection(command: Command): Command {
  return command
    .option('--changed-since <rev>', 'only the customers whose customer file, credentials or tree differ from this git revision (all of them when code, catalog or vendor lock did)')
    .option('--shard <k/n>', 'only part k of n of the customers (every n-th, from the k-th), for a CI matrix');
}

/** One JSON document on stdout, ending in a newline. */
export function printJson(out: (text: string) => void, data: unknown): void {
  out(`${JSON.stringify(data, null, 2)}\n`);
}

/** One stderr line replaced in place: `show` overwrites it, `clear` erases it before any other output. */
export function progressLine(write: (text: string) => void, columns: () => number | undefined = () => undefined) {
  let shown = false;
  return {
    show: (step: string) => {
      write(`\r\x1b[2K${step.slice(0, (columns() ?? 80) - 1)}`);
      shown = true;
    },
    clear: () => {
      if (shown) write('\r\x1b[2K');
      shown = false;
    },
  };
}
