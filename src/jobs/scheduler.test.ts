import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WeftError } from '../errors.js';
import { type Logger } from '../logging/logger.js';
import { Scheduler } from './scheduler.js';
import { resolveSchedulerOptions } from './scheduler-options.js';

interface Entry {
  level: 'error' | 'warn' | 'info' | 'debug';
  obj: Record<string, unknown>;
  msg?: string;
}

function recordingLogger(): Logger & { entries: Entry[] } {
  const entries: Entry[] = [];
  const at = (level: Entry['level']) => (obj: object, msg?: string) => void entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return { entries, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** A promise to settle by hand, to hold a job open. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (reason: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets every pending promise callback run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as WeftError).code;
  }
  return undefined;
}

describe('Scheduler', () => {
  let logger: ReturnType<typeof recordingLogger>;
  beforeEach(() => (logger = recordingLogger()));

  test('a job starts at once, is tracked while it runs, and keeps its result', async () => {
    const scheduler = new Scheduler({ logger });
    const hold = gate<number>();
    const job = scheduler.spawn(() => hold.promise, { name: 'answer' });
    expect(job.name).toBe('answer');
    expect(job.state).toBe('active');
    expect(scheduler.activeCount).toBe(1);
    expect(scheduler.jobs).toEqual([job]);
    hold.open(42);
    await expect(job.promise).resolves.toBe(42);
    expect(job.state).toBe('done');
    expect(job.result).toBe(42);
    expect(job.settled).toBe(true);
    await flush();
    expect(scheduler.activeCount).toBe(0);
    expect(logger.entries).toEqual([]);
  });

  test('names default to the function name, else job #n', () => {
    const scheduler = new Scheduler({ logger });
    async function refreshCache() {}
    expect(scheduler.spawn(refreshCache).name).toBe('refreshCache');
    expect(scheduler.spawn(() => undefined).name).toBe('job #2');
    expect(scheduler.spawn(async () => undefined, {}).name).toBe('job #3');
  });

  test('a failure is logged with the job name and kept on the job, never an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const scheduler = new Scheduler({ logger });
      const boom = new Error('boom');
      const job = scheduler.spawn(async () => {
        throw boom;
      }, { name: 'explode' });
      const syncJob = scheduler.spawn(() => {
        throw new Error('sync boom');
      }, { name: 'sync' });
      await scheduler.wait();
      await flush();
      expect(job.state).toBe('failed');
      expect(job.error).toBe(boom);
      expect(syncJob.state).toBe('failed');
      expect((syncJob.error as Error).message).toBe('sync boom');
      await expect(job.promise).rejects.toBe(boom);
      const errors = logger.entries.filter((e) => e.level === 'error');
      expect(errors).toHaveLength(2);
      expect(errors).toEqual(
        expect.arrayContaining([
          { level: 'error', obj: { err: boom, job: 'explode' }, msg: 'background job explode failed' },
          { level: 'error', obj: { err: syncJob.error, job: 'sync' }, msg: 'background job sync failed' },
        ]),
      );
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('at most `limit` jobs run; the rest wait and start in FIFO order', async () => {
    const scheduler = new Scheduler({ logger, limit: 2 });
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate<void>>>();
    const spawnNamed = (name: string) => {
      gates.set(name, gate());
      return scheduler.spawn(async () => {
        started.push(name);
        await gates.get(name)!.promise;
      }, { name });
    };
    const jobs = ['a', 'b', 'c', 'd', 'e'].map(spawnNamed);
    expect(started).toEqual(['a', 'b']);
    expect([scheduler.activeCount, scheduler.pendingCount]).toEqual([2, 3]);
    expect(jobs.map((job) => job.state)).toEqual(['active', 'active', 'pending', 'pending', 'pending']);
    expect(scheduler.jobs.map((job) => job.name)).toEqual(['a', 'b', 'c', 'd', 'e']);

    gates.get('b')!.open();
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    gates.get('a')!.open();
    gates.get('c')!.open();
    await flush();
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([scheduler.activeCount, scheduler.pendingCount]).toEqual([2, 0]);
    gates.get('d')!.open();
    gates.get('e')!.open();
    await expect(scheduler.wait(1000)).resolves.toBe(true);
  });

  test('a full queue refuses the spawn with WEFT_ERR_JOBS_FULL; nothing is lost', async () => {
    const scheduler = new Scheduler({ logger, limit: 1, pendingLimit: 1 });
    const hold = gate();
    scheduler.spawn(() => hold.promise);
    scheduler.spawn(async () => undefined);
    expect(() => scheduler.spawn(async () => undefined, { name: 'third' })).toThrow(
      'WEFT_ERR_JOBS_FULL: cannot spawn third: 1 jobs are running (limit 1) and 1 are waiting (pendingLimit 1)',
    );
    expect([scheduler.activeCount, scheduler.pendingCount]).toEqual([1, 1]);
    hold.open();
    await expect(scheduler.wait(1000)).resolves.toBe(true);

    const noQueue = new Scheduler({ logger, limit: 1, pendingLimit: 0 });
    const held = gate();
    noQueue.spawn(() => held.promise);
    expect(codeOf(() => noQueue.spawn(async () => undefined))).toBe('WEFT_ERR_JOBS_FULL');
    held.open();
    await noQueue.wait();
  });

  test('a refusal is logged once per spell of saturation (the 503 a handler sends is not logged)', async () => {
    const scheduler = new Scheduler({ logger, limit: 1, pendingLimit: 0 });
    const warnings = () => logger.entries.filter((e) => e.level === 'warn').map((e) => e.msg);
    const first = gate();
    scheduler.spawn(() => first.promise, { name: 'long' });
    for (const name of ['a', 'b']) expect(codeOf(() => scheduler.spawn(async () => undefined, { name }))).toBe('WEFT_ERR_JOBS_FULL');
    expect(warnings()).toEqual([
      'cannot spawn a: 1 jobs are running (limit 1) and 0 are waiting (pendingLimit 0); further refusals are not logged until the queue drains',
    ]);
    first.open();
    await scheduler.wait(1000);
    const second = gate();
    scheduler.spawn(() => second.promise, { name: 'long again' });
    expect(codeOf(() => scheduler.spawn(async () => undefined, { name: 'c' }))).toBe('WEFT_ERR_JOBS_FULL');
    expect(warnings()).toHaveLength(2);
    second.open();
    await scheduler.wait(1000);
  });

  test('cancelling a pending job drops it: it never starts', async () => {
    const scheduler = new Scheduler({ logger, limit: 1 });
    const hold = gate();
    scheduler.spawn(() => hold.promise);
    let ran = false;
    const queued = scheduler.spawn(async () => void (ran = true), { name: 'queued' });
    queued.cancel();
    expect(queued.state).toBe('cancelled');
    expect(scheduler.pendingCount).toBe(0);
    await expect(queued.promise).rejects.toMatchObject({ name: 'AbortError' });
    hold.open();
    await scheduler.wait();
    expect(ran).toBe(false);
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  test('cancelling a running job aborts its signal; an AbortError ends it as cancelled, not failed', async () => {
    const scheduler = new Scheduler({ logger });
    const job = scheduler.spawn((signal) => sleep(60_000, undefined, { signal }), { name: 'sleeper' });
    job.cancel('enough');
    expect(job.signal.aborted).toBe(true);
    expect(job.signal.reason).toBe('enough');
    await expect(scheduler.wait(1000)).resolves.toBe(true);
    expect(job.state).toBe('cancelled');
    expect(logger.entries.map((e) => [e.level, e.msg])).toEqual([['debug', 'background job sleeper was cancelled']]);
    job.cancel(); // settled: nothing happens
    expect(job.state).toBe('cancelled');
  });

  test('an error that is not the abort is a failure even after cancel()', async () => {
    const scheduler = new Scheduler({ logger });
    const job = scheduler.spawn(async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      throw new Error('rollback failed');
    });
    job.cancel();
    await scheduler.wait();
    expect(job.state).toBe('failed');
    expect(logger.entries.map((e) => e.level)).toEqual(['error']);
  });

  test('wait() resolves true when every job (spawned meanwhile too) finished, false at the timeout', async () => {
    const scheduler = new Scheduler({ logger, limit: 1 });
    await expect(scheduler.wait()).resolves.toBe(true);
    const first = gate();
    const second = gate();
    scheduler.spawn(async () => {
      await first.promise;
      scheduler.spawn(() => second.promise, { name: 'follow-up' });
    });
    scheduler.spawn(async () => undefined, { name: 'queued' });
    await expect(scheduler.wait(20)).resolves.toBe(false);
    const waiting = scheduler.wait(5_000);
    first.open();
    await flush();
    expect(scheduler.jobs.map((job) => job.name)).toEqual(['follow-up']);
    second.open();
    await expect(waiting).resolves.toBe(true);
    expect(codeOf(() => void scheduler.wait(-1))).toBe('WEFT_ERR_JOBS_OPTIONS');
  });

  test('close(): spawns refused, pending jobs never start, running jobs aborted with a coded reason', async () => {
    const scheduler = new Scheduler({ logger, limit: 1 });
    const reasons: unknown[] = [];
    const running = scheduler.spawn(async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      reasons.push(signal.reason);
      signal.throwIfAborted();
    }, { name: 'running' });
    let pendingRan = false;
    const pending = scheduler.spawn(async () => void (pendingRan = true), { name: 'pending' });

    const closing = scheduler.close();
    expect(scheduler.close()).toBe(closing);
    expect(scheduler.closed).toBe(true);
    expect(() => scheduler.spawn(async () => undefined, { name: 'late' })).toThrow(
      'WEFT_ERR_JOBS_CLOSED: cannot spawn late: the scheduler is closed (the application is shutting down)',
    );
    await closing;
    expect(running.state).toBe('cancelled');
    expect((reasons[0] as WeftError).code).toBe('WEFT_ERR_JOBS_CLOSED');
    expect(pending.state).toBe('cancelled');
    expect((pending.error as WeftError).code).toBe('WEFT_ERR_JOBS_CLOSED');
    expect(pendingRan).toBe(false);
    expect([scheduler.activeCount, scheduler.pendingCount]).toEqual([0, 0]);
    expect(logger.entries.filter((e) => e.level !== 'debug')).toEqual([]);
  });

  test('close() waits closeTimeout for jobs ignoring their signal, then warns and returns', async () => {
    const scheduler = new Scheduler({ logger, closeTimeout: 20 });
    const stubborn = gate();
    scheduler.spawn(() => stubborn.promise, { name: 'stubborn' });
    const started = Date.now();
    await scheduler.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        obj: { jobs: ['stubborn'] },
        msg: '1 background job(s) still running 20 ms after the scheduler closed: they do not honour their AbortSignal',
      },
    ]);
    expect(scheduler.activeCount).toBe(1);
    stubborn.open();
    await expect(scheduler.wait(1000)).resolves.toBe(true);
  });

  test('a job reacting to the abort of close() cannot spawn a replacement', async () => {
    const scheduler = new Scheduler({ logger });
    const refused: Array<string | undefined> = [];
    scheduler.spawn(async (signal) => {
      signal.addEventListener('abort', () => {
        refused.push(codeOf(() => scheduler.spawn(async () => undefined, { name: 'retry' })));
      });
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
    });
    await scheduler.close();
    expect(refused).toEqual(['WEFT_ERR_JOBS_CLOSED']);
    expect(scheduler.activeCount).toBe(0);
  });

  test('disposing the scheduler closes it (the container does this)', async () => {
    const scheduler = new Scheduler({ logger });
    await scheduler[Symbol.asyncDispose]();
    expect(scheduler.closed).toBe(true);
  });

  test('a job runs in the async context of its spawn, even when it starts later from the queue', async () => {
    const storage = new AsyncLocalStorage<string>();
    const scheduler = new Scheduler({ logger, limit: 1 });
    const hold = gate();
    const seen: Array<string | undefined> = [];
    storage.run('first', () => scheduler.spawn(() => hold.promise));
    storage.run('request-42', () => scheduler.spawn(async () => void seen.push(storage.getStore())));
    hold.open();
    await scheduler.wait();
    expect(seen).toEqual(['request-42']);
  });

  test('bad arguments are coded errors', () => {
    const scheduler = new Scheduler({ logger });
    expect(() => scheduler.spawn('nope' as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: spawn() takes a function (signal) => Promise, got string');
    expect(() => scheduler.spawn(async () => undefined, { name: '' })).toThrow('WEFT_ERR_JOBS_OPTIONS: spawn() option name must be a non-empty string');
    expect(() => new Scheduler({ limit: 0 })).toThrow('WEFT_ERR_JOBS_OPTIONS: jobs.limit must be an integer >= 1 or Infinity, got 0');
    expect(() => new Scheduler({ pendingLimit: 1.5 })).toThrow('WEFT_ERR_JOBS_OPTIONS: jobs.pendingLimit must be an integer >= 0 or Infinity, got 1.5');
    expect(() => new Scheduler({ closeTimeout: -1 })).toThrow('WEFT_ERR_JOBS_OPTIONS: jobs.closeTimeout must be a number of milliseconds >= 0, got -1');
    expect(() => new Scheduler({ limit: '5' } as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: jobs.limit must be an integer >= 1 or Infinity, got "5"');
    expect(() => new Scheduler({ closeTimeout: '100' } as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: jobs.closeTimeout must be a number of milliseconds >= 0, got "100"');
    expect(() => new Scheduler({ pendingLimit: null } as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: jobs.pendingLimit must be an integer >= 0 or Infinity, got null');
    expect(() => scheduler.wait('10' as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: wait() timeoutMs must be a number of milliseconds >= 0, got "10"');
    expect(() => new Scheduler(5 as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: new Scheduler() takes an options object, got 5');
    expect(() => new Scheduler(null as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: new Scheduler() takes an options object, got null');
    expect(() => new Scheduler([] as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: new Scheduler() takes an options object, got an array');
    expect(() => resolveSchedulerOptions([] as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: jobs options must be an object, got an array');
    expect(() => new Scheduler({ logger: 5 } as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: new Scheduler() option logger must have error, warn, info and debug methods, got 5');
    expect(() => new Scheduler({ logger: { error() {} } } as never)).toThrow('option logger must have error, warn, info and debug methods, got an object');
    expect(() => scheduler.spawn(async () => undefined, null as never)).toThrow("WEFT_ERR_JOBS_OPTIONS: spawn() options must be an object such as { name: 'report' }, got null");
    expect(() => scheduler.spawn(async () => undefined, 'report' as never)).toThrow('spawn() options must be an object such as { name: \'report\' }, got "report"');
    expect(() => scheduler.spawn(async () => undefined, { nmae: 'x' } as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: unknown spawn() option(s) nmae: use name');
    expect(() => scheduler.spawn(async () => undefined, { name: 5 } as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: spawn() option name must be a non-empty string, got 5');
    expect(scheduler.activeCount).toBe(0);
    expect(new Scheduler({ logger: console }).limit).toBe(100);
    expect(() => new Scheduler({ limt: 3 } as never)).toThrow('WEFT_ERR_JOBS_OPTIONS: unknown jobs option(s) limt: use limit, pendingLimit, closeTimeout');
    const unlimited = new Scheduler({ logger, limit: Infinity, pendingLimit: Infinity });
    expect([unlimited.limit, unlimited.pendingLimit, unlimited.closeTimeout]).toEqual([Infinity, Infinity, 100]);
    expect([scheduler.limit, scheduler.pendingLimit]).toEqual([100, 10_000]);
  });
});
