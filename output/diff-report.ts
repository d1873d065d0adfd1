/**
 * How a semantic diff reads: plain lines for a terminal, Markdown for a pull request's
 * job summary. Destructive changes come first and are impossible to miss in both.
 */
import { customerDistFolder, customerFluxFolder } from '../model/layout';
import { ChangeType, show, type FieldChange, type ObjectChange } from './diff';

export interface CustomerChanges {
  readonly customer: string;
  readonly changes: readonly ObjectChange[];
}

const SIGN: Record<ChangeType, string> = { added: '+', removed: '-', changed: '~' };

export function hasDestructive(diffs: readonly CustomerChanges[]): boolean {
  return diffs.some((d) => d.changes.some((c) => c.destructive.length > 0));
}

function summary(changes: readonly ObjectChange[]): string {
  if (changes.length === 0) return 'no changes';
  const count = (t: ChangeType) => changes.filter((c) => c.type === t).length;
  const destructive = changes.filter((c) => c.destructive.length > 0).length;
  return [`${count(ChangeType.CHANGED)} changed`, `${count(ChangeType.ADDED)} added`, `${count(ChangeType.REMOVED)} removed`]
    .concat(destructive ? [`${destructive} DESTRUCTIVE`] : []).join(', ');
}

function fieldText(f: FieldChange): string {
  return f.note ? `${f.path}: ${f.note}` : `${f.path}: ${show(f.before)} → ${show(f.after)}`;
}

/** One line per object and per field, indented under its customer. */
export function formatText(diffs: readonly CustomerChanges[]): string[] {
  return diffs.flatMap(({ customer, changes }) => [
    `${customer}: ${summary(changes)}`,
    ...changes.flatMap((c) => [
      `  ${SIGN[c.type]} ${c.label}${c.label === c.file ? '' : `  (${c.file})`}`,
      ...c.destructive.map((d) => `      DESTRUCTIVE: ${d}`),
      ...c.fields.map((f) => `      ${fieldText(f)}`),
    ]),
  ]);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => (text ? `\`${cell(text).replace(/`/g, "'")}\`` : '');

/** A customer's changes with its own name in paths replaced, so that customers with the same change compare equal. */
function changesOf(customer: string, changes: readonly ObjectChange[]): ObjectChange[] {
  const anonymous = (text: string) => text.replace(`${customerDistFolder(customer)}/`, `${customerDistFolder('<customer>')}/`)
    .replace(`${customerFluxFolder(customer)}/`, `${customerFluxFolder('<customer>')}/`);
  return changes.map((c) => ({ ...c, file: anonymous(c.file), label: anonymous(c.label) }));
}

/** Customers whose changes are identical (but for their names in paths), largest group first, then by first customer. */
export function groupByChange(diffs: readonly CustomerChanges[]):
  Array<{ readonly customers: readonly string[]; readonly changes: readonly ObjectChange[] }> {
  const groups = new Map<string, { customers: string[]; changes: readonly ObjectChange[]; anonymous: ObjectChange[] }>();
  for (const { customer, changes } of diffs) {
    const anonymous = changesOf(customer, changes);
    const key = JSON.stringify(anonymous);
    const group = groups.get(key) ?? { customers: [], changes, anonymous };
    group.customers.push(customer);
    groups.set(key, group);
  }
  // A customer alone keeps its own paths; a group shows them with `<customer>` in place of each name.
  return [...groups.values()].map((g) => ({ customers: g.customers, changes: g.customers.length === 1 ? g.changes : g.anonymous }))
    .sort((a, b) => b.customers.length - a.customers.length || a.customers[0].localeCompare(b.customers[0]));
}

/**
 * The job summary of a pull request: one section per distinct change, naming every customer it
 * applies to (a promotion changes a whole ring the same way), so a reviewer reads each change
 * once and sees which customers differ from it (their own settings). Destructive changes come
 * first in each section, as a caution block.
 */
export function formatMarkdown(diffs: readonly CustomerChanges[]): string {
  const out = ['## Changes to the deployed trees', ''];
  if (diffs.length === 0) out.push('No customers.', '');
  const groups = groupByChange(diffs);
  const shared = groups.find((g) => g.changes.length > 0);
  if (shared && shared.customers.length > 1 && shared.changes.length > 0) {
    const others = diffs.filter((d) => d.changes.length > 0 && !shared.customers.includes(d.customer)).map((d) => d.customer);
    out.push(`The same ${shared.changes.length} object change(s) in ${shared.customers.length} customers`
      + `${others.length ? `; ${others.length} differ from them (their own settings): ${others.join(', ')}` : ''}.`, '');
  }
  for (const { customers, changes } of groups) {
    const who = customers.length === 1 ? customers[0] : `${customers.length} customers: ${customers.join(', ')}`;
    out.push(`### ${who}: ${summary(changes)}`, '');
    const destructive = changes.filter((c) => c.destructive.length > 0);
    if (destructive.length > 0) {
      out.push('> [!CAUTION]', '> These changes uninstall a release or put data at risk:', '>');
      for (const c of destructive) for (const d of c.destructive) out.push(`> - **${cell(c.label)}**: ${cell(d)}`);
      out.push('');
    }
    if (changes.length === 0) continue;
    out.push('| | Object | Field | Before | After |', '|---|---|---|---|---|');
    for (const c of changes) {
      const object = c.label === c.file ? code(c.file) : `${cell(c.label)}<br>${code(c.file)}`;
      if (c.fields.length === 0) out.push(`| ${SIGN[c.type]} | ${object} | | | |`);
      for (const f of c.fields) {
        out.push(f.note
          ? `| ${SIGN[c.type]} | ${object} | ${code(f.path)} | ${cell(f.note)} | |`
          : `| ${SIGN[c.type]} | ${object} | ${code(f.path)} | ${code(show(f.before))} | ${code(show(f.after))} |`);
      }
    }
    out.push('');
  }
  return out.join('\n');
}

/** `diff -o json`: every change per customer, as `formatText` lists them (shape in docs/customers.md). */
export function formatJson(diffs: readonly CustomerChanges[]) {
  return { changed: diffs.some((d) => d.changes.length > 0), destructive: hasDestructive(diffs), customers: diffs };
}
