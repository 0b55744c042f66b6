/**
 * `weft routes`: the route table of an app, as the router will try it, without starting it.
 */
import { Application } from '../app/application.js';
import { compileApp } from '../compile/compile-app.js';
import { WeftError } from '../errors.js';
import type { AppOrFactory } from '../server/run-app.js';

/**
 * One row of `weft routes`.
 *
 * @example
 * ```ts
 * const row: RouteRow = { method: 'GET', path: '/users/{id}', name: 'user', handler: 'UsersController.get' };
 * ```
 */
export interface RouteRow {
  readonly method: string;
  readonly path: string;
  /** The route's name (for `router.url`), or '' when it has none. */
  readonly name: string;
  readonly handler: string;
}

/**
 * Builds the app (calling the factory; no startup hook runs), compiles it and lists its
 * routes in matching order: static paths first, then the dynamic ones by specificity.
 *
 * @example
 * ```ts
 * for (const row of await listRoutes(createMyApp)) console.log(row.method, row.path);
 * ```
 */
export async function listRoutes(appOrFactory: AppOrFactory): Promise<RouteRow[]> {
  const app = await (typeof appOrFactory === 'function' ? appOrFactory() : appOrFactory);
  if (!(app instanceof Application)) throw new WeftError('WEFT_ERR_CLI_TARGET', `the factory returned ${app === null ? 'null' : typeof app}, not an Application`);
  const compiled = compileApp(app);
  return compiled.table.routes().map(({ method, path, label, owner }) => ({
    method,
    path,
    name: owner.router.names().find(([, named]) => owner.prefix + named === path)?.[0] ?? '',
    handler: label,
  }));
}

/**
 * Formats rows as an aligned text table with a header.
 *
 * @example
 * ```ts
 * process.stdout.write(formatRoutes(rows));
 * ```
 */
export function formatRoutes(rows: readonly RouteRow[]): string {
  const table = [['METHOD', 'PATH', 'NAME', 'HANDLER'], ...rows.map((r) => [r.method, r.path, r.name || '-', r.handler])];
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ').trimEnd() + '\n').join('');
}
