/**
 * `<module>:<export>` → the Application or factory it names (gunicorn's `module:variable`,
 * aiohttp's `python -m aiohttp.web module:factory`).
 */
import path from 'node:path';
import { Application } from '../app/application.js';
import { WeftError } from '../errors.js';
import type { AppOrFactory } from '../server/run-app.js';

/**
 * Finds the module file of `<module>:<export>`, relative to `cwd`, without running it.
 *
 * @throws WeftError `WEFT_ERR_CLI_TARGET` when the target has no `:export`, or no module
 * exists there.
 * @example
 * ```ts
 * resolveTarget('dist/app.js:createApp', process.cwd()); // { file: '/srv/app/dist/app.js', exportName: 'createApp' }
 * ```
 */
export function resolveTarget(target: string, cwd: string): { file: string; exportName: string } {
  const colon = target.lastIndexOf(':');
  const spec = colon <= 0 ? target : target.slice(0, colon);
  const exportName = colon <= 0 ? '' : target.slice(colon + 1);
  if (colon <= 0 || exportName === '' || spec === '') {
    throw new WeftError('WEFT_ERR_CLI_TARGET', `${JSON.stringify(target)} is not <module>:<export>; name the export too, e.g. ${spec || 'dist/app.js'}:createApp`);
  }
  let file: string;
  try {
    // a path relative to the working directory first, then a package name seen from there
    file = tryResolve(path.resolve(cwd, spec)) ?? require.resolve(spec, { paths: [cwd] });
  } catch {
    throw new WeftError('WEFT_ERR_CLI_TARGET', `cannot find module ${JSON.stringify(spec)} from ${cwd} (a path relative to the working directory, compiled to .js)`);
  }
  return { file, exportName };
}

/**
 * Loads `<module>:<export>` with `require` (an ES module too, unless it has top-level
 * await) and checks what it exports: an {@link Application}, or a function of no arguments
 * returning one (maybe async; its result is checked when it runs).
 *
 * @throws WeftError `WEFT_ERR_CLI_TARGET` for a missing module or export, an ES module with
 * top-level await, or an export that is neither an Application nor a zero-argument
 * function. An error thrown by the module's own code is rethrown as is.
 * @example
 * ```ts
 * const appOrFactory = loadTarget('dist/app.js:createApp', process.cwd());
 * await runApp(appOrFactory, { port: 8080 });
 * ```
 */
export function loadTarget(target: string, cwd: string): AppOrFactory {
  const { file, exportName } = resolveTarget(target, cwd);
  const exports = requireTarget(file, cwd);
  if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function') || !(exportName in exports)) {
    const known = exports !== null && typeof exports === 'object' ? Object.keys(exports).join(', ') || 'none' : 'none';
    throw new WeftError('WEFT_ERR_CLI_TARGET', `${path.relative(cwd, file) || file} has no export ${JSON.stringify(exportName)} (its exports: ${known})`);
  }
  const value = exports[exportName];
  if (value instanceof Application) return value;
  if (typeof value === 'function') {
    if (value.length > 0) {
      throw new WeftError('WEFT_ERR_CLI_TARGET', `${exportName} takes ${value.length} argument(s): an app factory takes none; close over your settings (or read them from the environment)`);
    }
    return value as () => Application | Promise<Application>;
  }
  throw new WeftError('WEFT_ERR_CLI_TARGET', `${exportName} is neither an Application nor a factory function (it is ${describe(value)}); export createApp(...)'s result or a function returning it`);
}

function requireTarget(file: string, cwd: string): Record<string, unknown> {
  try {
    return require(file) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports -- the CLI loads user modules by path, as documented
  } catch (err) {
    // node's require() loads an ES module, but not one whose graph has top-level await; its
    // advice (use import()) is for the caller, not for the user of weft
    if ((err as { code?: unknown } | null)?.code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    throw new WeftError(
      'WEFT_ERR_CLI_TARGET',
      `${path.relative(cwd, file) || file} (or a module it imports) uses top-level await, which weft cannot load (it loads the module with require()): move the await into the factory (export async function createApp() { ... })`,
      { cause: err },
    );
  }
}

function tryResolve(file: string): string | undefined {
  try {
    return require.resolve(file);
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return `a ${typeof value}`;
}
