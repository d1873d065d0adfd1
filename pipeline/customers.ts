/** Loading and rendering named customers for the commands that take customer arguments. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { vendoredIn } from '../catalog/vendor-lock';
import { formatProblem, loadCustomerFile, requireVendoredVersions, unknownCustomer, type LoadedConfig } from '../config/load';
import { releaseResolver } from '../config/releases';
import type { CustomerConfig } from '../config/schema';
import { customerFileNames } from '../files/customer-folders';
import { customerFile, customerFileYml, RETIRED_FILE } from '../model/layout';
import type { OutputFile } from '../model/objects';
import { EXIT, UserError } from '../model/user-error';
import type { CustomerOutput } from '../output/write';
import { NEW_CREDENTIALS_FLAG } from '../secrets/committed';
import { credentialStoreDir, readRetired } from '../secrets/credential-store';
import { committedTree } from '../validate/committed-tree';
import type { Progress } from '../validate/progress';
import { select, type Selection } from './selection';
import { loadAll, renderOne, type VaultOptions } from './synth';

/**
 * Why `init` or `import` must not create customer `name`, or undefined: a customer file of the
 * name (unless it is to be replaced), its `.yml` twin (synth would refuse both), or a retired
 * name (unless new credentials are allowed: its old ones are in git history).
 */
export function newCustomerProblem(root: string, name: string,
  options: { readonly replace?: boolean; readonly newCredentials?: boolean } = {}): string | undefined {
  if (!options.replace && fs.existsSync(path.join(root, customerFile(name)))) return `${customerFile(name)} exists: pass --force to replace it`;
  if (fs.existsSync(path.join(root, customerFileYml(name)))) {
    return `${customerFileYml(name)}: expected no second spelling of customer ${name} (synth reads only .yaml and refuses both), found one: rename it to ${customerFile(name)} or delete it`;
  }
  if (!options.newCredentials && readRetired(root).includes(name)) {
    return `${RETIRED_FILE}: expected a new customer name, found "${name}" retired (\`npx astrago remove\` deleted it; git history keeps its credentials: \`git log -- ${credentialStoreDir(name)}\`); `
      + `choose another name, or pass ${NEW_CREDENTIALS_FLAG} to give it new credentials (data the old installation left, e.g. its databases, will not open with them)`;
  }
  return undefined;
}

/** A valid customer, or a UserError: usage (2) for an unknown name, findings (1) for an invalid file. */
export function loadCustomer(root: string, name: string, log: (line: string) => void): LoadedConfig {
  const file = customerFile(name);
  if (!fs.existsSync(path.join(root, file))) throw unknownCustomer([name], customerFileNames(root));
  const loaded = requireVendoredVersions(loadCustomerFile(path.join(root, file), file, releaseResolver(root)), vendoredIn(root));
  for (const w of loaded.warnings) log(`warning: ${formatProblem(w)}`);
  if (!loaded.config) throw new UserError(loaded.errors.map(formatProblem));
  return loaded;
}

/** The files synth would write for a customer, in memory (copied from its credential store). */
export async function renderCustomerFiles(root: string, config: CustomerConfig): Promise<readonly OutputFile[]> {
  return (await renderCustomerOutput(root, config)).files;
}

/** What synth would write for a customer, store entries included; a user error as a UserError. */
export async function renderCustomerOutput(root: string, config: CustomerConfig, vaultOptions: VaultOptions = {}): Promise<CustomerOutput> {
  try {
    return await renderOne(root, config, vaultOptions);
  } catch (e) {
    if (e instanceof UserError) throw e.withExitCode(EXIT.FINDINGS);
    throw e;
  }
}

export interface CustomerTree {
  readonly config: CustomerConfig;
  /** The customer's dist/ and flux/ files: as committed, or as synth would write them now. */
  readonly files: readonly OutputFile[];
}

/**
 * The trees `validate` and `render-check` examine: of the named customers (all when none),
 * committed or rendered now. A UserError when a customer file is invalid (1) or a name is
 * unknown (2).
 */
export async function selectedTrees(root: string, names: readonly string[] | undefined, render: boolean | undefined,
  log: (line: string) => void, progress?: Progress, selection: Selection = {}): Promise<CustomerTree[]> {
  const known = customerFileNames(root);
  const unknown = (names ?? []).filter((c) => !known.includes(c));
  if (unknown.length > 0) throw unknownCustomer(unknown, known);
  // Only the selected customers are loaded: the cost follows the change, not the fleet.
  const wanted = new Set(await select(root, names?.length ? names : known, selection));
  const trees: CustomerTree[] = [];
  for (const config of loadAll(root, log, undefined, (name) => wanted.has(name))) {
    if (render) progress?.(`rendering ${config.name}`);
    trees.push({ config, files: render ? (await renderOne(root, config)).files : committedTree(root, config.name) });
  }
  return trees;
}
