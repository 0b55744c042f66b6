import { type CompiledRoute } from '../compile/compile-app.js';
import { HTTPExpectationFailed } from '../http/http-errors.js';
import { type Request } from '../http/request.js';
import { toResponse } from '../http/to-response.js';

/**
 * A request with an `Expect` header. Only `100-continue` is understood; anything else is
 * 417 before the middlewares; HTTP/1.0 requests are served as if they had no `Expect`.
 * Without a route `expectHandler`, `100 Continue` goes out at once (also for misses, as
 * aiohttp). With one, it runs first, sharing the request scope: it may throw an HttpError,
 * return a response (sent instead of calling the handler), or return nothing (weft then
 * sends `100 Continue` unless the handler already did). Either way, a declared
 * `Content-Length` over the route's `clientMaxSize` gets no 100: the handler's read
 * answers 413 without inviting the body.
 */
export async function handleExpect(request: Request, route: CompiledRoute): Promise<unknown> {
  // Expect is HTTP/1.1's (RFC 9110 10.1.1: ignore 100-continue from 1.0 clients); aiohttp
  // looks at it only for 1.1 requests, so an HTTP/1.0 request is served as if it had none
  if (request.raw.httpVersion !== '1.1') return route.pipeline(request);
  if (request.expect!.trim().toLowerCase() !== '100-continue') {
    throw new HTTPExpectationFailed({ text: `417: Expectation Failed (unknown expectation ${JSON.stringify(request.expect)})` });
  }
  if (route.expectHandler !== null) {
    const result = await route.expectHandler(request);
    if (result !== undefined && result !== null) return toResponse(result);
  }
  // a body already declared too long is refused without inviting it: no 100, the read's 413
  // goes out before a byte is sent (RFC 9110 10.1.1 lets the server answer instead)
  const length = request.contentLength;
  if (length === undefined || length <= request.clientMaxSize) request.writeContinue();
  return route.pipeline(request);
}
