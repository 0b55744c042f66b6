import { type Container, DiError, Key } from '../../container/index.js';
import { type ParamMetadata } from '../../decorators/metadata.js';
import { type Request } from '../http/request.js';
import { appInstance } from './app-instance.js';
import { readBody, readBodyThen } from './read-body.js';

/** Gives one handler argument for a request. */
type ArgumentResolver = (request: Request) => unknown;

/** A compiled route handler: request in, handler result (not yet a response) out. */
export type CompiledHandler = (request: Request) => unknown;

/** Builds the resolver of one parameter, once, at startup. */
function argumentResolver(param: ParamMetadata, container: Container, label: string): ArgumentResolver {
  switch (param.kind) {
    case 'param':
      return param.name === undefined ? (r) => r.params : (r) => r.params[param.name!];
    case 'query':
      return param.name === undefined ? (r) => r.query : (r) => r.query.get(param.name!) ?? undefined;
    case 'headers':
      return param.name === undefined ? (r) => r.headers : (r) => r.headers.get(param.name!) ?? undefined;
    case 'body':
      return readBody;
    case 'req':
      return (r) => r;
    case 'signal':
      return (r) => r.signal;
    case 'inject':
      return injectResolver(param.token, param.optional, container, `${label} parameter #${param.index + 1}`);
  }
}

function injectResolver(token: unknown, optional: boolean, container: Container, where: string): ArgumentResolver {
  if (optional && !container.has(token as never)) return () => undefined;
  try {
    // optional: a declared per-request value nothing provided gives undefined, not a 500
    const resolve = optional ? container.resolverFor(token as never, { optional: true }) : container.resolverFor(token as never);
    return container.needsScope(token as never) ? (r) => resolve(r.scope) : () => resolve();
  } catch (err) {
    // Name the handler parameter, as constructor errors name theirs.
    if (err instanceof DiError) {
      const hint =
        err.code === 'WEFT_DI_MISSING' && token instanceof Key
          ? ` (a value a middleware sets with request.scope.provide() is declared in providers as { provide: ${token.name}, scope: 'request' })`
          : '';
      throw new DiError(err.code, `${where}: ${err.message.slice(err.code.length + 2)}${hint}`, [where, ...err.path], { cause: err });
    }
    throw err;
  }
}

/** Whether any parameter needs the request scope. */
export function paramsNeedScope(params: ParamMetadata[], container: Container): boolean {
  return params.some((p) => p.kind === 'inject' && container.has(p.token as never) && container.needsScope(p.token as never));
}

/**
 * Compiles a controller method into a handler. The controller is resolved once per app
 * (lazily, after async singletons are ready; shared by all its routes) unless it needs the
 * request scope, then per request.
 * With no parameter decorators the method receives the Request, as in aiohttp.
 */
export function compileControllerHandler(
  controller: abstract new (...args: never[]) => unknown,
  key: string | symbol,
  params: ParamMetadata[],
  container: Container,
): CompiledHandler {
  const resolveController = container.resolverFor(controller as never) as (scope?: unknown) => Record<string | symbol, (...args: unknown[]) => unknown>;
  const getController: (r: Request) => Record<string | symbol, (...args: unknown[]) => unknown> = container.needsScope(controller as never)
    ? (r) => resolveController(r.scope)
    : appInstance(container, controller, () => resolveController());

  if (params.length === 0) return (r) => getController(r)[key](r); // hot path
  const label = `${controller.name}.${String(key)}`;
  const resolvers = denseResolvers(params, container, label);
  const bodyIndexes = params.filter((p) => p.kind === 'body').map((p) => p.index);
  if (bodyIndexes.length === 0) return argumentsHandler(resolvers, getController, key);
  if (bodyIndexes.length === 1) {
    const bodyIndex = bodyIndexes[0];
    // hot path: the other arguments at once, then one promise for the body (no async frame)
    return (r) => {
      const args = new Array<unknown>(resolvers.length);
      for (let i = 0; i < resolvers.length; i++) if (i !== bodyIndex) args[i] = resolvers[i](r);
      return readBodyThen(r, (body) => {
        args[bodyIndex] = body;
        return getController(r)[key](...args);
      });
    };
  }
  return async (r) => {
    const args = new Array<unknown>(resolvers.length);
    for (let i = 0; i < resolvers.length; i++) args[i] = await resolvers[i](r);
    return getController(r)[key](...args);
  };
}

/**
 * A handler calling the method with its resolved arguments: up to five passed directly
 * (no arguments array, no spread), more through an array.
 */
function argumentsHandler(
  resolvers: ArgumentResolver[],
  getController: (r: Request) => Record<string | symbol, (...args: unknown[]) => unknown>,
  key: string | symbol,
): CompiledHandler {
  // hot path
  switch (resolvers.length) {
    case 1: {
      const [a] = resolvers;
      return (r) => getController(r)[key](a(r));
    }
    case 2: {
      const [a, b] = resolvers;
      return (r) => getController(r)[key](a(r), b(r));
    }
    case 3: {
      const [a, b, c] = resolvers;
      return (r) => getController(r)[key](a(r), b(r), c(r));
    }
    case 4: {
      const [a, b, c, d] = resolvers;
      return (r) => getController(r)[key](a(r), b(r), c(r), d(r));
    }
    case 5: {
      const [a, b, c, d, e] = resolvers;
      return (r) => getController(r)[key](a(r), b(r), c(r), d(r), e(r));
    }
    default:
      return (r) => {
        const args = new Array<unknown>(resolvers.length);
        for (let i = 0; i < resolvers.length; i++) args[i] = resolvers[i](r);
        return getController(r)[key](...args);
      };
  }
}

/** Resolvers by parameter index; an undecorated parameter between decorated ones gets undefined. */
function denseResolvers(params: ParamMetadata[], container: Container, label: string): ArgumentResolver[] {
  const count = Math.max(...params.map((p) => p.index)) + 1;
  const resolvers: ArgumentResolver[] = new Array(count).fill(() => undefined);
  for (const param of params) resolvers[param.index] = argumentResolver(param, container, label);
  return resolvers;
}
