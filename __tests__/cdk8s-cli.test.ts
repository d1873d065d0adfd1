import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTree, ROOT } from './helpers';

/** A copy of the project (sources, customers, committed trees) that shares node_modules. */
function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-cli-'));
  for (const entry of fs.readdirSync(ROOT)) {
    if (['node_modules', '.git', '.cache', '.cdk8s.out', '.bench', '.astrago'].includes(entry)) continue;
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/**
 * Without any age identity (rebuilding the trees must never need one), and as a newcomer runs
 * it: without CDK8S_CHECK_UPGRADE, whose check (off in our patched cdk8s-cli) would need the network.
 */
const env = () => {
  const { SOPS_AGE_KEY: _key, SOPS_AGE_KEY_FILE: _file, CDK8S_CHECK_UPGRADE: _check, ...rest } = process.env;
  return rest;
};
const synth = (cwd: string, ...args: string[]) => spawnSync('npx', ['cdk8s', 'synth', ...args], { cwd, encoding: 'utf8', env: env() });
const trees = (dir: string) => ({ ...readTree(path.join(dir, 'dist')), ...readTree(path.join(dir, 'flux')) });

describe('npx cdk8s synth, the command a user runs', () => {
  // In-process, synth.test.ts proves two synths give the same bytes; here, that the CLI changes nothing committed.
  test('rewrites nothing when the committed trees are up to date, and ends with nothing that reads like a failure', () => {
    const dir = projectCopy();
    const before = trees(dir);
    const run = synth(dir);
    expect(run.status).toBe(0);
    expect(trees(dir)).toEqual(before);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/No manifests synthesized|error|warning|fail/i);
    expect(run.stdout).toContain('.cdk8s.out/customers.yaml');
  });

  test('a broken customer file fails with our one-line error first and leaves every tree as it was', () => {
    const dir = projectCopy();
    fs.writeFileSync(path.join(dir, 'customers', 'broken.yaml'), 'externalAccess: {mode: ip, ip: {address: 10.0.0.300}}\nnfs: {server: 10.0.0.6}\n');
    const before = trees(dir);
    const run = synth(dir);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('error: customers/broken.yaml:1: externalAccess.ip.address: expected an IPv4 address such as 10.0.0.5, found "10.0.0.300"');
    // The CLI adds one line that the app failed, and no stack trace.
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(trees(dir)).toEqual(before);
  });

  test('`-o dist`, which makes cdk8s-cli wipe dist/ first, ends with every tree as committed, credentials included', () => {
    const dir = projectCopy();
    const before = trees(dir);
    const run = synth(dir, '-o', 'dist');
    expect(run.status).toBe(0);
    expect(trees(dir)).toEqual(before);
  });

  test('two synths at once: each writes or is refused by the lock, and every tree ends as committed', async () => {
    const dir = projectCopy();
    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
    const runs = await Promise.all([0, 1].map(() => new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn('npx', ['cdk8s', 'synth'], { cwd: dir, env: env() });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolve({ status, stderr }));
    })));
    for (const run of runs) {
      if (run.status !== 0) expect(run.stderr).toMatch(/error: \.astrago\/synth\.lock: another synth \(pid \d+ on .+\) is writing this repository/);
    }
    expect(runs.some((r) => r.status === 0)).toBe(true);
    expect(trees(dir)).toEqual(trees(ROOT));
  });
});

describe('npx astrago in a pipe', () => {
  test('a reader that closes early (| head -c 10) ends the command quietly, exit 0, no stack trace', () => {
    const run = spawnSync('bash', ['-c', 'node bin/astrago.js render demo | head -c 10 >/dev/null; exit "${PIPESTATUS[0]}"'], { cwd: ROOT, encoding: 'utf8', env: env() });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
