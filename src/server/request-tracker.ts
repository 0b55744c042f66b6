/**
 * The runner's view of the request path: every request from its arrival until both its
 * handler settled and its response was flushed (or the connection was lost). That is
 * what a graceful shutdown waits for, what handler cancellation watches, and when an
 * access log line is written.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WeftError } from '../errors.js';
import type { Request } from '../http/request.js';
import { StreamResponse } from '../http/stream-response.js';
import { isUpgrade } from '../http/upgraded-body.js';
import type { AccessLogger } from '../logging/access-log.js';
import { logSafely, type Logger } from '../logging/logger.js';
import type { RequestHooks } from '../pipeline/handle-request.js';
import { endSoon } from '../ws/upgrade.js';
import { statusSentInstead } from './client-error.js';

/** What the tracker needs to know of a site: whether its connections are being closed. */
export interface DrainState {
  readonly draining: boolean;
}

/** One request in flight. */
interface Exchange {
  readonly request: Request;
  readonly site: DrainState;
  /** `performance.now()` at arrival; only read when access logging. */
  readonly start: number;
  response: StreamResponse | null;
  handled: boolean;
  closed: boolean;
  bytesSent: number;
  /** Stops watching the socket of a pipelined response that was still queued when handled. */
  unwatch: (() => void) | null;
  /** Set to close its connection by the shutdown (see #markLast). */
  marked: boolean;
}

/** Options of {@link RequestTracker}. */
export interface RequestTrackerOptions {
  handlerCancellation: boolean;
  accessLogger: AccessLogger | null;
  logger: Logger;
}

/**
 * Tracks the requests of one runner. Internal to `src/server`.
 *
 * @example
 * ```ts
 * const tracker = new RequestTracker({ handlerCancellation: false, accessLogger: null, logger });
 * const listener = createRequestListener(app.compiled!, tracker.hooksFor(site));
 * await tracker.waitIdle(60_000);
 * ```
 */
export class RequestTracker {
  readonly #exchanges = new Map<ServerResponse, Exchange>();
  readonly #handlerCancellation: boolean;
  readonly #accessLogger: AccessLogger | null;
  readonly #logger: Logger;
  /** Socket → its `bytesWritten` after the previous response on it, for `%b`. */
  readonly #bytesBefore = new WeakMap<Socket, number>();
  /** Socket → its `bytesWritten` when a queued response took it over: where the response before it ends. */
  readonly #bytesAtHandover = new WeakMap<Socket, number>();
  /** One listener for every queued response's `socket` event. */
  readonly #onResponseSocket = (socket: Socket): void => void this.#bytesAtHandover.set(socket, socket.bytesWritten);
  /** Socket → the handled exchanges whose responses wait queued on it (see #watchQueued). */
  readonly #queuedOn = new WeakMap<Socket, Set<Exchange>>();
  #idleWaiters: Array<() => void> = [];
  /** One listener for every response: `this` is the response. */
  readonly #onResponseClose: (this: ServerResponse) => void;

  constructor(options: RequestTrackerOptions) {
    this.#handlerCancellation = options.handlerCancellation;
    this.#accessLogger = options.accessLogger;
    this.#logger = options.logger;
    const responseClosed = (res: ServerResponse): void => this.#responseClosed(res);
    this.#onResponseClose = function (this: ServerResponse) {
      responseClosed(this);
    };
  }

  /** The hooks of one site's request listener. */
  hooksFor(site: DrainState): RequestHooks {
    return {
      onRequest: (request) => this.#start(request, site),
      onHandled: (request, response) => this.#handled(request, response),
    };
  }

  /** How many requests are in flight. */
  get size(): number {
    return this.#exchanges.size;
  }

  // hot path
  #start(request: Request, site: DrainState): void {
    const res = request.rawResponse;
    const logging = this.#accessLogger !== null;
    const exchange: Exchange = { request, site, start: logging ? performance.now() : 0, response: null, handled: false, closed: false, bytesSent: 0, unwatch: null, marked: false };
    this.#exchanges.set(res, exchange);
    res.on('close', this.#onResponseClose);
    if (site.draining) this.#markLast(exchange);
    if (logging) {
      // node forgets the peer's address once the socket is closed; asking now caches it for %a
      void request.raw.socket?.remoteAddress;
      // a pipelined response waits for the socket; when node hands it over, the previous
      // response is complete and this one's bytes start: the previous one counts up to here
      if (res.socket === null) res.once('socket', this.#onResponseSocket);
    }
    // a pipelined response queued behind another one gets no `close` if the client leaves
    // first: its handler is cancelled when the socket closes (see #watchQueued)
    if (this.#handlerCancellation && res.socket === null && request.raw.socket !== null) this.#watchQueued(exchange, request.raw.socket);
  }

  #handled(request: Request, response: StreamResponse): void {
    const exchange = this.#exchanges.get(request.rawResponse);
    if (exchange === undefined) return;
    exchange.handled = true;
    exchange.response = response;
    if (!exchange.closed) {
      const socket = request.raw.socket;
      if (socket === null || socket.destroyed) this.#markClosed(exchange);
      else if (request.rawResponse.socket === null && !request.rawResponse.writableFinished) this.#watchQueued(exchange, socket);
    }
    if (exchange.closed) this.#complete(exchange);
  }

  /**
   * A pipelined response queued behind another one has no socket yet, and node emits no
   * `close` for it if the connection dies first: the socket's `close` completes it, or,
   * with handler cancellation, aborts its handler if it still runs.
   */
  #watchQueued(exchange: Exchange, socket: Socket): void {
    const waiting = this.#queuedOn.get(socket) ?? this.#watchSocket(socket);
    waiting.add(exchange);
    exchange.unwatch = () => void waiting.delete(exchange);
  }

  /**
   * One 'close' listener per socket for all its queued exchanges, however deep the pipeline
   * (one per response passed node's listener limit, and node warned).
   */
  #watchSocket(socket: Socket): Set<Exchange> {
    const waiting = new Set<Exchange>();
    this.#queuedOn.set(socket, waiting);
    socket.once('close', () => {
      this.#queuedOn.delete(socket);
      for (const each of waiting) this.#responseClosed(each.request.rawResponse);
    });
    return waiting;
  }

  #responseClosed(res: ServerResponse): void {
    const exchange = this.#exchanges.get(res);
    if (exchange === undefined || exchange.closed) return;
    this.#markClosed(exchange);
    if (exchange.handled) {
      this.#complete(exchange);
      return;
    }
    // The client left before the response was complete, while the handler still runs.
    if (this.#handlerCancellation && !res.writableFinished && exchange.request.route?.atomic !== true) {
      const gone = isUpgrade(exchange.request.raw)
        ? 'the websocket connection closed while its handler still ran: the handler is cancelled'
        : 'the client closed the connection before the response was complete: the handler is cancelled';
      exchange.request.abort(new WeftError('WEFT_ERR_CLIENT_GONE', gone));
    }
  }

  #markClosed(exchange: Exchange): void {
    exchange.closed = true;
    if (this.#accessLogger !== null) exchange.bytesSent = this.#bytesOf(exchange.request);
  }

  /** Bytes written on the request's socket since the previous response on it. */
  #bytesOf(request: Request): number {
    const socket = request.raw.socket;
    if (socket === null) return 0;
    // a pipelined response after this one may already be flushing: this one ended at the handover
    const handover = this.#bytesAtHandover.get(socket);
    if (handover !== undefined) this.#bytesAtHandover.delete(socket);
    const written = handover ?? socket.bytesWritten;
    const before = this.#bytesBefore.get(socket) ?? 0;
    this.#bytesBefore.set(socket, written);
    return written - before;
  }

  #complete(exchange: Exchange): void {
    const { request } = exchange;
    this.#exchanges.delete(request.rawResponse);
    exchange.unwatch?.();
    if (this.#accessLogger !== null) {
      try {
        this.#accessLogger.log(request, sentResponse(request, exchange.response!), performance.now() - exchange.start, exchange.bytesSent);
      } catch (err) {
        logSafely(this.#logger, 'error', { err, requestId: request.id }, 'the access logger failed');
      }
    }
    if (exchange.site.draining) this.#closeConnectionIfIdle(request.raw.socket);
    if (this.#idleWaiters.length > 0) {
      // only while someone waits (a shutdown): each waiter checks and re-registers
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** While draining: a connection whose last request is done closes (its response is flushed). */
  #closeConnectionIfIdle(socket: Socket | null): void {
    if (socket === null || socket.destroyed || this.isBusy(socket)) return;
    endSoon(socket);
  }

  /** Whether a request on `socket` is in flight. */
  isBusy(socket: Socket): boolean {
    for (const exchange of this.#exchanges.values()) if (exchange.request.raw.socket === socket) return true;
    return false;
  }

  /** The sockets with a request in flight. */
  busySockets(): Set<Socket> {
    const sockets = new Set<Socket>();
    for (const exchange of this.#exchanges.values()) if (exchange.request.raw.socket !== null) sockets.add(exchange.request.raw.socket);
    return sockets;
  }

  /**
   * Shutdown step 2 for `site` (all sites by default): on each busy connection, the last
   * request's response says `Connection: close`, and node closes the connection after it.
   * Connections whose last response has its headers out already close when it completes
   * (see #closeConnectionIfIdle).
   */
  closeAfterResponse(site?: DrainState): void {
    const last = new Map<Socket | null, Exchange>();
    for (const exchange of this.#exchanges.values()) {
      if (site === undefined || exchange.site === site) last.set(exchange.request.raw.socket, exchange);
    }
    for (const exchange of last.values()) this.#markLast(exchange);
  }

  /**
   * Makes `exchange` the one that closes its connection. Only the last request on a
   * connection may: node drops the responses queued behind a `Connection: close` one,
   * after their handlers ran. So a request pipelined behind a marked one takes the mark
   * over, while the earlier response's headers are not out yet.
   */
  #markLast(exchange: Exchange): void {
    const socket = exchange.request.raw.socket;
    for (const [res, other] of this.#exchanges) {
      if (other !== exchange && other.marked && other.request.raw.socket === socket && !res.headersSent) {
        res.shouldKeepAlive = true;
        other.marked = false;
      }
    }
    const res = exchange.request.rawResponse;
    if (!res.headersSent && res.shouldKeepAlive) {
      res.shouldKeepAlive = false;
      exchange.marked = true;
    }
  }

  /** Resolves true once nothing is in flight, false after `ms`. */
  waitIdle(ms: number, site?: DrainState): Promise<boolean> {
    if (this.#pending(site) === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#idleWaiters = this.#idleWaiters.filter((w) => w !== check);
        resolve(false);
      }, ms);
      const check = (): void => {
        if (this.#pending(site) > 0) {
          this.#idleWaiters.push(check);
          return;
        }
        clearTimeout(timer);
        resolve(true);
      };
      this.#idleWaiters.push(check);
    });
  }

  #pending(site: DrainState | undefined): number {
    if (site === undefined) return this.#exchanges.size;
    let count = 0;
    for (const exchange of this.#exchanges.values()) if (exchange.site === site) count++;
    return count;
  }

  /**
   * Shutdown timeout: aborts the signal of every handler still running (atomic ones too: a
   * shutdown must end) and closes the connections of those that have not started their
   * response, so no response goes out after the abort and an upload's read rejects now.
   * Gives the labels of the aborted routes.
   */
  abortRunning(reason: WeftError, site?: DrainState): string[] {
    const labels: string[] = [];
    for (const [res, exchange] of this.#exchanges) {
      if (exchange.handled || (site !== undefined && exchange.site !== site)) continue;
      labels.push(labelOf(exchange.request));
      exchange.request.abort(reason);
      if (!res.headersSent) exchange.request.raw.socket?.destroy();
    }
    return labels;
  }

  /** Destroys the connections of the requests still in flight: their clients see a closed connection. */
  destroyRunning(site?: DrainState): void {
    for (const exchange of this.#exchanges.values()) {
      if (site === undefined || exchange.site === site) exchange.request.raw.socket?.destroy();
    }
  }

  /** Labels of the requests whose handler settled but whose response is still being sent (of `site`, or all), for logs. */
  sendingLabels(site?: DrainState): string[] {
    const labels: string[] = [];
    for (const exchange of this.#exchanges.values()) {
      if (exchange.handled && !exchange.closed && (site === undefined || exchange.site === site)) labels.push(labelOf(exchange.request));
    }
    return labels;
  }

  /** Labels of the handlers still running (of `site`, or all), for logs. */
  runningLabels(site?: DrainState): string[] {
    const labels: string[] = [];
    for (const exchange of this.#exchanges.values()) {
      if (!exchange.handled && (site === undefined || exchange.site === site)) labels.push(labelOf(exchange.request));
    }
    return labels;
  }
}

/** The route's label (`UsersController.show`), or the request line for a request not routed yet. */
function labelOf(request: Request): string {
  return request.route?.label ?? `${request.method} ${request.target}`;
}

/**
 * What the access log reports as sent: `response`, or a stand-in with the status of the
 * error answer written in its place when node's parser failed inside the request's body.
 */
function sentResponse(request: Request, response: StreamResponse): StreamResponse {
  const status = statusSentInstead(request.rawResponse);
  return status === undefined ? response : new StreamResponse({ status });
}
