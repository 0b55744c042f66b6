/**
 * Writing a response to the client: the last step of every request.
 */
import type { Request } from './request.js';
import type { StreamResponse } from './stream-response.js';

/**
 * Sends `response` for `request`: runs the prepare hook, writes status, headers and body,
 * and ends it. For a `StreamResponse` the handler already prepared, it only makes sure the
 * response is ended. HEAD requests and 1xx/204/304 statuses get no body.
 *
 * @example
 * ```ts
 * const response = toResponse(await handler(request));
 * await sendResponse(request, response);
 * ```
 */
export function sendResponse(request: Request, response: StreamResponse): Promise<void> {
  // hot path: without a prepare hook, prepare() writes synchronously and end() writes the body
  if (response.prepared) return response.end();
  if (request.prepareHook === null) {
    const prepared = response.prepare(request);
    return response.prepared ? response.end() : prepared;
  }
  return response.prepare(request).then(() => response.end());
}
