import * as fs from 'node:fs';
import * as path from 'node:path';
import { customerJsonSchema, JSON_SCHEMA_FILE } from '../config/json-schema';
import { synth } from '../pipeline/synth';
import { readTree, render, ROOT, sampleConfig, SAMPLES, scratchRepo } from './helpers';

describe('synth', () => {
  // The committed tree is the golden file: a change to a construct shows here, and in review as a diff of dist/.
  test('the committed dist/ and flux/ of every sample customer are, byte for byte, what synth writes now', async () => {
    expect(fs.readdirSync(path.join(ROOT, 'dist')).sort()).toEqual(SAMPLES);
    for (const name of SAMPLES) {
      const files = await render(sampleConfig(name));
      const written = (prefix: string) =>
        Object.fromEntries(files.filter((f) => f.path.startsWith(prefix)).map((f) => [path.relative(prefix, f.path), f.content]));
      const committed = readTree(path.join(ROOT, 'dist', name));
      expect(Object.keys(committed).filter((f) => committed[f].includes('\uFFFD'))).toEqual([]);
      expect(committed).toEqual(written(`dist/${name}/`));
      // flux/<name>/ also holds what `flux bootstrap` writes (flux-system/), which synth keeps.
      const flux = Object.fromEntries(Object.entries(readTree(path.join(ROOT, 'flux', name))).filter(([f]) => !f.startsWith('flux-system/')));
      expect(flux).toEqual(written(`flux/${name}/`));
    }
  });

  test('two synths give byte-identical trees', async () => {
    const repo = scratchRepo();
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(0);
    const first = { ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) };
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(0);
    expect({ ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) }).toEqual(first);
    // Nothing left behind: no staging, no lock.
    expect(fs.readdirSync(path.join(repo, '.astrago')).filter((f) => f !== 'inputs')).toEqual([]);
  });

  test('a broken customer file fails with one line per problem and leaves dist/ and flux/ as they were', async () => {
    const repo = scratchRepo();
    fs.writeFileSync(path.join(repo, 'customers', 'broken.yaml'), 'externalAccess: {mode: ip, ip: {address: 10.0.0.300}}\nnfs: {server: 10.0.0.6, sever: x}\n');
    // A change to a valid customer must not be written either: all or nothing.
    fs.appendFileSync(path.join(repo, 'customers', SAMPLES[0] + '.yaml'), 'monitoring: {retention: 2d}\n');
    const before = { ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) };
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
    expect(log).toEqual([
      'error: customers/broken.yaml:1: externalAccess.ip.address: expected an IPv4 address such as 10.0.0.5, found "10.0.0.300"',
      'error: customers/broken.yaml:2: nfs.sever: expected a known key (did you mean "server"?), found unknown key "sever" (nothing was written, dist/ is unchanged)',
    ]);
    expect({ ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) }).toEqual(before);
  });

  test('a chart version override that is not vendored stops synth with the key, the version and the command that vendors it', async () => {
    const repo = scratchRepo();
    fs.appendFileSync(path.join(repo, 'customers', 'demo.yaml'), 'components:\n  harbor:\n    version: 9.9.9\n');
    const before = { ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) };
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
    expect(log).toEqual([expect.stringMatching(/^error: customers\/demo\.yaml:\d+: components\.harbor\.version: expected a version of harbor vendored in vendor\/charts\/ \(vendor it with `npx astrago charts vendor harbor 9\.9\.9`\), found 9\.9\.9 \(nothing was written, dist\/ is unchanged\)$/)]);
    expect({ ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) }).toEqual(before);
  });

  test('synth keeps the files flux bootstrap wrote beside the entry point', async () => {
    const repo = scratchRepo();
    const bootstrap = path.join(repo, 'flux', SAMPLES[0], 'flux-system', 'gotk-sync.yaml');
    fs.mkdirSync(path.dirname(bootstrap), { recursive: true });
    fs.writeFileSync(bootstrap, 'kept\n');
    expect(await synth({ root: repo, log: () => undefined })).toBe(0);
    expect(fs.readFileSync(bootstrap, 'utf8')).toBe('kept\n');
  });

  test('a dist/ folder without customer file is reported, not silently kept', async () => {
    const repo = scratchRepo();
    fs.mkdirSync(path.join(repo, 'dist', 'gone'));
    const log: string[] = [];
    await synth({ root: repo, log: (l) => log.push(l) });
    expect(log).toContain('warning: dist/gone/ has no customer file; run `npx astrago remove gone` to retire it');
  });

  test('a credential store without customer file is reported too: it holds the only copy of credentials', async () => {
    const repo = scratchRepo();
    fs.renameSync(path.join(repo, 'customers', 'demo.yaml'), path.join(repo, 'demo.yaml.bak'));
    fs.rmSync(path.join(repo, 'dist', 'demo'), { recursive: true });
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(0);
    expect(log).toContain('warning: credentials/demo/ has no customer file; restore customers/demo.yaml, or run `npx astrago remove demo` to retire it');
  });

  test('the committed JSON Schema is the one the customer schema exports', async () => {
    expect(fs.readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), 'utf8')).toBe(customerJsonSchema());
  });

  test('every customer file points editors at the JSON Schema', async () => {
    for (const name of SAMPLES) {
      expect(fs.readFileSync(path.join(ROOT, 'customers', `${name}.yaml`), 'utf8'))
        .toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/customer\.schema\.json\n/);
    }
  });
});
