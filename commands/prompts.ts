/**
 * The questions a command may ask, behind a small interface so tests drive the wizard with
 * scripted answers and the real terminal uses @inquirer/prompts.
 */
import { confirm, input, select } from '@inquirer/prompts';
import { errorName } from '../model/caught';
import { UserError, EXIT } from '../model/user-error';

export interface Choice<T extends string> {
  readonly name: string;
  readonly value: T;
}

export interface Prompts {
  /** Free text; `validate` returns true or the message to show while the answer is wrong. */
  input(question: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  select<T extends string>(question: { message: string; choices: readonly Choice<T>[]; default?: T }): Promise<T>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
}

/** Ctrl-C in a prompt ends the command with one line, not inquirer's stack trace. */
async function cancellable<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (e) {
    if (errorName(e) === 'ExitPromptError') throw new UserError('cancelled: nothing was changed', EXIT.FINDINGS);
    throw e;
  }
}

export const terminalPrompts: Prompts = {
  input: (q) => cancellable(input(q)),
  select: (q) => cancellable(select({ ...q, choices: [...q.choices] })),
  confirm: (q) => cancellable(confirm(q)),
};
