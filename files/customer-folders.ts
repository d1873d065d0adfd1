/**
 * Who has something in the repository's per-customer folders: the customer files of `customers/`,
 * the trees of `dist/` and the stores of `credentials/` (`config/load.ts` reads the customer files
 * themselves).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CREDENTIALS_FOLDER, CUSTOMERS_ROOT, DIST_ROOT } from '../model/layout';

const YAML = '.yaml';

/** Customer names of the customer files (`customers/<name>.yaml`), sorted; none without the folder. */
export function customerFileNames(root: string): string[] {
  try {
    return fs.readdirSync(path.join(root, CUSTOMERS_ROOT)).filter((f) => f.endsWith(YAML)).map((f) => f.slice(0, -YAML.length)).sort();
  } catch {
    return [];
  }
}

/** Whether `customers/` holds a `.yml` file, which synth refuses. */
export function hasYmlCustomerFile(root: string): boolean {
  try {
    return fs.readdirSync(path.join(root, CUSTOMERS_ROOT)).some((f) => f.endsWith('.yml'));
  } catch {
    return false;
  }
}

/** Customers with a folder in dist/, sorted. */
export function distCustomers(root: string): string[] {
  return subfolders(root, DIST_ROOT);
}

/** Customers that have a credential store folder, sorted. */
export function storeCustomers(root: string): string[] {
  return subfolders(root, CREDENTIALS_FOLDER);
}

function subfolders(root: string, folder: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}
