import {
  type ControllerMetadata,
  type MiddlewareRef,
  type ParamMetadata,
  type RouteMetadata,
  readMetadata,
} from '../../decorators/metadata.js';
import { readParameterInjections } from '../../container/injection-metadata.js';
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { PathPattern } from '../router/path-pattern.js';
import { type ClassRef } from '../app/app-registrations.js';

/** One route of a controller with inheritance resolved. */
export interface ControllerRoute {
  route: RouteMetadata;
  /** How the method's parameters are filled, by index. */
  params: ParamMetadata[];
  /** `@Use` on the method, base classes first. */
  uses: MiddlewareRef[];
  /** `@Atomic()` on the method, in this class or an ancestor. */
  atomic: boolean;
}

/** A controller with inheritance resolved: what the compile step needs. */
export interface ControllerDefinition {
  controller: ClassRef;
  prefix: string;
  /** Controller-level middlewares: `@Controller(prefix, { middlewares })` and `@Use`, base classes first. */
  middlewares: MiddlewareRef[];
  routes: ControllerRoute[];
}

/** The class and its ancestors, most derived first, up to (not including) Object. */
function lineage(cls: ClassRef): ClassRef[] {
  const chain: ClassRef[] = [];
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.push(c as ClassRef);
  }
  return chain;
}

/**
 * Reads a controller class and its ancestors. A subclass serves inherited routes under
 * its own prefix; a method decorated again in a subclass replaces the inherited routes of
 * that method; an override that is not decorated keeps the inherited route (and the
 * inherited parameter decorators) and runs the override.
 */
export function readController(cls: ClassRef): ControllerDefinition {
  const chain = lineage(cls);
  let controller: ControllerMetadata | undefined;
  for (const c of chain) {
    controller = readMetadata(c)?.controller;
    if (controller !== undefined) break;
  }
  if (controller === undefined) {
    throw new WeftError('WEFT_ERR_INVALID_CONTROLLER', `${cls.name || 'an anonymous class'} is used as a controller but neither it nor a parent class has @Controller()`);
  }
  if (typeof controller.prefix !== 'string') {
    throw new WeftError(
      'WEFT_ERR_INVALID_CONTROLLER',
      `${cls.name}: the @Controller() prefix must be a string, got ${typeof controller.prefix} (options come second: @Controller('/users', { middlewares }))`,
    );
  }

  // 'users' can only mean '/users' (NestJS's usual spelling); a route path has no such reading: 'list' is '/list' or 'list' glued on
  const prefix = controller.prefix === '' || controller.prefix.startsWith('/') ? controller.prefix : `/${controller.prefix}`;

  const basesFirst = [...chain].reverse();
  const middlewares: MiddlewareRef[] = [];
  for (const c of basesFirst) {
    const meta = readMetadata(c);
    if (meta === undefined) continue;
    if (meta.controller !== undefined) middlewares.push(...controllerMiddlewares(c, meta.controller.options));
    middlewares.push(...meta.uses);
  }

  const routes: ControllerRoute[] = [];
  const claimed = new Set<string | symbol>();
  for (const c of chain) {
    const meta = readMetadata(c);
    if (meta === undefined) continue;
    const ownKeys = new Set(meta.routes.map((r) => r.propertyKey));
    for (const route of meta.routes) {
      if (claimed.has(route.propertyKey)) continue;
      const atomic = chain.some((k) => readMetadata(k)?.atomic.has(route.propertyKey) === true);
      routes.push({ route, params: paramsFor(chain, c, route.propertyKey), uses: usesFor(basesFirst, route.propertyKey), atomic });
    }
    ownKeys.forEach((key) => claimed.add(key));
  }
  checkEveryDecoratedMethodRouted(cls, chain, new Set(routes.map(({ route }) => route.propertyKey)));
  routes.forEach(({ route, params }) => {
    const label = `${cls.name}.${String(route.propertyKey)}`;
    if (typeof (cls.prototype as Record<string | symbol, unknown>)[route.propertyKey] !== 'function') {
      const isStatic = typeof (cls as unknown as Record<string | symbol, unknown>)[route.propertyKey] === 'function';
      throw new WeftError('WEFT_ERR_INVALID_HANDLER', `${label} is decorated as a route but is not ${isStatic ? 'an instance method (it is static; the controller is built by DI)' : 'a method'}`);
    }
    // 'list' under '/users' would be served at '/userslist' (NestJS joins with a slash)
    if (typeof route.path !== 'string' || (route.path !== '' && !route.path.startsWith('/'))) {
      throw new WeftError(
        'WEFT_ERR_INVALID_PATH',
        `${label}: the route path ${JSON.stringify(route.path)} must start with '/' (it is appended to the controller prefix ${JSON.stringify(prefix)}), or be '' for the prefix itself`,
      );
    }
    checkOneDecoratorEach(label, params);
    // a method routed at several paths may name a parameter only some of them have
    const paths = routes.filter((other) => other.route.propertyKey === route.propertyKey).map((other) => joinPath(prefix, other.route.path));
    checkParamNames(label, paths, params);
  });
  return { controller: cls, prefix, middlewares, routes };
}

/** The middlewares of `@Controller(prefix, options)`, its options checked: a misspelt `middleware` is not ignored. */
function controllerMiddlewares(cls: ClassRef, options: unknown): MiddlewareRef[] {
  const where = `@Controller() on ${cls.name}`;
  checkKnownOptions(options, ['middlewares'], where);
  const { middlewares = [] } = options as { middlewares?: unknown };
  if (!Array.isArray(middlewares)) throw new WeftError('WEFT_ERR_INVALID_OPTION', `${where}: middlewares must be an array, got ${middlewares === null ? 'null' : typeof middlewares}`);
  return middlewares as MiddlewareRef[];
}

/** A method with `@Param`, `@Inject`, `@Use` or `@Atomic()` but no route decorator (forgotten) would never be served. */
function checkEveryDecoratedMethodRouted(cls: ClassRef, chain: readonly ClassRef[], routed: ReadonlySet<string | symbol>): void {
  for (const c of chain) {
    const meta = readMetadata(c);
    // a handler's @Inject is recorded by the DI decorators: on the prototype, or the class for a static method
    const injected = [c.prototype as object, c].flatMap((target) => Reflect.ownKeys(target).filter((key) => readParameterInjections(target, key).size > 0));
    const decorated: Array<[string | symbol, string]> = [
      ...[...(meta?.params.keys() ?? []), ...injected].map((key): [string | symbol, string] => [key, 'parameter decorators']),
      ...[...(meta?.methodUses.keys() ?? [])].map((key): [string | symbol, string] => [key, '@Use']),
      ...[...(meta?.atomic ?? [])].map((key): [string | symbol, string] => [key, '@Atomic']),
    ];
    for (const [key, what] of decorated) {
      if (!routed.has(key)) {
        throw new WeftError('WEFT_ERR_INVALID_HANDLER', `${cls.name}.${String(key)} has ${what} but no route decorator (@Get, @Post, ..., @Route): it is never served`);
      }
    }
  }
}

const DECORATOR_NAMES: Record<ParamMetadata['kind'], string> = {
  param: '@Param',
  query: '@Query',
  headers: '@Headers',
  body: '@Body',
  req: '@Req',
  signal: '@Signal',
  inject: '@Inject',
};

/** Two decorators on one parameter (`@Param('id') @Query('id')`): only one could fill it. */
function checkOneDecoratorEach(label: string, params: readonly ParamMetadata[]): void {
  for (let i = 1; i < params.length; i++) {
    const [before, param] = [params[i - 1], params[i]];
    if (before.index === param.index) {
      throw new WeftError(
        'WEFT_ERR_INVALID_HANDLER',
        `${label} parameter #${param.index + 1} has two decorators (${DECORATOR_NAMES[before.kind]} and ${DECORATOR_NAMES[param.kind]}); give it one`,
      );
    }
  }
}

/** `@Param(name)` must name a parameter of one of the method's route paths: otherwise it is always undefined. */
function checkParamNames(label: string, paths: readonly string[], params: readonly ParamMetadata[]): void {
  const named = params.flatMap((param) => (param.kind === 'param' && param.name !== undefined ? [{ index: param.index, name: param.name }] : []));
  if (named.length === 0) return;
  const names = new Set<string>();
  for (const path of paths) {
    try {
      for (const name of new PathPattern(path).paramNames) names.add(name);
    } catch {
      return; // an invalid path is reported, with its label, when the route is added
    }
  }
  for (const param of named) {
    if (!names.has(param.name)) {
      const has = names.size === 0 ? 'it has none' : `it has ${[...names].join(', ')}`;
      throw new WeftError('WEFT_ERR_INVALID_HANDLER', `${label} parameter #${param.index + 1}: @Param('${param.name}') names no parameter of the path ${paths.join(' or ')} (${has})`);
    }
  }
}

/**
 * Parameter decorators: the nearest class at or below the route's declaring class that
 * decorates the method's parameters wins. `@Inject(token)` on a handler parameter is
 * recorded by the DI decorators, and read here beside the HTTP ones.
 */
function paramsFor(chain: ClassRef[], declaring: ClassRef, key: string | symbol): ParamMetadata[] {
  for (const c of chain) {
    const params: ParamMetadata[] = [...(readMetadata(c)?.params.get(key) ?? [])];
    for (const [index, injection] of readParameterInjections(c.prototype as object, key)) {
      // `@Optional()` alone: the token is the parameter's type, as for a constructor
      const token = injection.token ?? designToken(c, key, index);
      params.push({ index, kind: 'inject', token, optional: injection.optional });
    }
    if (params.length > 0) return params.sort((a, b) => a.index - b.index);
    if (c === declaring) break;
  }
  return [];
}

/** Types that say nothing about what to inject: interfaces, unions and `any` become `Object`. */
const NO_TOKEN_TYPES: readonly unknown[] = [undefined, Object, String, Number, Boolean, Symbol, BigInt, Array, Function, Promise];

/** The class a handler parameter is typed as (emitDecoratorMetadata), for `@Optional()` without `@Inject()`. */
function designToken(cls: ClassRef, key: string | symbol, index: number): unknown {
  const types = Reflect.getMetadata('design:paramtypes', cls.prototype as object, key) as unknown[] | undefined;
  const type = types?.[index];
  if (NO_TOKEN_TYPES.includes(type) || typeof type !== 'function') {
    throw new WeftError(
      'WEFT_ERR_INVALID_HANDLER',
      `${cls.name}.${String(key)} parameter #${index + 1}: @Optional() needs @Inject(token) here, its type gives no token (${typeof type === 'function' ? type.name : 'no type metadata'})`,
    );
  }
  return type;
}

function usesFor(basesFirst: ClassRef[], key: string | symbol): MiddlewareRef[] {
  return basesFirst.flatMap((c) => readMetadata(c)?.methodUses.get(key) ?? []);
}

/** Joins a prefix and a path: `('/users', '/{id}')` → `/users/{id}`, `('/users', '')` → `/users`. */
export function joinPath(prefix: string, path: string): string {
  const joined = prefix.replace(/\/+$/, '') + path;
  return joined === '' ? '/' : joined;
}
