import * as path from 'node:path';
import type { Command } from 'commander';
import { vendoredIn } from '../catalog/vendor-lock';
import { defaultRing, formatRings, loadRelease, loadRings } from '../config/releases';
import { replaceFile } from '../files/file-steps';
import { RINGS_FILE } from '../model/layout';
import type { Ring } from '../model/release';
import { EXIT, runCommand, UserError } from '../model/user-error';
import { ringMembers, workingTreeFiles } from '../pipeline/release-usage';
import { exitCodesHelp, type Io } from './io';

/** What `promote` changed: the rings as they are now, and the members of the promoted ring. */
export interface Promotion {
  readonly rings: readonly Ring[];
  /** The ring's release before, undefined when it already ran the release (nothing changed). */
  readonly previous?: string;
  readonly customers: readonly string[];
}

/**
 * Moves one ring to a release. A ring may run only a release the ring before it runs already, so
 * every change reaches each ring after the one before it; `skipReason` overrides that, and is
 * recorded on the ring in rings.yaml for the reviewer and for history.
 */
export function promote(root: string, releaseName: string, ringName: string, skipReason?: string): Promotion {
  const rings = loadRings(root);
  if (!rings) throw new UserError(`${RINGS_FILE}: expected the rings of the fleet, found no file (write one: docs/releases.md)`);
  const at = rings.findIndex((r) => r.name === ringName);
  if (at < 0) throw new UserError(`<ring>: expected a ring of ${RINGS_FILE} (${rings.map((r) => r.name).join(', ')}), found ${JSON.stringify(ringName)}`, EXIT.USAGE);
  const release = loadRelease(root, releaseName);
  const vendored = vendoredIn(root);
  const missing = Object.entries(release.charts).filter(([chart, version]) => !vendored(chart, version));
  if (missing.length > 0) {
    throw new UserError(missing.map(([chart, version]) => `releases/${release.name}.yaml: charts.${chart}: expected a version vendored in vendor/charts/, found ${version}: vendor it with \`npx astrago charts vendor ${chart} ${version}\``));
  }
  if (skipReason !== undefined && !skipReason.trim()) throw new UserError('--skip-ring: expected the reason the ring before is skipped, found an empty text', EXIT.USAGE);
  const customers = ringMembers(workingTreeFiles(root), rings).get(ringName) ?? [];
  const ring = rings[at];
  if (ring.release === release.name) return { rings, customers };
  const before = at > 0 ? rings[at - 1] : undefined;
  const skips = before !== undefined && before.release !== release.name;
  if (skips && skipReason === undefined) {
    throw new UserError(`${ringName}: expected a release ring ${before.name} runs already (${before.release}), found ${release.name}: `
      + `promote it to ${before.name} first (\`npx astrago promote ${release.name} ${before.name}\`), or pass --skip-ring <reason> to skip ${before.name} on purpose`);
  }
  const promoted: Ring = { name: ring.name, release: release.name, ...(skips ? { skipped: `${before.name} did not run ${release.name}: ${skipReason}` } : {}) };
  const next = rings.map((r, i) => (i === at ? promoted : r));
  replaceFile(path.join(root, RINGS_FILE), formatRings(next));
  return { rings: next, previous: ring.release, customers };
}

/** `astrago promote <release> <ring>`. */
export function registerPromote(program: Command, root: string, io: Io): void {
  program.command('promote')
    .description(`move one ring to a release (${RINGS_FILE}): the ring before it must run the release already, unless --skip-ring says why not`)
    .argument('<release>', 'release name (releases/<name>.yaml)')
    .argument('<ring>', `ring of ${RINGS_FILE}`)
    .option('--skip-ring <reason>', 'promote although the ring before does not run the release; the reason is recorded on the ring in rings.yaml')
    .addHelpText('after', [
      '\nOnly rings.yaml changes. Then `npx cdk8s synth` renders the ring\'s customers, and once the pull request is merged, Flux',
      'in each of their clusters upgrades every HelmRelease whose chart version changed (one Helm upgrade each, in tier order) and',
      'rolls the platform Deployments whose image tag changed (rolling updates with 25% surge and none unavailable for up to',
      '3 replicas: each old pod serves until its replacement is ready, so the platform stays available; a Helm upgrade takes',
      'as long as its chart\'s own rollout).',
      exitCodesHelp({ 0: 'promoted, or the ring ran the release already', 1: 'refused: the ring before does not run the release (no --skip-ring), or a chart version is not vendored', 2: 'wrong usage (unknown ring or release, empty reason)' }),
    ].join('\n'))
    .action(async (releaseName: string, ringName: string, opts: { skipRing?: string }) => {
      process.exitCode = await runCommand(io.err, () => {
        const result = promote(root, releaseName, ringName, opts.skipRing);
        const who = result.customers.length > 0 ? `${result.customers.length} customer(s): ${result.customers.join(', ')}` : 'no customer yet';
        if (result.previous === undefined) {
          io.err(`Ring ${ringName} runs ${releaseName} already (${who}); nothing changed.`);
          return EXIT.OK;
        }
        io.err(`Ring ${ringName}: ${result.previous} -> ${releaseName} (${who}).`);
        const last = defaultRing(result.rings).name === ringName;
        io.err(`Next: \`npx cdk8s synth\`, review \`npx astrago diff\`, open a pull request; after the merge, observe the ring${last ? '' : ', then promote the next ring'}.`);
        return EXIT.OK;
      });
    });
}
