import { Option } from 'commander';
import { UserError, type ExitCode } from '../model/user-error';
import type { Progress } from '../validate/progress';
import type { Prompts } from './prompts';

/**
 * What every command shares: where its output goes, its exit codes, and how a user mistake
 * ends it (one `error:` line and an exit code, never a stack trace).
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

/** Runs a command body and turns its result or a UserError into the process exit code: the one place that does. */
export async function runCommand(err: (line: string) => void, body: () => number | Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    err(`error: ${e.message}`);
    return e.exitCode;
  }
}

/** What the commands that check customers' trees (validate, render-check) take alike. */
export interface TreeCheckOptions {
  /** Repository root holding customers/. */
  readonly root: string;
  /**
   * Customers to check.
   * @default - every customer file
   */
  readonly customers?: readonly string[];
  /**
   * Check what synth would write now (rendered in memory) instead of the committed dist/ and flux/.
   * @default false
   */
  readonly render?: boolean;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * What stdout holds: the summary lines, or one JSON document.
   * @default OutputFormat.TEXT
   */
  readonly output?: OutputFormat;
  /** Messages and findings, one line each. @default console.error */
  readonly log?: (line: string) => void;
  /** The report (stdout). @default - its lines to `log` */
  readonly out?: (text: string) => void;
  /** Progress of a long run (a terminal only). @default - none */
  readonly progress?: Progress;
}

/** Runs a tree check with its output defaults, through `runCommand`; returns the exit code. */
export function runTreeCheck(options: TreeCheckOptions, body: (log: (line: string) => void, out: (text: string) => void) => Promise<number>): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line));
  const out = options.out ?? ((text: string) => text.split('\n').filter(Boolean).forEach(log));
  return runCommand(log, () => body(log, out));
}

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
