/**
 * The helm binary: where it comes from (`--helm`, `$ASTRAGO_HELM`, the pinned devDependency that
 * `npm ci` installs, then PATH) and how it runs — with its own config and cache folders under
 * `.cache/helm/`, so a user's repositories and plugins never change what we render.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { EXIT, UserError } from '../model/user-error';
import { BINARIES_PACKAGE, packagedBinary, runs } from '../tools/packaged-binaries';

export const HELM_ENV = 'ASTRAGO_HELM';

/** Where helm is looked for without `--helm`, in order, for messages and `--help`. */
export const HELM_SOURCES = `$${HELM_ENV}, the helm of ${BINARIES_PACKAGE} (installed by npm ci), then PATH`;

/** What to do when no helm runs: the one line every caller prints. */
export const HELM_MISSING = `expected a helm binary (--helm, ${HELM_SOURCES}), found none that runs; \`npm ci\` installs ${BINARIES_PACKAGE} (Linux x86-64), elsewhere install helm v4 onto PATH (\`brew install helm\`)`;

export class HelmError extends Error {}

export interface Helm {
  /** Path of the binary. */
  readonly path: string;
  /** Runs helm and returns its standard output; throws HelmError with helm's own message. */
  run(args: readonly string[]): string;
  /** `run` without blocking, so that several helm processes can work at once. */
  runAsync(args: readonly string[]): Promise<string>;
}

/**
 * Finds helm: the option, `$ASTRAGO_HELM`, the helm of the pinned devDependency (the same
 * version on every machine), then `helm` on PATH (where the package's Linux x86-64 binary does not
 * run). Undefined when there is none; a usage UserError when the user named one that does not run.
 */
export function locateHelm(root: string, option?: string, env: NodeJS.ProcessEnv = process.env): Helm | undefined {
  const named = option ?? env[HELM_ENV];
  if (named) {
    const helm = helmAt(root, path.resolve(named));
    if (!helm) throw new UserError(`${option ? '--helm' : `$${HELM_ENV}`}: expected a helm binary, found none that runs at ${named}`, EXIT.USAGE);
    return helm;
  }
  const packaged = packagedBinary(root, 'helm');
  return (packaged ? helmAt(root, packaged) : undefined) ?? helmAt(root, 'helm');
}

function helmAt(root: string, binary: string): Helm | undefined {
  if (!runs(binary, ['version', '--short'], helmEnv(root))) return undefined;
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
