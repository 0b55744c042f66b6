/**
 * What every site shares: a weft HTTP server on something that listens (a TCP port, a
 * unix socket, an inherited descriptor), started and stopped gracefully.
 */
import { Server as NetServer, type AddressInfo, type ListenOptions } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { AppRunner } from './app-runner.js';
import { messageOf } from './error-message.js';
import { drainRequests } from './graceful-shutdown.js';
import type { HttpServer } from './http-server.js';
import type { DrainState } from './request-tracker.js';
import { ServerConnections } from './server-connections.js';

/**
 * Options every site takes.
 *
 * @example
 * ```ts
 * new TCPSite(runner, { port: 8443, tls: { key, cert }, backlog: 1024 });
 * ```
 */
export interface SiteOptions {
  /** Serve HTTPS with these TLS options (at least `key` and `cert`, PEM). */
  tls?: TlsOptions;
  /** Length of the queue of pending connections (node's default 511). */
  backlog?: number;
}

/**
 * A place an {@link AppRunner} serves on. `await site.start()` listens; the runner's
 * `cleanup()` stops every site as part of its graceful shutdown; `await site.stop()`
 * stops one site alone, the same way (idle connections now, busy ones after their
 * response, the rest after `shutdownTimeout`).
 *
 * @example
 * ```ts
 * const site = new TCPSite(runner, { host: '127.0.0.1', port: 0 });
 * await site.start();
 * console.log(site.name); // http://127.0.0.1:43121
 * await site.stop();
 * ```
 */
export abstract class BaseSite implements DrainState {
  /** The options this kind of site takes: a subclass lists its own, then its parent's. */
  protected static readonly optionNames: readonly string[] = ['tls', 'backlog'];
  readonly runner: AppRunner;
  /** The TLS options, when the site serves HTTPS. */
  protected readonly tls: TlsOptions | undefined;
  protected readonly backlog: number | undefined;
  #server: HttpServer | undefined;
  #connections: ServerConnections | undefined;
  #closed: Promise<void> | undefined;
  #state: 'new' | 'starting' | 'started' | 'stopping' | 'stopped' = 'new';
  #draining = false;
  #stopping: Promise<void> | undefined;

  protected constructor(runner: AppRunner, options: SiteOptions) {
    if (!(runner instanceof AppRunner)) throw new WeftError('WEFT_ERR_INVALID_OPTION', `a site needs the AppRunner it serves, got ${describe(runner)}`);
    // JavaScript callers get what TypeScript would have told them: a misspelt `host` would bind 0.0.0.0
    checkKnownOptions(options ?? {}, new.target.optionNames, new.target.name);
    if (options.backlog !== undefined && !(Number.isSafeInteger(options.backlog) && options.backlog > 0)) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `backlog must be a positive integer, got ${String(options.backlog)}`);
    }
    if (options.tls !== undefined && (typeof options.tls !== 'object' || options.tls === null)) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', 'tls must be an object of TLS options ({ key, cert, ... })');
    }
    this.runner = runner;
    this.tls = options.tls;
    this.backlog = options.backlog;
  }

  /** Where the site serves, URL-like: `http://127.0.0.1:8080`, `http://unix:/run/app.sock:`. */
  abstract get name(): string;

  /** Binds the server: called by `start()`; rejects with node's error. */
  protected abstract bind(server: HttpServer): Promise<void>;

  /** `https` when the site has TLS options. */
  get scheme(): 'http' | 'https' {
    return this.tls === undefined ? 'http' : 'https';
  }

  /** The node server, once started. */
  get server(): HttpServer | undefined {
    return this.#server;
  }

  /** The bound address (a unix path for unix sockets), or null when not listening. */
  get address(): AddressInfo | string | null {
    return this.#server?.listening === true ? this.#server.address() : null;
  }

  /** True once the site closes its connections (requests then get `Connection: close`). */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Starts listening. The runner must be set up; a site starts once.
   * @throws WeftError `WEFT_ERR_RUNNER_STATE` before `runner.setup()` or after `cleanup()`;
   * `WEFT_ERR_SITE` when it cannot listen (the cause is node's error, e.g. `EADDRINUSE`).
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new WeftError('WEFT_ERR_SITE', `${this.name} was already started; make a new site to listen again`);
    const server = this.runner.createServer(this, this.tls);
    this.#state = 'starting';
    const connections = new ServerConnections(server, this.tls !== undefined);
    try {
      await this.bind(server);
    } catch (err) {
      this.#state = 'new';
      if (server.listening) server.close();
      if (err instanceof WeftError) throw err;
      throw new WeftError('WEFT_ERR_SITE', `cannot start ${this.name}: ${messageOf(err)}`, { cause: err });
    }
    this.#server = server;
    this.#connections = connections;
    this.#closed = new Promise((resolve) => server.once('close', () => resolve()));
    server.on('error', (err) => this.runner.app.logger.error({ err, site: this.name }, 'server error'));
    try {
      this.runner.siteStarted(this);
    } catch (err) {
      // the runner began to stop while this site was binding
      this.#state = 'stopped';
      server.close();
      server.closeAllConnections();
      throw err;
    }
    this.#state = 'started';
  }

  /**
   * Stops this site gracefully: stops listening, closes idle connections now and busy ones
   * after their response, waits ≤ `shutdownTimeout` for its requests, then aborts the
   * handlers still running and closes what is left. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    return (this.#stopping ??= this.#stop());
  }

  async #stop(): Promise<void> {
    if (this.#state !== 'started') {
      this.#state = 'stopped';
      return;
    }
    this.beginDrain();
    await drainRequests(this.runner.tracker, this.runner.shutdownTimeout, this.runner.app.logger, this);
    await this.finishDrain();
  }

  /**
   * @internal Stops listening and keeps every connection as it is: a cluster worker's
   * drain before its graceful stop, so that a connection handed to it just before has its
   * request read and answered instead of being closed as idle. `stop()` still does the rest.
   */
  stopAccepting(): void {
    if (this.#state === 'started' && this.#server!.listening) stopListening(this.#server!);
  }

  /**
   * @internal Shutdown steps 1 and 2 for this site: stop listening; close idle connections;
   * mark busy ones to close after their response.
   */
  beginDrain(): void {
    if (this.#state !== 'started') return;
    this.#state = 'stopping';
    this.#draining = true;
    stopListening(this.#server!);
    const tracker = this.runner.tracker;
    tracker.closeAfterResponse(this);
    this.#connections!.closeIdle(tracker.busySockets());
  }

  /** @internal The end of a stop: destroys the connections left, waits (briefly) for the server to close. */
  async finishDrain(): Promise<void> {
    if (this.#state !== 'stopping') return;
    this.#connections!.destroyAll();
    // destroyed sockets close within a tick or two; a stop must end even if one does not
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([this.#closed!.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    if (!closed) this.runner.app.logger.warn({ site: this.name }, `${this.name}: the server had not closed ${CLOSE_WAIT_MS} ms after its connections were destroyed`);
    await this.afterClose();
    this.#state = 'stopped';
    this.runner.siteStopped(this);
  }

  /** Runs after the server closed: subclasses release what they own. */
  protected async afterClose(): Promise<void> {}

  /** Listens on `target` (an address, a listening server or a descriptor) and resolves when listening; rejects with node's error. */
  protected listenOn(server: HttpServer, target: ListenOptions | NetServer | { fd: number }): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      // node's listen(handle): a server whose socket is taken over, or { fd }
      if (target instanceof NetServer || 'fd' in target) server.listen(target, this.backlog, onListening);
      else server.listen({ ...target, backlog: this.backlog }, onListening);
    });
  }
}

/**
 * Stops accepting connections without node's idle sweep. `server.close()` first calls
 * `closeIdleConnections()`, which counts as idle a connection whose response has ended but
 * is still being flushed (it checks `finished`, set by `end()`), and destroys it: a large
 * response would be cut short. weft closes idle connections itself, knowing which
 * responses are still in flight, so the sweep is skipped for this one call.
 */
function stopListening(server: HttpServer): void {
  server.closeIdleConnections = noSweep;
  try {
    server.close();
  } finally {
    Reflect.deleteProperty(server, 'closeIdleConnections');
  }
}

function noSweep(): void {}

/** How long a stop waits for node's `close` once every connection was destroyed. */
const CLOSE_WAIT_MS = 2_000;

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
