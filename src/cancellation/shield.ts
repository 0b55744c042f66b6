/**
 * `shield()`: aiohttp's `asyncio.shield` for weft's cooperative cancellation.
 *
 * JavaScript cannot stop a running async function from outside. weft cancels a handler by
 * aborting `request.signal` (client gone with `handlerCancellation`, or shutdown timeout);
 * the work that was given that signal (fetch, database drivers, `signal.throwIfAborted()`)
 * stops, the rest carries on. So "protecting" work means not handing it the request's
 * signal, and making the intent visible to readers and reviewers: that is `shield()`.
 */

/**
 * Work that must finish even if the handler is cancelled, e.g. writing to two stores that
 * must stay consistent.
 *
 * - `shield(promise)` returns a promise that settles exactly as `promise` does. Nothing ties
 *   it to any signal: the work goes on whatever happens to `request.signal`.
 * - `shield((signal) => work(signal))` calls the function at once with a signal that never
 *   aborts, for code written to take one: pass it where you would have passed
 *   `request.signal`, and the work is detached from the request's cancellation.
 *
 * Await the result: the awaiting handler stays "in flight", so a graceful shutdown waits
 * for it (up to `shutdownTimeout`). For work the handler should not wait for, spawn a job
 * on the `Scheduler` instead. As in aiohttp, shield the whole sequence in one call, not
 * each step: `shield(saveBoth())`, not `shield(saveA()); shield(saveB())`, otherwise a
 * handler that checks its signal between the steps stops after the first.
 *
 * @example
 * ```ts
 * @Post('/orders')
 * async create(@Req() request: Request, @Body() order: NewOrder) {
 *   const stock = await inventory.check(order, { signal: request.signal }); // may be cancelled
 *   await shield(async (signal) => {
 *     await redis.write(order, { signal });    // never cancelled
 *     await postgres.insert(order, { signal });
 *   });
 *   return json({ ok: true, stock });
 * }
 * ```
 */
export function shield<T>(work: PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>)): Promise<T> {
  if (typeof work !== 'function') return Promise.resolve(work);
  try {
    // a signal of its own that nobody can abort: one shared by all shielded work would
    // gather the listeners of every call at once (node warns past 10 concurrent
    // setTimeout({ signal })) and keep forever those a driver never removes
    return Promise.resolve(work(new AbortController().signal));
  } catch (err) {
    return Promise.reject(err);
  }
}
