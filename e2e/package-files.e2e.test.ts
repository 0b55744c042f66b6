import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/** A user's program against the public declarations, as strict as user projects get. */
const CONSUMER = `
import { Controller, Get, Inject, Injectable, Key, createApp, createHttpServer, json, runApp, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const Greeting = new Key<string>('greeting');
const Port = new Key<number>('port');

@Injectable()
class Greeter {
  constructor(@Inject(Greeting) private readonly greeting: string) {}
  greet(name: string): string { return this.greeting + ', ' + name; }
}

@Controller('/hello')
class Hello {
  constructor(private readonly greeter: Greeter) {}
  @Get('/{name}')
  greet(request: Request) { return json({ text: this.greeter.greet(request.params['name'] ?? '') }); }
}

export async function check(): Promise<string> {
  const app = createApp({ controllers: [Hello], providers: [Greeter, { provide: Greeting, useValue: 'hi' }] });
  app.provide(Port, 8080);
  // @ts-expect-error a Key<number> takes a number, as container.provide() and scope.provide() say
  app.provide(Port, '8080');
  createHttpServer(app.callback(), { keepAliveTimeout: 65_000 }).close();
  void runApp;
  const client = await new TestClient(app).start();
  const body = (await client.get('/hello/you')).json<{ text: string }>();
  await client.close();
  return body.text;
}
`;

/** Runs `use` in a new project directory whose node_modules/weft is this package. */
async function inConsumer(type: 'commonjs' | 'module', use: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'weft-consumer-'));
  try {
    await mkdir(path.join(dir, 'node_modules'));
    await symlink(root, path.join(dir, 'node_modules', 'weft'), 'dir');
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type }));
    await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test.each(['commonjs', 'module'] as const)('the published declarations compile in a %s project with skipLibCheck false and the strictest options', async (type) => {
  await inConsumer(type, async (dir) => {
    await writeFile(path.join(dir, 'consumer.ts'), CONSUMER);
    const compilerOptions = {
      target: 'ES2022',
      module: type === 'module' ? 'nodenext' : 'node16',
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      noPropertyAccessFromIndexSignature: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: false,
      noEmit: true,
      types: ['node'],
      typeRoots: [path.join(root, 'node_modules', '@types')],
    };
    await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', dir]).catch((err: { stdout: string }) => err);
    expect(stdout).toBe('');
  });
}, 60_000);

test.each([
  ['node10', ts.ModuleResolutionKind.Node10, ts.ModuleKind.CommonJS],
  ['node16', ts.ModuleResolutionKind.Node16, ts.ModuleKind.Node16],
  ['nodenext', ts.ModuleResolutionKind.NodeNext, ts.ModuleKind.NodeNext],
  ['bundler', ts.ModuleResolutionKind.Bundler, ts.ModuleKind.ESNext],
])('weft and weft/testing resolve to their declarations with moduleResolution %s', async (_name, moduleResolution, module) => {
  // node10 is TypeScript 5's default with module commonjs (NestJS's tsconfig): it reads no "exports"
  await inConsumer('commonjs', async (dir) => {
    const resolve = (spec: string) => ts.resolveModuleName(spec, path.join(dir, 'consumer.ts'), { moduleResolution, module }, ts.sys).resolvedModule?.resolvedFileName;
    const dist = path.join(await realpath(root), 'dist', 'src');
    expect([resolve('weft'), resolve('weft/testing')]).toEqual([path.join(dist, 'index.d.ts'), path.join(dist, 'testing', 'index.d.ts')]);
  });
});
