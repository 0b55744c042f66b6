import { WeftError } from '../errors.js';
import { createLogger, isLogger, type Logger } from '../logging/logger.js';
import { isOptionsObject, shownValue } from '../option-checks.js';
import { Job, type JobFunction } from './job.js';
import { JobsFullError } from './jobs-full-error.js';
import { checkTimeout, resolveSchedulerOptions, type SchedulerOptions } from './scheduler-options.js';

/** Options of {@link Scheduler.spawn}. */
export interface SpawnOptions {
  /** For logs and errors (default: the function's name, else `job #<n>`). */
  name?: string;
}

/** A typo (`nmae`) or a bare name string would otherwise be ignored without a word. */
function checkSpawnOptions(options: unknown): asserts options is SpawnOptions {
  if (!isOptionsObject(options)) throw new WeftError('WEFT_ERR_JOBS_OPTIONS', `spawn() options must be an object such as { name: 'report' }, got ${shownValue(options)}`);
  const unknown = Object.keys(options).filter((key) => key !== 'name');
  if (unknown.length > 0) throw new WeftError('WEFT_ERR_JOBS_OPTIONS', `unknown spawn() option(s) ${unknown.join(', ')}: use name`);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new WeftError('WEFT_ERR_JOBS_OPTIONS', `spawn() option name must be a non-empty string, got ${shownValue(options.name)}`);
  }
}

/** setTimeout takes at most this (about 24.8 days); longer waits are simply unbounded. */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * Background jobs tied to the application's life (aiojobs' scheduler): every job is
 * tracked, at most `limit` run at once and the rest wait in a FIFO queue, failures are
 * logged and kept on the job, and shutdown waits for the jobs (`wait`) and then cancels
 * what is left (`close`). weft registers one as a singleton in every root application:
 * inject it, or use `spawn(request, fn)`.
 *
 * @example
 * ```ts
 * @Controller('/reports')
 * class ReportsController {
 *   constructor(private readonly jobs: Scheduler) {}
 *
 *   @Post('')
 *   create(@Body() body: ReportRequest) {
 *     const job = this.jobs.spawn((signal) => buildReport(body, signal), { name: 'report' });
 *     return json({ accepted: job.name }, { status: 202 });
 *   }
 * }
 * ```
 */
export class Scheduler {
  readonly limit: number;
  readonly pendingLimit: number;
  readonly closeTimeout: number;
  readonly #logger: Logger;
  readonly #active = new Set<Job>();
  /** FIFO queue; `#head` is the next to start (cheaper than shift() on a long queue). */
  #pending: Array<Job | undefined> = [];
  #head = 0;
  #pendingCount = 0;
  #idleWaiters = new Set<() => void>();
  #spawned = 0;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** A refusal was logged; reset once nothing waits any more. */
  #fullWarned = false;

  /**
   * @param options limits (see {@link SchedulerOptions}) and where failures are logged.
   * @throws WeftError `WEFT_ERR_JOBS_OPTIONS` for options that are not an object, a bad
   *   limit, or a `logger` without `error`, `warn`, `info` and `debug` methods (job failures
   *   would be lost).
   */
  constructor(options: SchedulerOptions & { logger?: Logger } = {}) {
    if (!isOptionsObject(options)) throw new WeftError('WEFT_ERR_JOBS_OPTIONS', `new Scheduler() takes an options object, got ${shownValue(options)}`);
    const { logger, ...limits } = options;
    if (logger !== undefined && !isLogger(logger)) {
      throw new WeftError('WEFT_ERR_JOBS_OPTIONS', `new Scheduler() option logger must have error, warn, info and debug methods, got ${shownValue(logger)}`);
    }
    ({ limit: this.limit, pendingLimit: this.pendingLimit, closeTimeout: this.closeTimeout } = resolveSchedulerOptions(limits));
    this.#logger = logger ?? createLogger();
  }

  /** How many jobs are running. */
  get activeCount(): number {
    return this.#active.size;
  }

  /** How many jobs wait for room under `limit`. */
  get pendingCount(): number {
    return this.#pendingCount;
  }

  /** True once `close()` was called: `spawn()` then throws. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The running jobs, then the waiting ones in the order they will start. */
  get jobs(): Job[] {
    return [...this.#active, ...this.#pending.slice(this.#head).filter((job): job is Job => job !== undefined)];
  }

  /**
   * Starts `fn` now if fewer than `limit` jobs run, else queues it. Returns the tracked
   * {@link Job}; its failure is logged and kept, never an unhandled rejection.
   *
   * @throws WeftError `WEFT_ERR_JOBS_CLOSED` after `close()`, `WEFT_ERR_JOBS_OPTIONS` for a bad
   *   argument; {@link JobsFullError} (`WEFT_ERR_JOBS_FULL`, a 503 when a handler lets it
   *   escape) when `limit` jobs run and the queue holds `pendingLimit`.
   */
  spawn<T>(fn: JobFunction<T>, options: SpawnOptions = {}): Job<T> {
    if (typeof fn !== 'function') throw new WeftError('WEFT_ERR_JOBS_OPTIONS', `spawn() takes a function (signal) => Promise, got ${typeof fn}`);
    checkSpawnOptions(options);
    const name = options.name ?? (fn.name || `job #${this.#spawned + 1}`);
    if (this.closed) throw new WeftError('WEFT_ERR_JOBS_CLOSED', `cannot spawn ${name}: the scheduler is closed (the application is shutting down)`);
    const room = this.#active.size < this.limit;
    if (!room && this.#pendingCount >= this.pendingLimit) {
      const error = new JobsFullError(`cannot spawn ${name}: ${this.#active.size} jobs are running (limit ${this.limit}) and ${this.#pendingCount} are waiting (pendingLimit ${this.pendingLimit})`);
      // the 503 a handler sends is not logged (an HttpError): say it once per spell of saturation
      if (!this.#fullWarned) {
        this.#fullWarned = true;
        this.#logger.warn({ job: name }, `${error.message.slice(error.code.length + 2)}; further refusals are not logged until the queue drains`);
      }
      throw error;
    }
    this.#spawned++;
    const job = new Job<T>(name, fn);
    if (room) {
      this.#start(job);
    } else {
      this.#pending.push(job);
      this.#pendingCount++;
      job.signal.addEventListener('abort', () => this.#dropPending(job), { once: true });
    }
    return job;
  }

  /**
   * Resolves once no job runs or waits (including jobs spawned meanwhile): `true`, or
   * `false` when `timeoutMs` passed first. Without a timeout it waits as long as it takes.
   */
  wait(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout('wait() timeoutMs', timeoutMs);
    if (this.#idle) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (all: boolean) => {
        clearTimeout(timer);
        this.#idleWaiters.delete(onIdle);
        resolve(all);
      };
      const onIdle = () => finish(true);
      this.#idleWaiters.add(onIdle);
      if (timeout < MAX_TIMER) timer = setTimeout(() => finish(false), timeout);
    });
  }

  /**
   * Closes the scheduler: new spawns throw, waiting jobs are dropped (they never start),
   * running jobs have their signal aborted, then it waits up to `closeTimeout` ms for them
   * and logs those still running. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    // Set before any job is aborted: an abort listener that spawns must already be refused.
    this.#closed = true;
    return (this.#closing ??= this.#close());
  }

  /** The container disposes the scheduler by closing it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  get #idle(): boolean {
    return this.#active.size === 0 && this.#pendingCount === 0;
  }

  async #close(): Promise<void> {
    const reason = new WeftError('WEFT_ERR_JOBS_CLOSED', 'the scheduler closed: the job was cancelled');
    const pending = this.#pending.slice(this.#head);
    this.#pending = [];
    this.#head = 0;
    this.#pendingCount = 0;
    for (const job of pending) job?.discard(reason);
    for (const job of this.#active) job.cancel(reason);
    this.#notifyIdle();
    if (await this.wait(this.closeTimeout)) return;
    const names = [...this.#active].map((job) => job.name);
    this.#logger.warn({ jobs: names }, `${names.length} background job(s) still running ${this.closeTimeout} ms after the scheduler closed: they do not honour their AbortSignal`);
  }

  #start(job: Job): void {
    this.#active.add(job);
    void job.start().then(() => this.#finished(job));
  }

  #finished(job: Job): void {
    this.#active.delete(job);
    this.#report(job);
    while (this.#active.size < this.limit && this.#pendingCount > 0) {
      const next = this.#pending[this.#head];
      this.#pending[this.#head++] = undefined;
      if (next === undefined) continue;
      this.#pendingCount--;
      this.#start(next);
    }
    this.#compactQueue();
    if (this.#pendingCount === 0) this.#fullWarned = false;
    this.#notifyIdle();
  }

  /** Logs how a job ended; a logger that throws must not break the bookkeeping. */
  #report(job: Job): void {
    try {
      if (job.state === 'failed') this.#logger.error({ err: job.error, job: job.name }, `background job ${job.name} failed`);
      else if (job.state === 'cancelled') this.#logger.debug({ job: job.name }, `background job ${job.name} was cancelled`);
    } catch {
      // nothing better to do with a broken logger: the error stays on the job
    }
  }

  /** A queued job was cancelled: it leaves the queue and never starts. */
  #dropPending(job: Job): void {
    const index = this.#pending.indexOf(job, this.#head);
    if (index === -1) return;
    this.#pending[index] = undefined;
    this.#pendingCount--;
    job.discard(job.signal.reason);
    this.#report(job);
    this.#compactQueue();
    this.#notifyIdle();
  }

  /** Drops the consumed head of the queue once it outweighs the rest. */
  #compactQueue(): void {
    if (this.#pendingCount === 0) {
      this.#pending = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
      this.#pending = this.#pending.slice(this.#head).filter((job) => job !== undefined);
      this.#head = 0;
    }
  }

  #notifyIdle(): void {
    if (!this.#idle) return;
    for (const waiter of [...this.#idleWaiters]) waiter();
  }
}
