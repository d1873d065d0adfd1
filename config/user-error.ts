/**
 * An error caused by the user's input (a customer file, a missing key): synth and the CLI
 * print its message as one line and exit 1, without a stack trace. Any other error is a bug.
 */
export class UserError extends Error {}
