/**
 * Where a module recovers a tier, stage or component from a string instead of reading a chart's
 * placement (`model/layout.ts`): a string match (split, startsWith, a regex, basename, …) whose
 * statement speaks of placement — a variable `tier`, `stage` or `placement`, a tier or stage as a
 * piece of a path or name, the `/flux/` folder of tiers, a ComponentChart, or layout's names for
 * them. Read with the TypeScript parser, so comments never count; a variable is followed to the
 * value it was declared with, so `const prefix = …tier…; x.startsWith(prefix)` counts too. A parse
 * with no such word in its statement goes unseen. __tests__/placement.test.ts keeps the project free of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { projectFiles, ROOT } from './code-health';


/** The one module that turns a placement into a path or an id. */
const LAYOUT_MODULE = 'model/layout.ts';
const SCANNER = 'scripts/placement-parses.ts';

/** String methods that take a string apart or test its shape. */
const MATCHERS = new Set(['split', 'startsWith', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'match', 'matchAll', 'search',
  'replace', 'replaceAll', 'slice', 'substring', 'exec', 'test', 'basename', 'dirname']);

/** Lists whose own lookups (`TIERS.indexOf(tier)`) read placement rather than parse it. */
const PLACEMENT_LISTS = new Set(['TIERS', 'STAGES']);

/** Names that speak of placement: layout's, a chart's, a placement's fields. */
const PLACEMENT_NAMES = new Set(['TIERS', 'STAGES', 'Stage', 'Tier', 'stageKustomizationName', 'stagePath', 'tierKustomizationsFolder',
  'TIER_KUSTOMIZATIONS_FOLDER', 'placementFile', 'placementId', 'ComponentChart', 'tier', 'stage', 'placement']);

/** Literal text that speaks of placement: a tier or stage as a piece of a path or name, or the `flux/` folder of tiers. */
const PLACEMENT_TEXT = /(^|[/-])(infrastructure|monitoring|security|applications|controllers|configs)([/-]|$)|\/flux\//;

export interface PlacementParse {
  readonly file: string;
  readonly line: number;
  /** The matching call or regex. */
  readonly code: string;
  /** What in its statement speaks of placement. */
  readonly word: string;
}

/** The string matches of one source text that recover placement; `file` only names them. */
export function placementParsesIn(file: string, text: string): PlacementParse[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  /** The initial value of the variable `id` names, from the nearest declaration around it; none for a parameter. */
  const valueOf = (id: ts.Identifier): ts.Node | undefined => {
    const declares = (name: ts.BindingName): boolean => (ts.isIdentifier(name) ? name.text === id.text
      : name.elements.some((e) => !ts.isOmittedExpression(e) && declares(e.name)));
    for (let scope: ts.Node | undefined = id.parent; scope; scope = scope.parent) {
      if (ts.isFunctionLike(scope) && scope.parameters.some((p) => declares(p.name))) return undefined;
      if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        const declaration = statement.declarationList.declarations.find((d) => declares(d.name));
        if (declaration) return ts.isIdentifier(declaration.name) ? declaration.initializer : undefined;
      }
    }
    return undefined;
  };
  /** What in `node` (code only, never comments), or in a constant it names, speaks of placement. */
  const placementWord = (node: ts.Node, followed = new Set<ts.Node>()): string | undefined => {
    if (ts.isIdentifier(node)) {
      if (PLACEMENT_NAMES.has(node.text)) return node.text;
      const value = valueOf(node);
      if (!value || followed.has(value)) return undefined;
      return placementWord(value, followed.add(value));
    }
    if (ts.isStringLiteralLike(node) || ts.isRegularExpressionLiteral(node) || ts.isTemplateLiteralToken(node)) {
      // Without a regex's escapes: `\/configs\/` is the path `/configs/`.
      return PLACEMENT_TEXT.test(node.text.replace(/\\/g, '')) ? node.text : undefined;
    }
    return ts.forEachChild(node, (child) => placementWord(child, followed));
  };
  // The statement a match sits in; for one in the head of an if, for or while, that head alone.
  const statementOf = (node: ts.Node): ts.Node => {
    let n = node;
    while (!ts.isStatement(n.parent) && !ts.isSourceFile(n.parent)) n = n.parent;
    const { parent } = n;
    const small = ts.isExpressionStatement(parent) || ts.isReturnStatement(parent) || ts.isVariableStatement(parent) || ts.isThrowStatement(parent);
    return small ? parent : n;
  };
  const found: PlacementParse[] = [];
  const visit = (node: ts.Node): void => {
    let matcher = false;
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
      matcher = MATCHERS.has(name) && !(receiver && ts.isIdentifier(receiver) && PLACEMENT_LISTS.has(receiver.text));
    } else if (ts.isNewExpression(node)) {
      matcher = ts.isIdentifier(node.expression) && node.expression.text === 'RegExp';
    }
    const word = matcher ? placementWord(statementOf(node)) : undefined;
    if (word) {
      found.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, code: node.getText(), word });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every placement parse of the project outside `model/layout.ts` and this scanner, which spells the words it looks for. */
export function placementParses(files = projectFiles()): PlacementParse[] {
  return files.filter((f) => f !== LAYOUT_MODULE && f !== SCANNER).flatMap((f) => placementParsesIn(f, readFileSync(join(ROOT, f), 'utf8')));
}

if (require.main === module) {
  for (const p of placementParses()) console.log(`${p.file}:${p.line}: ${p.code} (${p.word})`);
}
