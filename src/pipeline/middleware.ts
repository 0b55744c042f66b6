import { type Request } from '../http/request.js';
import { type StreamResponse } from '../http/stream-response.js';

/**
 * Calls the rest of the chain. Pass a replacement request (e.g. from `request.clone()`)
 * to hand it on; resolves to the response object or throws (HttpErrors included).
 */
export type Next = (request?: Request) => Promise<StreamResponse>;

/**
 * A function middleware: runs around the rest of the chain.
 *
 * @example
 * ```ts
 * const timing: Middleware = async (request, next) => {
 *   const started = performance.now();
 *   const response = await next();
 *   response.headers.set('server-timing', `total;dur=${performance.now() - started}`);
 *   return response;
 * };
 * const app = createApp({ middlewares: [timing] });
 * ```
 */
export type Middleware = (request: Request, next: Next) => Promise<StreamResponse> | StreamResponse;

/**
 * The shape of a `@Middleware()` class: built by dependency injection, called with
 * `handle(request, next)`.
 *
 * @example
 * ```ts
 * @Middleware()
 * class RequestLog implements MiddlewareClass {
 *   constructor(private readonly log: AuditLog) {}
 *   async handle(request: Request, next: Next) {
 *     this.log.write(request.method, request.path);
 *     return next();
 *   }
 * }
 * ```
 */
export interface MiddlewareClass {
  handle(request: Request, next: Next): Promise<StreamResponse> | StreamResponse;
}

// Types the middlewares and expect handlers written inline in decorator options
// (see MiddlewareFunctionTypes in decorators/metadata.ts).
declare module '../../decorators/metadata.js' {
  interface MiddlewareFunctionTypes {
    request: Request;
    next: Next;
  }
}
