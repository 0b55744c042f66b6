import { type Request } from '../http/request.js';
import { toResponse } from '../http/to-response.js';
import { type StreamResponse } from '../http/stream-response.js';
import { type Middleware } from './middleware.js';

/** A composed chain: request in, response out. */
export type Pipeline = (request: Request) => Promise<StreamResponse>;

/**
 * Composes middlewares around a handler once, at startup, outermost first (Koa's onion).
 * Results that are not response objects become responses at each layer, so every
 * middleware's `next()` resolves to a response object.
 */
export function compose(middlewares: readonly Middleware[], handler: (request: Request) => unknown): Pipeline {
  let pipeline: Pipeline = async (request) => toResponse(await handler(request));
  for (let i = middlewares.length - 1; i >= 0; i--) {
    const middleware = middlewares[i];
    const inner = pipeline;
    // hot path: one small closure per middleware per request, for `next`
    pipeline = async (request) => toResponse(await middleware(request, (replacement?: Request) => inner(replacement ?? request)));
  }
  return pipeline;
}
