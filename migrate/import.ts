/**
 * `npx astrago import`: an environment of the old Helmfile system → a customer file, its
 * credentials and a report with one line per old key. Planning reads and checks everything
 * in memory; writing happens only when the whole plan is valid, staged first (see
 * `writeImport`), so a refused import leaves the repository as it was.
 *
 * Credential values exist only in memory and in the encrypted store: no message, report line
 * or written file holds one, and an old key that may hold one (an unused password, a URL with
 * a password in it) is reported without its value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { CREDENTIAL_NAMES, type CredentialName } from '../catalog/credentials';
import { DATA_LAYOUTS } from '../catalog/data-layouts';
import { JSON_SCHEMA_FILE } from '../config/json-schema';
import { deletePath, getPath, isPlainObject, type Plain } from '../config/layering';
import { loadCustomerText, type Problem } from '../config/load';
import { customerSchema, dns1123Label, type CustomerConfig } from '../config/schema';
import { platformUrls } from '../config/urls';
import { realSteps, type FileSteps } from '../files/file-steps';
import { customerFile, importReportFile, importStagingFolder } from '../model/layout';
import { UserError } from '../model/user-error';
import { show } from '../output/diff';
import { credentialStoreDir, credentialValueProblem, storeCredentials } from '../secrets/credential-store';
import { LEGACY_CREDENTIALS, type LegacyCredential } from './legacy-credentials';
import { LegacyLayout, readLegacyEnvironment, sourceOf, type LegacyEnvironment } from './legacy-environment';
import { leaves, PLATFORM_COMPONENTS, ruleFor, RULES } from './legacy-mapping';

/** Registry of the platform images in the old chart's values when an environment names none. */
const MAIN_CHART_REGISTRY = 'docker.io';

export interface ImportOptions {
  /** The old environments folder (`helmfile/environments/` or `environments/`). */
  readonly folder: string;
  /** The environment in it (`xiilab`, `default`, `dev`, …). */
  readonly environment: string;
  /**
   * Name of the new customer.
   * @default - the environment's name
   */
  readonly customer?: string;
  /** Address users reach, for an environment that leaves it empty (`--ip`). @default - the old value */
  readonly ip?: string;
  /** NFS server, for an environment that leaves it empty (`--nfs-server`). @default - the old value */
  readonly nfsServer?: string;
  /** Exported NFS folder (`--nfs-path`). @default - the old value */
  readonly nfsPath?: string;
  /** age public keys the credentials are encrypted for. @default - none yet */
  readonly ageRecipients?: readonly string[];
}

/** The flags that can fill in a value, by the customer-file key they set. */
const FLAGS = { '--ip': 'externalAccess.ip.address', '--nfs-server': 'nfs.server', '--nfs-path': 'nfs.basePath', '--age-recipient': 'secrets.ageRecipients' } as const;
type Flag = keyof typeof FLAGS;

/**
 * What the old system created its volumes with (docs/old-system.md §1.1, §2.1): written into an
 * imported customer, since a claim never shrinks and a later change of defaults must not
 * try to resize an adopted volume.
 */
export const OLD_VOLUME_SIZES: Readonly<Record<string, { readonly size: string; readonly what: string }>> = {
  'nfs.size': { size: '10Gi', what: 'workload-log-pvc' },
  'astrago.mariadb.storageSize': { size: '8Gi', what: 'data-astrago-mariadb-0 (Bitnami chart default)' },
  'monitoring.storageSize': { size: '50Gi', what: 'the Prometheus volume' },
  'harbor.persistence.registry': { size: '5Gi', what: 'Harbor\'s registry volume' },
  'harbor.persistence.database': { size: '1Gi', what: 'Harbor\'s database volume' },
  'harbor.persistence.redis': { size: '1Gi', what: 'Harbor\'s Redis volume' },
};

/** Settings always written, even when equal to the default: they name where data lives. */
const PINNED = new Set(['externalAccess.mode', 'nfs.server', 'nfs.storageClassName', 'nfs.basePath', ...Object.keys(OLD_VOLUME_SIZES)]);

export interface ImportPlan {
  readonly customer: string;
  readonly environment: LegacyEnvironment;
  /** The customer file as it will be written. */
  readonly fileText: string;
  readonly config: CustomerConfig;
  /** One line per old key, then one per setting or credential no old key names (flags, volumes, chart credentials). */
  readonly report: readonly string[];
  /** Values to store: in memory only, never printed. */
  readonly credentials: Readonly<Partial<Record<CredentialName, string>>>;
  /** Stored credentials still at the old system's public default. */
  readonly publicDefaults: readonly CredentialName[];
}

/** Why an import was refused: one line each, and whether it was wrong usage (exit 2) or bad input (1). */
export interface ImportRefusal {
  readonly problems: readonly string[];
  readonly usage: boolean;
}

interface Origin {
  /** Dotted old key, or the flag. */
  readonly key: string;
  /** `file:line` of the old key; undefined for a flag. */
  readonly source?: string;
}

/** What the keys of an environment became, before the customer file is written and checked. */
interface Mapping {
  /** Settings of the customer file, with the old key (or flag) each came from. */
  readonly settings: Array<{ target: string; value: unknown; origin: Origin }>;
  readonly credentials: Partial<Record<CredentialName, string>>;
  /** Credentials an old key named (set or empty). */
  readonly named: Set<CredentialName>;
  /** Problems of the old values themselves (before the schema check). */
  readonly problems: string[];
  /** Report lines in order; those that need the checked config (URLs) are finished after the check. */
  readonly report: Array<(config: CustomerConfig) => string>;
}

/** Reads, maps and checks an old environment; nothing is written. */
export function planImport(options: ImportOptions): ImportPlan | ImportRefusal {
  const customer = options.customer ?? options.environment;
  if (!dns1123Label.safeParse(customer).success) {
    return refuse(true, options.customer !== undefined
      ? `--as: expected a DNS-1123 name (lower-case letters, digits and "-"), found ${JSON.stringify(customer)}`
      : `<environment>: "${options.environment}" is no DNS-1123 name for a customer: pass --as <customer>`);
  }
  const env = readLegacyEnvironment(options.folder, options.environment);
  const mapping = mapKeys(env, customer);
  if (env.layout === LegacyLayout.MAIN) addMainLayoutImplications(env, mapping);
  addFlags(options, mapping);
  addChartCredentials(mapping, customer);
  const { doc, origins } = customerDocument(mapping, options.ageRecipients ?? []);

  const fileText = customerFileText(customer, env, doc);
  const loaded = loadCustomerText(fileText, customer, customerFile(customer));
  const checkProblems = loaded.errors.map((p) => explainProblem(p, origins, env));
  const problems = [...mapping.problems, ...checkProblems.map((c) => c.line)];
  if (problems.length > 0 || !loaded.config) return refuse(checkProblems.some((c) => c.usage), ...problems);

  const config = loaded.config;
  const { credentials } = mapping;
  return {
    customer,
    environment: env,
    fileText,
    config,
    report: mapping.report.map((line) => line(config)),
    credentials,
    publicDefaults: (Object.keys(credentials) as CredentialName[])
      .filter((c) => credentials[c] === (LEGACY_CREDENTIALS[c] as LegacyCredential).publicDefault).sort(),
  };
}

/** Every leaf of the environment through its rule. */
function mapKeys(env: LegacyEnvironment, customer: string): Mapping {
  const mapping: Mapping = { settings: [], credentials: {}, named: new Set(), problems: [], report: [] };
  const refused = new Set<string>();
  for (const { path: keyPath, value } of leaves(env.values)) {
    // A map where a password belongs (an unquoted {{ … }} parses as one): its leaves are no keys of their own.
    const holder = keyPath.findIndex((_, n) => n < keyPath.length - 1 && ruleFor(keyPath.slice(0, n + 1), env.layout).rule.kind === 'credential');
    if (holder >= 0) {
      const credentialKey = keyPath.slice(0, holder + 1);
      if (!refused.has(credentialKey.join('.'))) {
        refused.add(credentialKey.join('.'));
        mapping.problems.push(`${sourceOf(env, credentialKey)}: ${credentialKey.join('.')}: expected the password as a string (quote it, so its exact characters are kept), found a map (an unquoted {{ … }}?)`);
      }
      continue;
    }
    const key = keyPath.join('.');
    const source = sourceOf(env, keyPath);
    const { rule, target } = ruleFor(keyPath, env.layout);
    if (rule.kind === 'dropped') {
      mapping.report.push(() => `${key}: dropped: ${rule.why}`);
    } else if (rule.kind === 'url') {
      const old = value || (env.layout === LegacyLayout.MAIN ? mainLayoutUrl(env.values) : undefined);
      mapping.report.push((config) => `${key}: dropped: every URL is derived from externalAccess: now ${platformUrls(config).baseUrl}${urlChange(old, platformUrls(config).baseUrl)}`);
    } else if (rule.kind === 'credential') {
      const credential = rule.credential;
      mapping.named.add(credential);
      if (value === null || value === undefined || value === '') {
        mapping.report.push(() => `${key} → credential ${credential}: empty in the old environment: the first synth generates it`);
      } else if (typeof value !== 'string') {
        mapping.problems.push(`${source}: ${key}: expected the password as a string (quote it, so its exact characters are kept), found ${describeType(value)}`);
      } else if (credentialValueProblem(value)) {
        mapping.problems.push(`${source}: ${key}: ${credentialValueProblem(value)}`);
      } else {
        mapping.credentials[credential] = value;
        mapping.report.push(() => credentialLine(key, credential, value, customer));
      }
    } else {
      const converted = rule.convert ? rule.convert(value) : value;
      if (converted === null || converted === '' || converted === undefined) {
        mapping.report.push(() => `${key} → ${target}: empty in the old environment: not written`);
      } else {
        mapping.settings.push({ target: target!, value: converted, origin: { key, source } });
        mapping.report.push(() => `${key} → ${target} = ${show(converted)}${isDefault(target!, converted) ? ' (the default: not written)' : ''}`);
      }
    }
  }
  return mapping;
}

/** What the main layout meant without saying it: ip access, and the old chart's image registry. */
function addMainLayoutImplications(env: LegacyEnvironment, mapping: Mapping): void {
  const implied = (target: string, value: string, why: string) => {
    if (mapping.settings.some((x) => x.target === target)) return;
    mapping.settings.push({ target, value, origin: { key: '(main layout)' } });
    mapping.report.push(() => `(main layout) → ${target} = ${show(value)}: ${why}`);
  };
  implied('externalAccess.mode', 'ip', 'the main layout served the platform on externalIP');
  // The old chart's image default (docs/old-system.md §2), not this system's ghcr.io.
  for (const component of PLATFORM_COMPONENTS) {
    if (isPlainObject(getPath(env.values, ['astrago', component]))) implied(`astrago.components.${component}.registry`, MAIN_CHART_REGISTRY, 'the old chart\'s default registry');
  }
}

/** `--ip`, `--nfs-server`, `--nfs-path`: they replace the old value. */
function addFlags(options: ImportOptions, mapping: Mapping): void {
  const flags: Array<[Flag, string | undefined]> = [['--ip', options.ip], ['--nfs-server', options.nfsServer], ['--nfs-path', options.nfsPath]];
  for (const [flag, value] of flags) {
    if (value === undefined) continue;
    const at = mapping.settings.findIndex((x) => x.target === FLAGS[flag]);
    if (at >= 0) mapping.settings.splice(at, 1);
    mapping.settings.push({ target: FLAGS[flag], value, origin: { key: flag } });
    mapping.report.push(() => `${flag} → ${FLAGS[flag]} = ${show(value)}`);
  }
}

/** The credentials no environment file holds: the old charts' values carried over, the rest generated later. */
function addChartCredentials(mapping: Mapping, customer: string): void {
  for (const credential of CREDENTIAL_NAMES) {
    if (mapping.named.has(credential)) continue;
    const legacy: LegacyCredential = LEGACY_CREDENTIALS[credential];
    if (legacy.implicit && legacy.publicDefault) {
      mapping.credentials[credential] = legacy.publicDefault;
      mapping.report.push(() => `(old chart) → credential ${credential}: kept: ${legacy.implicit}; it is the old system's public default: after the move, ${rotation(legacy, customer)}`);
    } else if (legacy.supplied) {
      mapping.report.push(() => `(not in the old environment) → credential ${credential}: never generated: ${legacy.supplied?.replace(/<customer>/g, customer)}`);
    } else if (legacy.generated) {
      mapping.report.push(() => `(old chart) → credential ${credential}: generated by the first synth: ${legacy.generated}`);
    } else {
      mapping.report.push(() => `(not in the old environment) → credential ${credential}: generated by the first synth`);
    }
  }
}

/**
 * The customer document: the settings in the rules' order (which follows the schema's) rather
 * than the old files', without values equal to the defaults (as a person would write it), plus
 * the data layout, the old volume sizes and the recipients; and where each key came from.
 */
function customerDocument(mapping: Mapping, ageRecipients: readonly string[]): { doc: Plain; origins: Map<string, Origin> } {
  const doc: Plain = {};
  const origins = new Map<string, Origin>();
  const targets = RULES.map((r) => (r.rule.kind === 'setting' ? r.rule.to : undefined));
  const order = (target: string) => targets.lastIndexOf(target);
  for (const x of [...mapping.settings].sort((a, b) => order(a.target) - order(b.target))) {
    if (isDefault(x.target, x.value)) continue;
    setPath(doc, x.target, x.value);
    origins.set(x.target, x.origin);
  }
  setPath(doc, 'astrago.dataLayout', 'helmfile');
  mapping.report.push(() => `(data) → astrago.dataLayout = "helmfile": ${DATA_LAYOUTS.helmfile.description}`);
  for (const [target, { size, what }] of Object.entries(OLD_VOLUME_SIZES)) {
    if (getPath(doc, target.split('.')) !== undefined) continue;
    setPath(doc, target, size);
    mapping.report.push(() => `(data) → ${target} = ${show(size)}: the size of ${what} in the old system`);
  }
  if (ageRecipients.length > 0) {
    setPath(doc, 'secrets.ageRecipients', [...ageRecipients]);
    origins.set('secrets.ageRecipients', { key: '--age-recipient' });
  }
  const topLevel = Object.keys(customerSchema.shape);
  return { doc: Object.fromEntries(Object.entries(doc).sort(([a], [b]) => topLevel.indexOf(a) - topLevel.indexOf(b))), origins };
}

/** The main layout's platform URL without proxyUrl: its NodePort proxy on externalIP. */
function mainLayoutUrl(values: Plain): string | undefined {
  const ip = values.externalIP;
  const port = getPath(values, ['astrago', 'servicePort']) ?? 30080;
  return typeof ip === 'string' && ip !== '' ? `http://${ip}:${String(port)}` : undefined;
}

function describeType(value: unknown): string {
  return Array.isArray(value) ? 'a list' : isPlainObject(value) ? 'a map' : `a ${typeof value}`;
}

/** Whether a plan was refused. */
export function isRefusal(result: ImportPlan | ImportRefusal): result is ImportRefusal {
  return 'problems' in result;
}

function refuse(usage: boolean, ...problems: string[]): ImportRefusal {
  return { usage, problems };
}

function credentialLine(key: string, credential: CredentialName, value: string, customer: string): string {
  const legacy: LegacyCredential = LEGACY_CREDENTIALS[credential];
  const base = `${key} → credential ${credential}: kept, encrypted`;
  return value === legacy.publicDefault ? `${base}; it is the old system's public default: after the move, ${rotation(legacy, customer)}` : base;
}

function rotation(legacy: LegacyCredential, customer: string): string {
  return (legacy.rotate ?? '').replace(/<customer>/g, customer);
}

/** How the platform's URL changes, naming the old URL only when it holds no user or password. */
function urlChange(old: unknown, now: string): string {
  if (old === null || old === undefined || old === '') return '';
  if (typeof old !== 'string') return ' (the old value is not shown)';
  let url: URL;
  try {
    url = new URL(old);
  } catch {
    return ' (the old value was no URL)';
  }
  if (url.username || url.password) return ' (the old value held a user or password: not shown)';
  return old.replace(/\/+$/, '') === now ? ' (the same)' : ` (was ${JSON.stringify(old)}: links and bookmarks to it must change)`;
}

/** A schema problem of the written file, named by the old key (file and line) or the flag it came from. */
function explainProblem(p: Problem, origins: ReadonlyMap<string, Origin>, env: LegacyEnvironment): { line: string; usage: boolean } {
  const keyPath = p.path.split('.');
  for (let n = keyPath.length; n > 0; n--) {
    const origin = origins.get(keyPath.slice(0, n).join('.'));
    if (!origin) continue;
    if (!origin.source) return { line: `${origin.key}: expected ${p.expected}, found ${p.found}`, usage: true };
    return { line: `${origin.source}: ${origin.key}: expected ${p.expected}, found ${p.found}`, usage: false };
  }
  const flag = (Object.keys(FLAGS) as Flag[]).find((f) => FLAGS[f] === p.path);
  const oldKey = p.path === 'externalAccess.ip.address' && env.layout === LegacyLayout.MAIN ? 'externalIP' : p.path;
  const hint = flag ? `; the old environment leaves it empty: pass ${flag}` : '';
  return { line: `${sourceOf(env, oldKey.split('.'))}: ${oldKey}: expected ${p.expected}${hint}, found ${p.found}`, usage: false };
}

/**
 * The built-in defaults an imported customer gets (profile prod, which adds nothing). The keys
 * that have none are parsed with a stand-in and removed again: an old value equal to the
 * stand-in is the customer's own, never a default to leave out.
 */
const DEFAULTS = customerSchema.parse({ nfs: { server: 'nfs' }, externalAccess: { ip: { address: '10.0.0.1' } } }) as Plain;
for (const required of ['nfs.server', 'externalAccess.ip.address']) deletePath(DEFAULTS, required.split('.'));

function isDefault(target: string, value: unknown): boolean {
  return !PINNED.has(target) && JSON.stringify(getPath(DEFAULTS, target.split('.'))) === JSON.stringify(value);
}

function setPath(doc: Plain, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = doc;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(cur[key])) cur[key] = {};
    cur = cur[key] as Plain;
  }
  cur[keys[keys.length - 1]] = value;
}

function customerFileText(customer: string, env: LegacyEnvironment, doc: Plain): string {
  return [
    `# yaml-language-server: $schema=../${JSON_SCHEMA_FILE}`,
    `# ${customer}: imported by \`npx astrago import\` from the old Helmfile environment "${env.name}" (${env.layout} layout).`,
    '# Volumes, their sizes and the credentials are those of the running installation: read docs/migration.md before changing them.',
    stringify(doc, { lineWidth: 0 }),
  ].join('\n');
}

/** Repository-relative files an import writes, for messages and for the refusal to overwrite. */
export function importTargets(customer: string): { customerFile: string; store: string; report: string } {
  return { customerFile: customerFile(customer), store: credentialStoreDir(customer), report: importReportFile(customer) };
}

/** Why an import of `customer` would overwrite something, or undefined. */
export function existingTarget(root: string, customer: string): string | undefined {
  const targets = importTargets(customer);
  const existing = [targets.customerFile, targets.store].find((t) => fs.existsSync(path.join(root, t)));
  if (!existing) return undefined;
  const interrupted = existing === targets.store && !fs.existsSync(path.join(root, targets.customerFile))
    ? ` (without ${targets.customerFile}: an interrupted import left it; remove it and import again)` : '';
  return `${existing}: expected no such path (import creates a new customer), found one${interrupted}: pass --as <another name>, or remove it first`;
}

/**
 * Writes the plan: the customer's credential store, its report, then its customer file. Both are complete
 * in a staging folder before either appears in the repository, and the store is moved in
 * first: a kill at any instant never leaves a customer file without its credentials (synth
 * would generate new ones), at worst a store without its file, which the next import names.
 * Returns the repository-relative paths written.
 */
export async function writeImport(root: string, plan: ImportPlan, steps: FileSteps = realSteps(root)): Promise<string[]> {
  const targets = importTargets(plan.customer);
  const existing = existingTarget(root, plan.customer);
  if (existing) throw new UserError(existing);
  const staging = importStagingFolder(plan.customer);
  steps.remove(staging);
  steps.mkdir(staging);
  const stored = await storeCredentials(path.join(root, staging), plan.customer, plan.credentials, plan.config.secrets.ageRecipients);
  steps.writeFile(`${staging}/customer.yaml`, plan.fileText, { durable: true });
  steps.writeFile(`${staging}/report.txt`, plan.report.map((line) => `${line}\n`).join(''), { durable: true });
  steps.mkdir(path.posix.dirname(targets.store));
  steps.mkdir(path.posix.dirname(targets.customerFile));
  steps.rename(`${staging}/${targets.store}`, targets.store);
  // Before the customer file: an import that finished has its report on disk, whatever becomes of standard output.
  steps.rename(`${staging}/report.txt`, targets.report);
  steps.rename(`${staging}/customer.yaml`, targets.customerFile);
  steps.remove(staging);
  return [...stored, targets.report, targets.customerFile];
}

