import { type IncomingMessage, type ServerResponse } from 'node:http';
import { runInRequestContext } from '../context/context-var.js';
import { type CompiledApp, type CompiledRoute } from '../compile/compile-app.js';
import { Request } from '../http/request.js';
import { sendResponse } from '../http/send-response.js';
import { RESOLVED, StreamResponse } from '../http/stream-response.js';
import { toResponse } from '../http/to-response.js';
import { isUpgrade } from '../http/upgraded-body.js';
import { WeftError } from '../errors.js';
import { logSafely } from '../logging/logger.js';
import { WebSocketResponse } from '../ws/websocket-response.js';
import { errorResponse, isLoggedError } from './error-response.js';
import { matchError } from './match-error.js';
import { handleExpect } from './expect.js';

/** A `node:http` request listener. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * What a server runner observes on the request path (see `src/server/request-tracker.ts`):
 * in-flight tracking for graceful shutdown, disconnection handling, access logging.
 * Built once per listener; without hooks the request path skips them.
 */
export interface RequestHooks {
  /** A request arrived, before routing. */
  readonly onRequest: (request: Request) => void;
  /** The handler settled and `response` was handed to node (or sending it failed); the scope is disposed. */
  readonly onHandled: (request: Request, response: StreamResponse) => void;
}

/**
 * The request listener of a compiled app. The request path, top to bottom:
 * match → (expect) → pipeline (middlewares → handler) → send → dispose the request scope.
 * A miss is a route too: its pipeline runs the owning app's middlewares and raises the
 * 404/405/406/400, so middlewares see it (aiohttp's semantics).
 *
 * A synchronous handler without middlewares is answered without a single `await`: each
 * one costs a microtask turn, and a hello-world request has nothing to wait for.
 */
export function createRequestListener(compiled: Omit<CompiledApp, 'listener'>, hooks: RequestHooks | null = null): RequestListener {
  const { table, misses, root } = compiled;

  // hot path
  function handleRequest(request: Request): Promise<void> | undefined {
    let result: StreamResponse | Promise<unknown>;
    try {
      const match = table.match(request.method, request.rawPath, request);
      let route: CompiledRoute;
      if (match.kind === 'found') {
        route = match.value;
        request.params = match.params;
        request.mediaType = match.mediaType;
      } else {
        route = misses.get(match.owner)!;
        request.matchError = matchError(match, request);
      }
      request.route = route;
      request.prepareHook = route.prepareHook;
      result = request.expect === undefined ? route.pipeline(request) : handleExpect(request, route);
    } catch (err) {
      // a predicate or a custom resource threw while routing: the root app's logger and debug setting apply
      request.route ??= misses.get(root);
      result = failed(request, err);
    }
    if (result instanceof Promise) return settle(request, result, hooks);
    return finish(request, result, hooks);
  }

  return (req, res) => {
    const request = new Request(req, res);
    if (hooks !== null) hooks.onRequest(request);
    void runInRequestContext(root, handleRequest, request);
  };
}

/**
 * An upgrade request answered with an HTTP response: fine before the handshake (a
 * middleware's 403), but once the websocket was prepared (a handler failed, and an error
 * middleware turned that into a 500), no HTTP bytes may follow the 101: the websocket is
 * closed with 1011 instead, as when the error escapes the chain.
 */
function afterHandshake(request: Request, response: StreamResponse): StreamResponse {
  const err = new WeftError('WEFT_ERR_WS_UPGRADED', `a ${response.status} response was returned after the websocket handshake; it is closed with 1011`);
  return WebSocketResponse.afterError(request, err) ?? response;
}

/** The response for an error that escaped the chain. */
function failed(request: Request, err: unknown): StreamResponse {
  // after a websocket handshake the connection speaks websocket: it closes with 1011 instead
  return WebSocketResponse.afterError(request, err) ?? errorResponse(err, request);
}

/**
 * Waits for an asynchronous pipeline, then finishes with its response (or the error's).
 * Two callbacks on the pipeline's promise instead of an async function: that saves an
 * `await` of `finish`'s usual `undefined` and about 800 instructions per request with five
 * middlewares (callgrind, bench/http S3).
 */
function settle(request: Request, pending: Promise<unknown>, hooks: RequestHooks | null): Promise<void> {
  // hot path
  return pending.then(
    (value) => {
      let response: StreamResponse;
      try {
        response = toResponse(value);
      } catch (err) {
        response = failed(request, err);
      }
      return finish(request, response, hooks);
    },
    (err: unknown) => finish(request, failed(request, err), hooks),
  );
}

/**
 * Sends the response and ends the request scope; a failure here is logged, never thrown.
 * Gives undefined when all of it happened synchronously (the common case: the response
 * went to node in one `writeHead` + `end` and nothing needs disposal).
 */
function finish(request: Request, response: StreamResponse, hooks: RequestHooks | null): Promise<void> | undefined {
  // hot path
  if (isUpgrade(request.raw) && !(response instanceof WebSocketResponse)) response = afterHandshake(request, response);
  let sending: Promise<void>;
  try {
    sending = sendResponse(request, response);
  } catch (err) {
    sending = Promise.reject(err);
  }
  if (sending === RESOLVED) {
    const dispose = request.disposeScope();
    if (dispose === undefined) {
      if (hooks !== null) hooks.onHandled(request, response);
      return undefined;
    }
    return afterSend(request, response, RESOLVED, dispose, hooks);
  }
  return afterSend(request, response, sending, undefined, hooks);
}

/**
 * What the access log gets when the handler's own stream went out before `response`: a
 * stand-in with the status node sent (read from node's response, which clones share; the
 * stream itself is not kept per request for this rare case).
 */
function sentInstead(request: Request, response: StreamResponse): StreamResponse {
  try {
    return new StreamResponse({ status: request.rawResponse.statusCode });
  } catch {
    return response;
  }
}

/** The asynchronous rest of {@link finish}: waits for the send and for the scope's disposal. */
async function afterSend(
  request: Request,
  response: StreamResponse,
  sending: Promise<void>,
  disposing: Promise<void> | undefined,
  hooks: RequestHooks | null,
): Promise<void> {
  let sent = response;
  try {
    await sending;
  } catch (err) {
    if (!request.rawResponse.headersSent) {
      sent = errorResponse(err, request);
      try {
        await sendResponse(request, sent);
      } catch {
        // an onResponsePrepare handler that failed fails again for the error response: that
        // one goes out without the handlers rather than not at all
        if (request.rawResponse.headersSent || request.prepareHook === null) request.rawResponse.destroy();
        else {
          request.prepareHook = null;
          await sendResponse(request, sent).catch(() => request.rawResponse.destroy());
        }
      }
    } else if (!response.prepared) {
      // the handler's own stream went out first (it threw, or returned something else, after
      // prepare()): this response can only close the connection; an error already logged is not logged again
      if (!isLoggedError(response)) {
        logSafely(
          request.log,
          'error',
          { requestId: request.id, status: response.status },
          `a ${response.status} response came after the handler's StreamResponse was prepared; the connection is closed (return the StreamResponse you prepared)`,
        );
      }
      // the access log reports what went out; what the stream wrote still goes before the close
      sent = sentInstead(request, response);
      request.rawResponse.socket?.uncork();
      request.rawResponse.destroy();
    } else {
      logSafely(request.log, 'error', { err, requestId: request.id }, 'sending the response failed');
      request.rawResponse.destroy();
    }
  }
  const dispose = disposing ?? request.disposeScope();
  if (dispose !== undefined) await dispose.catch((err: unknown) => logSafely(request.log, 'error', { err, requestId: request.id }, 'disposing the request scope failed'));
  if (hooks !== null) hooks.onHandled(request, sent);
}
