import { type Application } from '../app/application.js';
import { type Job, type JobFunction } from './job.js';
import { type SpawnOptions } from './scheduler.js';

/**
 * Spawns a background job on the scheduler of the request's application (aiojobs'
 * `spawn(request, coro)`): for plain function handlers, which have no constructor to
 * inject the {@link Scheduler} into. The job outlives the request; shutdown waits for it.
 *
 * @example
 * ```ts
 * app.router.add('POST', '/emails', async (request) => {
 *   const message = await request.json();
 *   spawn(request, (signal) => mailer.send(message, { signal }), { name: 'email' });
 *   return json({ queued: true }, { status: 202 });
 * });
 * ```
 */
export function spawn<T>(request: { readonly app: Application }, fn: JobFunction<T>, options?: SpawnOptions): Job<T> {
  return request.app.scheduler.spawn(fn, options);
}
