/**
 * Compiling a `@WebSocket()` controller method: the handshake runs before the method,
 * which receives the open websocket and the request.
 */
import type { Container } from '../../container/index.js';
import type { ParamMetadata, WebSocketRouteOptions } from '../../decorators/metadata.js';
import { WeftError } from '../errors.js';
import type { Request } from '../http/request.js';
import { checkWebSocketOptions } from './websocket-options.js';
import { WebSocketResponse } from './websocket-response.js';

type Method = (ws: WebSocketResponse, request: Request) => unknown;

/**
 * The handler of a `@WebSocket()` method. Options are checked now (a startup error names
 * the method); the controller is resolved once, or per connection when it needs the
 * request scope (which lives until the method returns).
 *
 * @example
 * ```ts
 * const handler = compileWebSocketHandler(ChatController, 'chat', [], container, { heartbeat: 30_000 });
 * ```
 */
export function compileWebSocketHandler(
  controller: abstract new (...args: never[]) => unknown,
  key: string | symbol,
  params: ParamMetadata[],
  container: Container,
  options: WebSocketRouteOptions,
): (request: Request) => Promise<WebSocketResponse> {
  const label = `${controller.name}.${String(key)}`;
  if (params.length > 0) {
    throw new WeftError('WEFT_ERR_INVALID_HANDLER', `${label} is a @WebSocket route: it receives (ws, request) and takes no parameter decorators; inject services through the controller's constructor`);
  }
  try {
    checkWebSocketOptions(options);
  } catch (err) {
    throw new WeftError('WEFT_ERR_WS_OPTIONS', `${label}: ${(err as Error).message.replace(/^WEFT_ERR_WS_OPTIONS: /, '')}`, { cause: err });
  }
  const resolveController = container.resolverFor(controller as never) as (scope?: unknown) => Record<string | symbol, Method>;
  let instance: Record<string | symbol, Method> | undefined;
  const getController = container.needsScope(controller as never) ? (r: Request) => resolveController(r.scope) : () => (instance ??= resolveController());
  return async (request) => {
    const ws = new WebSocketResponse(options);
    await ws.prepare(request);
    await getController(request)[key](ws, request);
    return ws;
  };
}
