/**
 * The render check's `helm template` runs, many at once, each kept in the render cache by chart
 * content, helm arguments and values, so an unchanged release is not rendered again (the upgrade
 * plan calls `helmTemplate` itself and caches nothing).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { replaceFile } from '../files/file-steps';
import type { Progress } from '../validate/progress';
import { HelmError, type Helm } from './helm';

/** One `helm template` call of a release. */
export interface HelmRun {
  /** Said in progress: `<customer>: <release>`. */
  readonly label: string;
  /** Digest of the chart's content, which the cache key covers. */
  readonly chartDigest: string;
  /** `helm template` arguments, all but the values file. */
  readonly args: readonly string[];
  readonly values: Record<string, unknown>;
}

export const RunState = {
  RENDERED: 'rendered',
  FAILED: 'failed',
} as const;

/** What a run gave: helm's output (rendered now or taken from the cache), or helm's error. */
export type RunOutcome =
  | {
    readonly state: typeof RunState.RENDERED;
    readonly output: string;
    /** Render cache key: chart content, helm arguments, values. */
    readonly key: string;
    readonly fromCache: boolean;
  }
  | { readonly state: typeof RunState.FAILED; readonly error: string };

export interface HelmRunOptions {
  /**
   * Folder of rendered output kept by its key.
   * @default - nothing cached
   */
  readonly renderCache?: string;
  /**
   * helm processes at once.
   * @default - the cores available
   */
  readonly concurrency?: number;
  /** Told each run as it starts. @default - none */
  readonly progress?: Progress;
}

/** Every run's outcome, in the order of `runs`: from the render cache or from helm, several helm processes at once. */
export async function renderReleases(helm: Helm, runs: readonly HelmRun[], options: HelmRunOptions): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array<RunOutcome>(runs.length);
  const queue = [...runs.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [i, run] = next;
      options.progress?.(`rendering ${run.label}`);
      outcomes[i] = await outcomeOf(helm, run, options.renderCache);
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
  await Promise.all(Array.from({ length: Math.min(concurrency, runs.length) }, worker));
  return outcomes;
}

async function outcomeOf(helm: Helm, run: HelmRun, renderCache: string | undefined): Promise<RunOutcome> {
  const key = createHash('sha256').update(JSON.stringify([run.chartDigest, run.args, stringify(run.values)])).digest('hex');
  const cacheFile = renderCache ? path.join(renderCache, `${key}.yaml`) : undefined;
  if (cacheFile && fs.existsSync(cacheFile)) return { state: RunState.RENDERED, output: fs.readFileSync(cacheFile, 'utf8'), key, fromCache: true };
  let output: string;
  try {
    output = await helmTemplate(helm, run.args, run.values);
  } catch (e) {
    if (!(e instanceof HelmError)) throw e;
    return { state: RunState.FAILED, error: e.message };
  }
  if (cacheFile) replaceFile(cacheFile, output);
  return { state: RunState.RENDERED, output, key, fromCache: false };
}

/** `helm template` of one chart with these values (written to a temporary file): helm's output, or a HelmError. */
export async function helmTemplate(helm: Helm, args: readonly string[], values: Record<string, unknown>): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-render-'));
  try {
    const valuesFile = path.join(work, 'values.yaml');
    fs.writeFileSync(valuesFile, stringify(values));
    return await helm.runAsync(['template', ...args, '--values', valuesFile]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
