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

/** node's server socket: `_paused` and `parser` are how node itself stops and restarts parsing. */
type ServerSocket = Socket & { _paused?: boolean; parser?: { resume(): void } | null };

/** Socket → how many of its responses are queued behind the one being sent. */
const queuedOn = new WeakMap<Socket, number>();

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
    if (res.socket === null) queued(req, res); // hot path: a response not queued is one check
    listener(req, res);
  };
}

function queued(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as ServerSocket;
  const count = (queuedOn.get(socket) ?? 0) + 1;
  queuedOn.set(socket, count);
  if (count > PIPELINE_LIMIT && socket._paused !== true) {
    socket._paused = true;
    socket.pause();
  }
  // its turn: node gives it the socket
  res.once('socket', () => {
    const left = queuedOn.get(socket)! - 1;
    queuedOn.set(socket, left);
    if (left === PIPELINE_LIMIT / 2 && socket._paused === true) {
      socket._paused = false;
      socket.parser?.resume();
      socket.resume();
    }
  });
}
