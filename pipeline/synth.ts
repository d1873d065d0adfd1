/**
 * `npx cdk8s synth`: every customer file → validated config → constructs → files.
 * All customers are loaded and rendered in memory before anything is written; if any file
 * is broken, nothing is written for anyone and every problem is printed, one per line.
 */
import { vendoredIn } from '../catalog/vendor-lock';
import { customerName, formatProblem, loadCustomers, requireVendoredVersions, unknownCustomer, type LoadedCustomer } from '../config/load';
import { parseRings, releaseResolver } from '../config/releases';
import type { CustomerConfig } from '../config/schema';
import { CustomerApp } from '../constructs/customer-app';
import { customerFileNames, distCustomers, storeCustomers } from '../files/customer-folders';
import { credentialStoreFolder, customerDistFolder, customerFile, customerFluxFolder } from '../model/layout';
import { runCommand, UserError } from '../model/user-error';
import { renderCustomer } from '../output/render';
import { readCustomerTree } from '../output/tree';
import { withWriteLock, writeCustomers, type CustomerOutput } from '../output/write';
import { operatorIdentities } from '../secrets/age';
import { legacySecrets, mintRefusal, storeHistory } from '../secrets/committed';
import { readStore, recordRetired } from '../secrets/credential-store';
import { SopsVault, type SopsVaultProps } from '../secrets/sops-vault';
import { customerDigest, DigestContext, FileHashes, RecordedInputs, recordInputs, recordRingsChecked, unchangedLine, unchangedSince } from './input-digest';
import { refuseEditedReleases } from './release-usage';
import { shardOf } from './selection';

export interface SynthOptions {
  /** Repository root holding customers/, dist/ and flux/. */
  readonly root: string;
  /**
   * Synthesize only this customer (the others are neither loaded nor written).
   * @default - every customer
   */
  readonly only?: string;
  /**
   * Only the customers of part k of n (`k/n`), for a CI matrix.
   * @default - every customer
   */
  readonly shard?: string;
  /**
   * How the credentials of a customer are sealed (the `secrets` commands).
   * @default - reuse committed encryptions, generate what is missing
   */
  readonly vaultOptions?: (config: CustomerConfig) => VaultOptions;
  /** Where lines for the user go. */
  readonly log?: (line: string) => void;
  /**
   * Customers whose missing credentials may be generated where the mint guard refuses (`--new-credentials`).
   * @default - none
   */
  readonly newCredentials?: readonly string[];
}

/** Every customer file (or `only`, or those `wanted`), loaded on its own, its warnings logged. */
export function loadEach(root: string, log: (line: string) => void, only?: string, wanted: (name: string) => boolean = () => true): LoadedCustomer[] {
  const found = loadCustomers(root, wanted, releaseResolver(root)).filter((c) => !only || customerName(c.file) === only);
  if (only && found.length === 0) throw unknownCustomer([only], loadCustomers(root).map((c) => customerName(c.file)));
  const loaded = found.map((c) => requireVendoredVersions(c, vendoredIn(root)));
  for (const c of loaded) for (const w of c.warnings) log(`warning: ${formatProblem(w)}`);
  return loaded;
}

/** Every customer (or `only`, or those `wanted`), its warnings logged; a UserError with every problem of every file when one is invalid. */
export function loadAll(root: string, log: (line: string) => void, only?: string, wanted?: (name: string) => boolean): CustomerConfig[] {
  const loaded = loadEach(root, log, only, wanted);
  const errors = loaded.flatMap((c) => c.errors);
  if (errors.length > 0) throw new UserError(errors.map(formatProblem));
  return loaded.flatMap((c) => (c.config ? [c.config] : []));
}

/** How credentials are sealed beyond the defaults (the `secrets` commands). */
export type VaultOptions = Pick<SopsVaultProps, 'newValues' | 'rekey' | 'allowNewCredentials'>;

/** Renders one customer in memory, its Secrets copied (or encrypted) from its credential store. */
export async function renderOne(root: string, config: CustomerConfig, vaultOptions: VaultOptions = {}): Promise<CustomerOutput> {
  // Read once: the writer skips the customer when nothing changed; migration reads its Secrets.
  const previous = readCustomerTree(root, config.name);
  const vault = new SopsVault({
    customer: config.name,
    recipients: config.secrets.ageRecipients,
    store: readStore(root, config.name),
    legacy: () => legacySecrets(root, config.name, previous),
    history: storeHistory(root, config.name),
    mintRefusal: mintRefusal(root, config.name),
    identities: () => operatorIdentities(),
    ...vaultOptions,
  });
  const app = new CustomerApp(config, vault);
  await vault.flush();
  return { customer: config.name, files: renderCustomer(app, customerFile(config.name)), store: vault.storeFiles, previous };
}

/**
 * Renders customers in memory; a UserError with every customer's problem when any cannot be
 * built (a credential that cannot be sealed, a conflicting setting).
 */
export async function renderAll(root: string, configs: readonly CustomerConfig[],
  vaultOptions: (config: CustomerConfig) => VaultOptions = () => ({})): Promise<CustomerOutput[]> {
  const outputs: CustomerOutput[] = [];
  const problems: string[] = [];
  for (const config of configs) {
    try {
      outputs.push(await renderOne(root, config, vaultOptions(config)));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      problems.push(...e.problems);
    }
  }
  // One cause shared by every customer (an unreadable SOPS_AGE_KEY_FILE) is one line, not one per customer.
  if (problems.length > 0) throw new UserError([...new Set(problems)]);
  return outputs;
}

/**
 * What synth adds to its last `error:` line when a customer file or a credential stops it
 * before it writes: it writes all customers or none.
 */
export const NOTHING_WRITTEN = 'nothing was written, dist/ is unchanged';

/** Returns the process exit code. */
export async function synth(options: SynthOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line));
  return runCommand(log, () => withWriteLock(options.root, log, () => synthLocked(options, log)));
}

async function synthLocked(options: SynthOptions, log: (line: string) => void): Promise<number> {
  const { root, only, shard } = options;
  const names = only ? [only] : shard ? shardOf(customerFileNames(root), shard) : customerFileNames(root);
  const newCredentials = new Set(options.newCredentials);
  const unknown = [...newCredentials].filter((name) => !names.includes(name));
  if (unknown.length > 0) throw unknownCustomer(unknown, names).withConsequence(NOTHING_WRITTEN);
  const context = new DigestContext(root);
  // Taken before anything is read: an input that changes meanwhile makes the next run render again.
  const recorded = new Map(names.map((name) => [name, RecordedInputs.read(root, name)]));
  const recordedOf = (name: string) => recorded.get(name) ?? RecordedInputs.read(root, name);
  const digests = new Map(names.map((name) => [name, customerDigest(context, name, recordedOf(name))]));
  const digestOf = (name: string) => digests.get(name) ?? customerDigest(context, name, recordedOf(name));
  // Sealing credentials anew (the secrets commands, --new-credentials) always renders.
  const unchanged = new Map(options.vaultOptions ? [] : names.filter((name) => !newCredentials.has(name)).flatMap((name) => {
    const warnings = unchangedSince(root, name, digestOf(name), recordedOf(name));
    return warnings ? [[name, warnings] as const] : [];
  }));
  let loaded: LoadedCustomer[];
  let outputs: CustomerOutput[];
  try {
    // A release customers already run is immutable: its edit would change them all behind the rings.
    refuseEditedReleases(root);
    // Checked whole on every run, even when no customer renders: from the bytes the digests read.
    const rings = context.ringsText();
    if (rings !== undefined) parseRings(rings);
    const wanted = new Set(names.filter((name) => !unchanged.has(name)));
    loaded = loadEach(root, log, only, (name) => wanted.has(name));
    const errors = loaded.flatMap((c) => c.errors);
    if (errors.length > 0) throw new UserError(errors.map(formatProblem));
    outputs = await renderAll(root, loaded.flatMap((c) => (c.config ? [c.config] : [])), (c) => ({
      ...options.vaultOptions?.(c),
      ...(newCredentials.has(c.name) ? { allowNewCredentials: true } : {}),
    }));
  } catch (e) {
    throw e instanceof UserError ? e.withConsequence(NOTHING_WRITTEN) : e;
  }
  writeCustomers(root, outputs);
  recordRingsChecked(context);
  const storeWritten = new Set(outputs.filter((o) => (o.store ?? []).length > 0).map((o) => o.customer));
  for (const c of loaded) {
    const name = customerName(c.file);
    // Credentials this run stored are inputs of the next: recorded with them, unless the customer file changed meanwhile.
    const sameFile = new FileHashes(root).sha(customerFile(name)) === recordedOf(name).hashes.sha(customerFile(name));
    recordInputs(context, name, storeWritten.has(name) && sameFile ? customerDigest(context, name) : digestOf(name), c.warnings.map(formatProblem));
  }
  // A retired name given new credentials on purpose is a customer again.
  for (const name of newCredentials) recordRetired(root, name, false);
  for (const o of outputs) log(`synthesized ${o.customer}: ${o.files.length} files in ${customerDistFolder(o.customer)}/ and ${customerFluxFolder(o.customer)}/`);
  for (const warnings of unchanged.values()) for (const w of warnings) log(`warning: ${w}`);
  if (unchanged.size > 0) log(unchangedLine(unchanged.size));
  if (only || shard) return 0;
  const known = new Set(names);
  const distOrphans = distCustomers(options.root).filter((d) => !known.has(d));
  for (const orphan of distOrphans) {
    log(`warning: ${customerDistFolder(orphan)}/ has no customer file; run \`npx astrago remove ${orphan}\` to retire it`);
  }
  for (const orphan of storeCustomers(options.root).filter((d) => !known.has(d) && !distOrphans.includes(d))) {
    log(`warning: ${credentialStoreFolder(orphan)}/ has no customer file; restore ${customerFile(orphan)}, or run \`npx astrago remove ${orphan}\` to retire it`);
  }
  return 0;
}
