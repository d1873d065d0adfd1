import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { recoverInterrupted, withWriteLock, writeCustomers } from '../output/write';
import { loadAll, renderAll, synth } from '../pipeline/synth';
import { killAtEachStep } from './fault-injection';
import { readTree, scratchRepo } from './helpers';

const CUSTOMER = 'demo';
const GRAFANA_STORE = `credentials/${CUSTOMER}/grafana-admin.yaml`;

/** The files the writer owns for the customer, or undefined when its dist/ folder is missing. */
function customerTree(repo: string): Record<string, string> | undefined {
  if (!fs.existsSync(path.join(repo, 'dist', CUSTOMER))) return undefined;
  return { ...readTree(path.join(repo, 'dist', CUSTOMER)), 'flux-entry': fs.readFileSync(path.join(repo, 'flux', CUSTOMER, 'astrago.yaml'), 'utf8') };
}

function asTree(files: ReadonlyArray<{ path: string; content: string }>): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f.path.startsWith('flux/') ? 'flux-entry' : path.relative(`dist/${CUSTOMER}`, f.path), f.content]));
}

/** A scratch repository with only one customer: each kill point is replayed from a copy of it. */
function oneCustomerRepo(): string {
  const repo = scratchRepo();
  for (const sub of ['customers', 'credentials', 'dist', 'flux']) {
    const others = fs.readdirSync(path.join(repo, sub)).filter((e) => !e.startsWith(CUSTOMER));
    for (const entry of others) fs.rmSync(path.join(repo, sub, entry), { recursive: true });
  }
  return repo;
}

function restore(repo: string, snapshot: string): void {
  for (const sub of ['credentials', 'dist', 'flux', '.astrago']) {
    fs.rmSync(path.join(repo, sub), { recursive: true, force: true });
    if (fs.existsSync(path.join(snapshot, sub))) fs.cpSync(path.join(snapshot, sub), path.join(repo, sub), { recursive: true });
  }
}

const quiet = () => undefined;

describe('crash safety', () => {
  test('killed before any file-system step of the writer, the tree is the old or the new one and the next synth completes it without a key', async () => {
    const repo = oneCustomerRepo();
    // A changed customer file and a rotated credential: store entry, staging and swap all have work.
    fs.appendFileSync(path.join(repo, 'customers', `${CUSTOMER}.yaml`), 'monitoring: {retention: 2d}\n');
    const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-snapshot-'));
    restore(snapshot, repo);
    const configs = loadAll(repo, quiet, CUSTOMER);
    const rotated = await renderAll(repo, configs, () => ({ newValues: { 'grafana-admin': 'Rotated-Value-1' } }));
    const unrotated = asTree((await renderAll(repo, configs))[0].files);
    const [oldTree, newTree] = [customerTree(repo)!, asTree(rotated[0].files)];
    const newStoreEntry = rotated[0].store!.find((f) => f.path === GRAFANA_STORE)!.content;
    expect(newTree).not.toEqual(oldTree);

    const states = new Set<string>();
    const steps = await killAtEachStep(repo, (s) => writeCustomers(repo, rotated, s), async () => {
      const killed = customerTree(repo);
      // Missing only between the two renames of the swap, with both trees kept for recovery.
      if (!killed) expect(fs.readdirSync(path.join(repo, '.astrago', 'staging', `${CUSTOMER}.ready`)).sort()).toEqual(['old', 'other', 'tree']);
      else expect([oldTree, newTree]).toContainEqual(killed);
      recoverInterrupted(repo);
      const recovered = customerTree(repo);
      expect([oldTree, newTree]).toContainEqual(recovered);
      const storeIsNew = fs.readFileSync(path.join(repo, GRAFANA_STORE), 'utf8') === newStoreEntry;
      const treeIsNew = isDeepStrictEqual(recovered, newTree);
      // dist/ is never ahead of the store: the rotated Secret appears only once its value is stored.
      if (treeIsNew) expect(storeIsNew).toBe(true);
      // Every distinct recovered state: the next synth, without a key, completes it from the store.
      const state = `${treeIsNew} ${storeIsNew}`;
      if (!states.has(state)) {
        states.add(state);
        expect(await synth({ root: repo, only: CUSTOMER, log: quiet })).toBe(0);
        expect(customerTree(repo)).toEqual(storeIsNew ? newTree : unrotated);
      }
      restore(repo, snapshot);
    });
    expect(steps).toBeGreaterThan(50);
    expect([...states].sort()).toEqual(['false false', 'false true', 'true true']);
    expect(customerTree(repo)).toEqual(newTree);
    expect(fs.readdirSync(path.join(repo, '.astrago', 'staging'))).toEqual([]);
  });

  test('a second synth while one runs is refused with a clear message, and changes nothing', async () => {
    const repo = scratchRepo();
    fs.appendFileSync(path.join(repo, 'customers', `${CUSTOMER}.yaml`), 'monitoring: {retention: 2d}\n');
    const before = readTree(path.join(repo, 'dist'));
    const log: string[] = [];
    const second = await withWriteLock(repo, quiet, () => synth({ root: repo, log: (l) => log.push(l) }));
    expect(second).toBe(1);
    expect(log).toEqual([expect.stringMatching(new RegExp(`^error: \\.astrago/synth\\.lock: another synth \\(pid ${process.pid} on .+, since .+\\) is writing this repository; `
      + 'run yours when it has finished \\(if that process no longer exists, delete the file\\)$'))]);
    expect(readTree(path.join(repo, 'dist'))).toEqual(before);
    // The first one released the lock: the next synth runs.
    expect(await synth({ root: repo, log: quiet })).toBe(0);
    expect(fs.existsSync(path.join(repo, '.astrago', 'synth.lock'))).toBe(false);
  });

  test('an error once the writer has begun does not claim that nothing was written', async () => {
    const repo = scratchRepo();
    fs.mkdirSync(path.join(repo, '.astrago', 'staging', 'notes'), { recursive: true });
    const log: string[] = [];
    expect(await synth({ root: repo, log: (l) => log.push(l) })).toBe(1);
    expect(log).toEqual(['error: .astrago/staging/notes: expected only <customer>.ready or <customer>.partial folders of an interrupted synth, found another entry; move it away']);
  });

  test('a lock left by a killed synth is taken over', async () => {
    const repo = scratchRepo();
    const gone = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    fs.mkdirSync(path.join(repo, '.astrago'));
    fs.writeFileSync(path.join(repo, '.astrago', 'synth.lock'), `${gone} ${os.hostname()} 2026-01-01T00:00:00.000Z\n`);
    // Killed between writing its lock aside and linking it into place: that file goes too.
    fs.writeFileSync(path.join(repo, '.astrago', `synth.lock.${gone}.tmp`), `${gone} ${os.hostname()} 2026-01-01T00:00:00.000Z\n`);
    expect(await synth({ root: repo, log: quiet })).toBe(0);
    expect(fs.readdirSync(path.join(repo, '.astrago')).filter((f) => f !== 'inputs')).toEqual([]);
  });

  test('a lock of a killed synth its parent has not reaped yet (a zombie) is taken over', async () => {
    const repo = scratchRepo();
    // bash starts a child that exits at once, then becomes a sleep that never reaps it.
    const parent = spawn('bash', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
      while (!/\) Z /.test(fs.readFileSync(`/proc/${zombie}/stat`, 'utf8'))) await new Promise((r) => setTimeout(r, 10));
      fs.mkdirSync(path.join(repo, '.astrago'));
      fs.writeFileSync(path.join(repo, '.astrago', 'synth.lock'), `${zombie} ${os.hostname()} 2026-01-01T00:00:00.000Z\n`);
      expect(await synth({ root: repo, log: quiet })).toBe(0);
    } finally {
      parent.kill();
    }
  });

  test('a deleted dist/ is rebuilt byte for byte from the store, without any key', async () => {
    const repo = scratchRepo();
    const before = { ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) };
    fs.rmSync(path.join(repo, 'dist'), { recursive: true });
    const env = { ...process.env };
    delete process.env.SOPS_AGE_KEY_FILE;
    delete process.env.SOPS_AGE_KEY;
    try {
      expect(await synth({ root: repo, log: quiet })).toBe(0);
    } finally {
      Object.assign(process.env, env);
    }
    expect({ ...readTree(path.join(repo, 'dist')), ...readTree(path.join(repo, 'flux')) }).toEqual(before);
  });
});
