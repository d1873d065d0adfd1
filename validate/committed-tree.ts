/**
 * A customer's committed tree as files: `dist/<customer>/` and `flux/<customer>/`, without the
 * `flux-system/` folder bootstrap writes (Flux's own manifests, not ours to check).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bootstrapFolder, customerDistFolder, customerFluxFolder } from '../model/layout';
import type { OutputFile } from '../model/objects';

export function committedTree(root: string, customer: string): OutputFile[] {
  const files: OutputFile[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (child !== bootstrapFolder(customer)) walk(child);
      } else {
        files.push({ path: child, content: fs.readFileSync(path.join(root, child), 'utf8') });
      }
    }
  };
  walk(customerDistFolder(customer));
  walk(customerFluxFolder(customer));
  return files;
}
