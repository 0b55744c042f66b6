/**
 * The supervisor of `weft serve --workers N` (gunicorn's arbiter, on `node:cluster`):
 * starts the workers, replaces crashed ones with backoff, and turns signals into actions.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logging/logger.js';
import { isWorkerMessage, TAKE_OVER_ENV, WORKER_NUMBER_ENV } from './worker-message.js';

/**
 * Options of {@link Supervisor}.
 *
 * @example
 * ```ts
 * new Supervisor({ workers: 4, shutdownTimeout: 30_000, logger });
 * ```
 */
export interface SupervisorOptions {
  /** How many workers to keep running. */
  workers: number;
  /** The workers' graceful shutdown timeout in ms; a stopping worker is killed after about twice this plus 10 s. */
  shutdownTimeout: number;
  /**
   * Development (`--reload`): a replacement that fails to boot (the code being edited does
   * not load) is logged and the old worker keeps serving, instead of stopping everything.
   */
  reload?: boolean;
  logger: Logger;
  /** Where the "Running on" banner goes (default `console.log`). */
  printUrl?: (message: string) => void;
}

interface WorkerHandle {
  readonly n: number;
  readonly worker: Worker;
  readonly ready: Promise<boolean>;
  readonly exited: Promise<void>;
  readyAt: number | undefined;
  stopping: boolean;
  /** It replaces a live worker (restart, recycle): failing to boot then need not stop everything. */
  readonly replacing: boolean;
}

const MAX_BACKOFF = 10_000;
/** A worker that served this long before crashing is restarted at once: its crash is not a loop. */
const STABLE_AFTER = 30_000;

/**
 * Runs and watches the workers until SIGTERM/SIGINT: `run()` resolves with the process exit
 * code once every worker exited: 0 after a graceful stop, 2 when a worker could not load
 * its target, 1 when one failed to start.
 *
 * Signals: SIGTERM/SIGINT stop every worker gracefully; SIGHUP restarts them one at a time
 * (the new one listens before the old one stops: on a shared TCP port, or by taking over
 * the slot's unix socket); SIGTTIN adds a worker, SIGTTOU removes one. `restart()` does
 * what SIGHUP does (for `--reload`). A worker that crashes after it was ready is replaced,
 * after 0.1 s, 0.2 s, 0.4 s ... up to 10 s when it keeps crashing; one that fails to boot
 * stops the supervisor, as gunicorn does, since its replacements would fail the same way
 * (with `reload`, a replacement that fails to boot leaves the old worker serving).
 *
 * @example
 * ```ts
 * cluster.setupPrimary({ exec: __filename, args: process.argv.slice(2) });
 * process.exitCode = await new Supervisor({ workers: 4, shutdownTimeout: 60_000, logger }).run();
 * ```
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #handles = new Set<WorkerHandle>();
  readonly #failures = new Map<number, number>();
  readonly #printed = new Set<string>();
  #wanted: number;
  #stopping = false;
  #exitCode = 0;
  #restarts: Promise<void> = Promise.resolve();
  #restartQueued = false;
  /** Crashed workers' restart delays: a stop clears them, or they would keep the process up to 10 s. */
  readonly #refillTimers = new Set<NodeJS.Timeout>();
  #finished: () => void = () => {};

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#wanted = options.workers;
  }

  /** The numbers of the live workers that are not stopping, ascending. */
  get workerNumbers(): number[] {
    return [...this.#handles].filter((h) => !h.stopping).map((h) => h.n).sort((a, b) => a - b);
  }

  /** Starts the workers and resolves with the exit code once all of them exited for good. */
  async run(): Promise<number> {
    const finished = new Promise<void>((resolve) => (this.#finished = resolve));
    const onStop = (signal: NodeJS.Signals): void => {
      if (this.#stopping) {
        this.#options.logger.warn({ signal }, `${signal} received again: workers are already stopping gracefully; send SIGKILL to force`);
        return;
      }
      this.#options.logger.info({ signal }, `${signal} received: stopping ${this.#handles.size} worker(s) gracefully`);
      void this.#stopAll();
    };
    const onHup = (): void => this.restart('SIGHUP: rolling restart');
    const onTtin = (): void => this.#enqueue('SIGTTIN: one worker more', async () => {
      this.#wanted += 1;
      await this.#spawn(this.#freeNumber()).ready;
    });
    const onTtou = (): void => this.#enqueue('SIGTTOU: one worker fewer', async () => {
      const victim = this.#live().sort((a, b) => b.n - a.n)[0];
      if (this.#wanted <= 1 || victim === undefined) return this.#options.logger.warn({}, 'SIGTTOU ignored: one worker is the minimum');
      this.#wanted -= 1;
      // a crashed worker waiting for its replacement is the one fewer: no healthy one is stopped
      if (new Set(this.workerNumbers).size <= this.#wanted) return;
      await this.#stop(victim);
    });
    const listeners: Array<[NodeJS.Signals, (signal: NodeJS.Signals) => void]> = [
      ['SIGTERM', onStop],
      ['SIGINT', onStop],
      ['SIGHUP', onHup],
      ['SIGTTIN', onTtin],
      ['SIGTTOU', onTtou],
    ];
    for (const [signal, listener] of listeners) process.on(signal, listener);
    try {
      this.#options.logger.info({ workers: this.#wanted }, `supervisor ${process.pid}: starting ${this.#wanted} worker(s)`);
      for (let n = 1; n <= this.#wanted; n++) this.#spawn(n);
      await finished;
      return this.#exitCode;
    } finally {
      for (const [signal, listener] of listeners) process.off(signal, listener);
    }
  }

  /**
   * A rolling restart, as on SIGHUP, logged with `reason`. While one is waiting to begin,
   * another request joins it (a burst of file changes restarts the workers once).
   *
   * @example
   * ```ts
   * supervisor.restart('reloading: src/app.js changed');
   * ```
   */
  restart(reason: string): void {
    if (this.#restartQueued) return;
    this.#restartQueued = true;
    this.#enqueue(reason, () => {
      this.#restartQueued = false;
      return this.#restartAll();
    });
  }

  #live(): WorkerHandle[] {
    return [...this.#handles].filter((h) => !h.stopping);
  }

  #freeNumber(): number {
    const used = new Set(this.workerNumbers);
    let n = 1;
    while (used.has(n)) n++;
    return n;
  }

  /** Restarts and resizes one after another, so that two never interleave. */
  #enqueue(what: string, action: () => Promise<unknown>): void {
    if (this.#stopping) return;
    this.#options.logger.info({}, what);
    this.#restarts = this.#restarts.then(() => (this.#stopping ? undefined : action())).then(
      () => undefined,
      (err: unknown) => this.#options.logger.error({ err }, `${what} failed`),
    );
  }

  /** Forks worker `n`; `replacing` when it takes over from a live or crashed worker `n`. */
  #spawn(n: number, replacing = false): WorkerHandle {
    const worker = cluster.fork({ [WORKER_NUMBER_ENV]: String(n), [TAKE_OVER_ENV]: replacing ? '1' : '0' });
    let markReady: (ready: boolean) => void = () => {};
    let markExited: () => void = () => {};
    const handle: WorkerHandle = {
      n,
      worker,
      ready: new Promise((resolve) => (markReady = resolve)),
      exited: new Promise((resolve) => (markExited = resolve)),
      readyAt: undefined,
      stopping: false,
      replacing,
    };
    this.#handles.add(handle);
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.weft === 'ready') {
        handle.readyAt = Date.now();
        this.#options.logger.info({ worker: n, pid: worker.process.pid }, `worker ${n} (pid ${worker.process.pid}) is ready`);
        this.#printSites(message.sites);
        markReady(true);
      } else if (!handle.stopping) {
        this.#enqueue(`worker ${n} (pid ${worker.process.pid}) reached --max-requests: recycling it`, () => this.#replace(handle));
      }
    });
    worker.on('exit', (code, signal) => {
      this.#handles.delete(handle);
      markReady(false);
      markExited();
      this.#onExit(handle, code, signal);
    });
    return handle;
  }

  #onExit(handle: WorkerHandle, code: number | null, signal: string | null): void {
    const { n, worker } = handle;
    const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
    // A worker's failed shutdown exits with 1, and one the supervisor had to kill dies by
    // SIGKILL: not a clean stop, and the exit code tells the process manager so, as a single
    // process's does. Death by SIGTERM/SIGINT is no failure: the signal reached a worker that
    // had finished its stop (its handlers gone) or not begun its boot.
    if (this.#stopping && ((code !== null && code !== 0) || signal === 'SIGKILL')) {
      this.#options.logger.error({ worker: n, pid: worker.process.pid }, `worker ${n} (pid ${worker.process.pid}) did not stop cleanly (${how})`);
      if (this.#exitCode === 0) this.#exitCode = 1;
    } else if (handle.stopping || this.#stopping) {
      this.#options.logger.info({ worker: n, pid: worker.process.pid }, `worker ${n} (pid ${worker.process.pid}) stopped (${how})`);
    } else if (handle.readyAt === undefined && handle.replacing && this.#options.reload === true) {
      // --reload: the code being edited does not load; the old worker (if any) keeps serving
      const keeps = this.workerNumbers.includes(n) ? 'the old worker keeps serving' : `slot ${n} stays empty`;
      this.#options.logger.error({ worker: n, pid: worker.process.pid }, `worker ${n} (pid ${worker.process.pid}) failed to boot (${how}): ${keeps}; save a fix to reload`);
    } else if (handle.readyAt === undefined) {
      // it failed to boot: its replacements would too (gunicorn: "Worker failed to boot")
      this.#options.logger.error({ worker: n, pid: worker.process.pid }, `worker ${n} (pid ${worker.process.pid}) failed to boot (${how}): stopping`);
      this.#exitCode = code === 2 ? 2 : 1;
      void this.#stopAll();
    } else {
      const lived = Date.now() - handle.readyAt;
      const failures = lived >= STABLE_AFTER ? 0 : (this.#failures.get(n) ?? 0);
      this.#failures.set(n, failures + 1);
      const delay = Math.min(100 * 2 ** failures, MAX_BACKOFF);
      this.#options.logger.warn({ worker: n, pid: worker.process.pid }, `worker ${n} (pid ${worker.process.pid}) died (${how}): replacing it in ${delay} ms`);
      const timer = setTimeout(() => {
        this.#refillTimers.delete(timer);
        this.#refill(n);
      }, delay);
      this.#refillTimers.add(timer);
    }
    if (this.#handles.size === 0 && this.#stopping) this.#finished();
  }

  /**
   * After a crashed worker's restart delay: the pool is brought back to its target. Its
   * own slot if that is still free and wanted, else the lowest free one: a SIGTTIN during
   * the delay may have taken slot `n`, a SIGTTOU lowered the target below it.
   */
  #refill(n: number): void {
    const live = new Set(this.workerNumbers); // a slot being replaced counts once
    if (this.#stopping || live.size >= this.#wanted) return;
    this.#spawn(n <= this.#wanted && !live.has(n) ? n : this.#freeNumber(), true);
  }

  async #restartAll(): Promise<void> {
    for (const handle of this.#live().sort((a, b) => a.n - b.n)) {
      if (this.#stopping) return;
      // a replacement that cannot boot: the others would not either
      if (!(await this.#replace(handle))) return;
    }
    // --reload: a slot whose worker crashed and whose code then failed to boot is filled again
    for (let n = 1; this.#options.reload === true && n <= this.#wanted && !this.#stopping; n++) {
      if (!this.workerNumbers.includes(n) && !(await this.#spawn(n, true).ready)) return;
    }
  }

  /**
   * A new worker with the same number; once it listens (sharing the TCP port, or having
   * taken over the slot's unix socket), the old one stops. False when the new one failed.
   */
  async #replace(old: WorkerHandle): Promise<boolean> {
    const fresh = this.#spawn(old.n, true);
    if (!(await fresh.ready)) return false;
    await this.#stop(old);
    return true;
  }

  async #stop(handle: WorkerHandle): Promise<void> {
    handle.stopping = true;
    handle.worker.process.kill('SIGTERM');
    const grace = 2 * this.#options.shutdownTimeout + 10_000;
    const killer = setTimeout(() => {
      this.#options.logger.error({ worker: handle.n }, `worker ${handle.n} did not stop within ${grace} ms: killing it`);
      handle.worker.process.kill('SIGKILL');
    }, grace);
    await handle.exited;
    clearTimeout(killer);
  }

  async #stopAll(): Promise<void> {
    this.#stopping = true;
    for (const timer of this.#refillTimers) clearTimeout(timer);
    this.#refillTimers.clear();
    if (this.#handles.size === 0) this.#finished();
    await Promise.all([...this.#handles].map((handle) => this.#stop(handle)));
  }

  #printSites(sites: string[]): void {
    const print = this.#options.printUrl ?? console.log;
    for (const site of sites) {
      if (this.#printed.has(site)) continue;
      this.#printed.add(site);
      print(`======== Running on ${site} ========\n(Press CTRL+C to quit)`);
    }
  }
}
