/**
 * The one error type for what the user did wrong (a customer file, a flag, a missing key, a
 * refusal), and `runCommand`, the one place that maps it to output and exit status: an
 * `error:` line per problem, then its exit code. Any other error is a bug and keeps its stack
 * trace.
 */

import { showInvisible } from './patterns';

/** Exit codes of every command: documented in each command's --help. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UserError extends Error {
  /** Every problem found, in order, each printed as an `error:` line of its own; the message is the last. */
  public readonly problems: readonly string[];

  /**
   * @param problems the problem, or every problem found before giving up (at least one)
   * @param exitCode `EXIT.USAGE` when the command line is wrong (a flag, an argument), else
   *   `EXIT.FINDINGS`: the input is wrong or the command refused.
   */
  constructor(problems: string | readonly string[], public readonly exitCode: ExitCode = EXIT.FINDINGS) {
    const all = typeof problems === 'string' ? [problems] : problems;
    // An error without a problem would end a command with an exit code and no line: a bug.
    if (all.length === 0) throw new Error('UserError: expected at least one problem, found none');
    super(all[all.length - 1]);
    this.problems = all;
  }

  /** The same problems, the last one followed by what they mean, e.g. `(nothing was written)`. */
  public withConsequence(consequence: string): UserError {
    return new UserError([...this.problems.slice(0, -1), `${this.message} (${consequence})`], this.exitCode);
  }

  /** The same problems with another exit code: a usage error of a step that, for its caller, is a finding. */
  public withExitCode(exitCode: ExitCode): UserError {
    return new UserError(this.problems, exitCode);
  }
}

/** Runs a command body and turns its result or a UserError into the process exit code. */
export async function runCommand(err: (line: string) => void, body: () => number | Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    for (const problem of e.problems) err(`error: ${showInvisible(problem)}`);
    return e.exitCode;
  }
}
