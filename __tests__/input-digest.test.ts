/**
 * Synth skips a customer whose inputs and written files are as recorded, and renders it again
 * when any input changes, one by one: the customer file, its credential store, the vendor lock,
 * the project's source, the Node major; and when a file it wrote was edited, added or removed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allUnchanged, customerDigest, DigestContext, projectDigest } from '../pipeline/input-digest';
import { synth } from '../pipeline/synth';
import { synthIfChanged } from '../pipeline/synth-entry';
import { readTree, ROOT, SAMPLES, scratchRepo } from './helpers';

/** The customers a synth rendered, from its log. */
async function rendered(repo: string): Promise<string[]> {
  const log: string[] = [];
  expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(0);
  return log.flatMap((l) => /^synthesized ([\w-]+):/.exec(l)?.[1] ?? []).sort();
}

/** A scratch repository whose every customer has just been synthesized and recorded. */
async function recorded(): Promise<string> {
  const repo = scratchRepo();
  await rendered(repo);
  return repo;
}

const [first, second] = SAMPLES;

test('with nothing changed, a second synth renders no customer, writes nothing and says so', async () => {
  const repo = await recorded();
  const before = readTree(path.join(repo, 'dist'));
  const log: string[] = [];
  expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(0);
  expect(log).toEqual([`unchanged since the last synth: ${SAMPLES.length} customer(s) (inputs and written files as recorded in .astrago/inputs/)`]);
  expect(readTree(path.join(repo, 'dist'))).toEqual(before);
  expect([...allUnchanged(new DigestContext(repo), SAMPLES)?.keys() ?? []]).toEqual(SAMPLES);
});

test('with nothing changed, what `npx cdk8s synth` runs loads neither cdk8s, the constructs, the generated imports nor a YAML parser', async () => {
  const repo = await recorded();
  // A process of its own, as the cdk8s CLI starts it: what it loads is what require.cache holds at the end.
  const script = `require(${JSON.stringify(path.join(ROOT, 'pipeline', 'synth-entry.ts'))}).synthIfChanged(${JSON.stringify(repo)}, () => undefined)`
    + '.then((code) => console.log(JSON.stringify({ code, loaded: Object.keys(require.cache) })))';
  const { code, loaded } = JSON.parse(execFileSync(process.execPath, ['-r', path.join(ROOT, 'bin', 'register.js'), '-e', script], { encoding: 'utf8' })) as { code: number; loaded: string[] };
  expect(code).toBe(0);
  const heavy = loaded.map((f) => path.relative(ROOT, f)).filter((f) => /^(node_modules\/(cdk8s|cdk8s-plus-28|constructs|yaml)\/|constructs\/|imports\/|pipeline\/synth\.ts$)/.test(f));
  expect(heavy).toEqual([]);
});

test('what `npx cdk8s synth` runs renders a changed customer whichever it is, and only says "unchanged" when none is', async () => {
  const repo = await recorded();
  for (const customer of [SAMPLES[SAMPLES.length - 1], first]) {
    // The edited file is the oldest one: the look that starts with the newest must still reach it.
    fs.appendFileSync(path.join(repo, 'customers', `${customer}.yaml`), '# reviewed\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Touched, not changed: their ctime moves past the edited file's.
    for (const other of SAMPLES.filter((c) => c !== customer)) fs.utimesSync(path.join(repo, 'customers', `${other}.yaml`), new Date(), new Date());
    const log: string[] = [];
    expect(await synthIfChanged(repo, (l) => log.push(l))).toBe(0);
    expect(log.filter((l) => l.startsWith('synthesized '))).toEqual([expect.stringMatching(new RegExp(`^synthesized ${customer}:`))]);
  }
  const log: string[] = [];
  expect(await synthIfChanged(repo, (l) => log.push(l))).toBe(0);
  expect(log).toEqual([`unchanged since the last synth: ${SAMPLES.length} customer(s) (inputs and written files as recorded in .astrago/inputs/)`]);
});

test.each<[string, (repo: string) => void, 'one' | 'all']>([
  ['the customer file', (repo) => fs.appendFileSync(path.join(repo, 'customers', `${first}.yaml`), '# reviewed\n'), 'one'],
  ['a credential store entry', (repo) => {
    const dir = path.join(repo, 'credentials', first);
    const entry = path.join(dir, fs.readdirSync(dir)[0]);
    fs.appendFileSync(entry, '# touched\n');
  }, 'one'],
  ['the vendor lock', (repo) => {
    fs.unlinkSync(path.join(repo, 'vendor'));
    fs.cpSync(path.join(ROOT, 'vendor'), path.join(repo, 'vendor'), { recursive: true });
    fs.appendFileSync(path.join(repo, 'vendor', 'lock.yaml'), '# re-vendored\n');
  }, 'all'],
  ['a source file of the project', (repo) => {
    fs.mkdirSync(path.join(repo, 'catalog'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'catalog', 'extra.ts'), 'export const X = 1;\n');
  }, 'all'],
  ['the lockfile', (repo) => fs.writeFileSync(path.join(repo, 'package-lock.json'), '{}\n'), 'all'],
])('a change of %s renders again what it can change', async (_input, change, scope) => {
  const repo = await recorded();
  change(repo);
  expect(await rendered(repo)).toEqual(scope === 'one' ? [first] : SAMPLES);
});

test('the Node major is an input: the same files under another major give another digest', () => {
  expect(projectDigest(ROOT, '20')).not.toBe(projectDigest(ROOT, '22'));
  expect(customerDigest(new DigestContext(ROOT, projectDigest(ROOT, '20')), first)).not.toBe(customerDigest(new DigestContext(ROOT, projectDigest(ROOT, '22')), first));
});

test.each<[string, (dist: string) => void]>([
  ['edited by hand', (dist) => fs.appendFileSync(path.join(dist, 'kustomization.yaml'), '# hand edit\n')],
  ['deleted', (dist) => fs.rmSync(path.join(dist, 'README.md'))],
  ['joined by a file synth did not write', (dist) => fs.writeFileSync(path.join(dist, 'stray.yaml'), 'kind: ConfigMap\n')],
  ['joined deep inside by a file synth did not write', (dist) => fs.writeFileSync(path.join(dist, 'applications', 'controllers', 'stray.yaml'), 'kind: ConfigMap\n')],
])('a tree %s is rendered again and restored exactly', async (_how, change) => {
  const repo = await recorded();
  const before = readTree(path.join(repo, 'dist', second));
  change(path.join(repo, 'dist', second));
  expect(await rendered(repo)).toEqual([second]);
  expect(readTree(path.join(repo, 'dist', second))).toEqual(before);
});

test('an edit that keeps a file\'s size and sets its modification time back is still seen', async () => {
  const repo = await recorded();
  const file = path.join(repo, 'dist', second, 'kustomization.yaml');
  const { atime, mtime } = fs.statSync(file);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace(/[a-z]/, (c) => (c === 'x' ? 'y' : 'x')));
  fs.utimesSync(file, atime, mtime);
  expect(await rendered(repo)).toEqual([second]);
  expect(fs.readFileSync(file, 'utf8')).toBe(text);
});

test('a record that is missing or damaged is never trusted', async () => {
  const repo = await recorded();
  fs.rmSync(path.join(repo, '.astrago', 'inputs', `${first}.json`));
  fs.writeFileSync(path.join(repo, '.astrago', 'inputs', `${second}.json`), '{"version": 1, "inputs": ');
  expect(await rendered(repo)).toEqual([first, second].sort());
});

test('a customer file or store entry turned into a link, a FIFO or a .yml twin is never skipped: synth refuses it as a full run does', async () => {
  const quiet = () => undefined;
  for (const change of [
    (repo: string) => {
      const file = path.join(repo, 'customers', `${first}.yaml`);
      fs.copyFileSync(file, path.join(repo, 'elsewhere.yaml'));
      fs.rmSync(file);
      fs.symlinkSync(path.join(repo, 'elsewhere.yaml'), file);
    },
    (repo: string) => {
      const dir = path.join(repo, 'credentials', first);
      const entry = path.join(dir, fs.readdirSync(dir)[0]);
      fs.copyFileSync(entry, path.join(repo, 'entry.yaml'));
      fs.rmSync(entry);
      fs.symlinkSync(path.join(repo, 'entry.yaml'), entry);
    },
    (repo: string) => fs.copyFileSync(path.join(repo, 'customers', `${first}.yaml`), path.join(repo, 'customers', 'zeta.yml')),
    (repo: string) => execFileSync('mkfifo', [path.join(repo, 'customers', 'zz.yaml')]),
  ]) {
    const repo = await recorded();
    change(repo);
    expect(await synth({ root: repo, log: quiet })).toBe(1);
  }
});

test('files whose timestamps moved but whose content did not are stamped again, so the next run reads none of them', async () => {
  const repo = await recorded();
  const record = path.join(repo, '.astrago', 'inputs', `${first}.json`);
  const before = JSON.parse(fs.readFileSync(record, 'utf8')).stamps;
  const file = path.join(repo, 'dist', first, 'kustomization.yaml');
  fs.writeFileSync(file, fs.readFileSync(file));
  expect(await rendered(repo)).toEqual([]);
  const after = JSON.parse(fs.readFileSync(record, 'utf8')).stamps;
  expect(after[`dist/${first}/kustomization.yaml`][1]).not.toBe(before[`dist/${first}/kustomization.yaml`][1]);
  expect(after[`dist/${first}/kustomization.yaml`][2]).toBe(before[`dist/${first}/kustomization.yaml`][2]);
});

test("a promotion renders exactly the promoted ring's customers, whose unchanged files keep their recorded ring", async () => {
  const repo = await recorded();
  const rings = path.join(repo, 'rings.yaml');
  fs.writeFileSync(rings, fs.readFileSync(rings, 'utf8').replace('name: early\n    release: 2026.12.0', 'name: early\n    release: 2026.12.0-stage-1.0'));
  expect(await rendered(repo)).toEqual(['seoul-lab']);
  fs.appendFileSync(path.join(repo, 'customers', 'plant.yaml'), 'ring: early\n');
  expect(await rendered(repo)).toEqual(['plant']);
  // Its record now holds the new ring: the next promotion of that ring reaches it.
  fs.writeFileSync(rings, fs.readFileSync(rings, 'utf8').replace('name: early\n    release: 2026.12.0-stage-1.0', 'name: early\n    release: 2026.12.0'));
  expect(await rendered(repo)).toEqual(['plant', 'seoul-lab']);
});
