/**
 * The body of a request that came through node's `upgrade` event without being a websocket
 * handshake (`Upgrade: h2c`, which `curl --http2` sends over `http://`). Node 20 hands every
 * request with an `Upgrade` header to that event and parses no body after its head: the
 * `IncomingMessage` ends empty, and the body's bytes are the `head` it gives plus what the
 * socket reads next. aiohttp ignores an upgrade it does not do and reads the body; so does
 * weft, for a body with a `Content-Length`.
 */
import type { IncomingMessage } from 'node:http';
import { Readable, type Duplex } from 'node:stream';

const bodies = new WeakMap<IncomingMessage, Readable>();

/**
 * Whether node handed this request to its `upgrade` event (a websocket handshake, or h2c):
 * it then parsed no body, and the connection is no longer node's HTTP connection.
 *
 * @example
 * ```ts
 * if (isUpgrade(request.raw)) websocketRequests.add(request);
 * ```
 */
export function isUpgrade(req: IncomingMessage): boolean {
  return (req as { upgrade?: boolean }).upgrade === true;
}

/**
 * Registers the body of an upgrade request that is no websocket handshake: `Content-Length`
 * bytes, from `head` and then the socket, read no faster than they are consumed (nothing is
 * pulled from the socket until the body is read). A chunked body is not reassembled here:
 * reading it stays a 501.
 *
 * @example
 * ```ts
 * server.on('upgrade', (req, socket, head) => { keepUpgradedBody(req, socket, head); listener(req, res); });
 * ```
 */
export function keepUpgradedBody(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const length = Number(req.headers['content-length']);
  if (!(length > 0) || req.headers['transfer-encoding'] !== undefined) return;
  let remaining = length;
  const body = new Readable({ read: () => void socket.resume() });
  const take = (chunk: Buffer): void => {
    const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
    remaining -= part.length;
    const more = part.length === 0 || body.push(part);
    if (remaining === 0) {
      done();
      body.push(null);
    } else if (!more) socket.pause();
  };
  const cut = (): void => {
    done();
    body.destroy(new Error('the connection closed before the request body was complete'));
  };
  const done = (): void => {
    socket.off('data', take);
    socket.off('close', cut);
  };
  take(head);
  if (remaining > 0) {
    socket.on('data', take);
    socket.once('close', cut);
    socket.pause(); // until the body is read
  }
  bodies.set(req, body);
}

/**
 * The body stream registered by {@link keepUpgradedBody} for `req`, or undefined.
 *
 * @example
 * ```ts
 * const source = upgradedBodyOf(raw) ?? raw;
 * ```
 */
export function upgradedBodyOf(req: IncomingMessage): Readable | undefined {
  return bodies.get(req);
}
