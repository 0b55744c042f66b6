import { resolve, relative } from 'node:path';
import ts from 'typescript';

/*
 * Every name the package exports is documented where users read it: their editor's hover,
 * which shows a symbol's TSDoc and does not follow `{@inheritDoc}`. A value (class,
 * function, constant) also carries an `@example`. The HTTP status classes of
 * http-errors.ts are one table of one-liners ("404 Not Found") made by `define`; the
 * family's example is on `HttpError`, which the test holds to the rule.
 */

const ROOT = resolve(__dirname, '..');
const ENTRY_POINTS = ['src/index.ts', 'src/testing/index.ts'];

interface ExportedName {
  entry: string;
  name: string;
  file: string;
  doc: string;
  hasExample: boolean;
  isValue: boolean;
  isStatusClass: boolean;
}

function readExports(): ExportedName[] {
  const configFile = ts.readConfigFile(resolve(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const entries = ENTRY_POINTS.map((entry) => resolve(ROOT, entry));
  const program = ts.createProgram(entries, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const names: ExportedName[] = [];
  for (const entry of entries) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = symbol.getDeclarations() ?? [];
      const file = declarations[0]?.getSourceFile().fileName ?? entry;
      names.push({
        entry: relative(ROOT, entry),
        name: exported.getName(),
        file: relative(ROOT, file),
        doc: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim(),
        hasExample: symbol.getJsDocTags(checker).some((tag) => tag.name === 'example'),
        isValue: (symbol.flags & ts.SymbolFlags.Value) !== 0,
        isStatusClass: declarations.some(
          (d) => ts.isVariableDeclaration(d) && d.initializer !== undefined && ts.isCallExpression(d.initializer) && /^define/.test(d.initializer.expression.getText()) && /http-errors\.ts$/.test(file),
        ),
      });
    }
  }
  return names;
}

const exported = readExports();
const describeName = (n: ExportedName) => `${n.name} (${n.file}, exported by ${n.entry})`;

test('the entry points export the public API (the check reads something)', () => {
  expect(exported.length).toBeGreaterThan(200);
  expect(exported.map((n) => n.name)).toEqual(expect.arrayContaining(['createApp', 'Controller', 'Get', 'HttpError', 'HTTPNotFound', 'TestClient']));
});

test('every exported name has a TSDoc comment an editor shows', () => {
  const undocumented = exported.filter((n) => n.doc === '' || n.doc.startsWith('{@inheritDoc'));
  expect(undocumented.map(describeName)).toEqual([]);
});

test('every exported value has an @example (the HTTP status table shares HttpError’s)', () => {
  const withoutExample = exported.filter((n) => n.isValue && !n.hasExample && !n.isStatusClass);
  expect(withoutExample.map(describeName)).toEqual([]);
  const statusClasses = exported.filter((n) => n.isStatusClass);
  expect(statusClasses.length).toBeGreaterThan(40);
  expect(statusClasses.filter((n) => !/^\d{3} /.test(n.doc)).map(describeName)).toEqual([]);
  expect(exported.find((n) => n.name === 'HttpError')?.hasExample).toBe(true);
});
