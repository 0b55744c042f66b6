import { AsyncResource } from 'node:async_hooks';
import { inCopyOfContext } from '../context/context-var.js';

/** What a background job runs: it gets its `AbortSignal` and should stop when it aborts. */
export type JobFunction<T = unknown> = (signal: AbortSignal) => Promise<T> | T;

/**
 * Where a job is: waiting for room under the scheduler's limit, running, or finished
 * (`done` resolved, `failed` threw, `cancelled` threw because its signal aborted, or was
 * dropped from the queue before it started).
 */
export type JobState = 'pending' | 'active' | 'done' | 'failed' | 'cancelled';

/**
 * A background job made by `Scheduler.spawn()`. Its outcome is never lost: `error` keeps
 * what it threw (the scheduler also logs it), and `promise` settles with the outcome
 * without ever becoming an unhandled rejection when nobody awaits it.
 *
 * @example
 * ```ts
 * const job = scheduler.spawn(async (signal) => sendNewsletter(signal), { name: 'newsletter' });
 * job.cancel();                       // aborts job.signal
 * await job.promise.catch(() => {});  // settles once the function returned
 * console.log(job.state, job.error);
 * ```
 */
export class Job<T = unknown> {
  /** Settles with the job's result, or rejects with what it threw (or the abort reason if it never started). */
  readonly promise: Promise<T>;
  readonly #controller = new AbortController();
  readonly #run: (signal: AbortSignal) => Promise<T> | T;
  #state: JobState = 'pending';
  #error: unknown = undefined;
  #result: T | undefined = undefined;
  // Typed `unknown` so that a Job<T> is a Job<unknown> (the scheduler tracks any job);
  // only start() calls it, with the function's own result.
  #resolve!: (value: unknown) => void;
  #reject!: (reason: unknown) => void;

  /**
   * Use `Scheduler.spawn()`: a job made directly never runs.
   *
   * @param name for logs and errors.
   * @param fn the work; it runs in the async context of the caller of `spawn()`, so
   *   ContextVars set by a request are seen by the jobs it spawns; it runs in a copy of
   *   them taken now, at spawn, so what the job sets is not seen by its request, and what
   *   the request sets afterwards is not seen by the job (asyncio's task semantics).
   */
  constructor(
    readonly name: string,
    fn: JobFunction<T>,
  ) {
    // the spawner's async context, and a copy of its ContextVars as they are now: the job's set() stays its own
    this.#run = AsyncResource.bind(inCopyOfContext(fn));
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve as (value: unknown) => void;
      this.#reject = reject;
    });
    // Marks the promise handled: an error nobody awaits is kept on the job and logged by
    // the scheduler, never an unhandled rejection that would crash the process.
    this.promise.catch(() => undefined);
  }

  /** Aborted by `cancel()` or by the scheduler's `close()`. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get state(): JobState {
    return this.#state;
  }

  /** Whether the job has finished, one way or another. */
  get settled(): boolean {
    return this.#state !== 'pending' && this.#state !== 'active';
  }

  /** What the job threw (`failed` or `cancelled`), kept for inspection. */
  get error(): unknown {
    return this.#error;
  }

  /** What the job returned (`done`). */
  get result(): T | undefined {
    return this.#result;
  }

  /**
   * Asks the job to stop: aborts its signal with `reason`. A pending job is dropped and
   * never starts; a running one stops when its code honours the signal (JavaScript cannot
   * stop a promise from outside). Does nothing once the job has finished.
   */
  cancel(reason?: unknown): void {
    if (this.settled) return;
    this.#controller.abort(reason);
  }

  /** @internal Runs the job (the scheduler calls it once); resolves when it finished, never rejects. */
  async start(): Promise<void> {
    this.#state = 'active';
    try {
      const result = await this.#run(this.signal);
      this.#state = 'done';
      this.#result = result;
      this.#resolve(result);
    } catch (err) {
      this.#state = this.signal.aborted && isAbort(err, this.signal) ? 'cancelled' : 'failed';
      this.#error = err;
      this.#reject(err);
    }
  }

  /** @internal Drops a pending job that will never start: it is cancelled with `reason`. */
  discard(reason: unknown): void {
    if (this.#state !== 'pending') return;
    if (!this.signal.aborted) this.#controller.abort(reason);
    this.#state = 'cancelled';
    this.#error = this.signal.reason;
    this.#reject(this.signal.reason);
  }
}

/** Whether an error is the job giving up because its signal aborted (not a failure to log). */
function isAbort(err: unknown, signal: AbortSignal): boolean {
  // By name, not instanceof: node's own AbortError may come from another realm (vm, jest).
  return err === signal.reason || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError');
}
