/**
 * What `validate` and `render-check` share: the customers' trees they select, the schema
 * folder they read, and how their findings, report and exit code come out.
 */
import { EXIT, runCommand } from '../model/user-error';
import { selectedTrees, type CustomerTree } from '../pipeline/customers';
import type { Selection } from '../pipeline/selection';
import { formatFinding, Severity, type Finding } from '../validate/model/finding';
import type { Progress } from '../validate/progress';
import { locateSchemas, type SchemaLocation } from '../validate/schema-store';
import { OutputFormat, printJson } from './io';

type Log = (line: string) => void;

export interface TreeCheckOptions extends Selection {
  /** Repository root holding customers/. */
  readonly root: string;
  /**
   * Customers to check.
   * @default - every customer file
   */
  readonly customers?: readonly string[];
  /**
   * Check what synth would write now (rendered in memory) instead of the committed dist/ and flux/.
   * @default false
   */
  readonly render?: boolean;
  /**
   * Schema folder (kubernetes/, crds/) for the strict checks.
   * @default - $ASTRAGO_SCHEMAS, then the vendored vendor/schemas
   */
  readonly schemas?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * What stdout holds: the summary lines, or one JSON document.
   * @default OutputFormat.TEXT
   */
  readonly output?: OutputFormat;
  /** Messages and findings, one line each. @default console.error */
  readonly log?: Log;
  /** The report (stdout). @default - its lines to `log` */
  readonly out?: (text: string) => void;
  /** Progress of a long run (a terminal only). @default - none */
  readonly progress?: Progress;
}

/** What a check of the trees is made of besides what every check shares. */
export interface TreeCheck<R extends { readonly findings: readonly Finding[] }> {
  /** Checks the selected trees. */
  readonly run: (trees: readonly CustomerTree[], schemas: SchemaLocation) => R | Promise<R>;
  /** The report as the JSON document of `-o json`. */
  readonly json: (report: R) => unknown;
  /** The report as summary lines. */
  readonly lines: (report: R) => readonly string[];
}

/**
 * Runs a tree check: `setup` first (it may log and locate its tools in `env`), then the schemas,
 * the selection of trees, the check, its findings on `log` and its report on `out`.
 * Returns the exit code: 1 when any finding is an error.
 */
export function runTreeCheck<R extends { readonly findings: readonly Finding[] }>(
  options: TreeCheckOptions, setup: (log: Log, env: NodeJS.ProcessEnv) => TreeCheck<R> | Promise<TreeCheck<R>>): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line));
  const env = options.env ?? process.env;
  const out = options.out ?? ((text: string) => text.split('\n').filter(Boolean).forEach(log));
  return runCommand(log, async () => {
    const check = await setup(log, env);
    // Located and verified before any work; loaded by the check, where it needs them.
    const location = locateSchemas(options.root, options.schemas, env);
    const trees = await selectedTrees(options.root, options.customers, options.render, log, options.progress, options);
    const report = await check.run(trees, location);
    for (const f of report.findings) log(formatFinding(f));
    if (options.output === OutputFormat.JSON) printJson(out, check.json(report));
    else for (const line of check.lines(report)) out(`${line}\n`);
    return report.findings.some((f) => f.severity === Severity.ERROR) ? EXIT.FINDINGS : EXIT.OK;
  });
}
