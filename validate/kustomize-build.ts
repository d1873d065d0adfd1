/**
 * `kubectl kustomize` of every folder with a kustomization.yaml, as Flux's kustomize-controller
 * builds them. The rendered tree is written to a temporary folder first, so what is built is
 * what synth would write, even before it is written.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OutputFile } from '../model/objects';
import { packagedBinary, runs } from '../tools/packaged-binaries';
import { Severity, type Finding } from './model/finding';
import { isKustomizeConfig } from './model/manifest';

const ROOT = path.resolve(__dirname, '..');

/**
 * The kubectl to build with: the one of the pinned devDependency that `npm ci` installs (the
 * same kustomize on every machine), else `kubectl` on PATH; undefined when none runs here.
 */
export function locateKubectl(root = ROOT): string | undefined {
  return [packagedBinary(root, 'kubectl'), 'kubectl'].find((k): k is string => k !== undefined && runs(k, ['version', '--client']));
}
/** Looked up once per process: every customer builds with the same binary. */
let located: { kubectl: string | undefined } | undefined;
const kubectlHere = () => (located ??= { kubectl: locateKubectl() }).kubectl;

/** Whether `kubectl` can be run here. */
export function kubectlAvailable(): boolean {
  return kubectlHere() !== undefined;
}

export function kustomizeBuild(customer: string, files: readonly OutputFile[]): Finding[] {
  const kubectl = kubectlHere() ?? 'kubectl';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-validate-'));
  try {
    for (const f of files) {
      fs.mkdirSync(path.join(dir, path.dirname(f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.content);
    }
    return files.filter((f) => isKustomizeConfig(f.path)).flatMap((f): Finding[] => {
      const result = spawnSync(kubectl, ['kustomize', path.join(dir, path.dirname(f.path))], { encoding: 'utf8' });
      if (result.status === 0) return [];
      const reason = (result.stderr || String(result.error ?? 'failed')).trim().split('\n')[0].replaceAll(`${dir}/`, '');
      return [{ customer, file: f.path, rule: 'kustomize/build', severity: Severity.ERROR, message: `kubectl kustomize: ${reason}` }];
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
