/**
 * What a server does with a connection node's HTTP parser gave up on (node's `clientError`):
 * a malformed request, data after a `Connection: close` request, a request that took too
 * long, a socket error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** A status line this module writes itself, with the status for the access log. */
interface ErrorAnswer {
  readonly status: number;
  readonly text: string;
}

function answerOf(status: number, reason: string): ErrorAnswer {
  return { status, text: `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n` };
}

/**
 * The 408 for a request not received within `requestTimeout` (node's words, with
 * `Content-Length: 0`).
 */
export const REQUEST_TIMEOUT_ANSWER = answerOf(408, 'Request Timeout');

const ANSWERS: Record<string, ErrorAnswer> = {
  HPE_HEADER_OVERFLOW: answerOf(431, 'Request Header Fields Too Large'),
  HPE_CHUNK_EXTENSIONS_OVERFLOW: answerOf(413, 'Payload Too Large'),
  ERR_HTTP_REQUEST_TIMEOUT: REQUEST_TIMEOUT_ANSWER,
};
const BAD_REQUEST = answerOf(400, 'Bad Request');

/**
 * The status this listener wrote in place of a response still being produced (a bad chunk
 * in the body its handler reads): what the client got, for the access log.
 */
const answeredInstead = new WeakMap<ServerResponse, number>();

/**
 * The status of the error answer {@link keepOwedResponses} wrote in place of `res`, or
 * undefined when `res` went out itself (or not at all).
 *
 * @example
 * ```ts
 * const status = statusSentInstead(request.rawResponse) ?? response.status; // for the access log
 * ```
 */
export function statusSentInstead(res: ServerResponse): number | undefined {
  return answeredInstead.get(res);
}

/**
 * Writes `answer` on `socket` in place of `res` (still being produced, or null when no
 * response exists), so that the access log reports what the client got.
 *
 * @example
 * ```ts
 * answerInstead(socket, res, REQUEST_TIMEOUT_ANSWER); // the body did not arrive in time
 * ```
 */
export function answerInstead(socket: Duplex, res: ServerResponse | null, answer: ErrorAnswer): void {
  socket.write(answer.text);
  if (res !== null) answeredInstead.set(res, answer.status);
}

/** Marks a connection whose error is being handled: node reports the same parser error again for every later chunk. */
const FAILED = Symbol('weft.clientError');

/**
 * node's socket of a server connection: `_httpMessage` is the response being written on it
 * (then the next queued one); `parser.incoming` the last request the parser began.
 */
type ServerSocket = Duplex & {
  _httpMessage?: ServerResponse | null;
  parser?: { incoming?: IncomingMessage | null } | null;
  [FAILED]?: true;
};

/**
 * A `clientError` listener that keeps the responses a connection is owed. node's own
 * handling writes its `400` at once and destroys the socket, so when a valid request is
 * still being answered (its handler runs, or pipelined responses wait behind it), the 400
 * goes out in its place, or the data after a `Connection: close` request ends a response
 * mid-body. Here:
 * - a request node could not parse, or that timed out, after complete ones: the answers
 *   owed go out first, in request order (RFC 9112 §9.3.2), then the 400 (431 for headers
 *   too large, 408 for a timeout), then the connection closes;
 * - data after `Connection: close`: ignored; the connection closes after the last response
 *   as it would have anyway (RFC 9112 §9.6);
 * - an error inside the body of the request being answered (a bad chunk, its timeout), or a
 *   socket error: as node does, the answer if its response has not started, then the
 *   socket is destroyed (a handler reading that body sees the client gone);
 * - an error inside a later request while earlier answers are still owed: the socket is
 *   destroyed with no status line, which the client would take for an earlier request's.
 * A client that closes its side meanwhile is let go at once (its handlers see it gone).
 *
 * @example
 * ```ts
 * server.on('clientError', keepOwedResponses);
 * ```
 */
export function keepOwedResponses(err: Error & { code?: string }, duplex: Duplex): void {
  const socket = duplex as ServerSocket;
  if (socket[FAILED]) return;
  socket[FAILED] = true;
  const code = err.code ?? '';
  const owed = socket._httpMessage ?? null;
  // the request the parser was on: complete when the error is in a new request's head
  const current = socket.parser?.incoming;
  const betweenRequests = current !== undefined && (current === null || current.complete);
  const answer = code === 'HPE_CLOSED_CONNECTION' ? null : (ANSWERS[code] ?? BAD_REQUEST);
  if (owed !== null && betweenRequests && socket.writable && (code.startsWith('HPE_') || code === 'ERR_HTTP_REQUEST_TIMEOUT')) {
    // what follows is read and dropped (node's parser stays failed); the client's FIN ends it
    socket.once('end', () => socket.destroy());
    afterOwed(socket, owed, answer);
    return;
  }
  const ours = owed === null || owed.req === current;
  if (ours && answer !== null && socket.writable && (owed === null || !owed.headersSent)) answerInstead(socket, owed, answer);
  socket.destroy();
}

/**
 * Waits for `response`, then for each response node queued behind it (node hands the socket
 * to the next one in its own `finish` listener, which runs before this one), then writes
 * `answer` and ends the connection. A response that closes the connection (the request
 * said `Connection: close`) ends it itself, and a connection that dies first needs nothing.
 */
function afterOwed(socket: ServerSocket, response: ServerResponse, answer: ErrorAnswer | null): void {
  response.once('finish', () => {
    const next = socket._httpMessage ?? null;
    if (next !== null && next !== response) {
      afterOwed(socket, next, answer);
      return;
    }
    if (answer !== null && socket.writable) socket.end(answer.text);
  });
}

/**
 * A `connect` listener: node hands a CONNECT request (a proxy tunnel) to this event, never to
 * the request listener, and closes the connection unanswered when nothing listens. weft is
 * no proxy: it answers 501 (RFC 9110 9.3.6 lets a server refuse the method).
 *
 * @example
 * ```ts
 * server.on('connect', refuseConnect);
 * ```
 */
export function refuseConnect(_request: unknown, socket: Duplex): void {
  socket.end('HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}
