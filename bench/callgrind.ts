/**
 * What the instruction-count harnesses (bench/ws and bench/http `count-instructions`)
 * share: a benchmark server run under valgrind's callgrind with instrumentation off, so
 * start-up and warm-up cost nothing, and switched on for exactly the operations measured.
 * Counts of user-space instructions repeat within 1% from run to run, where operations per
 * second swing by 20% or more on a shared machine.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** How long valgrind may take to start node and the server (it runs some 50x slower). */
const START_TIMEOUT_MS = 120_000;
/** How long the server may take to exit once its stdin closes, before SIGKILL. */
const EXIT_TIMEOUT_MS = 60_000;

let started = 0;

/**
 * Every event total of a callgrind output file, by the names of its `events:` line: `Ir`
 * alone by default; with `--cache-sim=yes --branch-sim=yes` also the simulated cache misses
 * (`I1mr`, `D1mr`, `D1mw`, `ILmr`, `DLmr`, `DLmw`) and branch mispredictions (`Bcm`, `Bim`).
 *
 * @example
 * ```ts
 * callgrindEvents('events: Ir I1mr\nsummary: 5000 12\n'); // { Ir: 5000, I1mr: 12 }
 * ```
 * @throws Error when the text has no `events:` line, no total, more totals than events or
 * one that is not a whole number, or no `Ir`.
 */
export function callgrindEvents(text: string): Record<string, number> {
  const names = /^events: (.+)$/m.exec(text)?.[1].trim().split(/\s+/);
  const line = /^(?:summary|totals): (.+)$/m.exec(text)?.[1].trim();
  if (names === undefined || line === undefined) throw new Error('not a callgrind output file: no "events:" line or no "summary:"/"totals:" line');
  const totals = line.split(/\s+/).map(Number);
  // callgrind leaves out trailing counts that are zero (its format: a missing count is 0)
  if (totals.length > names.length || totals.some((total) => !Number.isSafeInteger(total))) {
    throw new Error(`callgrind totals "${line}" do not match its events ${names.join(' ')}`);
  }
  if (!names.includes('Ir')) throw new Error(`callgrind counted no instructions (Ir): its events are ${names.join(' ')}`);
  return Object.fromEntries(names.map((name, i) => [name, totals[i] ?? 0]));
}

/** A benchmark server running under callgrind, instrumentation off until {@link instrumentOn}. */
export interface CallgrindServer {
  /** The port it printed, on 127.0.0.1. */
  readonly port: number;
  /** The PID it printed: valgrind runs node in its own process, so callgrind_control's target. */
  readonly pid: number;
  /** Starts counting (`callgrind_control --instr=on`); returns once callgrind has done so. */
  instrumentOn(): void;
  /** Writes what was counted so far to the first dump (`callgrind_control --dump`). */
  dump(): void;
  /**
   * Closes the server's stdin (SIGKILL if it is still running a minute later), waits for
   * it to exit, deletes every callgrind file it wrote and returns the first dump's
   * instruction total. Safe to call after a failure: the files go and the process ends
   * either way, and the missing dump is the error.
   */
  stop(): Promise<number>;
  /**
   * The first dump's event totals ({@link callgrindEvents}), once {@link stop} has
   * returned; `undefined` before or when there was no dump.
   */
  readonly events: Record<string, number> | undefined;
}

/**
 * Starts `node <script> ...args` under `valgrind --tool=callgrind --instr-atstart=no` and
 * waits for the `{"port":N,"pid":P}` line every benchmark server prints once it listens.
 * The server must exit when its stdin closes (see bench/http/servers/serve.ts). `label`
 * names it in errors and in the dump's file name; `env` is its environment; `valgrindArgs`
 * are added to callgrind's (`['--cache-sim=yes', '--branch-sim=yes']` simulates caches and
 * branch prediction too, about 2x slower).
 *
 * @example
 * ```ts
 * const server = await startUnderCallgrind(join(__dirname, 'servers', 'weft.js'), ['S1'], 'weft S1');
 * await load(server.port, 20_000); // warm-up, not counted
 * server.instrumentOn();
 * await load(server.port, 10_000);
 * server.dump();
 * const perRequest = (await server.stop()) / 10_000;
 * ```
 * @throws Error naming `label` when valgrind is missing or the server exits or stays silent before listening.
 */
export async function startUnderCallgrind(
  script: string,
  args: string[],
  label: string,
  env: NodeJS.ProcessEnv = process.env,
  valgrindArgs: string[] = [],
): Promise<CallgrindServer> {
  const prefix = join(tmpdir(), `weft-callgrind-${process.pid}-${++started}-${label.replace(/[^\w.-]+/g, '_')}`);
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', ...valgrindArgs, `--callgrind-out-file=${prefix}`, process.execPath, script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let events: Record<string, number> | undefined;
  const stop = async () => {
    events = await stopServer(child, exited, prefix, label);
    return events.Ir;
  };
  let ready: { port: number; pid: number };
  try {
    ready = await readyLine(child, label);
  } catch (err) {
    await stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}${stderr.trim() === '' ? '' : `\n--- its stderr ---\n${stderr.trim()}`}`);
  }
  const control = (command: string) => execFileSync('callgrind_control', [command, String(ready.pid)], { stdio: 'ignore' });
  return {
    port: ready.port,
    pid: ready.pid,
    instrumentOn: () => control('--instr=on'),
    dump: () => control('--dump'),
    stop,
    get events() {
      return events;
    },
  };
}

function readyLine(child: ChildProcessWithoutNullStreams, label: string): Promise<{ port: number; pid: number }> {
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} server under valgrind printed no port within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    child.once('error', (err) => fail(new Error(`cannot run valgrind for ${label}: ${err.message}`)));
    child.once('exit', (code) => fail(new Error(`${label} server under valgrind exited (${code}) before listening`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        const ready = JSON.parse(line) as { port: number; pid: number };
        if (!Number.isInteger(ready.port) || !Number.isInteger(ready.pid)) throw new Error('no port and pid');
        resolve(ready);
      } catch {
        reject(new Error(`${label} server printed ${JSON.stringify(line.slice(0, 200))} instead of {"port":N,"pid":P}`));
      }
    });
  });
}

async function stopServer(child: ChildProcessWithoutNullStreams, exited: Promise<number | null>, prefix: string, label: string): Promise<Record<string, number>> {
  child.stdin.end();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS);
  });
  const ended = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (ended === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  // The dump is `<prefix>.1`; `<prefix>` itself holds what ran after it (the shutdown).
  const base = prefix.slice(tmpdir().length + 1);
  const files = readdirSync(tmpdir()).filter((name) => name === base || name.startsWith(`${base}.`));
  try {
    if (ended === 'timeout') throw new Error(`${label} server did not exit within ${EXIT_TIMEOUT_MS / 1000} s of its stdin closing; killed`);
    if (!files.includes(`${base}.1`)) throw new Error(`${label} server left no callgrind dump ${prefix}.1`);
    return callgrindEvents(readFileSync(`${prefix}.1`, 'utf8'));
  } finally {
    for (const name of files) rmSync(join(tmpdir(), name), { force: true });
  }
}
