/**
 * Validation of a fleet on every core: customers are independent, so each worker thread loads
 * the schemas once, validates its share of the customers, and sends its findings back; the
 * report is the one a single thread would give (findings sorted, counts summed). Few customers
 * are validated in this thread: a worker costs a schema load and compilation.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { vendoredChartProblems } from '../catalog/vendor-lock';
import { UserError, type ExitCode } from '../model/user-error';
import { sortFindings, type Finding } from './model/finding';
import type { Progress } from './progress';
import { SchemaSet } from './schemas';
import { validateTrees, type CustomerTree, type ValidationReport } from './validate';

export interface ParallelValidation {
  /** Schema folder every worker loads, and the CRD files it must hold. */
  readonly schemas: { readonly dir: string; readonly pinned: readonly string[] };
  /** Repository whose vendored charts the HelmReleases name (`vendoredChartProblems`). */
  readonly root: string;
  /** Run `kubectl kustomize` on every folder. @default false */
  readonly kustomize?: boolean;
  /** Told each customer as it starts. @default - none */
  readonly progress?: Progress;
  /** Threads to use. @default - the cores available */
  readonly threads?: number;
}

/** What a worker receives: plain data only. */
export interface WorkerInput {
  readonly trees: readonly CustomerTree[];
  readonly schemas: ParallelValidation['schemas'];
  readonly root: string;
  readonly kustomize: boolean;
}

/** What a worker sends: progress lines, then its report. */
export type WorkerMessage =
  | { readonly progress: string }
  | { readonly report: {
    readonly findings: readonly Finding[];
    readonly objects: number;
    readonly skipped: ReadonlyArray<readonly [string, number]>;
  } }
  /** A user's problem (an unreadable schema, an altered archive), to be reported as in one thread. */
  | { readonly failure: { readonly problems: readonly string[]; readonly exitCode: ExitCode } };

/** Below this many customers per thread, one thread is faster than loading the schemas again. */
const CUSTOMERS_PER_THREAD = 8;

export async function validateInParallel(trees: readonly CustomerTree[], options: ParallelValidation): Promise<ValidationReport> {
  const threads = Math.min(options.threads ?? os.availableParallelism(), Math.floor(trees.length / CUSTOMERS_PER_THREAD));
  if (threads < 2) {
    return validateTrees(trees, {
      schemas: SchemaSet.load(options.schemas.dir, options.schemas.pinned), kustomize: options.kustomize,
      progress: options.progress, vendoredChart: vendoredChartProblems(options.root),
    });
  }
  const shares = Array.from({ length: threads }, (_, i) => trees.filter((_t, j) => j % threads === i));
  const workers: Worker[] = [];
  let reports: Array<Extract<WorkerMessage, { report: unknown }>['report']>;
  try {
    const { schemas, root } = options;
    const share = (trees: readonly CustomerTree[]) => ({ trees, schemas, root, kustomize: options.kustomize ?? false });
    reports = await Promise.all(shares.map((trees) => runWorker(workers, share(trees), options.progress)));
  } finally {
    // One worker failing ends the others: nothing keeps running, or the process open, after the error.
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const skipped = new Map<string, number>();
  for (const r of reports) for (const [kind, n] of r.skipped) skipped.set(kind, (skipped.get(kind) ?? 0) + n);
  return {
    findings: sortFindings(reports.flatMap((r) => r.findings)),
    objects: reports.reduce((sum, r) => sum + r.objects, 0),
    skipped: new Map([...skipped].sort()),
  };
}

function runWorker(workers: Worker[], input: WorkerInput, progress?: Progress): Promise<Extract<WorkerMessage, { report: unknown }>['report']> {
  const register = path.join(__dirname, '..', 'bin', 'register.js');
  const entry = path.join(__dirname, 'validate-worker.ts');
  // TypeScript runs through the same transpiler as the CLI: the worker's entry is code, not a file of its own.
  const worker = new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(entry)});`, { eval: true, workerData: input });
  workers.push(worker);
  return new Promise((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if ('progress' in message) progress?.(message.progress);
      else if ('failure' in message) reject(new UserError(message.failure.problems, message.failure.exitCode));
      else resolve(message.report);
    });
    worker.on('error', reject);
    // After its report, a worker's exit settles nothing; without one, it is a failure whatever its code.
    worker.on('exit', (code) => reject(new Error(`validation worker exited (code ${code}) without a report`)));
  });
}
