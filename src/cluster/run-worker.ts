/**
 * The worker side of `weft serve --workers N`: one process that loads the app itself and
 * serves it with `runApp`, from its own factory call, startup and cleanup to its exit.
 */
import cluster from 'node:cluster';
import { WeftError } from '../errors.js';
import { countResponses, requestLimit, runAppOptions } from '../cli/serve-command.js';
import type { ServeOptions } from '../cli/cli-options.js';
import { loadTarget } from '../cli/load-target.js';
import type { AppRunner } from '../server/app-runner.js';
import { runApp, type AppOrFactory } from '../server/run-app.js';
import { onStopSignals } from '../server/stop-signals.js';
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
  const controller = new AbortController();
  let draining = false;
  let runner: AppRunner | undefined;
  // SIGTERM: first a short drain in which every response closes its connection, so that
  // keep-alive clients reconnect (to another worker) instead of reusing a connection the
  // graceful stop is about to close; then the runner's graceful shutdown
  const removeSignals = onStopSignals(
    () => {
      draining = true;
      // no new connections from here on (node's cluster hands them to the other workers);
      // one handed over just before gets the drain to send its request, so the graceful
      // stop does not close it as idle. A slot's unix socket whose path a successor took over
      // (a rolling restart) goes on accepting while it drains: closing it now would reset the
      // connections still queued on it (nginx: 502 for a POST). One still named by its path
      // (a full stop, a scale-down) stops at once, so nginx tries another worker instead
      for (const site of runner?.sites ?? []) if (!(site instanceof SlotSocketSite && site.replaced())) site.stopAccepting();
      setTimeout(() => controller.abort(), Math.min(DRAIN_MS, options.shutdownTimeout ?? DRAIN_MS));
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
    const takeOver = process.env[TAKE_OVER_ENV] === '1';
    await runApp(closeWhile(counted, () => draining), {
      ...runAppOptions(options, n),
      signal: controller.signal,
      handleSignals: false,
      // each --path socket is the worker's own, taken over from the slot's previous worker
      unixSite: (r, siteOptions) => new SlotSocketSite(r, { ...siteOptions, takeOver }),
      printUrl: false,
      onStarted: (started) => {
        runner = started;
        send({ weft: 'ready', sites: started.sites.map((site) => site.name) });
      },
    }).catch(() => {
      // runApp logged the error and set process.exitCode to 1
    });
  } finally {
    removeSignals();
    // the IPC channel would keep this process alive after its server closed; node's
    // cluster exits a worker at once on a disconnect it did not ask for, so ask for it
    if (process.connected) cluster.worker?.disconnect();
  }
}

/** How long a stopping worker keeps serving with `Connection: close` before its graceful stop. */
const DRAIN_MS = 500;

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
