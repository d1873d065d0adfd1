import { cycles, escapes, folderGraph, importGraph, projectFiles, totalEscapes } from '../scripts/code-health';

const files = importGraph();

describe('code health', () => {
  test('the walker sees the project: the config schema, the constructs, the commands', () => {
    expect(projectFiles()).toEqual(expect.arrayContaining(['config/schema.ts', 'constructs/customer-app.ts', 'commands/cli.ts', 'main.ts', 'constructs/credentials/credential-registry.ts']));
    expect(projectFiles().filter((f) => /^(customers|credentials|dist|flux)\//.test(f))).toEqual([]);
    expect(files.get('main.ts')?.length).toBeGreaterThan(0);
  });

  test('no import cycle between project files', () => {
    expect(cycles(files)).toEqual([]);
  });

  test('no import cycle between folders (data flows one way: config → constructs → output → commands)', () => {
    expect(cycles(folderGraph(files))).toEqual([]);
  });

  test('a cycle is found when there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  // Ceilings, lowered as casts, `any` and `!` go: `npm run health -- --per-file` says where they are.
  test('type escapes outside tests and imports/ stay under their ceilings', () => {
    const total = totalEscapes(escapes());
    expect(total.casts).toBeLessThanOrEqual(58);
    expect(total.anys).toBeLessThanOrEqual(1);
    expect(total.nonNull).toBeLessThanOrEqual(15);
  });
});
