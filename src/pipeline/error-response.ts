import { HttpError, HTTPInternalServerError } from '../http/http-errors.js';
import { type Request } from '../http/request.js';
import { type StreamResponse } from '../http/stream-response.js';

/**
 * The response for an error that escaped the chain. An HttpError is its own response.
 * Anything else is a 500 that leaks nothing (the stack only in debug mode), logged once
 * with the request id, and the connection is closed, as aiohttp does.
 */
export function errorResponse(err: unknown, request: Request): StreamResponse {
  if (err instanceof HttpError) return err.toResponse();
  const debug = request.route?.app.debug === true;
  request.log.error({ err, requestId: request.id, method: request.method, target: request.target }, 'unhandled error in request handler');
  const error = new HTTPInternalServerError(
    debug ? { text: `500: Internal Server Error\n\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}` } : {},
  );
  const response = error.toResponse();
  response.headers.set('connection', 'close');
  return response;
}
