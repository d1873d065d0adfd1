/** Loading and rendering one named customer for the commands that take a customer argument. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatProblem, loadCustomerFile, type LoadedCustomer } from '../config/load';
import type { CustomerConfig } from '../config/schema';
import type { OutputFile } from '../output/render';
import { CommandError, EXIT, type Io } from './io';
import { UserError } from '../config/user-error';
import { renderOne } from './synth';

/** Names of the customer files, sorted. */
export function customerNames(root: string): string[] {
  const dir = path.join(root, 'customers');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort() : [];
}

export function customerFile(root: string, name: string): string {
  return path.join(root, 'customers', `${name}.yaml`);
}

/** A valid customer, or a CommandError: usage (2) for an unknown name, findings (1) for an invalid file. */
export function loadCustomer(root: string, name: string, io: Io): LoadedCustomer & { config: CustomerConfig } {
  if (!fs.existsSync(customerFile(root, name))) {
    const known = customerNames(root);
    throw new CommandError(`customer "${name}": expected one of ${known.length ? known.join(', ') : '(no customer files)'}, found no customers/${name}.yaml`, EXIT.USAGE);
  }
  const loaded = loadCustomerFile(customerFile(root, name), `customers/${name}.yaml`);
  for (const w of loaded.warnings) io.err(`warning: ${formatProblem(w)}`);
  for (const e of loaded.errors) io.err(`error: ${formatProblem(e)}`);
  if (!loaded.config) throw new CommandError(`${loaded.errors.length} error(s) in customers/${name}.yaml`, EXIT.FINDINGS);
  return loaded as LoadedCustomer & { config: CustomerConfig };
}

/** The files synth would write for a customer, in memory (reusing its committed credentials). */
export async function renderCustomerFiles(root: string, config: CustomerConfig): Promise<readonly OutputFile[]> {
  try {
    return (await renderOne(root, config)).files;
  } catch (e) {
    if (e instanceof UserError) throw new CommandError(e.message, EXIT.FINDINGS);
    throw e;
  }
}
