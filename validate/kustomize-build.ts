/**
 * `kubectl kustomize` of every folder with a kustomization.yaml, as Flux's kustomize-controller
 * builds them. The rendered tree is written to a temporary folder first, so what is built is
 * what synth would write, even before it is written.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OutputFile } from '../output/render';
import { Severity, type Finding } from './finding';
import { isKustomizeConfig } from './manifest';

/** Whether `kubectl` can be run here. */
export function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function kustomizeBuild(customer: string, files: readonly OutputFile[]): Finding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-validate-'));
  try {
    for (const f of files) {
      fs.mkdirSync(path.join(dir, path.dirname(f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.content);
    }
    return files.filter((f) => isKustomizeConfig(f.path)).flatMap((f): Finding[] => {
      const result = spawnSync('kubectl', ['kustomize', path.join(dir, path.dirname(f.path))], { encoding: 'utf8' });
      if (result.status === 0) return [];
      const reason = (result.stderr || String(result.error ?? 'failed')).trim().split('\n')[0].replaceAll(`${dir}/`, '');
      return [{ customer, file: f.path, rule: 'kustomize/build', severity: Severity.ERROR, message: `kubectl kustomize: ${reason}` }];
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
