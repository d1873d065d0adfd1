/**
 * What `diff` and `check` compare: each customer's tree as committed (in the working tree, or
 * at a git revision such as a pull request's base) against a fresh render of its customer
 * file, in memory. Nothing is written.
 */
import { customerName, formatProblem, loadCustomers, unknownCustomer } from '../config/load';
import { releaseResolver } from '../config/releases';
import { customerFileNames, distCustomers } from '../files/customer-folders';
import { UserError, EXIT } from '../model/user-error';
import { diffTrees } from '../output/diff';
import type { CustomerChanges } from '../output/diff-report';
import { customersAtRevision, readCustomerTree, readTreesAtRevision, RevisionError } from '../output/tree';
import { renderCustomerFiles } from '../pipeline/customers';
import { select, type Selection } from '../pipeline/selection';
import { type Io } from './io';

export interface CompareOptions extends Selection {
  /** Customers to compare. @default - every customer with a file or a dist/ folder */
  readonly customers?: readonly string[];
  /** Git revision whose committed trees are the "before". @default - the trees on disk */
  readonly base?: string;
}

/** Per customer, every change a fresh synth makes to the committed tree, sorted by customer. */
export async function compareCustomers(root: string, io: Io, options: CompareOptions): Promise<CustomerChanges[]> {
  let baseNames: string[] = [];
  try {
    baseNames = options.base === undefined ? [] : customersAtRevision(root, options.base);
  } catch (e) {
    if (e instanceof RevisionError) throw new UserError(`--base: ${e.message}`, EXIT.USAGE);
    throw e;
  }
  const known = [...new Set([...customerFileNames(root), ...distCustomers(root), ...baseNames])].sort();
  const named = options.customers?.length ? [...new Set(options.customers)].sort() : known;
  for (const name of named.filter((n) => !known.includes(n))) {
    throw unknownCustomer([name], known, true);
  }
  // Only the selected customers are read, loaded and rendered: the cost follows the change, not the fleet.
  const selected = await select(root, named, options);
  const wanted = new Set(selected);
  const loaded = loadCustomers(root, (name) => wanted.has(name), releaseResolver(root));
  const configs = new Map(loaded.flatMap((c) => (c.config ? [[c.config.name, c.config] as const] : [])));
  const baseTrees = options.base === undefined ? undefined : readTreesAtRevision(root, options.base, selected);
  const broken = loaded.filter((c) => wanted.has(customerName(c.file)) && !c.config);
  if (broken.length) throw new UserError(broken.flatMap((c) => c.errors).map(formatProblem)).withConsequence('nothing compared');
  // One at a time (rendering is CPU-bound anyway), so the progress line tells the customer being rendered.
  const diffs: CustomerChanges[] = [];
  for (const customer of selected) {
    io.progress?.(`rendering ${customer}`);
    const config = configs.get(customer);
    const after = config ? await renderCustomerFiles(root, config) : [];
    const before = baseTrees ? baseTrees.get(customer) ?? [] : readCustomerTree(root, customer);
    diffs.push({ customer, changes: diffTrees(before, after) });
  }
  return diffs;
}
