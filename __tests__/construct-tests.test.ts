/**
 * Every construct class under constructs/ has a construct-level test of its own:
 * `__tests__/constructs/<file>.test.ts`, importing the class from its file (the cdk8s-plus way: one
 * construct in `Testing.chart()`, its objects read through the generated types).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const TESTS = join('__tests__', 'constructs');

/** What makes a class a construct: the constructs, cdk8s and cdk8s-plus bases, or a construct class of ours. */
const CONSTRUCT_BASES = new Set(['Construct', 'Chart', 'App', 'ApiObject']);
const CONSTRUCT_LIBRARIES = ['kplus.', 'k8s.'];

interface ClassDeclaration {
  readonly name: string;
  /** The `extends` clause as written, e.g. `Construct`, `kplus.Deployment`, `ChartRelease`. */
  readonly base?: string;
  /** Repository-relative path of its file. */
  readonly file: string;
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name))
    : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

function classesOf(file: string): ClassDeclaration[] {
  return parse(file).statements.filter(ts.isClassDeclaration).flatMap((c) => {
    const base = c.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0].expression.getText();
    return c.name ? [{ name: c.name.text, base, file }] : [];
  });
}

/** The construct classes declared under constructs/, exported or not. */
function constructClasses(): ClassDeclaration[] {
  const all = tsFiles('constructs').flatMap(classesOf);
  const constructs = new Set<string>();
  const isConstruct = (base?: string) => base !== undefined
    && (CONSTRUCT_BASES.has(base) || CONSTRUCT_LIBRARIES.some((l) => base.startsWith(l)) || constructs.has(base));
  // A class extending one of ours counts once its base does: repeat until nothing is added.
  for (let added = true; added;) {
    added = false;
    for (const c of all) {
      if (!constructs.has(c.name) && isConstruct(c.base)) {
        constructs.add(c.name);
        added = true;
      }
    }
  }
  return all.filter((c) => constructs.has(c.name));
}

/** The test a construct class needs: named after its file. */
function testFileOf(c: ClassDeclaration): string {
  return join(TESTS, c.file.replace(/^.*\//, '').replace(/\.ts$/, '.test.ts'));
}

/** Whether the test file imports the class from the class's own file. */
function importsClass(testFile: string, c: ClassDeclaration): boolean {
  return parse(testFile).statements.filter(ts.isImportDeclaration).some((i) => {
    const spec = ts.isStringLiteral(i.moduleSpecifier) ? i.moduleSpecifier.text : '';
    const bindings = i.importClause?.namedBindings;
    return `${join(dirname(testFile), spec)}.ts` === c.file && bindings !== undefined && ts.isNamedImports(bindings)
      && bindings.elements.some((e) => (e.propertyName ?? e.name).getText() === c.name);
  });
}

const tested = (c: ClassDeclaration) => tsFiles(TESTS).includes(testFileOf(c)) && importsClass(testFileOf(c), c);

describe('construct tests', () => {
  const classes = constructClasses();

  test('the walker finds construct classes by what they extend, through our own bases, and nothing else', () => {
    const names = classes.map((c) => c.name);
    // Construct, App, Chart, and a chart component through ChartRelease.
    expect(names).toEqual(expect.arrayContaining(['HelmRelease', 'CustomerApp', 'ComponentChart', 'Traefik', 'KubePrometheusStack']));
    expect(names).not.toContain('CredentialRegistry');
    expect(names).not.toContain('TierScope');
    expect(classes.find((c) => c.name === 'Traefik')?.file).toBe('constructs/infrastructure/traefik.ts');
  });

  test('every construct class has __tests__/constructs/<its file>.test.ts, which imports it', () => {
    const missing = classes.filter((c) => !tested(c))
      .map((c) => `${c.name} (${c.file}): expected ${testFileOf(c)} importing it, found ${tsFiles(TESTS).includes(testFileOf(c)) ? 'a test that does not' : 'none'}`);
    expect(missing).toEqual([]);
  });
});
