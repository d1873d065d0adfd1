/**
 * A customer's committed tree as files: `dist/<customer>/` and `flux/<customer>/`, without the
 * `flux-system/` folder bootstrap writes (Flux's own manifests, not ours to check).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputFile } from '../output/render';

export function committedTree(root: string, customer: string): OutputFile[] {
  const files: OutputFile[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (child !== `flux/${customer}/flux-system`) walk(child);
      } else {
        files.push({ path: child, content: fs.readFileSync(path.join(root, child), 'utf8') });
      }
    }
  };
  walk(`dist/${customer}`);
  walk(`flux/${customer}`);
  return files;
}
