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
 * Node's parser, and with it `requestTimeout`, has let go of this socket: `timeout` (ms, 0
 * for none; the server's `requestTimeout`, counted from here) bounds the rest of the body
 * instead. When it expires, `answerTimeout` writes the 408 unless an answer has started,
 * and the connection closes; a reader sees the body cut short.
 *
 * @example
 * ```ts
 * keepUpgradedBody(req, socket, head, server.requestTimeout, () => answerInstead(socket, res, REQUEST_TIMEOUT_ANSWER));
 * ```
 */
export function keepUpgradedBody(req: IncomingMessage, socket: Duplex, head: Buffer, timeout: number, answerTimeout: () => void): void {
  const length = Number(req.headers['content-length']);
  if (!(length > 0) || req.headers['transfer-encoding'] !== undefined) return;
  let remaining = length;
  const body = new Readable({ read: () => void socket.resume() });
  // no one may ever read it (a 404, a handler that ignores the body): an 'error' without a
  // listener would end the process; a reader gets the error through its own listener
  body.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
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
  const expire = (): void => {
    if (remaining === 0) return;
    const bytes = socket as Duplex & { bytesWritten?: number };
    if (!socket.destroyed && (bytes.bytesWritten ?? 0) === 0) answerTimeout();
    cut();
    socket.destroy();
  };
  const done = (): void => {
    socket.off('data', take);
    socket.off('close', cut);
    clearTimeout(timer);
  };
  take(head);
  if (remaining > 0) {
    socket.on('data', take);
    socket.once('close', cut);
    socket.pause(); // until the body is read
    // unref'd: an unfinished upload does not keep the process alive on its own
    if (timeout > 0) timer = setTimeout(expire, timeout).unref();
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
