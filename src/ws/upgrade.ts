/**
 * The `upgrade` event of node's server, fed into the ordinary request path: the upgrade
 * request is routed and goes through the middlewares like any request, so a middleware
 * can refuse it with a normal HTTP response, an unknown path gets 404, and the runner's
 * in-flight tracking sees the connection until it closes.
 */
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { Request } from '../http/request.js';
import { keepUpgradedBody } from '../http/upgraded-body.js';
import { REQUEST_TIMEOUT_ANSWER, answerInstead } from '../server/client-error.js';
import type { RequestListener } from '../pipeline/handle-request.js';

/** The bytes read past the upgrade request's head (the first frames), by request. */
const heads = new WeakMap<IncomingMessage, Buffer>();

/** What `WebSocketResponse.prepare` needs to take the connection over. */
export interface UpgradeInfo {
  readonly socket: Socket;
  readonly head: Buffer;
}

/**
 * The socket and head of a websocket upgrade request, or undefined when `request` did not
 * arrive through the server's `upgrade` event or does not ask for a websocket.
 *
 * @example
 * ```ts
 * if (upgradeOf(request) === undefined) throw new HTTPBadRequest({ text: 'not a websocket upgrade' });
 * ```
 */
export function upgradeOf(request: Request): UpgradeInfo | undefined {
  const head = heads.get(request.raw);
  if (head === undefined || request.method !== 'GET') return undefined;
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return undefined;
  return { socket: request.raw.socket as Socket, head };
}

/**
 * A listener for the server's `upgrade` event that hands the request to `listener` with a
 * stand-in `ServerResponse` writing to the raw socket. A response that is not a websocket
 * handshake (a refusal, a 404, a 400) goes out with `Connection: close`, then the socket
 * closes. `requestTimeout` gives the server's current `requestTimeout`, which bounds the
 * body of such a request that is no websocket handshake (node no longer does).
 *
 * @example
 * ```ts
 * server.on('upgrade', upgradeListener(app.callback(), () => server.requestTimeout));
 * ```
 */
export function upgradeListener(listener: RequestListener, requestTimeout: () => number): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const serve = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    heads.set(req, head);
    const res = new ServerResponse(req);
    // not a websocket handshake (h2c): served as an ordinary request, its body kept from the
    // socket within requestTimeout (node no longer watches this socket)
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') keepUpgradedBody(req, socket, head, requestTimeout(), () => answerInstead(socket, res, REQUEST_TIMEOUT_ANSWER));
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    // destroySoon: a net.Socket's end-then-destroy; the in-memory stream of TestClient's
    // inject transport is a plain Duplex without it
    res.once('finish', () => endSoon(socket));
    // node leaves an upgraded socket without an error listener: a reset must not crash the process
    socket.on('error', () => socket.destroy());
    listener(req, res);
  };
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // a request pipelined ahead of this one on the connection is still being answered: its
    // response holds the socket (assignSocket would throw, out of node's 'upgrade' event, and
    // end the process). Asked again once that response is out (node's own 'finish' listener,
    // registered first, has by then released the socket, or handed it to the next response
    // queued behind); a connection closed meanwhile is gone.
    const busy = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (busy !== null && busy !== undefined) {
      if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
      busy.once('finish', () => {
        if (!socket.destroyed) upgrade(req, socket, head);
      });
      return;
    }
    serve(req, socket, head);
  };
  return upgrade;
}

/** Ends a connection once its pending writes are flushed: `destroySoon()` where there is one. */
export function endSoon(socket: Duplex): void {
  const net = socket as Partial<Pick<Socket, 'destroySoon'>> & Duplex;
  if (typeof net.destroySoon === 'function') net.destroySoon();
  else socket.end(() => socket.destroy());
}
