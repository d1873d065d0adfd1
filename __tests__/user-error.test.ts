import { EXIT, runCommand, UserError } from '../model/user-error';

describe('runCommand, the one place a user error becomes output and an exit code', () => {
  const run = async (body: () => number) => {
    const lines: string[] = [];
    return { code: await runCommand((l) => lines.push(l), body), lines };
  };

  test('every problem is an error line of its own, the last one saying what it means', async () => {
    const { code, lines } = await run(() => {
      throw new UserError(['customers/a.yaml:1: nfs.server: expected …, found "x"', 'customers/b.yaml:2: nfs.sever: unknown key'])
        .withConsequence('nothing was written');
    });
    expect(lines).toEqual([
      'error: customers/a.yaml:1: nfs.server: expected …, found "x"',
      'error: customers/b.yaml:2: nfs.sever: unknown key (nothing was written)',
    ]);
    expect(code).toBe(EXIT.FINDINGS);
  });

  test('a usage error keeps its exit code through withConsequence', async () => {
    const { code, lines } = await run(() => {
      throw new UserError('--base: unknown revision', EXIT.USAGE).withConsequence('nothing compared');
    });
    expect([code, lines]).toEqual([EXIT.USAGE, ['error: --base: unknown revision (nothing compared)']]);
  });

  test('a body that returns gives its exit code and prints nothing', async () => {
    expect(await run(() => EXIT.OK)).toEqual({ code: EXIT.OK, lines: [] });
  });

  test('any other error is a bug: it is rethrown with its stack, not turned into a line', async () => {
    await expect(run(() => {
      throw new TypeError('x is undefined');
    })).rejects.toThrow(TypeError);
  });
});
