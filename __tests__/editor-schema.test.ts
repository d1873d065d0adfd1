import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from 'yaml';
import { getLanguageService } from 'yaml-language-server';
import { EDITOR_KEYWORDS, JSON_SCHEMA_FILE } from '../config/json-schema';
import { loadCustomerText } from '../config/load';
import { MINIMAL, ROOT, SAMPLES } from './helpers';

// The file editors read, as committed (synth.test.ts checks it is what the zod schema exports now).
const exported = JSON.parse(fs.readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), 'utf8'));
// Strict: an unknown keyword, a `required` key without a schema or a keyword on the wrong type fails compiling.
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addVocabulary([...EDITOR_KEYWORDS]);
const editor = ajv.compile(exported);

/** Where ajv points: the key it reports on, a missing or an unknown key included. */
function location(e: ErrorObject): string {
  const at = e.instancePath.split('/').slice(1);
  const key = (e.params as { missingProperty?: string; additionalProperty?: string });
  return [...at, ...[key.missingProperty ?? key.additionalProperty ?? []].flat()].join('.');
}
/** ajv reports a failed if/then or anyOf beside the errors inside it; those name the keys. */
const combinator = (e: ErrorObject) => e.keyword === 'if' || e.keyword === 'anyOf';
/**
 * The same key, or one inside the other: ajv names the closest key that exists (`nfs` when the
 * whole map is missing) and each missing alternative (`tls.issuer`, `tls.secretName`) where synth
 * names one key (`nfs.server`, `tls`).
 */
const within = (outer: string, inner: string) => inner === outer || inner.startsWith(`${outer}.`);
const related = (a: string, b: string) => within(a, b) || within(b, a);

const NFS = 'nfs: {server: 10.0.0.6}\n';
const IP = 'externalAccess: {mode: ip, ip: {address: 10.0.0.5}}\n';
const domain = (extra: string) => `externalAccess: {mode: domain, domain: {name: astrago.acme.com${extra}}}\n${NFS}`;

const BROKEN: Array<[string, string]> = [
  ['no nfs.server', IP],
  ['no nfs map at all', 'externalAccess: {ip: {address: 10.0.0.5}}\n'],
  ['ip mode (the default) without an address', NFS],
  ['ip mode without an address, written out', `externalAccess: {mode: ip}\n${NFS}`],
  ['domain mode without a name', `externalAccess: {mode: domain}\n${NFS}`],
  ['tls.enabled without issuer or secret', domain(', tls: {enabled: true}')],
  ['an address with an octet above 255', `${IP}nfs: {server: 10.20.33.300}\n`],
  ['an address with three octets', `${IP}nfs: {server: 10.61.3}\n`],
  ['an all-numeric host name', `${IP}nfs: {server: "123"}\n`],
  ['a mistyped ip address', `externalAccess: {ip: {address: 10.0.0.300}}\n${NFS}`],
  ['an upper-case domain', `externalAccess: {mode: domain, domain: {name: Demo.Acme.com}}\n${NFS}`],
  ['a registry on a mistyped address', `${MINIMAL}offline: {registry: "10.61.3:5000/astrago"}\n`],
  ['a Git mirror URL on a mistyped address', `${MINIMAL}offline: {git: "http://10.61.3/gitops.git"}\n`],
  ['a Git mirror over ftp', `${MINIMAL}offline: {git: "ftp://git.acme.com/gitops.git"}\n`],
  ['an image on latest', `${MINIMAL}astrago: {components: {core: {tag: latest}}}\n`],
  ['a chart version range', `${MINIMAL}components: {harbor: {version: "^1.2"}}\n`],
  ['a quantity without a unit system', `${IP}nfs: {server: 10.0.0.6, size: 10GB}\n`],
  ['a Prometheus duration in words', `${MINIMAL}monitoring: {retention: one year}\n`],
  ['an NFS path hiding a right-to-left override', `${IP}nfs: {server: 10.0.0.6, basePath: "/srv/\u202Egpj.exe"}\n`],
  ['an unknown key', `${IP}nfs: {server: 10.0.0.6, sever: x}\n`],
  ['an unknown mode', `externalAccess: {mode: nodeport}\n${NFS}`],
  ['a string for a switch', `${MINIMAL}components: {harbor: {enabled: "no"}}\n`],
  ['negative replicas', `${MINIMAL}astrago: {components: {core: {replicas: -1}}}\n`],
  ['a plain-text credential of the old system', `${MINIMAL}keycloak: {adminPassword: hunter2}\n`],
  ['an unknown credential name', `${IP}${NFS}secrets: {existing: {root-password: {secretName: db}}}\n`],
  ['an invalid age recipient', 'secrets: {ageRecipients: [age1notakey]}\n'.concat(IP, NFS)],
  ['two problems at once', `externalAccess: {mode: domain}\nnfs: {server: 10.61.3}\n`],
];

const VALID: Array<[string, string]> = [
  ['the minimal file', MINIMAL],
  ['domain mode with a certificate from an issuer', domain(', tls: {enabled: true, issuer: letsencrypt}')],
  ['domain mode with an existing certificate', domain(', tls: {enabled: true, secretName: acme-tls}')],
  ['an NFS server by host name', `${IP}nfs: {server: nfs-01.acme.com}\n`],
  ['air-gap mirrors on addresses and ports', `${MINIMAL}offline: {registry: "10.61.3.9:5000/astrago", git: "ssh://git@gitea.acme.com:2222/ops/gitops.git"}\n`],
  // synth drops these with a warning: the editor strikes them through instead of rejecting them.
  ['keys of the old system that nothing read', `${MINIMAL}externalIP: 10.0.0.5\nharbor: {enabled: true}\n`],
  ...SAMPLES.map((s): [string, string] => [`sample customer ${s}`, fs.readFileSync(path.join(ROOT, 'customers', `${s}.yaml`), 'utf8')]),
];

describe('the editor schema and synth agree', () => {
  test.each(BROKEN)('%s: both reject it, on the same keys', (_what, yaml) => {
    const synth = loadCustomerText(yaml, 'acme', 'customers/acme.yaml');
    expect(synth.errors).not.toEqual([]);
    expect(editor(parse(yaml))).toBe(false);
    const editorAt = (editor.errors ?? []).filter((e) => !combinator(e)).map(location);
    const synthAt = synth.errors.map((p) => p.path);
    for (const s of synthAt) expect([s, editorAt.filter((e) => related(e, s))]).not.toEqual([s, []]);
    for (const e of editorAt) expect([e, synthAt.filter((s) => related(e, s))]).not.toEqual([e, []]);
  });

  test.each(VALID)('%s: both accept it', (_what, yaml) => {
    expect(loadCustomerText(yaml, 'acme', 'customers/acme.yaml').errors).toEqual([]);
    editor(parse(yaml));
    expect(editor.errors ?? []).toEqual([]);
  });

  test('the editor shows synth\'s words, not the raw pattern', () => {
    const yaml = `${IP}nfs: {server: 10.20.33.300}\n`;
    const [problem] = loadCustomerText(yaml, 'acme', 'customers/acme.yaml').errors;
    expect(exported.properties.nfs.properties.server.errorMessage).toBe(`expected ${problem.expected}`);
    expect(exported.properties.nfs.properties.server.markdownDescription).toContain('NFS server address or hostname');
  });

  test('the old system\'s unused keys are deprecations naming their replacement', () => {
    expect(exported.properties.externalIP).toMatchObject({ deprecated: true, deprecationMessage: expect.stringContaining('externalAccess.ip.address') });
    expect(exported.properties.keycloak.properties.adminPassword.errorMessage).toContain('credential "keycloak-admin"');
  });
});

describe('in the editor (yaml-language-server, as VS Code and other editors run it)', () => {
  let opened = 0;
  /** What the editor underlines: `line: message`, for a customer file pointing at the exported schema. */
  async function diagnostics(yaml: string): Promise<string[]> {
    // The language server caches parsed documents by URI and version, as an editor's open files.
    opened += 1;
    const text = JSON.stringify(exported);
    const service = getLanguageService({ schemaRequestService: async () => text, workspaceContext: { resolveRelativePath: (p: string) => p } });
    service.configure({ validate: true, schemas: [{ uri: 'file:///customer.schema.json', fileMatch: ['*.yaml'] }] });
    const found = await service.doValidation(TextDocument.create(`file:///customers/acme-${opened}.yaml`, 'yaml', 1, yaml), false);
    return found.map((d) => `${d.range.start.line + 1}: ${d.message}`).sort();
  }
  const synthSays = (yaml: string) => loadCustomerText(yaml, 'acme', 'customers/acme.yaml').errors
    .slice().sort((a, b) => a.path.localeCompare(b.path)).map((p) => p.expected);

  test('a mistyped address, a missing key and TLS without a certificate read as synth\'s lines', async () => {
    const yaml = 'externalAccess: {mode: domain, domain: {name: a.acme.com, tls: {enabled: true}}}\nnfs: {server: 10.61.3}\n';
    const [tls, server] = synthSays(yaml);
    expect(await diagnostics(yaml)).toEqual([`1: expected ${tls} at externalAccess.domain.tls`, `2: expected ${server}`]);
    expect(await diagnostics(`externalAccess: {mode: domain}\n${NFS}`)).toEqual([
      `1: expected ${synthSays(`externalAccess: {mode: domain}\n${NFS}`)[0]} at externalAccess.domain.name`,
    ]);
  });

  test('an old unused key is a deprecation naming its replacement; a plain-text password says why it is refused', async () => {
    const found = await diagnostics(`${MINIMAL}externalIP: 10.0.0.5\nkeycloak: {adminPassword: x}\n`);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^4: The old system never read this key: use externalAccess\.ip\.address\./),
      expect.stringMatching(/^5: No plain-text password here: synth refuses it\. Use the credential "keycloak-admin"/),
    ]));
  });
});
