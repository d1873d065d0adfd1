/**
 * One benchmark measurement in a fresh process (so peak RSS belongs to this N alone):
 * synthesize N synthetic customers into a scratch repository, then the floor — the same
 * objects serialized to YAML and written without constructs. Prints one JSON line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { loadAll, renderAll } from '../commands/synth';
import { writeCustomers } from '../output/write';
import { customerName, syntheticCustomer } from './customers';

export interface WorkerResult {
  readonly n: number;
  readonly objects: number;
  readonly synthMs: number;
  readonly floorMs: number;
  readonly maxRssMb: number;
}

async function main(n: number): Promise<WorkerResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-bench-'));
  fs.mkdirSync(path.join(root, 'customers'));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(root, 'customers', `${customerName(i)}.yaml`), syntheticCustomer(i));

  const t0 = performance.now();
  const configs = loadAll(root, () => undefined)!;
  const outputs = (await renderAll(root, configs, (line) => console.error(line)))!;
  writeCustomers(root, path.join(root, '.staging'), outputs);
  const synthMs = performance.now() - t0;

  // The floor: what any generator must pay to write these objects as YAML files.
  const documents = outputs.flatMap((o) => o.files).map((f) => ({ path: f.path, objects: parseAllDocuments(f.content).map((d) => d.toJS()) }));
  const objects = documents.reduce((sum, d) => sum + d.objects.length, 0);
  const floorRoot = path.join(root, 'floor');
  const t1 = performance.now();
  for (const d of documents) {
    const target = path.join(floorRoot, d.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, d.objects.map((o) => `---\n${stringify(o)}`).join(''));
  }
  const floorMs = performance.now() - t1;

  fs.rmSync(root, { recursive: true, force: true });
  return { n, objects, synthMs, floorMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

main(Number(process.argv[2])).then((r) => console.log(JSON.stringify(r)));
