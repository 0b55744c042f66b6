/**
 * `runApp`: the entry point of a weft process (aiohttp's `web.run_app`).
 */
import type { Server as NetServer } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { Application } from '../app/application.js';
import { WeftError } from '../errors.js';
import { createLogger, stderrLogger, type Logger } from '../logging/logger.js';
import { inCopyOfContext } from '../context/context-var.js';
import { AppRunner, RUNNER_OPTION_NAMES, type AppRunnerOptions } from './app-runner.js';
import { checkKnownOptions } from '../option-checks.js';
import { messageOf } from './error-message.js';
import type { BaseSite } from './base-site.js';
import { SockSite } from './sock-site.js';
import { onStopSignals } from './stop-signals.js';
import { TCPSite } from './tcp-site.js';
import { UnixSite, type UnixSiteOptions } from './unix-site.js';

/**
 * Options of {@link runApp}: where to listen, plus the {@link AppRunnerOptions}.
 *
 * @example
 * ```ts
 * runApp(app, { host: ['127.0.0.1', '::1'], port: 8080, shutdownTimeout: 30_000 });
 * ```
 */
export interface RunAppOptions extends Omit<AppRunnerOptions, 'handleSignals'> {
  /** Host(s) to listen on (default `0.0.0.0` when no `path`/`sock` is given); one TCP site each. */
  host?: string | string[];
  /** TCP port (default 8080, 8443 with `tls`). */
  port?: number;
  /** Unix socket path(s) to listen on, one `UnixSite` each. */
  path?: string | string[];
  /** Listening `net.Server`(s) or descriptor(s) (systemd: 3) to serve on, one `SockSite` each. */
  sock?: NetServer | number | Array<NetServer | number>;
  /** HTTPS for every site. */
  tls?: TlsOptions;
  backlog?: number;
  reusePort?: boolean;
  /** Permissions of the unix socket files. */
  mode?: number;
  /** How the "Running on" banner is printed (default `console.log`); `false` for none. */
  printUrl?: false | ((message: string) => void);
  /** Stop gracefully when aborted (as on SIGTERM), e.g. from tests or an embedding program. */
  signal?: AbortSignal;
  /** Stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** Where runApp logs until the app exists (a factory may fail); then the app's logger. Default: weft's logger. */
  logger?: Logger;
  /**
   * Makes the site for each `path` (default a `UnixSite`): `weft serve --workers` gives each
   * worker a socket it can hand over to its successor.
   */
  unixSite?: (runner: AppRunner, options: UnixSiteOptions) => BaseSite;
  /** Called once every site listens, with the runner (its `sites`, `addresses`). */
  onStarted?: (runner: AppRunner) => void;
}

/**
 * What `runApp` accepts: an app, or a zero-argument (async) factory making one.
 *
 * @example
 * ```ts
 * const factory: AppOrFactory = async () => createApp({ modules: [await loadModules()] });
 * ```
 */
export type AppOrFactory = Application | Promise<Application> | (() => Application | Promise<Application>);

/**
 * Runs an application until SIGINT/SIGTERM (or `options.signal`), then stops gracefully:
 * creates the app (awaiting an async factory), starts it, listens on every site, prints
 * `======== Running on http://0.0.0.0:8080 ========`, and on a stop signal runs the
 * graceful shutdown (see docs/running.md). A second signal while stopping is logged and
 * the stop goes on (bounded by about twice `shutdownTimeout`); SIGKILL forces it.
 *
 * Resolves after a clean stop, with `process.exitCode` 0. Rejects with the original error
 * when creating or starting the app or a site fails (after the cleanups owed ran), or when
 * a shutdown step failed, with `process.exitCode` 1 and the error logged. It never calls
 * `process.exit()`: the process ends when nothing is left to run, so logs are flushed and
 * every cleanup completed.
 *
 * @example
 * ```ts
 * // main.ts
 * async function createMyApp(): Promise<Application> {
 *   const app = createApp({ modules: [NotesModule] });
 *   return app;
 * }
 * runApp(createMyApp, { port: Number(process.env.PORT ?? 8080) }).catch(() => {
 *   // already logged; process.exitCode is 1
 * });
 * ```
 */
export function runApp(appOrFactory: AppOrFactory, options: RunAppOptions = {}): Promise<void> {
  // in a copy of the caller's ContextVars, as aiohttp runs the factory and the app in run_app's
  // own task: what the factory and the lifecycle set stays theirs (startup still sees the
  // factory's values), and the caller's context is left as it was
  return inCopyOfContext(serve)(appOrFactory, options);
}

/** The options `runApp()` takes: its own, the sites', and the runner's. */
const RUN_APP_OPTION_NAMES: readonly string[] = [
  ...['host', 'port', 'path', 'sock', 'tls', 'backlog', 'reusePort', 'mode', 'unixSite', 'printUrl', 'onStarted', 'signal', 'logger'],
  ...RUNNER_OPTION_NAMES,
];

async function serve(appOrFactory: AppOrFactory, options: RunAppOptions): Promise<void> {
  const { host, port, path, sock, tls, backlog, reusePort, mode, unixSite, printUrl = console.log, onStarted, signal, handleSignals = true, logger: earlyLogger, ...runnerOptions } = options;
  let logger: Logger = earlyLogger ?? fallbackLogger();
  let stopRequested: (reason: string) => void = () => {};
  let stopping = false;
  const stopped = new Promise<string>((resolve) => {
    stopRequested = (reason) => {
      stopping = true;
      resolve(reason);
    };
  });
  const removeSignals = handleSignals
    ? onStopSignals(
        (sig) => {
          logger.info({ signal: sig }, `${sig} received: stopping gracefully (shutdownTimeout ${runnerOptions.shutdownTimeout ?? 60_000} ms)`);
          stopRequested(sig);
        },
        (sig) => logger.warn({ signal: sig }, `${sig} received again: already stopping gracefully; send SIGKILL to force`),
      )
    : () => {};
  const onAbort = (): void => stopRequested('abort signal');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted === true) stopRequested('abort signal');

  let runner: AppRunner | undefined;
  try {
    checkKnownOptions(options, RUN_APP_OPTION_NAMES, 'runApp()');
    if (printUrl !== false && typeof printUrl !== 'function') throw new WeftError('WEFT_ERR_INVALID_OPTION', `printUrl must be false or a function, got ${typeof printUrl}`);
    if (typeof handleSignals !== 'boolean') throw new WeftError('WEFT_ERR_INVALID_OPTION', `handleSignals must be a boolean, got ${typeof handleSignals}`);
    const app = await makeApp(appOrFactory);
    logger = app.logger;
    runner = new AppRunner(app, runnerOptions);
    const sites = makeSites(runner, { host, port, path, sock, tls, backlog, reusePort, mode, unixSite }); // checks options before startup
    await runner.setup();
    // a stop requested during startup: the app stops as soon as it started, and no site
    // listens meanwhile (a connection accepted now would only be closed unanswered)
    for (const site of sites) if (!stopping) await site.start();
    if (!stopping) {
      if (printUrl !== false) for (const site of sites) printUrl(`======== Running on ${site.name} ========\n(Press CTRL+C to quit)`);
      onStarted?.(runner);
    }
  } catch (err) {
    logger.error({ err }, `startup failed: ${messageOf(err)}`);
    await runner?.cleanup().catch(() => {}); // after a failed site: the app started and must stop; each failure is logged
    process.exitCode = 1;
    signal?.removeEventListener('abort', onAbort);
    removeSignals();
    throw err;
  }

  await stopped;
  try {
    await runner.cleanup();
    logger.info({}, 'stopped');
    process.exitCode = 0;
  } catch (err) {
    process.exitCode = 1;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    removeSignals();
  }
}

async function makeApp(appOrFactory: AppOrFactory): Promise<Application> {
  if (typeof appOrFactory === 'function') {
    if (appOrFactory.length > 0) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `app factories take no arguments (${appOrFactory.name || 'the factory'} takes ${appOrFactory.length}); close over your options instead`);
    }
  }
  const app = await (typeof appOrFactory === 'function' ? appOrFactory() : appOrFactory);
  if (!(app instanceof Application)) {
    throw new WeftError('WEFT_ERR_INVALID_OPTION', `runApp needs an Application, or a factory returning one; got ${app === null ? 'null' : typeof app}`);
  }
  return app;
}

/** aiohttp's rules: TCP sites for `host` (or by default), plus unix and socket sites. */
function makeSites(
  runner: AppRunner,
  options: Pick<RunAppOptions, 'host' | 'port' | 'path' | 'sock' | 'tls' | 'backlog' | 'reusePort' | 'mode' | 'unixSite'>,
): BaseSite[] {
  const { host, port, path, sock, tls, backlog, reusePort, mode, unixSite = (r, o) => new UnixSite(r, o) } = options;
  const sites: BaseSite[] = [];
  const hosts = host === undefined ? (path === undefined && sock === undefined) || port !== undefined ? ['0.0.0.0'] : [] : [host].flat();
  for (const h of hosts) sites.push(new TCPSite(runner, { host: h, port, tls, backlog, reusePort }));
  for (const p of path === undefined ? [] : [path].flat()) sites.push(unixSite(runner, { path: p, mode, tls, backlog }));
  for (const s of sock === undefined ? [] : [sock].flat()) sites.push(new SockSite(runner, typeof s === 'number' ? { fd: s, tls } : { server: s, tls }));
  return sites;
}

let defaultLogger: Logger | undefined;

/**
 * Until the app exists (its factory may fail), messages go to weft's default logger; to
 * stderr when it cannot be made (a bad LOG_LEVEL): the app's own logger then fails the
 * startup with that error, which must be seen.
 */
function fallbackLogger(): Logger {
  try {
    return (defaultLogger ??= createLogger());
  } catch {
    return stderrLogger;
  }
}
