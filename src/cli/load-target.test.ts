import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../app/application.js';
import { WeftError } from '../errors.js';
import { loadTarget, resolveTarget } from './load-target.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'weft-load-target-'));
  writeFileSync(path.join(dir, 'mod.js'), 'exports.factory = async () => null; exports.withArgs = (a) => a; exports.port = 8080; exports.nothing = null;\n');
  writeFileSync(path.join(dir, 'throws.js'), 'throw new Error("boom at import");\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function targetError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect((err as WeftError).code).toBe('WEFT_ERR_CLI_TARGET');
    return (err as Error).message;
  }
  throw new Error('no error');
}

test('resolves the module relative to the working directory', () => {
  expect(resolveTarget('mod.js:factory', dir)).toEqual({ file: path.join(dir, 'mod.js'), exportName: 'factory' });
  expect(resolveTarget('./mod:factory', dir)).toEqual({ file: path.join(dir, 'mod.js'), exportName: 'factory' });
});

test('a zero-argument function is a factory', () => {
  expect(typeof loadTarget('mod.js:factory', dir)).toBe('function');
});

test('an Application export is returned as is', () => {
  const app = createApp();
  writeFileSync(path.join(dir, 'app-holder.js'), 'exports.app = globalThis.__weftTestApp;\n');
  (globalThis as Record<string, unknown>).__weftTestApp = app;
  expect(loadTarget('app-holder.js:app', dir)).toBe(app);
});

test('errors name the problem', () => {
  expect(targetError(() => loadTarget('mod.js', dir))).toMatch(/"mod\.js" is not <module>:<export>; name the export too, e\.g\. mod\.js:createApp/);
  expect(targetError(() => loadTarget('mod.js:', dir))).toMatch(/is not <module>:<export>/);
  expect(targetError(() => loadTarget('missing.js:app', dir))).toBe(`WEFT_ERR_CLI_TARGET: cannot find module "missing.js" from ${dir} (a path relative to the working directory, compiled to .js)`);
  expect(targetError(() => loadTarget('mod.js:nope', dir))).toBe('WEFT_ERR_CLI_TARGET: mod.js has no export "nope" (its exports: factory, withArgs, port, nothing)');
  expect(targetError(() => loadTarget('mod.js:withArgs', dir))).toMatch(/withArgs takes 1 argument\(s\): an app factory takes none/);
  expect(targetError(() => loadTarget('mod.js:port', dir))).toMatch(/port is neither an Application nor a factory function \(it is a number\)/);
  expect(targetError(() => loadTarget('mod.js:nothing', dir))).toMatch(/nothing is neither .* \(it is null\)/);
});

test("an error thrown by the module's own code is not a usage error", () => {
  expect(() => loadTarget('throws.js:x', dir)).toThrow('boom at import');
});
