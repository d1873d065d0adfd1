/**
 * Changes an adversarial review found the synth skip hid: each test asserts the promise (a synth
 * that reads its records writes what a synth without them writes, and exits as it does) after an
 * input changed in a way the digest once missed: rings.yaml added or removed under a pinned
 * customer, a rings.yaml that fails its checks, links behind a release file or a written file,
 * the source in a linked folder, a FIFO in the project.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectDigest } from '../pipeline/input-digest';
import { synth } from '../pipeline/synth';
import { synthIfChanged } from '../pipeline/synth-entry';
import { scratchRepo } from './helpers';

const quiet = () => undefined;

/** dist/ and flux/ of a repository, file by file, a link as the bytes it points to (as a reader of the tree sees them). */
function output(repo: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else files[path.relative(repo, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(path.join(repo, 'dist'));
  walk(path.join(repo, 'flux'));
  return files;
}

/** What a synth without records makes of the repository as it is now: its exit code and output (on a copy). */
async function clean(repo: string): Promise<{ code: number; files: Record<string, string> }> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-clean-'));
  for (const entry of fs.readdirSync(repo)) {
    if (entry !== '.astrago') fs.cpSync(path.join(repo, entry), path.join(copy, entry), { recursive: true, verbatimSymlinks: true });
  }
  const code = await synth({ root: copy, log: quiet });
  return { code, files: output(copy) };
}

/** `npx cdk8s synth` on the repository, then the same on a copy without records: both must agree. */
async function expectSameAsClean(repo: string): Promise<void> {
  const code = await synthIfChanged(repo, quiet);
  const expected = await clean(repo);
  expect({ code, files: output(repo) }).toEqual(expected);
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const edited = text.replace(from, to);
  if (edited === text) throw new Error(`no ${String(from)} in ${file}`);
  fs.writeFileSync(file, edited);
}

test('removing rings.yaml re-renders a customer that pins a release (it runs the catalog pins then)', async () => {
  const repo = scratchRepo();
  edit(path.join(repo, 'customers', 'demo.yaml'), 'ring: canary', 'release: 2026.12.0-stage-1.0');
  expect(await synth({ root: repo, log: quiet })).toBe(0);
  fs.rmSync(path.join(repo, 'rings.yaml'));
  await expectSameAsClean(repo);
});

test('adding rings.yaml re-renders a customer that pins a release (its release applies from then on)', async () => {
  const repo = scratchRepo();
  edit(path.join(repo, 'customers', 'demo.yaml'), 'ring: canary', 'release: 2026.12.0-stage-1.0');
  const rings = fs.readFileSync(path.join(repo, 'rings.yaml'));
  fs.rmSync(path.join(repo, 'rings.yaml'));
  expect(await synth({ root: repo, log: quiet })).toBe(0);
  fs.writeFileSync(path.join(repo, 'rings.yaml'), rings);
  await expectSameAsClean(repo);
});

test('a rings.yaml that no longer passes its checks fails synth even when no ring changes its release', async () => {
  for (const broken of ['extra: key\n', null]) {
    const repo = scratchRepo();
    expect(await synth({ root: repo, log: quiet })).toBe(0);
    const file = path.join(repo, 'rings.yaml');
    // An unknown key; a ring named twice (not the last one, so the default ring stays).
    if (broken) fs.appendFileSync(file, broken);
    else edit(file, '  - name: stable', '  - name: early\n    release: 2026.12.0-stage-1.0\n  - name: stable');
    await expectSameAsClean(repo);
  }
});

test('a release file that is a link: an edit of what it points to re-renders its customers', async () => {
  const repo = scratchRepo();
  const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-release-')), '2026.12.0.yaml');
  fs.renameSync(path.join(repo, 'releases', '2026.12.0.yaml'), target);
  fs.symlinkSync(target, path.join(repo, 'releases', '2026.12.0.yaml'));
  expect(await synth({ root: repo, log: quiet })).toBe(0);
  edit(target, /frontend: \S+/, 'frontend: frontend-review-30');
  await expectSameAsClean(repo);
});

test('a written file replaced by a link: an edit of what it points to re-renders the customer', async () => {
  const repo = scratchRepo();
  expect(await synth({ root: repo, log: quiet })).toBe(0);
  const written = path.join(repo, 'dist', 'demo', 'README.md');
  const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-out-')), 'README.md');
  fs.copyFileSync(written, target);
  fs.rmSync(written);
  fs.symlinkSync(target, written);
  expect(await synth({ root: repo, log: quiet })).toBe(0);
  fs.appendFileSync(target, 'hand edit\n');
  await expectSameAsClean(repo);
});

test("the project's digest covers the source in a folder that is a link", () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-project-'));
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-source-'));
  fs.writeFileSync(path.join(elsewhere, 'chart.ts'), 'export const a = 1;\n');
  fs.symlinkSync(elsewhere, path.join(repo, 'constructs'));
  const before = projectDigest(repo);
  fs.writeFileSync(path.join(elsewhere, 'chart.ts'), 'export const a = 2;\n');
  expect(projectDigest(repo)).not.toBe(before);
});

test("a FIFO in the project's source is not opened: the digest neither blocks nor matches an earlier one", () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-project-'));
  fs.mkdirSync(path.join(repo, 'constructs'));
  execFileSync('mkfifo', [path.join(repo, 'constructs', 'pipe.ts')]);
  expect(projectDigest(repo)).not.toBe(projectDigest(repo));
});
