/**
 * A bound on pipelined requests: node parses every request a client pipelines on one
 * connection and hands each to the listener at once, however many responses wait queued
 * before it. A client writing 20,000 tiny requests ahead had 20,000 handlers running (about
 * 5 KB of heap each); aiohttp handles one connection's requests one at a time. Past
 * {@link PIPELINE_LIMIT} responses queued on a connection, weft stops reading it, as node
 * does when responses pile up unsent, until half of them went out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestListener } from '../pipeline/handle-request.js';

/** Responses a connection may have queued behind the one being sent before reading stops. */
export const PIPELINE_LIMIT = 64;

/**
 * node's server socket: `_paused` and `parser` are how node itself stops and restarts parsing;
 * `_httpMessage` is the response being sent on it.
 */
type ServerSocket = Socket & { _paused?: boolean; parser?: { resume(): void } | null; _httpMessage?: ServerResponse | null };

/** `_last`: node closes the connection once this response is sent (its headers said so). */
type ClosingResponse = ServerResponse & { _last?: boolean };

/** Socket → how many of its responses are queued behind the one being sent. */
const queuedOn = new WeakMap<Socket, number>();

/** Socket → the response of the last request read on it, while that response waits for the socket. */
const lastQueued = new WeakMap<Socket, ServerResponse>();

/**
 * Wraps a request listener with the bound. A request whose response is queued (node gave it
 * no socket yet) is counted until node hands it the socket; past the limit the socket is
 * paused the way node pauses it (node stops its parser after the chunk being parsed), and it
 * resumes once the queue is down to half.
 *
 * @example
 * ```ts
 * createServer(boundPipelining(app.callback()));
 * ```
 */
export function boundPipelining(listener: RequestListener): RequestListener {
  return (req, res) => {
    // hot path: a response not queued is one check
    if (res.socket === null) {
      // node would run its handler, then drop its response when the connection closes
      if (closesBefore(req.socket as ServerSocket)) return;
      queued(req, res);
    }
    listener(req, res);
  };
}

/**
 * Whether a response is queued behind `res` on its connection: a request pipelined behind it
 * is being handled, and node would drop its response if `res` closed the connection.
 *
 * @example
 * ```ts
 * if (!answersQueuedBehind(request.rawResponse)) response.headers.set('connection', 'close');
 * ```
 */
export function answersQueuedBehind(res: ServerResponse): boolean {
  const last = lastQueued.get(res.req.socket);
  return last !== undefined && last !== res;
}

/** Whether the response before a request just read closes the connection (its headers are out). */
function closesBefore(socket: ServerSocket): boolean {
  const before = (lastQueued.get(socket) ?? socket._httpMessage) as ClosingResponse | null | undefined;
  return before?._last === true;
}

function queued(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as ServerSocket;
  const count = (queuedOn.get(socket) ?? 0) + 1;
  queuedOn.set(socket, count);
  lastQueued.set(socket, res);
  if (count > PIPELINE_LIMIT && socket._paused !== true) {
    socket._paused = true;
    socket.pause();
  }
  // its turn: node gives it the socket
  res.once('socket', () => {
    if (lastQueued.get(socket) === res) lastQueued.delete(socket);
    const left = queuedOn.get(socket)! - 1;
    queuedOn.set(socket, left);
    if (left === PIPELINE_LIMIT / 2 && socket._paused === true) {
      socket._paused = false;
      socket.parser?.resume();
      socket.resume();
    }
  });
}
