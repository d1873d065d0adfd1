/**
 * The render check's cost against its floor, the bare `helm template` calls of the same
 * releases one after another: a first run (render cache empty, helm processes in parallel),
 * the same run with one helm at a time, and a second run with nothing changed (everything
 * from the render cache). Needs helm; the charts are the vendored ones.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readVendorLock } from '../catalog/vendor-lock';
import { UserError } from '../model/user-error';
import { selectedTrees, type CustomerTree } from '../pipeline/customers';
import { renderCheck } from '../render/check';
import { HELM_MISSING, locateHelm } from '../render/helm';
import { helmTemplateCalls, renderTree, type RenderTree } from '../render/plan';
import { locateSchemas } from '../validate/schema-store';
import { SchemaSet } from '../validate/schemas';

export interface RenderBench {
  readonly releases: number;
  readonly cores: number;
  /** The bare helm template calls, one after another. */
  readonly floorMs: number;
  /** render-check, render cache empty, helm in parallel. */
  readonly firstMs: number;
  /** render-check, render cache empty, one helm at a time. */
  readonly sequentialMs: number;
  /** render-check again with nothing changed. */
  readonly secondMs: number;
}

export async function benchRenderCheck(root: string): Promise<RenderBench | string> {
  const helm = locateHelm(root);
  if (!helm) return `helm: ${HELM_MISSING}`;
  const charts = { root, lock: readVendorLock(root) };
  let selected: CustomerTree[];
  try {
    selected = await selectedTrees(root, undefined, false, () => undefined);
  } catch (e) {
    if (e instanceof UserError) return 'the customer files do not load';
    throw e;
  }
  const trees: RenderTree[] = selected.map(({ config, files }) => renderTree(config, files));
  const calls = helmTemplateCalls(trees, charts);
  if (calls.length === 0) return 'no vendored chart found';
  const schemaDir = locateSchemas(root).dir;
  const schemas = SchemaSet.load(schemaDir);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-bench-render-'));
  try {
    const time = async (f: () => unknown) => {
      const t0 = performance.now();
      await f();
      return performance.now() - t0;
    };
    const floorMs = await time(() => calls.forEach((c, i) => {
      const file = path.join(work, `values-${i}.yaml`);
      fs.writeFileSync(file, c.values);
      helm.run([...c.args, '--values', file]);
    }));
    const cache = (name: string) => path.join(work, name);
    const sequentialMs = await time(() => renderCheck(trees, { charts, helm, schemas, renderCache: cache('sequential'), concurrency: 1 }));
    const firstMs = await time(() => renderCheck(trees, { charts, helm, schemas, renderCache: cache('parallel') }));
    const secondMs = await time(() => renderCheck(trees, { charts, helm, schemas, renderCache: cache('parallel') }));
    return { releases: calls.length, cores: os.availableParallelism(), floorMs, firstMs, sequentialMs, secondMs };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
