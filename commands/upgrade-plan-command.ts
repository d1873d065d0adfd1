/**
 * `npx astrago upgrade-plan <customer> <chart> <target>` and `--from <chart> --to <chart>`:
 * what the cluster could not do in moving a release from its chart to another (render/upgrade-plan.ts).
 */
import type { Command } from 'commander';
import { readVendorLock } from '../catalog/vendor-lock';
import { DEFAULT_KUBERNETES_VERSION } from '../config/schema';
import { EXIT, runCommand, UserError } from '../model/user-error';
import { selectedTrees } from '../pipeline/customers';
import { HELM_MISSING, HELM_SOURCES, locateHelm } from '../render/helm';
import { renderTree } from '../render/plan';
import { loadLocal, planChartPair, planCustomerReleases, planJson, planLines, readValuesOption, resolveTarget, type ReleasePlan } from '../render/plan-release';
import { exitCodesHelp, OutputFormat, outputOption, printJson, type Io } from './io';

export interface UpgradePlanOptions {
  /** Repository root. */
  readonly root: string;
  /** Customer, chart and target (all three), unless `from` and `to` are given. */
  readonly args: readonly string[];
  /** @default - the customer form */
  readonly from?: string;
  readonly to?: string;
  /** Values file of the pair form. @default - the charts' defaults */
  readonly values?: string;
  /** @default - $ASTRAGO_HELM, the helm npm ci installs, then helm on PATH */
  readonly helm?: string;
  /** @default OutputFormat.TEXT */
  readonly output?: OutputFormat;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
  readonly out: (text: string) => void;
}

/** Returns the exit code: 1 when the plan of any release blocks. */
export function upgradePlanCommand(options: UpgradePlanOptions): Promise<number> {
  return runCommand(options.log, async () => {
    const plans = await planReleases(options);
    if (options.output === OutputFormat.JSON) printJson(options.out, planJson(plans));
    else for (const line of planLines(plans)) options.out(`${line}\n`);
    return plans.some((p) => p.blocked) ? EXIT.FINDINGS : EXIT.OK;
  });
}

async function planReleases(options: UpgradePlanOptions): Promise<ReleasePlan[]> {
  const pair = options.from !== undefined || options.to !== undefined;
  if (pair && options.args.length > 0) throw new UserError(`expected either <customer> <chart> <target> or --from and --to, found both`, EXIT.USAGE);
  if (pair && (!options.from || !options.to)) throw new UserError(`${options.from ? '--to' : '--from'}: expected a chart folder or .tgz beside ${options.from ? '--from' : '--to'}, found none`, EXIT.USAGE);
  if (!pair && options.args.length !== 3) throw new UserError(`expected <customer> <chart> <target> (or --from and --to), found ${options.args.length} argument(s)`, EXIT.USAGE);
  if (!pair && options.values) throw new UserError('--values: expected only with --from and --to (a customer\'s release has its own values), found it with <customer>', EXIT.USAGE);
  const helm = locateHelm(options.root, options.helm, options.env);
  if (!helm) throw new UserError(`helm: ${HELM_MISSING}: a plan renders both charts`, EXIT.USAGE);
  if (options.from && options.to) {
    const values = options.values ? readValuesOption(options.values) : {};
    return [await planChartPair({ from: loadLocal(options.from, '--from'), to: loadLocal(options.to, '--to'), values, kubernetesVersion: DEFAULT_KUBERNETES_VERSION, helm })];
  }
  const [customer, chart, target] = options.args;
  const [tree] = await selectedTrees(options.root, [customer], false, options.log);
  const lock = readVendorLock(options.root);
  const model = resolveTarget(options.root, lock, chart, target);
  return planCustomerReleases(renderTree(tree.config, tree.files), { root: options.root, lock }, chart, model, helm);
}

export function registerUpgradePlan(program: Command, root: string, io: Io): void {
  program.command('upgrade-plan')
    .description('what a chart bump would break in a customer\'s cluster: its release rendered with the current chart and the target, compared')
    .argument('[customer]', 'customer whose committed release to plan')
    .argument('[chart]', 'chart of the release (as in vendor/lock.yaml), e.g. harbor')
    .argument('[target]', 'a version of the chart recorded in vendor/lock.yaml, or a chart folder or .tgz')
    .option('--from <chart>', 'plan any pair of charts: the current chart folder or .tgz')
    .option('--to <chart>', 'the target chart folder or .tgz (with --from)')
    .option('--values <file>', 'values for both charts (with --from and --to)')
    .option('--helm <path>', `helm binary (default: ${HELM_SOURCES})`)
    .addOption(outputOption())
    .addHelpText('after', exitCodesHelp({
      0: 'no finding blocks the upgrade (warnings are printed)',
      1: 'a finding blocks it (immutable field, CRD version, ignored value, object with data removed, Flux setting needed), or a chart does not render',
      2: 'wrong usage (unknown customer or chart, target not vendored nor a chart, helm not found)',
    }))
    .action(async (customer: string | undefined, chart: string | undefined, target: string | undefined,
      opts: { from?: string; to?: string; values?: string; helm?: string; output: OutputFormat }) => {
      const args = [customer, chart, target].filter((a): a is string => a !== undefined);
      process.exitCode = await upgradePlanCommand({ root, args, ...opts, log: io.err, out: io.out });
    });
}
