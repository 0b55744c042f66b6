import { type CompiledRoute } from '../compile/compile-app.js';
import { HTTPExpectationFailed } from '../http/http-errors.js';
import { type Request } from '../http/request.js';
import { toResponse } from '../http/to-response.js';

/**
 * A request with an `Expect` header. Only `100-continue` is understood; anything else is
 * 417 before the middlewares. Without a route `expectHandler`, `100 Continue` goes out at
 * once (also for misses, as aiohttp). With one, it runs first, sharing the request scope:
 * it may throw an HttpError, return a response (sent instead of calling the handler), or
 * return nothing (weft then sends `100 Continue` unless the handler already did).
 */
export async function handleExpect(request: Request, route: CompiledRoute): Promise<unknown> {
  if (request.expect!.trim().toLowerCase() !== '100-continue') {
    throw new HTTPExpectationFailed({ text: `417: Expectation Failed (unknown expectation ${JSON.stringify(request.expect)})` });
  }
  if (route.expectHandler !== null) {
    const result = await route.expectHandler(request);
    if (result !== undefined && result !== null) return toResponse(result);
  }
  request.writeContinue();
  return route.pipeline(request);
}
