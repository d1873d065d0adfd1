import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildProgram, processIo } from '../commands/cli';
import { configKeys } from '../config/reference';
import { checkDocument, type DocContext, KeyMatcher } from './doc-references';
import { ROOT } from './helpers';

const context: DocContext = {
  // Only asked for its commands and options, never run.
  program: buildProgram(ROOT, { ...processIo, out: () => undefined, err: () => undefined }),
  scripts: new Set(Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts)),
  root: ROOT,
};

/** README.md and every guide: a guide added to docs/ is checked without touching this test. */
const DOCUMENTS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

describe('the documentation refers only to what exists', () => {
  test('the guides the README promises are there', () => {
    for (const guide of ['getting-started', 'customers', 'gpu-monitoring', 'troubleshooting', 'architecture', 'configuration', 'differences', 'migration']) {
      expect(DOCUMENTS).toContain(`docs/${guide}.md`);
      expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(`(docs/${guide}.md)`);
    }
  });

  test.each(DOCUMENTS)('%s: commands, options, scripts, customer-file keys and links exist', (file) => {
    const findings = checkDocument(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), context);
    expect(findings).toEqual([]);
  });
});

describe('the reference checker finds what does not exist', () => {
  const check = (text: string) => checkDocument('docs/guide.md', text, context);

  test('unknown commands, subcommands and options, with file and line', () => {
    expect(check([
      'Run `npx astrago deploy acme` first.',
      '```sh',
      'npx astrago init acme --ip 10.0.0.5 --nfs 10.0.0.6   # a comment --not-checked',
      'npx astrago secrets set|rotate|revoke acme grafana-admin',
      'npx astrago secrets check --all | tee log',
      '```',
    ].join('\n'))).toEqual([
      'docs/guide.md:1: unknown command `deploy` of `npx astrago`',
      'docs/guide.md:3: unknown option --nfs of `npx astrago init`',
      'docs/guide.md:4: unknown command `revoke` of `npx astrago secrets`',
      'docs/guide.md:5: unknown option --all of `npx astrago secrets check`',
    ]);
  });

  test('placeholders, alternatives, arguments and table escapes are understood', () => {
    expect(check([
      '`npx astrago <command> --help`',
      '| `npx astrago init <name> [--tls-issuer I \\| --tls-secret S] [--force]` | … |',
      '`npx astrago validate [customer…] --no-kustomize`, `npx astrago diff --base=origin/main`',
      '```sh',
      'printf %s "$V" | npx astrago secrets set acme harbor-admin && npx astrago check',
      '```',
    ].join('\n'))).toEqual([]);
  });

  test('unknown npm scripts', () => {
    expect(check('`npm run docs` and `npm run publish`')).toEqual(['docs/guide.md:1: unknown script `npm run publish` (package.json)']);
  });

  test('customer-file keys in inline code and in customer-file examples', () => {
    expect(check([
      'Set `monitoring.gpuScrapeInterval`, `secrets.existing.grafana-admin.secretName` or `components.<name>.enabled`;',
      'not `monitoring.scrapeInterval`, nor `secrets.existing.root.key`. Files (`astrago.yaml`) are no keys.',
      'The old `keycloak.adminPassword` is named by the loader.',
      '```yaml',
      '# customers/acme.yaml',
      'nfs: {server: 10.0.0.6, sever: x}',
      '```',
    ].join('\n'))).toEqual([
      'docs/guide.md:2: unknown customer-file key `monitoring.scrapeInterval` (config/schema.ts)',
      'docs/guide.md:2: unknown customer-file key `secrets.existing.root.key` (config/schema.ts)',
      'docs/guide.md:5: unknown customer-file key `nfs.sever` in the example (config/schema.ts)',
    ]);
  });

  test('relative links to missing files or headings', () => {
    const guide = `# Guide
See [the reference](configuration.md#nfsserver), [home](../README.md), [here](#guide) and [web](https://fluxcd.io).
Not [this](missing.md), [that](configuration.md#no-such-key) or [outside](../../etc/passwd).`;
    expect(check(guide)).toEqual([
      'docs/guide.md:3: link missing.md: docs/missing.md does not exist',
      'docs/guide.md:3: link configuration.md#no-such-key: no heading with anchor #no-such-key in docs/configuration.md',
      'docs/guide.md:3: link ../../etc/passwd leaves the repository',
    ]);
  });
});

test('the key matcher of the docs test knows every key of the reference', () => {
  const keys = new KeyMatcher();
  for (const key of configKeys()) expect({ key: key.path, known: keys.knows(key.path) }).toEqual({ key: key.path, known: true });
});
