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
 * 4. waits ≤ `timeoutMs` for in-flight requests, then for the rest of that time for the
 *    scheduler's jobs (those the requests spawned meanwhile included);
 * 5. aborts the handlers still running, waits ≤ `timeoutMs` again, destroys their
 *    connections, then every connection left; closes the scheduler: jobs still running
 *    have their signal aborted and `closeTimeout` to finish, while what they use is open;
 * 6. `app.cleanup()` (onCleanup and cleanup contexts, reverse order);
 * 7. disposes the containers (the last step of `app.cleanup()`).
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
  const deadline = performance.now() + timeoutMs;
  await drainRequests(tracker, timeoutMs, logger);
  await Promise.all(sites.map((site) => site.finishDrain()));
  if (scheduler !== undefined) await collect(errors, () => stopJobs(scheduler, deadline, timeoutMs, logger), logger, 'closing the scheduler failed');
  await collect(errors, () => app.cleanup(), logger, 'cleanup failed');
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CleanupError(errors);
}

/**
 * Steps 4 and 5 for the requests of one site, or of every site: waits ≤ `timeoutMs`; then
 * aborts the handlers still running, closes the connections of those that have not started
 * a response, waits ≤ `timeoutMs` again, and destroys the connections of the rest.
 */
export async function drainRequests(tracker: RequestTracker, timeoutMs: number, logger: Logger, site?: DrainState): Promise<void> {
  if (await tracker.waitIdle(timeoutMs, site)) return;
  const reason = new WeftError('WEFT_ERR_SHUTDOWN_TIMEOUT', `the server is shutting down and the handler did not finish within shutdownTimeout (${timeoutMs} ms)`);
  const aborted = tracker.abortRunning(reason, site);
  if (aborted.length > 0) {
    logger.warn({ handlers: aborted }, `shutdown: ${aborted.length} handler(s) still running after ${timeoutMs} ms; their request.signal is aborted`);
  }
  if (await tracker.waitIdle(timeoutMs, site)) return;
  const stuck = tracker.runningLabels(site);
  const sending = tracker.sendingLabels(site);
  tracker.destroyRunning(site);
  if (stuck.length > 0) {
    logger.warn({ handlers: stuck }, `shutdown: ${stuck.length} handler(s) ignored the abort for ${timeoutMs} ms; their connections are closed and shutdown goes on without them`);
  }
  if (sending.length > 0) {
    logger.warn({ responses: sending }, `shutdown: ${sending.length} response(s) still being sent after 2 × ${timeoutMs} ms are cut short: their connections are closed, the clients get them incomplete`);
  }
}

/**
 * The jobs' part of steps 4 and 5: waits for them until `deadline` (step 4's end; jobs ran
 * alongside the requests until then, and a job a request spawned while it finished is
 * waited for too), then closes the scheduler, before `app.cleanup()` closes what the jobs
 * use: those still running are named in a warning, have their signal aborted and get the
 * scheduler's `closeTimeout` to finish.
 */
async function stopJobs(scheduler: Scheduler, deadline: number, timeoutMs: number, logger: Logger): Promise<void> {
  if (!(await scheduler.wait(Math.max(0, deadline - performance.now())))) {
    // the running ones first, then those still waiting for room
    const names = scheduler.jobs.map((job) => job.name);
    const jobs = names.slice(0, scheduler.activeCount);
    const waiting = names.slice(scheduler.activeCount);
    const dropped = waiting.length > 0 ? `; ${waiting.length} waiting job(s) are dropped` : '';
    logger.warn({ jobs, waiting }, `shutdown: ${jobs.length} background job(s) still running after ${timeoutMs} ms; their signal is aborted${dropped}`);
  }
  await scheduler.close();
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
