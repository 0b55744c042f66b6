import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pinnedCommand } from './cpu-pinning.js';
import { type ReadyLine, type StatsLine } from './servers/serve.js';

/** How to start one benchmark server. */
export interface ServerSpec {
  /** The compiled server script, e.g. `dist/bench/http/servers/weft.js`. */
  script: string;
  /** The argument the script takes: a scenario id. */
  scenario: string;
  /** The CPU to pin it to, or undefined to leave it free. */
  cpu?: number;
  /** Extra node options, e.g. `['--cpu-prof']`. */
  nodeArgs?: string[];
  /** How long it may take to print its port (default 15 s). */
  startTimeoutMs?: number;
}

/** How a server process ended. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when SIGTERM was not enough and SIGKILL ended it. */
  killed: boolean;
}

/** Grace period between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 2000;
const STATS_TIMEOUT_MS = 5000;

/**
 * A benchmark server running as a child process (see servers/serve.ts for its protocol).
 *
 * @example
 * ```ts
 * const server = await ServerProcess.start({ script: 'dist/bench/http/servers/raw.js', scenario: 'S1', cpu: 0 });
 * const { rss } = await server.stats();
 * await server.stop(); // SIGTERM, SIGKILL after 2 s, then checks the PID is gone
 * ```
 */
export class ServerProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  #port = 0;
  #hasExited = false;

  private constructor(
    child: ChildProcessWithoutNullStreams,
    readonly label: string,
  ) {
    this.#child = child;
    this.#lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Keep the end only: enough to explain a failure without growing without bound.
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    // A server gone before we write to it must not crash the runner with EPIPE.
    child.stdin.on('error', () => undefined);
    this.#exited = new Promise((resolve) => {
      // 'close' rather than 'exit': by then stderr has been read to the end.
      child.once('close', (code, signal) => {
        this.#hasExited = true;
        resolve({ code, signal });
      });
    });
  }

  /** Starts the server and waits for its `{"port":N,"pid":P}` line. */
  static async start(spec: ServerSpec): Promise<ServerProcess> {
    const [command, args] = pinnedCommand(spec.cpu, process.execPath, [...(spec.nodeArgs ?? []), spec.script, spec.scenario]);
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
    const server = new ServerProcess(child, `${spec.script} ${spec.scenario}`);
    const failed = new Promise<never>((_resolve, reject) => child.once('error', reject));
    try {
      const ready = await server.#readLine<ReadyLine>(spec.startTimeoutMs ?? 15_000, failed);
      if (!Number.isInteger(ready.port) || ready.port <= 0) throw new Error(`printed ${JSON.stringify(ready)} instead of {"port":N,"pid":P}`);
      if (ready.pid !== child.pid) throw new Error(`reports PID ${ready.pid} but was started as PID ${child.pid}`);
      server.#port = ready.port;
      return server;
    } catch (err) {
      await server.stop().catch(() => undefined);
      throw new Error(`server ${server.label} did not start: ${(err as Error).message}${server.#stderrNote()}`);
    }
  }

  /** The port on 127.0.0.1. */
  get port(): number {
    return this.#port;
  }

  /** The server's PID (taskset execs in place, so it is the node process's). */
  get pid(): number {
    return this.#child.pid!;
  }

  /** The server's RSS and CPU time now, asked on its stdin. */
  async stats(): Promise<StatsLine> {
    this.#child.stdin.write('stats\n');
    const line = await this.#readLine<StatsLine>(STATS_TIMEOUT_MS);
    if (typeof line.rss !== 'number' || typeof line.cpu !== 'number') throw new Error(`server ${this.label} answered ${JSON.stringify(line)} to "stats"`);
    return line;
  }

  /**
   * Stops the server by its PID: SIGTERM, then SIGKILL after 2 s, then checks that no
   * process has that PID any more. Resolves with how it ended.
   */
  async stop(): Promise<ServerExit> {
    let killed = false;
    if (!this.#hasExited) {
      this.#child.kill('SIGTERM');
      if (!(await within(this.#exited, STOP_GRACE_MS))) {
        killed = true;
        this.#child.kill('SIGKILL');
        if (!(await within(this.#exited, STOP_GRACE_MS))) throw new Error(`server ${this.label} (PID ${this.pid}) survived SIGKILL`);
      }
    }
    if (isAlive(this.pid)) throw new Error(`server ${this.label}: PID ${this.pid} still exists after it exited`);
    return { ...(await this.#exited), killed };
  }

  /** Whether the process ended by itself before {@link stop} (a crash under load). */
  get exitedEarly(): boolean {
    return this.#hasExited;
  }

  async #readLine<T>(timeoutMs: number, failed?: Promise<never>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const exited = this.#exited.then(({ code, signal }) => Promise.reject(new Error(`exited (code ${code}, signal ${signal})`)));
    exited.catch(() => undefined);
    try {
      const next = await Promise.race([this.#lines.next(), timeout, exited, ...(failed ? [failed] : [])]);
      if (next.done) {
        // stdout closes as the process ends: report how it ended if it does so soon.
        if (await within(this.#exited, 1000)) {
          const { code, signal } = await this.#exited;
          throw new Error(`exited (code ${code}, signal ${signal})`);
        }
        throw new Error('closed its stdout');
      }
      try {
        return JSON.parse(next.value) as T;
      } catch {
        throw new Error(`printed ${JSON.stringify(next.value.slice(0, 200))}, not a JSON line`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  #stderrNote(): string {
    const text = this.#stderr.trim();
    return text === '' ? '' : `\n--- its stderr ---\n${text}`;
  }

  /** The end of the server's stderr, for error messages. */
  get stderr(): string {
    return this.#stderr;
  }
}

async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
