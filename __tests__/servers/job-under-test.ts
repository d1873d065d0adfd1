/**
 * A one-shot Job of a generated tree, run here as the cluster would run it: its container
 * command and environment read from dist/, each Secret reference resolved by decrypting that
 * Secret of dist/ with the sample operator key.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptSops } from 'sops-age';
import { parseAllDocuments } from 'yaml';
import { SAMPLE_IDENTITY_FILE } from '../helpers';

export const IDENTITY = fs.readFileSync(SAMPLE_IDENTITY_FILE, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;

export interface JobUnderTest {
  readonly name: string;
  readonly command: string[];
  readonly env: Record<string, string>;
}

/** The Job of `file` (in `folder` of the tree), or undefined when the file has none. */
export async function jobOf(folder: string, file: string): Promise<JobUnderTest | undefined> {
  const objects = parseAllDocuments(fs.readFileSync(path.join(folder, file), 'utf8')).map((d) => d.toJS());
  const job = objects.find((o) => o?.kind === 'Job');
  if (!job) return undefined;
  const container = job.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const variable of container.env) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (!ref) {
      env[variable.name] = variable.value;
      continue;
    }
    const namespace = job.metadata.namespace;
    const secret = parseAllDocuments(fs.readFileSync(path.join(folder, `secret-${namespace}-${ref.name}.yaml`), 'utf8'))[0].toJS();
    const plain = await decryptSops(secret, { secretKey: IDENTITY });
    env[variable.name] = Buffer.from(plain.data[ref.key], 'base64').toString();
  }
  return { name: job.metadata.name, command: container.command, env };
}

/** Runs the Job's container command with its environment, `overrides` pointing it at the test server. */
export function runJob(job: JobUnderTest, overrides: Record<string, string>): { status: number | null; output: string } {
  const [program, ...args] = job.command;
  const r = spawnSync(program, args, { encoding: 'utf8', env: { ...job.env, ...overrides, PATH: process.env.PATH } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
