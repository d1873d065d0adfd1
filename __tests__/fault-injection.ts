import { realSteps, type FileSteps } from '../files/file-steps';

/** Thrown by `stopBefore` steps: the simulated `kill -9`. */
export class Killed extends Error {}

/**
 * File-system steps that perform the first `count` calls and throw `Killed` before the next,
 * as if the process were killed at that instant. `performed` lists what was done.
 */
export function stopBefore(root: string, count: number, inner: FileSteps = realSteps(root)): FileSteps & { readonly performed: string[] } {
  const performed: string[] = [];
  const step = <A extends unknown[]>(name: keyof FileSteps, call: (...args: A) => void) => (...args: A) => {
    if (performed.length >= count) throw new Killed(`killed before ${name} ${String(args[0])}`);
    call(...args);
    performed.push(`${name} ${String(args[0])}`);
  };
  return {
    performed,
    writeFile: step('writeFile', inner.writeFile),
    rename: step('rename', inner.rename),
    mkdir: step('mkdir', inner.mkdir),
    remove: step('remove', inner.remove),
  };
}

/** Runs `body` with a kill before step 0, 1, 2, … until it completes; `check` after each kill. Returns the step count. */
export async function killAtEachStep(root: string, body: (steps: FileSteps) => Promise<void> | void,
  check: (killedBefore: number) => Promise<void> | void): Promise<number> {
  for (let n = 0; ; n++) {
    const steps = stopBefore(root, n);
    try {
      await body(steps);
      return n;
    } catch (e) {
      if (!(e instanceof Killed)) throw e;
    }
    await check(n);
  }
}
