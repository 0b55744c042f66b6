import { type IncomingMessage, type ServerResponse } from 'node:http';
import { runInRequestContext } from '../context/context-var.js';
import { type CompiledApp, type CompiledRoute } from '../compile/compile-app.js';
import { Request } from '../http/request.js';
import { sendResponse } from '../http/send-response.js';
import { type StreamResponse } from '../http/stream-response.js';
import { WebSocketResponse } from '../ws/websocket-response.js';
import { errorResponse } from './error-response.js';
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
 */
export function createRequestListener(compiled: Omit<CompiledApp, 'listener'>, hooks: RequestHooks | null = null): RequestListener {
  const { table, misses, root } = compiled;

  // hot path
  async function handleRequest(request: Request): Promise<void> {
    let response: StreamResponse;
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
      request.clientMaxSize = route.clientMaxSize;
      request.prepareHook = route.prepareHook;
      response = request.expect === undefined ? await route.pipeline(request) : await handleExpect(request, route);
    } catch (err) {
      // after a websocket handshake the connection speaks websocket: it closes with 1011 instead
      response = WebSocketResponse.afterError(request, err) ?? errorResponse(err, request);
    }
    const sent = await finish(request, response);
    if (hooks !== null) hooks.onHandled(request, sent);
  }

  return (req, res) => {
    const request = new Request(req, res);
    if (hooks !== null) hooks.onRequest(request);
    const owner = root;
    void runInRequestContext(owner, () => handleRequest(request));
  };
}

/**
 * Sends the response and ends the request scope; a failure here is logged, never thrown.
 * Gives the response that went out (the error response when sending the first failed).
 */
async function finish(request: Request, response: StreamResponse): Promise<StreamResponse> {
  let sent = response;
  try {
    await sendResponse(request, response);
  } catch (err) {
    if (!request.rawResponse.headersSent) {
      sent = errorResponse(err, request);
      await sendResponse(request, sent).catch(() => request.rawResponse.destroy());
    } else {
      request.log.error({ err, requestId: request.id }, 'sending the response failed');
      request.rawResponse.destroy();
    }
  }
  const dispose = request.disposeScope();
  if (dispose !== undefined) await dispose.catch((err: unknown) => request.log.error({ err, requestId: request.id }, 'disposing the request scope failed'));
  return sent;
}
