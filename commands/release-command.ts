import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { vendoredIn } from '../catalog/vendor-lock';
import { formatRelease, loadRelease, loadRings, parseRelease, RELEASE_CHARTS } from '../config/releases';
import { replaceFile } from '../files/file-steps';
import { releaseFile } from '../model/layout';
import { RELEASE_NAME, type Release } from '../model/release';
import { EXIT, runCommand, UserError } from '../model/user-error';
import { revisionFiles, usersOf, workingTreeFiles } from '../pipeline/release-usage';
import { exitCodesHelp, type Io } from './io';

/** What `--image` may set: each platform workload's tag, and the tag of the MPI operator's image. */
const IMAGE_COMPONENTS: readonly string[] = ['core', 'batch', 'monitor', 'frontend', 'mpi-operator'];

export interface NewReleaseOptions {
  readonly name: string;
  /** The release it starts from. @default - the release of the first ring */
  readonly from?: string;
  /** `<chart>=<version>` each. */
  readonly charts?: readonly string[];
  /** `<component>=<tag>` each. */
  readonly images?: readonly string[];
  /** The image generation of the new platform tags. @default - the generation of `from` */
  readonly generation?: string;
}

/** Splits `key=value` (or `key@value`) of an option; a usage error naming the option otherwise. */
export function keyValue(option: string, text: string, separator: '=' | '@'): [string, string] {
  const at = text.indexOf(separator);
  if (at <= 0 || at === text.length - 1) throw new UserError(`${option}: expected <name>${separator}<version or tag>, found ${JSON.stringify(text)}`, EXIT.USAGE);
  return [text.slice(0, at), text.slice(at + 1)];
}

/**
 * The release `release new` writes: `from` with the given chart versions and image tags. Refuses
 * a chart version that is not vendored (Flux could not install it), and any existing release
 * name: a release is immutable, and one a customer runs (in the working tree or at HEAD) most of all.
 */
export function newRelease(root: string, options: NewReleaseOptions): Release {
  const { name } = options;
  if (!RELEASE_NAME.test(name)) throw new UserError(`<name>: expected a release name such as 2026.12.1 (lower-case letters, digits, "." and "-"), found ${JSON.stringify(name)}`, EXIT.USAGE);
  const file = releaseFile(name);
  const head = revisionFiles(root, 'HEAD', 'HEAD', true);
  const users = [workingTreeFiles(root), ...(head ? [head] : [])].map((files) => ({ at: files.label, by: usersOf(files, name) })).filter((u) => u.by);
  if (users.length > 0) {
    throw new UserError(`${file}: expected a release no customer runs, found ${name} in use (${users.map((u) => `${u.by} in ${u.at}`).join('; ')}): a release in use is immutable; choose a new name`);
  }
  if (fs.existsSync(path.join(root, file))) throw new UserError(`${file}: expected a new release name, found the file exists: releases are immutable; choose a new name (or delete the unused file first)`);
  const fromName = options.from ?? loadRings(root)?.[0]?.release;
  if (!fromName) throw new UserError('--from: expected the release to start from (the repository has no rings.yaml to take the first ring\'s from), found none', EXIT.USAGE);
  const from = loadRelease(root, fromName);
  const charts: Record<string, string> = { ...from.charts };
  const vendored = vendoredIn(root);
  for (const spec of options.charts ?? []) {
    const [chart, version] = keyValue('--chart', spec, '=');
    if (!RELEASE_CHARTS.includes(chart)) throw new UserError(`--chart: expected a chart of the catalog (${RELEASE_CHARTS.join(', ')}), found ${JSON.stringify(chart)}`, EXIT.USAGE);
    if (!vendored(chart, version)) {
      throw new UserError(`--chart ${chart}=${version}: expected a version vendored in vendor/charts/ (what the catalog can render and Flux can install), found none: vendor it first with \`npx astrago charts vendor ${chart} ${version}\``);
    }
    charts[chart] = version;
  }
  const tags: Record<string, string> = { ...from.platform.tags };
  let mpi = from.images['mpi-operator'];
  for (const spec of options.images ?? []) {
    const [component, tag] = keyValue('--image', spec, '=');
    if (!IMAGE_COMPONENTS.includes(component)) throw new UserError(`--image: expected one of ${IMAGE_COMPONENTS.join(', ')}, found ${JSON.stringify(component)}`, EXIT.USAGE);
    if (component === 'mpi-operator') mpi = `${mpi.replace(/:[^:/@]+$/, '')}:${tag}`;
    else tags[component] = tag;
  }
  const content = formatRelease({
    name, charts, images: { 'mpi-operator': mpi },
    platform: {
      generation: options.generation ?? from.platform.generation,
      tags: { core: tags.core, batch: tags.batch, monitor: tags.monitor, frontend: tags.frontend },
    },
  });
  // Through the same checks as a release read back: a bad tag or generation is refused before anything is written.
  try {
    return { ...parseRelease(name, content), name };
  } catch (e) {
    throw e instanceof UserError ? e.withExitCode(EXIT.USAGE) : e;
  }
}

/** `astrago release new`: writes a release. */
export function registerRelease(program: Command, root: string, io: Io): void {
  const release = program.command('release').description('platform releases: named, immutable sets of versions (releases/<name>.yaml)');
  release.command('new')
    .description('write releases/<name>.yaml: the versions of --from (default: the first ring\'s release) with the charts and image tags given')
    .argument('<name>', 'release name, such as 2026.12.1')
    .option('--from <release>', 'the release to start from (default: the release of the first ring)')
    .option('--chart <chart>=<version>', 'a chart version (vendored: `npx astrago charts vendor`); repeatable', (v: string, all: string[]) => [...all, v], [])
    .option('--image <component>=<tag>', 'the tag of core, batch, monitor, frontend or mpi-operator; repeatable', (v: string, all: string[]) => [...all, v], [])
    .option('--generation <generation>', 'the image generation of the platform tags (astrago.imageGeneration; default: that of --from)')
    .addHelpText('after', [
      '\nNothing changes in any cluster: a release runs only once a ring is promoted to it (`npx astrago promote`).',
      exitCodesHelp({ 0: 'written', 1: 'refused: the name exists or a customer runs it, or a chart version is not vendored', 2: 'wrong usage (name, chart, component, tag or version)' }),
    ].join('\n'))
    .action(async (name: string, opts: { from?: string; chart: string[]; image: string[]; generation?: string }) => {
      process.exitCode = await runCommand(io.err, () => {
        const written = newRelease(root, { name, from: opts.from, charts: opts.chart, images: opts.image, generation: opts.generation });
        replaceFile(path.join(root, releaseFile(name)), formatRelease(written));
        io.err(`Wrote ${releaseFile(name)}. Nothing runs it yet: \`npx astrago promote ${name} ${loadRings(root)?.[0]?.name ?? '<ring>'}\` starts the first wave.`);
        return EXIT.OK;
      });
    });
}
