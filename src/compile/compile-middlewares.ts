import { type Container } from '../../container/index.js';
import { type MiddlewareRef, readMetadata } from '../../decorators/metadata.js';
import { WeftError } from '../errors.js';
import { type Middleware, type MiddlewareClass } from '../pipeline/middleware.js';
import { appInstance } from './app-instance.js';

/** Whether a middleware reference is a `@Middleware()` class. */
export function isMiddlewareClass(ref: MiddlewareRef): boolean {
  return readMetadata(ref)?.middleware === true;
}

/**
 * Turns a middleware reference into a function. A `@Middleware()` class is resolved from
 * the container: once per app (lazily, after startup; shared by every route and layer
 * using it) unless it needs the request scope, then per request. A class without
 * `@Middleware()` is an error, not a silent call.
 */
export function compileMiddleware(ref: MiddlewareRef, container: Container): Middleware {
  if (typeof ref !== 'function') {
    throw new WeftError('WEFT_ERR_INVALID_MIDDLEWARE', `a middleware must be a function or a @Middleware() class, got ${ref === null ? 'null' : typeof ref}`);
  }
  if (!isMiddlewareClass(ref)) {
    if (/^class[\s{]/.test(Function.prototype.toString.call(ref))) {
      throw new WeftError('WEFT_ERR_INVALID_MIDDLEWARE', `${ref.name} is a class but not decorated with @Middleware()`);
    }
    return ref as Middleware;
  }
  const resolve = container.resolverFor(ref as never) as (scope?: unknown) => MiddlewareClass;
  if (typeof (ref.prototype as Partial<MiddlewareClass>).handle !== 'function') {
    throw new WeftError('WEFT_ERR_INVALID_MIDDLEWARE', `${ref.name} is a @Middleware() class without a handle(request, next) method`);
  }
  if (container.needsScope(ref as never)) return (request, next) => resolve(request.scope).handle(request, next);
  const instance = appInstance(container, ref, () => resolve());
  return (request, next) => instance().handle(request, next);
}
