/**
 * aiohttp's graceful shutdown, steps 1–7, bounded by `shutdownTimeout`. docs/running.md
 * describes them for users.
 */
import type { Application } from '../app/application.js';
import { WeftError } from '../errors.js';
import { Scheduler } from '../jobs/scheduler.js';
import { CleanupError } from '../lifecycle/cleanup-error.js';
import type { Logger } from '../logging/logger.js';
import { closeWebSockets } from '../ws/open-websockets.js';
import type { BaseSite } from './base-site.js';
import type { DrainState, RequestTracker } from './request-tracker.js';

/** What a runner's shutdown works on. */
export interface ShutdownContext {
  readonly app: Application;
  readonly sites: readonly BaseSite[];
  readonly tracker: RequestTracker;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/**
 * Stops a runner:
 * 1. every site stops listening (new connections are refused);
 * 2. idle keep-alive connections close now; busy ones after their response (`Connection: close`);
 * 3. `app.shutdown()` (onShutdown, while requests are still in flight), then every websocket
 *    still open is closed with 1001 GOING_AWAY;
 * 4. waits ≤ `timeoutMs` for in-flight requests and for the scheduler's jobs;
 * 5. aborts the handlers still running, waits ≤ `timeoutMs` again, destroys their
 *    connections, then every connection left;
 * 6. `app.cleanup()` (onCleanup and cleanup contexts, reverse order);
 * 7. closes the scheduler (its jobs still running are aborted).
 * Every step runs whatever failed before; the errors are thrown at the end (one as is,
 * several as a `CleanupError`).
 *
 * @example
 * ```ts
 * await shutdownGracefully({ app, sites, tracker, timeoutMs: 60_000, logger: app.logger });
 * ```
 */
export async function shutdownGracefully({ app, sites, tracker, timeoutMs, logger }: ShutdownContext): Promise<void> {
  const errors: unknown[] = [];
  for (const site of sites) site.beginDrain();
  await collect(errors, () => app.shutdown(), logger, 'onShutdown failed');
  // step 3 too: websockets still open after the user's onShutdown handlers get 1001 GOING_AWAY
  // a peer that never answers the close frame waits no longer than shutdownTimeout
  await collect(errors, () => closeWebSockets(app, 1001, 'Server shutdown', timeoutMs), logger, 'closing websockets failed');
  const scheduler = schedulerOf(app);
  await drainRequests(tracker, timeoutMs, logger, undefined, scheduler === undefined ? undefined : (ms) => scheduler.wait(ms));
  await Promise.all(sites.map((site) => site.finishDrain()));
  await collect(errors, () => app.cleanup(), logger, 'cleanup failed');
  if (scheduler !== undefined) await collect(errors, () => scheduler.close(), logger, 'closing the scheduler failed');
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CleanupError(errors);
}

/**
 * Steps 4 and 5 for the requests of one site, or of every site: waits ≤ `timeoutMs` (with
 * `alongside`, e.g. the scheduler's jobs, in the same time); then aborts the handlers still
 * running, closes the connections of those that have not started a response, waits ≤
 * `timeoutMs` again, and destroys the connections of the rest.
 */
export async function drainRequests(
  tracker: RequestTracker,
  timeoutMs: number,
  logger: Logger,
  site?: DrainState,
  alongside?: (ms: number) => Promise<unknown>,
): Promise<void> {
  const [idle] = await Promise.all([tracker.waitIdle(timeoutMs, site), alongside?.(timeoutMs)]);
  if (idle) return;
  const reason = new WeftError('WEFT_ERR_SHUTDOWN_TIMEOUT', `the server is shutting down and the handler did not finish within shutdownTimeout (${timeoutMs} ms)`);
  const aborted = tracker.abortRunning(reason, site);
  if (aborted.length > 0) {
    logger.warn({ handlers: aborted }, `shutdown: ${aborted.length} handler(s) still running after ${timeoutMs} ms; their request.signal is aborted`);
  }
  if (await tracker.waitIdle(timeoutMs, site)) return;
  const stuck = tracker.runningLabels(site);
  tracker.destroyRunning(site);
  if (stuck.length > 0) {
    logger.warn({ handlers: stuck }, `shutdown: ${stuck.length} handler(s) ignored the abort for ${timeoutMs} ms; their connections are closed and shutdown goes on without them`);
  }
}

/** The root app's scheduler, if it has one; looked up before cleanup disposes the container. */
function schedulerOf(app: Application): Scheduler | undefined {
  try {
    return app.container.getOptional(Scheduler);
  } catch {
    return undefined;
  }
}

async function collect(errors: unknown[], step: () => Promise<unknown>, logger: Logger, what: string): Promise<void> {
  try {
    await step();
  } catch (err) {
    errors.push(err);
    logger.error({ err }, `shutdown: ${what}`);
  }
}
