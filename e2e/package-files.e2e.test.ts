import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

const root = path.join(__dirname, '..');

let packing: Promise<Set<string>> | undefined;

/** The paths `npm pack` puts in the package (asked once). */
function packedFiles(): Promise<Set<string>> {
  packing ??= promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root }).then(
    ({ stdout }) => new Set((JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path)),
  );
  return packing;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

test("the published package holds every docs/ page README.md links to", async () => {
  const packed = await packedFiles();
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const linked = [...new Set([...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((match) => match[1]!))];
  expect(linked.length).toBeGreaterThan(0);
  expect(linked.filter((page) => !packed.has(page))).toEqual([]);
}, 30_000);

test('every package the published declarations import is a dependency, and so are its types when it has none of its own', async () => {
  // a consumer's compiler reads these imports: a devDependency is not installed there
  const packed = await packedFiles();
  const imported = new Set<string>();
  for (const file of [...packed].filter((name) => name.endsWith('.d.ts'))) {
    const { importedFiles } = ts.preProcessFile(await readFile(path.join(root, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.') || fileName.startsWith('node:')) continue;
      imported.add(fileName.split('/').slice(0, fileName.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  expect(imported.size).toBeGreaterThan(0);
  const { dependencies = {} } = await readJson<{ dependencies?: Record<string, string> }>(path.join(root, 'package.json'));
  const needed: string[] = [];
  for (const name of imported) {
    const manifest = await readJson<{ types?: string; typings?: string }>(path.join(root, 'node_modules', name, 'package.json'));
    needed.push(name);
    if (manifest.types === undefined && manifest.typings === undefined) needed.push(`@types/${name.replace(/^@(.*)\//, '$1__')}`);
  }
  expect(needed.filter((name) => !(name in dependencies))).toEqual([]);
}, 30_000);
