/**
 * One benchmark measurement in a fresh process (so peak RSS belongs to this N alone):
 * synthesize N synthetic customers into a scratch repository, the floor — the same objects
 * serialized to YAML and written without constructs — and validate. Prints one JSON line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { promote } from '../commands/promote-command';
import { newRelease } from '../commands/release-command';
import { formatRelease } from '../config/releases';
import { dumpYaml } from '../files/canonical';
import { releaseFile, RELEASES_ROOT, RINGS_FILE } from '../model/layout';
import { UserError } from '../model/user-error';
import { writeCustomers } from '../output/write';
import { loadAll, renderAll, synth } from '../pipeline/synth';
import { validationTree } from '../validate/externals';
import { validateInParallel } from '../validate/parallel';
import { locateSchemas } from '../validate/schema-store';
import { customerName, RINGS, syntheticCustomer, syntheticRings } from './customers';

/** The repository the bench measures. */
const PROJECT = path.resolve(__dirname, '..');
/** The repository's first release, which every ring of the synthetic fleet starts on. */
const FIRST_RELEASE = '2026.12.0';
/** A platform image tag of the old system's history (the demo's stage build), for a release that differs from the first. */
const NEXT_CORE_TAG = 'core-stage-1.0-45eac704';

export interface WorkerResult {
  readonly n: number;
  readonly objects: number;
  /** First synth: generates and encrypts every credential, writes every file. */
  readonly synthMs: number;
  /** Synth again with nothing changed, as CI does on every pull request: reuses the encrypted credentials, writes nothing. */
  readonly resynthMs: number;
  /** Synth after a change that touches every customer (a chart bump): renders and rewrites every file, credentials reused. */
  readonly rewriteMs: number;
  readonly floorMs: number;
  /** Validation of the written trees on every core, as `validate` runs it (strict schemas and every rule; kubectl not run). */
  readonly validateMs: number;
  /** One customer file changed after a synth whose inputs were recorded, in a git repository: each command as a pull request runs it. */
  readonly oneChanged: OneChanged;
  readonly maxRssMb: number;
}

/** Wall times, in ms, of what a pull request that changes one customer pays. */
export interface OneChanged {
  /** synth after every customer of the first ring changed (their files edited): the plain re-synth of one ring. */
  readonly ringResynthMs: number;
  /** A new release and its promotion to the first ring, then synth. */
  readonly promotionMs: number;
  /** synth: the changed customer rendered, the others skipped by their input digest. */
  readonly synthMs: number;
  readonly validateMs: number;
  /** render-check of the changed customer (helm, every release rendered: the render cache starts empty). */
  readonly renderCheckMs: number;
  readonly diffMs: number;
}

async function main(n: number): Promise<WorkerResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-bench-'));
  fs.mkdirSync(path.join(root, 'customers'));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(root, 'customers', `${customerName(i)}.yaml`), syntheticCustomer(i));
  // The repository's vendored charts (read-only), and three rings, all on its first release.
  fs.symlinkSync(path.join(PROJECT, 'vendor'), path.join(root, 'vendor'));
  fs.cpSync(path.join(PROJECT, RELEASES_ROOT), path.join(root, RELEASES_ROOT), { recursive: true });
  fs.writeFileSync(path.join(root, RINGS_FILE), syntheticRings(FIRST_RELEASE));
  // As in the repository: synth's records and staging are never committed, so git does not list them.
  fs.copyFileSync(path.join(PROJECT, '.gitignore'), path.join(root, '.gitignore'));

  /** Load, render and write every customer, as synth does; the synthetic customers are valid. */
  const synthesize = async () => {
    try {
      const configs = loadAll(root, () => undefined);
      const outputs = await renderAll(root, configs);
      writeCustomers(root, outputs);
      return { configs, outputs };
    } catch (e) {
      if (e instanceof UserError) throw new Error(`bench: the synthetic customers did not synthesize: ${e.problems.join('; ')}`);
      throw e;
    }
  };
  const t0 = performance.now();
  const { configs, outputs } = await synthesize();
  const synthMs = performance.now() - t0;

  const tr = performance.now();
  await synthesize();
  const resynthMs = performance.now() - tr;

  for (const o of outputs) fs.rmSync(path.join(root, 'dist', o.customer, 'README.md'));
  const tw = performance.now();
  await synthesize();
  const rewriteMs = performance.now() - tw;

  // The floor: what any generator must pay to write these objects as YAML files (same emitter).
  const documents = outputs.flatMap((o) => o.files).map((f) => ({ path: f.path, objects: parseAllDocuments(f.content).map((d) => d.toJS()) }));
  const objects = documents.reduce((sum, d) => sum + d.objects.length, 0);
  // Outside the repository: a pull request's repository holds no such folder, and synth would hash it as project source.
  const floorRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-floor-'));
  const t1 = performance.now();
  for (const d of documents) {
    const target = path.join(floorRoot, d.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, d.objects.map((o) => `---\n${dumpYaml(o)}`).join(''));
  }
  const floorMs = performance.now() - t1;

  // Before the full validation: each command of a pull request starts in a process of its own, with nothing warmed up.
  const oneChanged = await changeOne(root);
  // As `npx astrago validate` does: on every core.
  const t2 = performance.now();
  const report = await validateInParallel(outputs.map((o, i) => validationTree(configs[i], o.files)),
    { schemas: locateSchemas(PROJECT), root });
  const validateMs = performance.now() - t2;
  if (report.findings.length > 0) throw new Error(`synthetic customers do not validate: ${report.findings.length} findings`);

  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(floorRoot, { recursive: true, force: true });
  return { n, objects, synthMs, resynthMs, rewriteMs, floorMs, validateMs, oneChanged, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * A pull request that changes one customer file: the trees are committed and recorded first (a
 * synth whose records the next one reads), then the first customer's file changes.
 */
async function changeOne(root: string): Promise<OneChanged> {
  if (await synth({ root, log: () => undefined }) !== 0) throw new Error('bench: the recording synth failed');
  // No automatic gc: it would run on in the background after the commit of thousands of files, inside the folder removed at the end.
  const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=bench', '-c', 'user.email=bench@example.org', '-c', 'gc.auto=0', ...args], { stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  fs.appendFileSync(path.join(root, 'customers', `${customerName(0)}.yaml`), 'monitoring: {retention: 30d}\n');
  const time = async (run: () => unknown) => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };
  // Each command in a process of its own, as the workflow runs it: none inherits this process's heap of N customers.
  const step = (...args: string[]) => () => {
    const r = spawnSync(process.execPath, ['-r', path.join(PROJECT, 'bin', 'register.js'), path.join(__dirname, 'pull-request-step.ts'), root, ...args],
      { encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
    if (r.status !== 0) throw new Error(`bench: ${args.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-3).join('; ')}`);
  };
  const since = ['--changed-since', 'HEAD'];
  const synthMs = await time(step('synth'));
  const checks = {
    // kubectl kustomize of each folder is left out, as in the full validation below: it costs per folder, not per fleet.
    validateMs: await time(step('validate', ...since, '--no-kustomize')),
    renderCheckMs: await time(step('render-check', ...since)),
    diffMs: await time(step('diff', ...since)),
  };
  const synthOnce = async () => {
    const errors: string[] = [];
    if (await synth({ root, log: (l) => errors.push(l) }) !== 0) throw new Error(`bench: synth failed: ${errors.join('; ')}`);
  };
  // One ring's customers changed, then the same ring promoted to a new release: the promotion must cost what the ring's re-synth costs.
  const firstRing = fs.readdirSync(path.join(root, 'customers')).filter((f) => fs.readFileSync(path.join(root, 'customers', f), 'utf8').includes(`ring: ${RINGS[0]}\n`));
  for (const f of firstRing) fs.appendFileSync(path.join(root, 'customers', f), '# reviewed\n');
  const ringResynthMs = await time(synthOnce);
  const promotionMs = await time(async () => {
    // As `release new` does: checked, then written.
    fs.writeFileSync(path.join(root, releaseFile('bench.1')), formatRelease(newRelease(root, { name: 'bench.1', from: FIRST_RELEASE, images: [`core=${NEXT_CORE_TAG}`] })));
    promote(root, 'bench.1', RINGS[0]);
    await synthOnce();
  });
  return {
    synthMs,
    ringResynthMs,
    promotionMs,
    ...checks,
  };
}

void main(Number(process.argv[2])).then((r) => console.log(JSON.stringify(r)));
