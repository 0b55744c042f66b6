import { HTTPServiceUnavailable } from '../http/http-errors.js';

/**
 * What `spawn()` throws when `limit` jobs run and `pendingLimit` wait: code
 * `WEFT_ERR_JOBS_FULL`, like weft's other coded errors, and an {@link HTTPServiceUnavailable},
 * so that a handler letting it escape answers `503: Service Unavailable` (the server is
 * overloaded for now) instead of a 500 logged as a bug. The body says nothing of the jobs;
 * the message, for logs and catch blocks, says how many run and wait. No `Retry-After`: the
 * scheduler cannot know when room frees up; a handler that knows may set one and rethrow.
 *
 * It is not a `WeftError` (a class has one base): check `err.code === 'WEFT_ERR_JOBS_FULL'`
 * or `err instanceof JobsFullError`.
 *
 * @example
 * ```ts
 * try {
 *   scheduler.spawn((signal) => buildReport(body, signal), { name: 'report' });
 * } catch (err) {
 *   if (err instanceof JobsFullError) err.headers.set('Retry-After', '30');
 *   throw err; // the client gets 503, with Retry-After: 30
 * }
 * ```
 */
export class JobsFullError extends HTTPServiceUnavailable {
  /** The stable code, as on `WeftError`. */
  readonly code = 'WEFT_ERR_JOBS_FULL';

  /** @param detail what was refused and why, for the message. */
  constructor(detail: string) {
    super(); // the default body, "503: Service Unavailable": the counts are not the client's business
    this.message = `WEFT_ERR_JOBS_FULL: ${detail}`;
  }
}
