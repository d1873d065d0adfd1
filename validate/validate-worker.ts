/** One worker thread of `validateInParallel`: loads the schemas, validates its customers, reports back. */
import { parentPort, workerData } from 'node:worker_threads';
import { vendoredChartProblems } from '../catalog/vendor-lock';
import { UserError } from '../model/user-error';
import type { WorkerInput, WorkerMessage } from './parallel';
import { SchemaSet } from './schemas';
import { validateTrees } from './validate';

const input: WorkerInput = workerData;
const send = (message: WorkerMessage) => parentPort?.postMessage(message);
try {
  const report = validateTrees(input.trees, {
    schemas: SchemaSet.load(input.schemas.dir, input.schemas.pinned), kustomize: input.kustomize,
    progress: (line) => send({ progress: line }), vendoredChart: vendoredChartProblems(input.root),
  });
  send({ report: { findings: report.findings, objects: report.objects, skipped: [...report.skipped] } });
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  send({ failure: { problems: e.problems, exitCode: e.exitCode } });
}
