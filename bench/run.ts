/**
 * `npm run bench`: how synth cost grows with the number of customers, as ratios against a
 * floor measured in the same run (never as absolute pass/fail timings).
 * Writes .bench/results.md and .bench/synth.svg (git-ignored).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { plotSvg } from './plot';
import { benchRenderCheck, type RenderBench } from './render-check';
import type { WorkerResult } from './worker';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.bench');
const SIZES = (process.env.BENCH_SIZES ?? '1,100,500').split(',').map(Number);

function runWorker(n: number): WorkerResult {
  const out = execFileSync(process.execPath, ['-r', path.join(ROOT, 'bin', 'register.js'), path.join(__dirname, 'worker.ts'), String(n)],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop()!) as WorkerResult;
}

/** Median wall time of a command, in ms. */
function timeCommand(args: string[], runs = 3): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync('npx', args, { cwd: ROOT, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`npx ${args.join(' ')} failed`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** The render check's rows: its runs as ratios against the bare helm calls, or why it was not measured. */
function renderRows(r: RenderBench | string): string[] {
  if (typeof r === 'string') return ['', `Render check: not measured: ${r}.`];
  const cachedShare = r.secondMs / r.firstMs;
  return [
    '',
    `Render check of the sample customers: ${r.releases} releases, ${r.cores} cores. Floor: the bare \`helm template\` calls of the same`,
    'releases with the same values, one after another. First run: render cache empty, helm processes in parallel; sequential: the',
    'same with one helm at a time; second run: nothing changed, every release from the render cache (keyed by chart content, helm',
    'arguments and effective values). Each run also checks values and validates every rendered object, which the floor does not.',
    '',
    '| run | wall (s) | / floor |',
    '|---|---:|---:|',
    `| floor: bare helm template calls | ${fmt(r.floorMs / 1000)} | 1.00 |`,
    `| render-check, one helm at a time | ${fmt(r.sequentialMs / 1000)} | ${fmt(r.sequentialMs / r.floorMs)} |`,
    `| render-check, first run (parallel) | ${fmt(r.firstMs / 1000)} | ${fmt(r.firstMs / r.floorMs)} |`,
    `| render-check, second run (cached) | ${fmt(r.secondMs / 1000)} | ${fmt(r.secondMs / r.floorMs)} |`,
    '',
    '| target | measured | goal | |',
    '|---|---:|---:|---|',
    `| render-check second run / first run | ${fmt(cachedShare)} | ≤ 0.25 | ${verdict(cachedShare <= 0.25)} |`,
    `| render-check first run / floor${r.cores < 2 ? ' (one core: no parallelism)' : ''} | ${fmt(r.firstMs / r.floorMs)} | ≤ 1.2 | ${verdict(r.firstMs / r.floorMs <= 1.2)} |`,
  ];
}

async function main(): Promise<void> {
  const results = SIZES.map((n) => {
    process.stderr.write(`measuring N=${n}…\n`);
    return runWorker(n);
  });
  process.stderr.write('measuring the render check…\n');
  const render = await benchRenderCheck(ROOT);
  const cliSynth = timeCommand(['cdk8s', 'synth']);
  const cliStart = timeCommand(['cdk8s', '--version']);

  const rows = results.map((r) => `| ${r.n} | ${fmt(r.synthMs / 1000)} | ${fmt(r.rewriteMs / 1000)} | ${fmt(r.resynthMs / 1000)} | ${fmt(r.resynthMs / r.n, 1)} | ${r.objects} | ${fmt(r.objects / (r.resynthMs / 1000), 0)} | ${fmt(r.maxRssMb, 0)} | ${fmt(r.floorMs / 1000, 3)} | ${fmt(r.rewriteMs / r.floorMs, 1)} | ${fmt(r.validateMs / 1000)} | ${fmt(r.objects / (r.validateMs / 1000), 0)} |`);
  const largest = results[results.length - 1];
  const previous = results[results.length - 2] ?? results[0];
  // Growth is measured on re-synthesis, what every pull request pays; first synths also encrypt new credentials.
  const marginal = (largest.resynthMs - previous.resynthMs) / Math.max(1, largest.n - previous.n);
  const perCustomerGrowth = (largest.resynthMs / largest.n) / (previous.resynthMs / previous.n);
  // What a pull request that changes one customer pays, at each N against N = 1.
  const one = results[0];
  const changeRows = results.map((r) => {
    const c = r.oneChanged;
    const ratio = (ms: number, base: number) => fmt(ms / base);
    return `| ${r.n} | ${fmt(c.synthMs / 1000)} (${ratio(c.synthMs, one.oneChanged.synthMs)}) | ${fmt(c.validateMs / 1000)} (${ratio(c.validateMs, one.oneChanged.validateMs)}) | `
      + `${fmt(c.renderCheckMs / 1000)} (${ratio(c.renderCheckMs, one.oneChanged.renderCheckMs)}) | ${fmt(c.diffMs / 1000)} (${ratio(c.diffMs, one.oneChanged.diffMs)}) |`;
  });
  const changeCost = (r: WorkerResult) => r.oneChanged.synthMs + r.oneChanged.validateMs + r.oneChanged.renderCheckMs + r.oneChanged.diffMs;
  const changeGrowth = changeCost(largest) / changeCost(one);
  const promotionRatio = largest.oneChanged.promotionMs / largest.oneChanged.ringResynthMs;
  const targets = [
    `| \`npx cdk8s synth\` with nothing changed (sample customers) / \`npx cdk8s --version\` | ${fmt(cliSynth / cliStart)} (${fmt(cliSynth / 1000)} s / ${fmt(cliStart / 1000)} s) | ≤ 1.2 | ${verdict(cliSynth / cliStart <= 1.2)} |`,
    `| one changed customer (synth, validate, render-check, diff with --changed-since) at N=${largest.n} / at N=${one.n} | ${fmt(changeGrowth)} | ≤ 1.5 | ${verdict(changeGrowth <= 1.5)} |`,
    `| a new release promoted to the first of 3 rings, plus synth / a plain re-synth of that ring, at N=${largest.n} | ${fmt(promotionRatio)} (${fmt(largest.oneChanged.promotionMs / 1000)} s / ${fmt(largest.oneChanged.ringResynthMs / 1000)} s) | ≤ 1.5 | ${verdict(promotionRatio <= 1.5)} |`,
    `| marginal re-synth cost per customer, N=${previous.n}→${largest.n} | ${fmt(marginal, 1)} ms | ≤ 30 ms | ${verdict(marginal <= 30)} |`,
    `| re-synth time per customer at N=${largest.n} / at N=${previous.n} (linear ≈ 1) | ${fmt(perCustomerGrowth)} | ≤ 1.25 | ${verdict(perCustomerGrowth <= 1.25)} |`,
    `| synth of a change to every customer / floor at N=${largest.n} (both write every file) | ${fmt(largest.rewriteMs / largest.floorMs, 1)} | ≤ 5 | ${verdict(largest.rewriteMs / largest.floorMs <= 5)} |`,
    `| full validate, objects/s at N=${largest.n} | ${fmt(largest.objects / (largest.validateMs / 1000), 0)} | ≥ 5000 | ${verdict(largest.objects / (largest.validateMs / 1000) >= 5000)} |`,
  ];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const report = [
    `# Benchmark (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`,
    '',
    'First synth: new customers, every credential generated and age-encrypted, every file written. Change to all: every',
    'customer changed (as by a chart bump), rendered and rewritten, credentials reused. Re-synth: nothing changed, as CI',
    're-synthesizes on every pull request. Floor: the same objects serialized to YAML (same emitter) and written, no constructs.',
    '',
    '| N | first synth (s) | change to all (s) | re-synth (s) | re-synth ms/customer | objects | objects/s (re-synth) | peak RSS (MB) | floor (s) | change to all/floor | validate (s) | validated objects/s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'One customer changed: its file edited after a recorded synth, in a git repository; each command as the pull request workflow',
    'runs it (synth skips the unchanged customers by their input digest; the checks take `--changed-since HEAD`). In brackets: / N = 1.',
    '',
    '| N | synth (s) | validate (s) | render-check (s) | diff (s) |',
    '|---:|---:|---:|---:|---:|',
    ...changeRows,
    '',
    '| target | measured | goal | |',
    '|---|---:|---:|---|',
    ...targets,
    ...renderRows(render),
    '',
  ].join('\n');
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'results.md'), report);
  fs.writeFileSync(path.join(OUT, 'synth.svg'), plot(results));
  console.log(report);
  console.log(`written: .bench/results.md, .bench/synth.svg`);
}

/** Wall time against N for synth, validate and the floor. */
function plot(results: readonly WorkerResult[]): string {
  return plotSvg(results.map((r) => r.n), [
    { label: 'first synth', color: '#1f77b4', ms: results.map((r) => r.synthMs) },
    { label: 'change to all', color: '#9467bd', ms: results.map((r) => r.rewriteMs) },
    { label: 're-synth', color: '#2ca02c', ms: results.map((r) => r.resynthMs) },
    { label: 'validate', color: '#d62728', ms: results.map((r) => r.validateMs) },
    { label: 'floor (YAML + write)', color: '#7f7f7f', ms: results.map((r) => r.floorMs) },
  ]);
}

void main();
