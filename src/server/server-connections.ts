/**
 * The open connections of one server, so a shutdown can close the idle ones, and at the
 * end destroy what is left.
 */
import type { Socket } from 'node:net';
import type { HttpServer } from './http-server.js';

/**
 * Tracks a server's connections. For HTTPS two views are kept: the TLS sockets requests
 * arrive on (what "idle" is decided on), and every accepted TCP socket, handshakes in
 * progress included (what is destroyed at the end).
 *
 * @example
 * ```ts
 * const connections = new ServerConnections(server, false);
 * connections.closeIdle(tracker.busySockets());
 * if (!(await connections.waitEmpty(5_000))) connections.destroyAll();
 * ```
 */
export class ServerConnections {
  /** Sockets requests arrive on. */
  readonly #sockets = new Set<Socket>();
  /** Every accepted socket (for plain HTTP, the same sockets). */
  readonly #accepted = new Set<Socket>();
  #emptyWaiters: Array<() => void> = [];

  constructor(server: HttpServer, secure: boolean) {
    server.on('connection', (socket: Socket) => {
      this.#accepted.add(socket);
      if (!secure) this.#sockets.add(socket);
      socket.once('close', () => {
        this.#accepted.delete(socket);
        this.#sockets.delete(socket);
        if (this.#accepted.size === 0) this.#wakeEmpty();
      });
    });
    if (secure) {
      server.on('secureConnection', (socket: Socket) => {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
      });
    }
  }

  /** How many connections are open. */
  get size(): number {
    return this.#accepted.size;
  }

  /**
   * Destroys the connections with no request in flight (idle keep-alive connections, and
   * ones whose next request has not fully arrived). Gives how many were closed.
   */
  closeIdle(busy: ReadonlySet<Socket>): number {
    let closed = 0;
    for (const socket of this.#sockets) {
      if (busy.has(socket)) continue;
      socket.destroy();
      closed++;
    }
    return closed;
  }

  /** Destroys every connection left. */
  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    for (const socket of this.#accepted) socket.destroy();
  }

  /** Resolves true once every connection is closed, false after `ms`. */
  waitEmpty(ms: number): Promise<boolean> {
    if (this.#accepted.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#emptyWaiters = this.#emptyWaiters.filter((w) => w !== wake);
        resolve(false);
      }, ms);
      this.#emptyWaiters.push(wake);
    });
  }

  #wakeEmpty(): void {
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const wake of waiters) wake();
  }
}
