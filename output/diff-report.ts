/**
 * How a semantic diff reads: plain lines for a terminal, Markdown for a pull request's
 * job summary. Destructive changes come first and are impossible to miss in both.
 */
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

/** A Markdown section per customer: destructive changes as a caution block, then a table of every change. */
export function formatMarkdown(diffs: readonly CustomerChanges[]): string {
  const out = ['## Changes to the deployed trees', ''];
  if (diffs.length === 0) out.push('No customers.', '');
  for (const { customer, changes } of diffs) {
    out.push(`### ${customer}: ${summary(changes)}`, '');
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
