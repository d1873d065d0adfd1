/**
 * The one error type for what the user did wrong (a customer file, a flag, a missing key, a
 * refusal): every command prints its message as one `error:` line and exits with its code
 * (commands/io.ts `runCommand`, the one place that maps errors to output and exit status).
 * Any other error is a bug and keeps its stack trace.
 */

/** Exit codes of every command: documented in each command's --help. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UserError extends Error {
  /**
   * @param exitCode `EXIT.USAGE` when the command line is wrong (a flag, an argument), else
   * `EXIT.FINDINGS`: the input is wrong or the command refused.
   */
  constructor(message: string, public readonly exitCode: ExitCode = EXIT.FINDINGS) {
    super(message);
  }
}
