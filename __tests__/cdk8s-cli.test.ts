import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTree, ROOT } from './helpers';

/** A copy of the project (sources, customers, committed trees) that shares node_modules. */
function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-cli-'));
  for (const entry of fs.readdirSync(ROOT)) {
    if (['node_modules', '.git', '.cache', '.cdk8s.out', '.bench'].includes(entry)) continue;
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const synth = (cwd: string) => spawnSync('npx', ['cdk8s', 'synth'], { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
const trees = (dir: string) => ({ ...readTree(path.join(dir, 'dist')), ...readTree(path.join(dir, 'flux')) });

describe('npx cdk8s synth, the command a user runs', () => {
  // In-process, synth.test.ts proves two synths give the same bytes; here, that the CLI changes nothing committed.
  test('rewrites nothing when the committed trees are up to date', () => {
    const dir = projectCopy();
    const before = trees(dir);
    const run = synth(dir);
    expect(run.status).toBe(0);
    expect(trees(dir)).toEqual(before);
  });

  test('a broken customer file fails with our one-line error first and leaves every tree as it was', () => {
    const dir = projectCopy();
    fs.writeFileSync(path.join(dir, 'customers', 'broken.yaml'), 'externalAccess: {mode: ip, ip: {address: 10.0.0.300}}\nnfs: {server: 10.0.0.6}\n');
    const before = trees(dir);
    const run = synth(dir);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('error: customers/broken.yaml:1: externalAccess.ip.address: expected an IPv4 address such as 10.0.0.5, found "10.0.0.300"');
    expect(trees(dir)).toEqual(before);
  });
});
