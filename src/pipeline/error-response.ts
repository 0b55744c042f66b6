import { inspect } from 'node:util';
import { WeftError } from '../errors.js';
import { HttpError, HTTPInternalServerError } from '../http/http-errors.js';
import { type Request } from '../http/request.js';
import { type StreamResponse } from '../http/stream-response.js';
import { logSafely } from '../logging/logger.js';
import { answersQueuedBehind } from '../server/pipelining.js';

/** The 500s made for errors {@link errorResponse} already logged. */
const loggedErrors = new WeakSet<StreamResponse>();

/**
 * Whether `response` is the 500 of an error that was already logged: when it cannot be sent
 * (the handler's stream went out first), nothing more is to be said about it.
 *
 * @example
 * ```ts
 * if (!isLoggedError(response)) request.log.error({ status: response.status }, 'the response could not be sent');
 * ```
 */
export function isLoggedError(response: StreamResponse): boolean {
  return loggedErrors.has(response);
}

/**
 * The response for an error that escaped the chain. An HttpError is its own response.
 * Anything else is a 500 that leaks nothing (the stack only in debug mode), logged once
 * with the request id (at error level; at info level when the client left or the handler
 * was cancelled, which are no server errors), and the connection is closed, as aiohttp does.
 */
export function errorResponse(err: unknown, request: Request): StreamResponse {
  let debug: boolean;
  try {
    if (err instanceof HttpError) return err.toResponse();
    debug = request.route?.app.debug === true;
    logError(err, request);
  } catch {
    // a thrown value that throws when looked at (a revoked Proxy, a throwing stack getter,
    // which the logger's serialiser reads), or a logger that throws: still a 500, never a
    // crash of the process
    logSafely(request.log, 'error', { requestId: request.id, method: request.method, target: request.target }, 'unhandled error in request handler (the thrown value cannot be read)');
    debug = false;
  }
  const error = new HTTPInternalServerError(
    debug ? { text: `500: Internal Server Error\n\n${shownError(err)}` } : {},
  );
  const response = error.toResponse();
  // the connection closes after it, as aiohttp's does, unless requests pipelined behind it are
  // handled already (aiohttp handles them one at a time): node would drop their responses
  if (!answersQueuedBehind(request.rawResponse)) response.headers.set('connection', 'close');
  loggedErrors.add(response);
  return response;
}

function logError(err: unknown, request: Request): void {
  const fields = { err, requestId: request.id, method: request.method, target: request.target };
  // a client leaving mid-request (a body read cut short) is routine on any public server,
  // not a server error: an error-level line for each would bury the real ones
  if (err instanceof WeftError && err.code === 'WEFT_ERR_CLIENT_GONE') request.log.info(fields, 'the client closed the connection before the response was sent');
  else if (cancelled(err, request)) request.log.info(fields, 'the handler was cancelled (request.signal aborted) and ended');
  // pino leaves an undefined `err` out of the line: the message has to say what was thrown
  else request.log.error(fields, err === undefined ? 'unhandled error in request handler: undefined was thrown (a promise rejected without a reason, or throw undefined)' : 'unhandled error in request handler');
}

/**
 * What debug mode shows of a thrown value: an Error's stack (inspected with its `cause` chain
 * or an AggregateError's `errors`, as the log shows them), a string as is, anything else inspected. Never
 * throws: `String()` of a null-prototype object would, and so may a stack getter.
 */
function shownError(err: unknown): string {
  try {
    // inspect shows a cause chain and an AggregateError's errors, as the log has them
    if (err instanceof Error) return err.cause === undefined && !(err instanceof AggregateError) ? (err.stack ?? err.message) : inspect(err);
    return typeof err === 'string' ? err : inspect(err);
  } catch {
    return '(the thrown value cannot be shown)';
  }
}

/**
 * Whether `err` is the handler ending because its `request.signal` aborted (the client left
 * with `handlerCancellation`, or the shutdown timeout): the reason itself, or an AbortError
 * caused by it, as node's timers, events and streams throw. aiohttp's CancelledError is no
 * server error either.
 */
function cancelled(err: unknown, request: Request): boolean {
  const signal = request.signal;
  if (!signal.aborted) return false;
  if (err === signal.reason) return true;
  // not `instanceof Error`: node's own AbortError may come from another realm (a vm context, jest)
  const error = err as { name?: unknown; cause?: unknown } | null;
  return typeof error === 'object' && error !== null && error.name === 'AbortError' && error.cause === signal.reason;
}
