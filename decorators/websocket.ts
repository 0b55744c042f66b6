import { type RouteOptions, type WebSocketRouteOptions, methodOwnerMetadata } from './metadata.js';

/** Options of `@WebSocket()`: the route's options and the websocket's. */
export interface WebSocketDecoratorOptions extends RouteOptions, WebSocketRouteOptions {}

/**
 * Declares a websocket route on a controller method (a `GET` route). Before the method
 * runs, weft completes the handshake (`onResponsePrepare` sees the 101 first); the method
 * receives the open `WebSocketResponse` and the `Request`, and the connection closes
 * (1000) when it returns. A request that is not a websocket upgrade gets 400. The
 * controller's middlewares run for the upgrade request, so they can refuse it.
 *
 * @example
 * ```ts
 * @Controller('/chat')
 * class ChatController {
 *   @WebSocket('/ws', { protocols: ['chat.v1'], heartbeat: 30_000 })
 *   async chat(ws: WebSocketResponse) {
 *     for await (const msg of ws) if (msg.type === 'text') await ws.sendStr(msg.data);
 *   }
 * }
 * ```
 */
export function WebSocket(path = '', options: WebSocketDecoratorOptions = {}): MethodDecorator {
  const { protocols, maxMsgSize, heartbeat, compress, highWaterMark, closeTimeout, ...routeOptions } = options;
  const websocket: WebSocketRouteOptions = { protocols, maxMsgSize, heartbeat, compress, highWaterMark, closeTimeout };
  return (target, propertyKey) => {
    methodOwnerMetadata(target).routes.push({ method: 'GET', path, propertyKey, options: routeOptions, websocket });
  };
}
