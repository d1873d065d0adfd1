/**
 * `npx cdk8s synth`: every customer file → validated config → constructs → files.
 * All customers are loaded and rendered in memory before anything is written; if any file
 * is broken, nothing is written for anyone and every problem is printed, one per line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatProblem, loadCustomers, type LoadedCustomer } from '../config/load';
import type { CustomerConfig } from '../config/schema';
import { CustomerApp } from '../constructs/customer-app';
import { renderCustomer } from '../output/render';
import { writeCustomers, type CustomerOutput } from '../output/write';

export interface SynthOptions {
  /** Repository root holding customers/, dist/ and flux/. */
  readonly root: string;
  /** Where lines for the user go. */
  readonly log?: (line: string) => void;
}

/** Loads every customer and reports problems; the configs only when all files are valid. */
export function loadAll(root: string, log: (line: string) => void): CustomerConfig[] | undefined {
  const loaded: LoadedCustomer[] = loadCustomers(path.join(root, 'customers'));
  for (const c of loaded) for (const w of c.warnings) log(`warning: ${formatProblem(w)}`);
  const errors = loaded.flatMap((c) => c.errors);
  for (const e of errors) log(`error: ${formatProblem(e)}`);
  if (errors.length > 0) {
    log(`${errors.length} error(s) in customer files: nothing was written, dist/ is unchanged.`);
    return undefined;
  }
  return loaded.map((c) => c.config!);
}

/** Renders customers in memory. */
export function renderAll(configs: readonly CustomerConfig[]): CustomerOutput[] {
  return configs.map((config) => ({
    customer: config.name,
    files: renderCustomer(new CustomerApp(config), `customers/${config.name}.yaml`),
  }));
}

/** Returns the process exit code. */
export function synth(options: SynthOptions): number {
  const log = options.log ?? ((line: string) => console.error(line));
  const configs = loadAll(options.root, log);
  if (!configs) return 1;
  const outputs = renderAll(configs);
  writeCustomers(options.root, path.join(options.root, '.cdk8s.out', 'staging'), outputs);
  for (const o of outputs) log(`synthesized ${o.customer}: ${o.files.length} files in dist/${o.customer}/ and flux/${o.customer}/`);
  const distDir = path.join(options.root, 'dist');
  const known = new Set(configs.map((c) => c.name));
  for (const orphan of fs.existsSync(distDir) ? fs.readdirSync(distDir).filter((d) => !known.has(d)).sort() : []) {
    log(`warning: dist/${orphan}/ has no customer file; run \`npx astrago remove ${orphan}\` to retire it`);
  }
  return 0;
}
