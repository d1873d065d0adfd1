/**
 * One benchmark measurement in a fresh process (so peak RSS belongs to this N alone):
 * synthesize N synthetic customers into a scratch repository, the floor — the same objects
 * serialized to YAML and written without constructs — and validate. Prints one JSON line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { dumpYaml } from '../files/canonical';
import { loadAll, renderAll } from '../pipeline/synth';
import { writeCustomers } from '../output/write';
import { UserError } from '../model/user-error';
import { existingObjects } from '../validate/externals';
import { locateSchemas } from '../validate/schema-store';
import { SchemaSet } from '../validate/schemas';
import { validateTrees } from '../validate/validate';
import { customerName, syntheticCustomer } from './customers';

export interface WorkerResult {
  readonly n: number;
  readonly objects: number;
  /** First synth: generates and encrypts every credential, writes every file. */
  readonly synthMs: number;
  /** Synth again with nothing changed, as CI does on every pull request: reuses the encrypted credentials, writes nothing. */
  readonly resynthMs: number;
  /** Synth after a change that touches every customer (a chart bump): renders and rewrites every file, credentials reused. */
  readonly rewriteMs: number;
  readonly floorMs: number;
  /** Validation of the written trees (strict schemas and every rule; kubectl not run). */
  readonly validateMs: number;
  /** Whether strict schemas were found (else only the rules ran). */
  readonly strict: boolean;
  readonly maxRssMb: number;
}

async function main(n: number): Promise<WorkerResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-bench-'));
  fs.mkdirSync(path.join(root, 'customers'));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(root, 'customers', `${customerName(i)}.yaml`), syntheticCustomer(i));

  /** Load, render and write every customer, as synth does; the synthetic customers are valid. */
  const synthesize = async () => {
    try {
      const configs = loadAll(root, () => undefined);
      const outputs = await renderAll(root, configs);
      writeCustomers(root, outputs);
      return { configs, outputs };
    } catch (e) {
      if (e instanceof UserError) throw new Error(`bench: the synthetic customers did not synthesize: ${e.problems.join('; ')}`);
      throw e;
    }
  };
  const t0 = performance.now();
  const { configs, outputs } = await synthesize();
  const synthMs = performance.now() - t0;

  const tr = performance.now();
  await synthesize();
  const resynthMs = performance.now() - tr;

  for (const o of outputs) fs.rmSync(path.join(root, 'dist', o.customer, 'README.md'));
  const tw = performance.now();
  await synthesize();
  const rewriteMs = performance.now() - tw;

  // The floor: what any generator must pay to write these objects as YAML files (same emitter).
  const documents = outputs.flatMap((o) => o.files).map((f) => ({ path: f.path, objects: parseAllDocuments(f.content).map((d) => d.toJS()) }));
  const objects = documents.reduce((sum, d) => sum + d.objects.length, 0);
  const floorRoot = path.join(root, 'floor');
  const t1 = performance.now();
  for (const d of documents) {
    const target = path.join(floorRoot, d.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, d.objects.map((o) => `---\n${dumpYaml(o)}`).join(''));
  }
  const floorMs = performance.now() - t1;

  const schemaDir = locateSchemas(path.resolve(__dirname, '..')).dir;
  const schemas = SchemaSet.load(schemaDir);
  const t2 = performance.now();
  const report = validateTrees(outputs.map((o, i) => ({ customer: o.customer, files: o.files, externals: existingObjects(configs[i]) })), { schemas });
  const validateMs = performance.now() - t2;
  if (report.findings.length > 0) throw new Error(`synthetic customers do not validate: ${report.findings.length} findings`);

  fs.rmSync(root, { recursive: true, force: true });
  return { n, objects, synthMs, resynthMs, rewriteMs, floorMs, validateMs, strict: schemas !== undefined, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

main(Number(process.argv[2])).then((r) => console.log(JSON.stringify(r)));
