import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { formatProblem } from '../config/load';
import { formatFinding, Severity } from '../validate/model/finding';
import { ROOT } from './helpers';

const workflowText = fs.readFileSync(path.join(ROOT, '.github/workflows/pr.yaml'), 'utf8');
const workflow = parse(workflowText);
const job = workflow.jobs.review;
const MATCHER = '.github/astrago-problem-matcher.json';

describe('the pull request workflow', () => {
  test('pins every action by commit, with the release it was as a comment', () => {
    const uses = workflowText.split('\n').filter((l) => /^\s*- uses: /.test(l));
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const line of uses) expect(line).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('has a timeout and tests every Node version the README supports', () => {
    expect(job['timeout-minutes']).toBeGreaterThan(0);
    expect(job.strategy.matrix.node).toEqual([20, 22, 24]);
    expect(job.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/setup-node@')).with['node-version']).toBe('${{ matrix.node }}');
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('(Node 20, 22 or 24)');
  });

  test('validates and render-checks with what the clone vendors, needing nothing beside it or from the network', () => {
    const steps: string[] = job.steps.map((s: { uses?: string; run?: string }) => s.uses ?? s.run ?? '');
    expect(steps).toContain('npx astrago validate --changed-since "$BASE"');
    expect(steps).toContain('npx astrago render-check --changed-since "$BASE"');
    expect(workflowText).not.toMatch(/\.\.\/shared|--fetch-schemas|actions\/cache@/);
  });

  test('what a pull request costs follows its change: every check works on the customers changed since the base', () => {
    const runs: string[] = job.steps.map((s: { run?: string }) => s.run ?? '').filter((r: string) => /npx astrago (validate|render-check|diff|check)\b/.test(r));
    expect(runs).toHaveLength(4);
    for (const run of runs) expect(run).toContain('--changed-since "$BASE"');
  });

  test('turns our file:line problems and tree findings into annotations', () => {
    expect(workflowText).toContain(`echo "::add-matcher::${MATCHER}"`);
    const matchers = JSON.parse(fs.readFileSync(path.join(ROOT, MATCHER), 'utf8')).problemMatcher as Array<{ pattern: Array<Record<string, string | number>> }>;
    const annotate = (line: string) => {
      for (const { pattern: [p] } of matchers) {
        const m = new RegExp(p.regexp as string).exec(line);
        if (!m) continue;
        const at = (group: unknown) => m[group as number];
        return { severity: at(p.severity), file: at(p.file), line: p.line ? Number(at(p.line)) : undefined, message: at(p.message) };
      }
      return undefined;
    };
    const problem = formatProblem({ file: 'customers/acme.yaml', line: 13, path: 'nfs.server', expected: 'an IPv4 address', found: '"10.61.3"' });
    expect(annotate(`error: ${problem}`)).toEqual({ severity: 'error', file: 'customers/acme.yaml', line: 13, message: 'nfs.server: expected an IPv4 address, found "10.61.3"' });
    expect(annotate(`warning: ${problem}`)?.severity).toBe('warning');
    const finding = formatFinding({ customer: 'acme', file: 'dist/acme/apps/web.yaml', object: 'Deployment/web/web', rule: 'policy/image-ref', severity: Severity.ERROR, message: 'pin the image' });
    expect(annotate(finding)).toEqual({ severity: 'error', file: 'dist/acme/apps/web.yaml', line: undefined, message: 'Deployment/web/web: [policy/image-ref] pin the image' });
    expect(annotate('acme: 1 changed, 0 added, 0 removed')).toBeUndefined();
  });
});
