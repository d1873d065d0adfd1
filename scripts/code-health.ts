/**
 * Two structural facts of the project code (every .ts file outside tests, generated imports/ and
 * node_modules), read with the TypeScript parser so comments and strings never count:
 * - the type escapes: `as X` casts (not `as const`), `any`, and non-null assertions `x!`;
 * - the import cycles, between files and between folders.
 * `npm run health` prints both; __tests__/code-health.test.ts keeps them where they are.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** The repository root. */
export const ROOT = resolve(__dirname, '..');
const SKIPPED = new Set(['node_modules', 'imports', '__tests__']);
/** The repository's data folders: skipped at the root only, so that code folders of the same name (`constructs/credentials/`) count. */
const DATA_FOLDERS = new Set(['dist', 'flux', 'customers', 'credentials']);

/** Project source files, relative to the repository root, in a stable order. */
export function projectFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && !SKIPPED.has(e.name) && !(dir === ROOT && DATA_FOLDERS.has(e.name)))
    .flatMap((e) => (e.isDirectory() ? projectFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [relative(ROOT, join(dir, e.name))] : []))
    .sort();
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

export interface Escapes { readonly casts: number; readonly anys: number; readonly nonNull: number }

/** Casts (excluding `as const`), `any` keywords and non-null assertions, per file. */
export function escapes(files = projectFiles()): Record<string, Escapes> {
  const out: Record<string, Escapes> = {};
  for (const file of files) {
    let casts = 0; let anys = 0; let nonNull = 0;
    const visit = (node: ts.Node): void => {
      if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node))
        && !(ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === 'const')) casts++;
      if (node.kind === ts.SyntaxKind.AnyKeyword) anys++;
      if (ts.isNonNullExpression(node)) nonNull++;
      ts.forEachChild(node, visit);
    };
    visit(parse(file));
    if (casts + anys + nonNull > 0) out[file] = { casts, anys, nonNull };
  }
  return out;
}

export function totalEscapes(perFile: Record<string, Escapes>): Escapes {
  return Object.values(perFile).reduce((a, e) => ({ casts: a.casts + e.casts, anys: a.anys + e.anys, nonNull: a.nonNull + e.nonNull }),
    { casts: 0, anys: 0, nonNull: 0 });
}

/** Each project file's imports of other project files (type-only imports included: they tie modules too). */
export function importGraph(files = projectFiles()): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = new Set<string>();
    const add = (spec: string) => {
      if (!spec.startsWith('.')) return;
      const base = join(dirname(file), spec);
      const hit = [`${base}.ts`, join(base, 'index.ts')].find((c) => known.has(c));
      if (hit) targets.add(hit);
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text);
      } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])
        && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
        add(node.arguments[0].text);
      }
      ts.forEachChild(node, visit);
    };
    visit(parse(file));
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** The folder graph: an edge from folder A to folder B when a file of A imports a file of B. */
export function folderGraph(files = importGraph()): Map<string, string[]> {
  const graph = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = dirname(file);
    const edges = graph.get(from) ?? new Set<string>();
    for (const t of targets) if (dirname(t) !== from) edges.add(dirname(t));
    graph.set(from, edges);
  }
  return new Map([...graph].map(([k, v]) => [k, [...v].sort()]));
}

/** Strongly connected components of more than one node (Tarjan): each is a cycle. */
export function cycles(graph: Map<string, readonly string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, indices.get(w) ?? 0));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do { w = stack.pop(); if (w !== undefined) { onStack.delete(w); component.push(w); } } while (w !== undefined && w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) connect(v);
  return found;
}

if (require.main === module) {
  const perFile = escapes();
  const total = totalEscapes(perFile);
  const files = importGraph();
  console.log(`type escapes outside tests and imports/: ${total.casts} casts, ${total.anys} any, ${total.nonNull} non-null assertions`);
  if (process.argv.includes('--per-file')) {
    for (const [file, e] of Object.entries(perFile)) console.log(`  ${file}: ${e.casts} casts, ${e.anys} any, ${e.nonNull} !`);
  }
  for (const [what, graph] of [['file', files], ['folder', folderGraph(files)]] as const) {
    const found = cycles(graph);
    console.log(`${what} import cycles: ${found.length}`);
    for (const c of found) console.log(`  ${c.join(' <-> ')}`);
  }
}
