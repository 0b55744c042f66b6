/**
 * Checks of what users pass to `createApp()` and as route options: JavaScript callers, and
 * options built at run time, get what TypeScript would have told them. A misspelt option
 * is not ignored, and `clientMaxSize: '10mb'` is not a body limit that never applies.
 */
import { Container } from '../../container/index.js';
import { type RouteOptions } from '../../decorators/metadata.js';
import { type ErrorCode, WeftError } from '../errors.js';
import { checkClientMaxSize, checkKnownOptions, isOptionsObject, shownValue } from '../option-checks.js';
import { missingLoggerMethods } from '../logging/logger.js';
import type { AppOptions } from './application.js';

const APP_OPTIONS = ['modules', 'controllers', 'providers', 'middlewares', 'clientMaxSize', 'autoDecompress', 'debug', 'name', 'logger', 'container', 'jobs'];
const ROUTE_OPTIONS = ['name', 'middlewares', 'accept', 'predicates', 'expectHandler', 'clientMaxSize', 'atomic', 'serializer'];

function invalid(message: string): WeftError {
  return new WeftError('WEFT_ERR_INVALID_OPTION', message);
}

function checkType(value: unknown, type: 'boolean' | 'string' | 'function' | 'array' | 'object', name: string, where: string): void {
  if (value === undefined) return;
  const ok = type === 'array' ? Array.isArray(value) : type === 'object' ? typeof value === 'object' && value !== null : typeof value === type;
  if (!ok) throw invalid(`${where}: ${name} must be ${type === 'array' || type === 'object' ? 'an' : 'a'} ${type}, got ${value === null ? 'null' : typeof value}`);
}

/**
 * Checks `createApp()` options, naming the first invalid one.
 *
 * @example
 * ```ts
 * checkAppOptions({ clientMaxSize: '10mb' }); // throws WEFT_ERR_INVALID_OPTION
 * ```
 * @throws WeftError `WEFT_ERR_INVALID_OPTION`.
 */
export function checkAppOptions(options: AppOptions): void {
  const where = 'createApp()';
  if (!isOptionsObject(options)) throw invalid(`${where}: options must be an object, got ${shownValue(options)}`);
  checkKnownOptions(options, APP_OPTIONS, where);
  for (const name of ['modules', 'controllers', 'providers'] as const) checkListEntries(options[name], name, where, 'WEFT_ERR_INVALID_OPTION');
  checkType(options.middlewares, 'array', 'middlewares', where);
  checkClientMaxSize(options.clientMaxSize, where);
  checkType(options.autoDecompress, 'boolean', 'autoDecompress', where);
  checkType(options.debug, 'boolean', 'debug', where);
  checkType(options.name, 'string', 'name', where);
  checkType(options.logger, 'object', 'logger', where);
  const missing = options.logger === undefined ? [] : missingLoggerMethods(options.logger);
  if (missing.length > 0) throw invalid(`${where}: logger must have error, warn, info and debug methods (missing: ${missing.join(', ')})`);
  if (options.container !== undefined && !(options.container instanceof Container)) {
    throw invalid(`${where}: container must be a weft Container (new Container(), or new Container({ fallback: fromInversify(yours) }) to build on yours), got ${shownValue(options.container)}`);
  }
  if (options.container?.frozen === true) {
    throw invalid(
      `${where}: container "${options.container.name}" is already frozen: the app registers its providers, controllers and scheduler in it and freezes it at startup; pass it to createApp() unfrozen`,
    );
  }
}

const LIST_CLASSES = { imports: '@Module()', modules: '@Module()', controllers: '@Controller()' } as const;

/**
 * Checks the entries of a `modules`, `imports`, `controllers` or `providers` list (of
 * `createApp()` or a `@Module()`), naming the first bad one by its index. An undefined entry
 * is what a circular import between files leaves in a list; a module or controller must be
 * a class (a NestJS dynamic module `{ module, providers }` is not one). The container
 * checks the shape of providers.
 *
 * @example
 * ```ts
 * checkListEntries([undefined], 'imports', '@Module() on UsersModule', 'WEFT_ERR_INVALID_MODULE'); // throws: imports[0] is undefined, ...
 * ```
 * @throws WeftError `code` naming `where`, the list and the index.
 */
export function checkListEntries(list: unknown, name: keyof typeof LIST_CLASSES | 'providers', where: string, code: ErrorCode): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) throw new WeftError(code, `${where}: ${name} must be an array, got ${list === null ? 'null' : typeof list}`);
  list.forEach((entry: unknown, index) => {
    const at = `${where}: ${name}[${index}]`;
    if (entry === undefined) {
      throw new WeftError(
        code,
        `${at} is undefined, usually a circular import between files (the class was not defined yet when the list was read); import it from a file that does not import this one`,
      );
    }
    if (entry === null) throw new WeftError(code, `${at} is null`);
    if (name === 'providers' || typeof entry === 'function') return;
    const module = (entry as { module?: unknown }).module;
    const dynamic = typeof module === 'function' ? ` (weft has no dynamic modules: import ${module.name} and list its providers in providers)` : '';
    throw new WeftError(code, `${at} must be a ${LIST_CLASSES[name]} class, got ${shownValue(entry)}${dynamic}`);
  });
}

/**
 * Checks the options of one route (`router.add`, `@Get` and the other route decorators),
 * naming the route and the first invalid option. `extraNames` are options the route's kind
 * takes besides (a `@WebSocket()` route's websocket options, checked where they are used).
 *
 * @example
 * ```ts
 * checkRouteOptions({ clientMaxsize: 10 }, 'POST /upload'); // throws: unknown option "clientMaxsize"
 * ```
 * @throws WeftError `WEFT_ERR_INVALID_OPTION`.
 */
export function checkRouteOptions(options: RouteOptions, where: string, extraNames: readonly string[] = []): void {
  if (!isOptionsObject(options)) throw invalid(`${where}: route options must be an object, got ${shownValue(options)}`);
  checkKnownOptions(options, extraNames.length === 0 ? ROUTE_OPTIONS : [...ROUTE_OPTIONS, ...extraNames], where);
  checkType(options.name, 'string', 'name', where);
  checkType(options.middlewares, 'array', 'middlewares', where);
  checkType(options.accept, 'array', 'accept', where);
  checkType(options.predicates, 'array', 'predicates', where);
  checkType(options.expectHandler, 'function', 'expectHandler', where);
  checkClientMaxSize(options.clientMaxSize, where);
  checkType(options.atomic, 'boolean', 'atomic', where);
  // serializer: checked where it is compiled (with-serializer.ts)
}
