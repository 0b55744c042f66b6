/**
 * `AppRunner`: runs an application on one or more sites (aiohttp's `web.AppRunner`).
 */
import type { AddressInfo } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { Application } from '../app/application.js';
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { LoggerAccessLogger, type AccessLogger } from '../logging/access-log.js';
import { DEFAULT_ACCESS_LOG_FORMAT } from '../logging/access-log-format.js';
import { createRequestListener } from '../pipeline/handle-request.js';
import type { BaseSite } from './base-site.js';
import { CONNECTION_OPTION_NAMES, checkConnectionOptions, type ConnectionOptions } from './connection-options.js';
import { shutdownGracefully } from './graceful-shutdown.js';
import { createHttpServer, type HttpServer } from './http-server.js';
import { RequestTracker } from './request-tracker.js';
import { onStopSignals } from './stop-signals.js';

/** The options `new AppRunner()` takes: its own and the connection options. */
export const RUNNER_OPTION_NAMES: readonly string[] = ['shutdownTimeout', 'handleSignals', 'accessLog', 'accessLogFormat', 'handlerCancellation', ...CONNECTION_OPTION_NAMES];

/**
 * Options of {@link AppRunner} (and of `runApp`).
 *
 * @example
 * ```ts
 * new AppRunner(app, { shutdownTimeout: 30_000, handlerCancellation: true, accessLogFormat: '%a "%r" %s %Tf' });
 * ```
 */
export interface AppRunnerOptions extends ConnectionOptions {
  /**
   * How long a graceful shutdown waits for in-flight requests and jobs, in ms, and again
   * for cancelled handlers (default 60 s; the whole stop takes at most about twice this,
   * plus `onShutdown` and cleanup).
   */
  shutdownTimeout?: number;
  /** Stop gracefully on SIGINT/SIGTERM (default false; `runApp` handles them itself). */
  handleSignals?: boolean;
  /**
   * Where access log lines go: an {@link AccessLogger}, or `null` for none (then nothing
   * is measured on the request path). Default: a {@link LoggerAccessLogger} on the app's
   * logger, at `info`.
   */
  accessLog?: AccessLogger | null;
  /** The default access logger's format (aiohttp's language; default {@link DEFAULT_ACCESS_LOG_FORMAT}). */
  accessLogFormat?: string;
  /**
   * Abort `request.signal` when the client disconnects before its response is complete
   * (aiohttp's `handler_cancellation`; default false: reads and writes then fail with
   * `WEFT_ERR_CLIENT_GONE`, and the handler runs on). `@Atomic()` routes are exempt.
   */
  handlerCancellation?: boolean;
}

type RunnerState = 'new' | 'starting' | 'ready' | 'failed' | 'stopping' | 'stopped';

/**
 * Runs an application on sites: `setup()` starts the app (compile, startup hooks, cleanup
 * contexts), sites listen, `cleanup()` stops everything gracefully (steps 1–7, see
 * docs/running.md). Use it to serve on several addresses, or to start and stop a server
 * from your own code; `runApp` does all of this for a process.
 *
 * @example
 * ```ts
 * const runner = new AppRunner(app, { shutdownTimeout: 10_000 });
 * await runner.setup();
 * await new TCPSite(runner, { host: '127.0.0.1', port: 8080 }).start();
 * await new UnixSite(runner, { path: '/run/app.sock' }).start();
 * // ...
 * await runner.cleanup();
 * ```
 */
export class AppRunner {
  readonly app: Application;
  /** ms a graceful shutdown waits, twice at most (see {@link AppRunnerOptions.shutdownTimeout}). */
  readonly shutdownTimeout: number;
  readonly handlerCancellation: boolean;
  /** The access logger, or null when access logging is off. */
  readonly accessLogger: AccessLogger | null;
  readonly #connectionOptions: ConnectionOptions;
  readonly #handleSignals: boolean;
  #state: RunnerState = 'new';
  #sites: BaseSite[] = [];
  #tracker: RequestTracker | undefined;
  #setup: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #removeSignals: (() => void) | null = null;

  /** @throws WeftError `WEFT_ERR_INVALID_OPTION` naming the first invalid option. */
  constructor(app: Application, options: AppRunnerOptions = {}) {
    if (!(app instanceof Application)) throw new WeftError('WEFT_ERR_INVALID_OPTION', 'AppRunner needs an Application (from createApp())');
    const { shutdownTimeout = 60_000, handleSignals = false, accessLog, accessLogFormat, handlerCancellation = false, ...connection } = options;
    // JavaScript callers get what TypeScript would have told them: a misspelt option is not ignored
    checkKnownOptions(options, RUNNER_OPTION_NAMES, 'AppRunner');
    for (const [name, value] of [['handleSignals', handleSignals], ['handlerCancellation', handlerCancellation]] as const) {
      if (typeof value !== 'boolean') throw new WeftError('WEFT_ERR_INVALID_OPTION', `${name} must be a boolean, got ${typeof value}`);
    }
    if (!(Number.isFinite(shutdownTimeout) && shutdownTimeout >= 0)) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `shutdownTimeout must be a non-negative number of ms, got ${String(shutdownTimeout)}`);
    }
    checkConnectionOptions(connection);
    if (accessLog !== undefined && accessLog !== null && typeof accessLog.log !== 'function') {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', 'accessLog must be an AccessLogger (an object with log(request, response, timeMs, bytesSent)) or null');
    }
    if (accessLog != null && accessLogFormat !== undefined) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', 'accessLogFormat applies to the default access logger: give the format to your own AccessLogger instead');
    }
    this.app = app;
    this.shutdownTimeout = shutdownTimeout;
    this.handlerCancellation = handlerCancellation;
    this.accessLogger = accessLog === undefined ? new LoggerAccessLogger(app.logger, accessLogFormat ?? DEFAULT_ACCESS_LOG_FORMAT) : accessLog;
    this.#connectionOptions = connection;
    this.#handleSignals = handleSignals;
  }

  /**
   * Starts the application: compile, async singletons, startup hooks and cleanup contexts.
   * On failure the cleanups owed have run before it rejects with the original error.
   * @throws WeftError `WEFT_ERR_RUNNER_STATE` when called twice.
   */
  setup(): Promise<void> {
    if (this.#state !== 'new') return Promise.reject(new WeftError('WEFT_ERR_RUNNER_STATE', `setup() runs once; this runner is ${this.#state}`));
    this.#state = 'starting';
    this.#setup = this.#start();
    return this.#setup;
  }

  async #start(): Promise<void> {
    if (this.#handleSignals) {
      this.#removeSignals = onStopSignals(
        (signal) => {
          this.app.logger.info({ signal }, `${signal} received: stopping gracefully (shutdownTimeout ${this.shutdownTimeout} ms)`);
          this.cleanup().catch(() => {}); // each failure was logged where it happened
        },
        (signal) => this.app.logger.warn({ signal }, `${signal} received again: already stopping gracefully; send SIGKILL to force`),
      );
    }
    try {
      await this.app.startup();
    } catch (err) {
      this.#state = 'failed';
      this.#stopListeningForSignals();
      throw err;
    }
    this.#tracker = new RequestTracker({ handlerCancellation: this.handlerCancellation, accessLogger: this.accessLogger, logger: this.app.logger });
    this.#state = 'ready';
  }

  /** The sites that are listening, in the order they started. */
  get sites(): readonly BaseSite[] {
    return [...this.#sites];
  }

  /** The addresses the sites listen on: `{ address, family, port }` for TCP, a path for unix sockets. */
  get addresses(): Array<AddressInfo | string> {
    return this.#sites.flatMap((site) => (site.address === null ? [] : [site.address]));
  }

  /**
   * Starts `site` (made for this runner) and gives it back.
   *
   * @example
   * ```ts
   * const site = await runner.addSite(new TCPSite(runner, { port: 0 }));
   * ```
   */
  async addSite<S extends BaseSite>(site: S): Promise<S> {
    if (site.runner !== this) throw new WeftError('WEFT_ERR_SITE', `${site.name} was made for another runner`);
    await site.start();
    return site;
  }

  /**
   * Stops gracefully (steps 1–7: sites stop listening, idle connections close, onShutdown,
   * in-flight requests and jobs get `shutdownTimeout`, then cancellation, cleanup).
   * Calling it again returns the same promise; before `setup()` it does nothing. Rejects
   * after every step ran if some failed (one error as is, several as a CleanupError).
   */
  cleanup(): Promise<void> {
    // before setup() there is nothing to stop, and the runner stays usable
    if (this.#state === 'new') return Promise.resolve();
    return (this.#stopping ??= this.#stop());
  }

  async #stop(): Promise<void> {
    if (this.#state === 'starting') await this.#setup!.catch(() => {});
    if (this.#state !== 'ready') {
      this.#state = 'stopped';
      this.#stopListeningForSignals();
      return;
    }
    this.#state = 'stopping';
    try {
      await shutdownGracefully({ app: this.app, sites: [...this.#sites], tracker: this.#tracker!, timeoutMs: this.shutdownTimeout, logger: this.app.logger });
    } finally {
      this.#state = 'stopped';
      this.#stopListeningForSignals();
    }
  }

  #stopListeningForSignals(): void {
    this.#removeSignals?.();
    this.#removeSignals = null;
  }

  /** @internal the in-flight requests, once set up. */
  get tracker(): RequestTracker {
    if (this.#tracker === undefined) throw new WeftError('WEFT_ERR_RUNNER_STATE', 'the runner is not set up: await runner.setup() first');
    return this.#tracker;
  }

  /**
   * @internal a server for `site`: the app's request listener with this runner's hooks and
   * connection limits.
   * @throws WeftError `WEFT_ERR_RUNNER_STATE` unless set up and not stopping.
   */
  createServer(site: BaseSite, tls: TlsOptions | undefined): HttpServer {
    if (this.#state !== 'ready') {
      const hint = this.#state === 'new' || this.#state === 'starting' ? 'await runner.setup() first' : 'the runner is stopping or stopped';
      throw new WeftError('WEFT_ERR_RUNNER_STATE', `cannot start ${site.name}: ${hint}`);
    }
    const listener = createRequestListener(this.app.compiled!, this.tracker.hooksFor(site));
    return createHttpServer(listener, { ...this.#connectionOptions, tls });
  }

  /**
   * @internal called by a site once it listens.
   * @throws WeftError `WEFT_ERR_RUNNER_STATE` if the runner began to stop meanwhile.
   */
  siteStarted(site: BaseSite): void {
    if (this.#state !== 'ready') throw new WeftError('WEFT_ERR_RUNNER_STATE', `${site.name} started while the runner was stopping: it is closed again`);
    this.#sites.push(site);
  }

  /** @internal called by a site once it stopped. */
  siteStopped(site: BaseSite): void {
    this.#sites = this.#sites.filter((s) => s !== site);
  }
}
