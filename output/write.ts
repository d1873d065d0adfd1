/**
 * Writes rendered customers into the repository: staging first, then one rename per
 * customer, so a failure never leaves a half-written `dist/<customer>/`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputFile } from './render';
import { isUpToDate, readCustomerTree } from './tree';

export interface CustomerOutput {
  readonly customer: string;
  readonly files: readonly OutputFile[];
  /**
   * The customer's files on disk when it was rendered, sorted by path.
   * @default - read from disk when needed
   */
  readonly previous?: readonly OutputFile[];
}

/**
 * Replaces `dist/<customer>/` and `flux/<customer>/astrago.yaml` of each customer with the
 * rendered files. Everything is written under `stagingDir` (same filesystem) before the
 * first existing file is touched; `flux/<customer>/flux-system/` (bootstrap's) is kept.
 * A customer whose files are already exactly the rendered ones is left alone: re-synthesizing
 * an unchanged repository writes nothing.
 */
export function writeCustomers(repoRoot: string, stagingDir: string, all: readonly CustomerOutput[]): void {
  const outputs = all.filter((o) => !isUpToDate(o.previous ?? readCustomerTree(repoRoot, o.customer), o.files));
  fs.rmSync(stagingDir, { recursive: true, force: true });
  const created = new Set<string>();
  for (const { customer, files } of outputs) {
    for (const file of files) {
      const target = path.join(stagingDir, customer, file.path);
      const dir = path.dirname(target);
      if (!created.has(dir)) fs.mkdirSync(dir, { recursive: true });
      created.add(dir);
      fs.writeFileSync(target, file.content);
    }
  }
  for (const { customer, files } of outputs) {
    const staged = path.join(stagingDir, customer);
    swapFolder(path.join(staged, 'dist', customer), path.join(repoRoot, 'dist', customer), path.join(staged, 'old-dist'));
    for (const file of files.filter((f) => !f.path.startsWith('dist/'))) {
      const target = path.join(repoRoot, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(staged, file.path), target);
    }
  }
  fs.rmSync(stagingDir, { recursive: true, force: true });
}

function swapFolder(from: string, to: string, trash: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (fs.existsSync(to)) fs.renameSync(to, trash);
  fs.renameSync(from, to);
}
