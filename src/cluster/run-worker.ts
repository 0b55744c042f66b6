/**
 * The worker side of `weft serve --workers N`: one process that loads the app itself and
 * serves it on its own runner, from its own factory call, startup and cleanup to its exit.
 */
import cluster from 'node:cluster';
import { Application } from '../app/application.js';
import { WeftError } from '../errors.js';
import { countResponses, requestLimit, runAppOptions } from '../cli/serve-command.js';
import type { ServeOptions } from '../cli/cli-options.js';
import { loadTarget } from '../cli/load-target.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { AppRunner } from '../server/app-runner.js';
import type { BaseSite } from '../server/base-site.js';
import { messageOf } from '../server/error-message.js';
import type { AppOrFactory } from '../server/run-app.js';
import { SockSite } from '../server/sock-site.js';
import { onStopSignals } from '../server/stop-signals.js';
import { TCPSite } from '../server/tcp-site.js';
import { SlotSocketSite } from './slot-socket-site.js';
import { TAKE_OVER_ENV, type WorkerMessage } from './worker-message.js';

/**
 * Runs worker `n`: loads `<module>:<export>`, builds the app (the factory runs here, once
 * per worker lifetime), starts it, tells the supervisor it is ready, serves until SIGTERM
 * or SIGINT, drains, then shuts down gracefully and lets the process end. (If the
 * supervisor dies, node's cluster ends its workers at once.)
 *
 * TCP sites share the supervisor's port through node's cluster; each `--path` socket is
 * the worker's own ({@link SlotSocketSite}), taken over from the slot's previous worker
 * when `WEFT_TAKE_OVER` is set (a restart).
 * Exit code 2 when the target cannot be loaded, 1 when the app fails to start.
 *
 * @example
 * ```ts
 * if (cluster.isWorker) await runWorker(options, Number(process.env.WEFT_WORKER_NUMBER));
 * ```
 */
export async function runWorker(options: ServeOptions, n: number): Promise<void> {
  let draining = false;
  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const sites: BaseSite[] = [];
  // SIGTERM: first a short drain in which every response closes its connection, so that
  // keep-alive clients reconnect (to another worker) instead of reusing a connection the
  // graceful stop is about to close; then the runner's graceful shutdown
  const removeSignals = onStopSignals(
    () => {
      draining = true;
      // no new connections from here on (node's cluster hands them to the other workers);
      // one handed over just before gets the drain to send its request, so the graceful
      // stop does not close it as idle
      for (const site of sites) site.stopAccepting();
      setTimeout(stopRequested, Math.min(DRAIN_MS, options.shutdownTimeout ?? DRAIN_MS));
    },
    () => {},
  );
  try {
    let appOrFactory;
    try {
      appOrFactory = loadTarget(options.target, process.cwd());
    } catch (err) {
      process.stderr.write(`weft: worker ${n}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = err instanceof WeftError && err.code === 'WEFT_ERR_CLI_TARGET' ? 2 : 1;
      return;
    }
    const limit = requestLimit(options.maxRequests, options.maxRequestsJitter);
    const counted = countResponses(appOrFactory, limit, () => send({ weft: 'recycle' }));
    await serve(closeWhile(counted, () => draining), options, n, stopped, sites);
  } finally {
    removeSignals();
    // the IPC channel would keep this process alive after its server closed; node's
    // cluster exits a worker at once on a disconnect it did not ask for, so ask for it
    if (process.connected) cluster.worker?.disconnect();
  }
}

/** How long a stopping worker keeps serving with `Connection: close` before its graceful stop. */
const DRAIN_MS = 500;

/** `runApp` for a worker: the same steps and logs, with the worker's own sites. Sets `process.exitCode`. */
async function serve(appOrFactory: AppOrFactory, options: ServeOptions, n: number, stopped: Promise<void>, sites: BaseSite[]): Promise<void> {
  let logger: Logger = createLogger();
  let runner: AppRunner | undefined;
  try {
    const app = await (typeof appOrFactory === 'function' ? appOrFactory() : appOrFactory);
    if (!(app instanceof Application)) throw new WeftError('WEFT_ERR_INVALID_OPTION', `the factory must return an Application, got ${app === null ? 'null' : typeof app}`);
    logger = app.logger;
    const { host, port, path, sock, ...runnerOptions } = runAppOptions(options, n);
    runner = new AppRunner(app, runnerOptions);
    const hosts = host === undefined ? ((path === undefined && sock === undefined) || port !== undefined ? ['0.0.0.0'] : []) : [host].flat();
    for (const h of hosts) sites.push(new TCPSite(runner, { host: h, port }));
    const takeOver = process.env[TAKE_OVER_ENV] === '1';
    for (const p of path === undefined ? [] : [path].flat()) sites.push(new SlotSocketSite(runner, { path: p, takeOver }));
    for (const s of sock === undefined ? [] : [sock].flat()) sites.push(new SockSite(runner, typeof s === 'number' ? { fd: s } : { server: s }));
    await runner.setup();
    for (const site of sites) await site.start();
    send({ weft: 'ready', sites: sites.map((site) => site.name) });
  } catch (err) {
    logger.error({ err }, `startup failed: ${messageOf(err)}`);
    await runner?.cleanup().catch(() => {}); // the app started and must stop; each failure is logged
    process.exitCode = 1;
    return;
  }
  await stopped;
  try {
    await runner.cleanup();
    logger.info({}, 'stopped');
    process.exitCode = 0;
  } catch (err) {
    logger.error({ err }, `shutdown failed: ${messageOf(err)}`);
    process.exitCode = 1;
  }
}

/** Adds the `onResponsePrepare` hook that closes connections while `draining()`. */
function closeWhile(appOrFactory: AppOrFactory, draining: () => boolean): AppOrFactory {
  return async () => {
    const app = await (typeof appOrFactory === 'function' ? appOrFactory() : appOrFactory);
    app.onResponsePrepare?.push((_request, response) => {
      if (draining() && response.keepAlive) response.forceClose();
    });
    return app;
  };
}

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}
