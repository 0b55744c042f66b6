import { WeftError } from '../errors.js';
import { type Request } from '../http/request.js';
import { isForeignThenable, toResponse } from '../http/to-response.js';

/**
 * A route handler whose plain-data results become JSON through the route's `serializer`
 * option (see `RouteOptions.serializer`). The handler's result is converted here, so the
 * pipeline's own `toResponse` sees a response and passes it through. Without a serializer
 * the handler is returned unchanged: a route pays for the option only when it uses it.
 *
 * @throws WeftError `WEFT_ERR_INVALID_OPTION` at startup when `serializer` is not a function.
 * @example
 * ```ts
 * const handler = withSerializer((request) => ({ id: request.params.id }), (data: { id: string }) => `{"id":${JSON.stringify(data.id)}}`, 'GET /users/{id}');
 * ```
 */
export function withSerializer(handler: (request: Request) => unknown, serializer: unknown, label: string): (request: Request) => unknown {
  if (serializer === undefined) return handler;
  if (typeof serializer !== 'function') {
    throw new WeftError('WEFT_ERR_INVALID_OPTION', `${label}: the serializer option must be a function turning data into JSON text, got ${serializer === null ? 'null' : typeof serializer}`);
  }
  const serialize = serializer as (data: never) => string;
  const respond = (value: unknown) => toResponse(value, serialize);
  // hot path
  return (request) => {
    const result = handler(request);
    if (result instanceof Promise) return result.then(respond);
    return isForeignThenable(result) ? Promise.resolve(result).then(respond) : respond(result);
  };
}
