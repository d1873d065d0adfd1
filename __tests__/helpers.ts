import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CREDENTIAL_NAMES } from '../catalog/credentials';
import { findVendoredChart, readVendorLock, readVerified } from '../catalog/vendor-lock';
import { loadCustomerFile, loadCustomerText } from '../config/load';
import { releaseResolver } from '../config/releases';
import type { CustomerConfig } from '../config/schema';
import { RELEASES_ROOT, RINGS_FILE, VENDOR_ROOT } from '../model/layout';
import type { KubeObject, OutputFile } from '../model/objects';
import { renderOne } from '../pipeline/synth';
import { loadChart, type LoadedChart } from '../render/chart';
import { HELM_MISSING, locateHelm } from '../render/helm';
import { locateSchemas } from '../validate/schema-store';

export const ROOT = path.resolve(__dirname, '..');
export const SAMPLES = fs.readdirSync(path.join(ROOT, 'customers')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

/** A customer config from YAML text, failing the test with the problems if it is invalid. */
export function configFrom(yaml: string, name = 'acme'): CustomerConfig {
  const loaded = loadCustomerText(yaml, name, `customers/${name}.yaml`);
  if (!loaded.config) throw new Error(loaded.errors.map((e) => JSON.stringify(e)).join('\n'));
  return loaded.config;
}

export function sampleConfig(name: string): CustomerConfig {
  return loadCustomerFile(path.join(ROOT, 'customers', `${name}.yaml`), undefined, releaseResolver(ROOT)).config!;
}

/** Public key of __tests__/fixtures/sample-operator.agekey, the identity of sample and test customers. */
export const SAMPLE_RECIPIENT = 'age1jhkke5tcdzkl0y0k6u47a6nd62ll4czlc2apmw5nwsyp8enpmahqxw972v';
export const SAMPLE_IDENTITY_FILE = path.join(__dirname, 'fixtures', 'sample-operator.agekey');

/**
 * MINIMAL with every credential customer-managed: nothing is generated, so two renders of
 * it are identical (a new customer's generated credentials differ on every render).
 */
export function withExistingCredentials(yaml: string): string {
  // Harbor reads its secret key only under the key "secretKey".
  const existing = CREDENTIAL_NAMES.map((c) => `${c}: {secretName: ${c}${c === 'harbor-secret-key' ? ', key: secretKey' : ''}}`).join(', ');
  return yaml.replace(/secrets: \{ageRecipients: \[(\w+)\](, existing: \{[^\n]*\})?\}/, `secrets: {ageRecipients: [$1], existing: {${existing}}}`);
}

/**
 * The smallest valid customer: online, so its platform images come from ghcr.io/xiilab, which
 * is private: it names the login Secret it keeps itself, or validate fails it.
 */
export const MINIMAL = `externalAccess: {mode: ip, ip: {address: 10.0.0.5}}\nnfs: {server: 10.0.0.6}\nsecrets: {ageRecipients: [${SAMPLE_RECIPIENT}], existing: {registry-login: {secretName: registry-login}}}\n`;

/** What synth would write for a customer, reusing the credentials committed in this repository's dist/. */
export async function render(config: CustomerConfig): Promise<OutputFile[]> {
  return [...(await renderOne(ROOT, config)).files];
}

/** Every object of rendered files, with the file it sits in. */
export function objectsOf(files: readonly OutputFile[]): Array<KubeObject & { file: string }> {
  return files.filter((f) => !f.path.endsWith('kustomization.yaml') && f.path.endsWith('.yaml')).flatMap((f) =>
    parseAllDocuments(f.content).map((d) => ({ ...(d.toJS() as KubeObject), file: f.path })));
}

export function findObject(objects: ReturnType<typeof objectsOf>, kind: string, name: string): KubeObject & { file: string } {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/** The vendored schema folder tests validate against (verified against the lock). */
export const SCHEMAS_DIR = locateSchemas(ROOT).dir;

/** A `describe` whose tests each fail with `missing`, when set, instead of being skipped. */
export function describeNeeding(missing: string | undefined): (name: string, tests: () => void) => void {
  return (name, tests) => describe(name, () => {
    beforeAll(() => {
      if (missing) throw new Error(missing);
    });
    tests();
  });
}

/** The vendored chart a HelmRelease of the catalog entry installs, as the values analysis reads it. */
export function vendoredChart(chart: string, version: string): LoadedChart {
  const entry = findVendoredChart(readVendorLock(ROOT), chart, version);
  if (!entry) throw new Error(`expected ${chart} ${version} in vendor/lock.yaml, found none`);
  readVerified(ROOT, entry);
  return loadChart(path.join(ROOT, entry.file));
}

/** `describe` for tests that render the catalog's vendored charts with helm. */
export const withHelm = describeNeeding(locateHelm(ROOT) ? undefined : `expected helm: ${HELM_MISSING}`);

/** A scratch copy of the repository's customers/, credentials/, dist/ and flux/ to run synth in. */
/** Runs `action` with environment variables set (undefined: unset), restoring them afterwards. */
export async function withEnv<T>(vars: Readonly<Record<string, string | undefined>>, action: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await action();
  } finally {
    apply(saved);
  }
}

/** Runs `action` with the sample operator's key at hand (SOPS_AGE_KEY_FILE). */
export function withOperatorKey<T>(action: () => Promise<T>): Promise<T> {
  return withEnv({ SOPS_AGE_KEY_FILE: SAMPLE_IDENTITY_FILE }, action);
}

export function scratchRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'astrago-'));
  for (const sub of ['customers', 'credentials', 'dist', 'flux', RELEASES_ROOT, RINGS_FILE]) {
    if (fs.existsSync(path.join(ROOT, sub))) fs.cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
  }
  // Read-only input, as large as the rest together: shared, not copied.
  fs.symlinkSync(path.join(ROOT, VENDOR_ROOT), path.join(dir, VENDOR_ROOT));
  return dir;
}

/**
 * Every file under a folder with its content. Decoding keeps a BOM and turns bytes that are not
 * UTF-8 into U+FFFD, so equal strings mean equal bytes for files that hold no U+FFFD.
 */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}
