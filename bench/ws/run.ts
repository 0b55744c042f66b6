/**
 * The websocket benchmark: echo round trips per second with many `ws` clients, each with
 * one message in flight, against weft's websocket route (servers/weft.ts) and a plain
 * `ws` WebSocketServer on node:http (servers/plain.ts), side by side in one run. Each
 * server is a child process pinned to CPU 0 while this process, the clients, is pinned to
 * CPU 1; servers run interleaved per round so machine noise hits both alike.
 *
 * Usage: `npm run build && node dist/bench/ws/run.js [--duration 5] [--clients 100] ...`
 * (`--help` lists the options). Prints a Markdown table and weft/plain against its target
 * (0.9). Exits 1 if a server failed (or, with `--check`, if the target was missed), 2 on
 * a bad option.
 */
import { startHarness } from '../flags.js';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { LOADER_CPU, SERVER_CPU, canPin, pinSelf } from '../http/cpu-pinning.js';
import { ServerProcess } from '../http/server-process.js';
import { echoLoad, echoLoadProblem } from './echo-load.js';
import { type WsBenchOptions, WS_SERVERS, WS_USAGE, type WsServer, parseWsBenchOptions } from './ws-options.js';
import { type WsRunResult, formatWsReport, summariseWs } from './ws-report.js';

const SERVERS_DIR = join(__dirname, 'servers');
/** Server start, connection set-up and stop, per run, on top of warm-up and measurement. */
const RUN_OVERHEAD_S = 1;

async function main(argv: string[]): Promise<number> {
  const options = startHarness(argv, parseWsBenchOptions, WS_USAGE, () => WS_SERVERS.map((server) => join(SERVERS_DIR, `${server}.js`)));
  if (typeof options === 'number') return options;

  // Read before pinning: afterwards this process sees one CPU.
  const cpuCount = availableParallelism();
  const pinned = options.pin && canPin() && pinSelf(LOADER_CPU);
  const estimate = options.rounds * WS_SERVERS.length * (options.warmup + options.duration + RUN_OVERHEAD_S);
  console.log(`# weft websocket benchmark, ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${cpuCount} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  console.log(
    `${pinned ? `servers on CPU ${SERVER_CPU}, clients on CPU ${LOADER_CPU}` : 'NOT pinned: servers and clients share the CPUs'}; ` +
      `${options.clients} clients, one ${options.size}-byte text message in flight each, warm-up ${options.warmup} s, ${options.duration} s measured, ` +
      `${options.rounds} round(s); about ${Math.ceil(estimate)} s`,
  );

  const runs: WsRunResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const server of WS_SERVERS) {
      const run = await measure(server, round, pinned ? SERVER_CPU : undefined, options);
      runs.push(run);
      console.log(progressLine(run));
    }
  }
  const summary = summariseWs(runs);
  console.log(`\n${formatWsReport(summary)}`);
  if (summary.failures.length > 0) return 1;
  return options.check && !summary.met ? 1 : 0;
}

/** One server, one round: start it, load it, read its CPU time and RSS, stop it. */
async function measure(server: WsServer, round: number, cpu: number | undefined, options: WsBenchOptions): Promise<WsRunResult> {
  let process_: ServerProcess;
  try {
    process_ = await ServerProcess.start({ script: join(SERVERS_DIR, `${server}.js`), scenario: 'echo', cpu });
  } catch (err) {
    return { server, round, problem: (err as Error).message };
  }
  const result: WsRunResult = { server, round };
  try {
    let cpuBefore = 0;
    const load = await echoLoad(`ws://127.0.0.1:${process_.port}/echo`, { clients: options.clients, warmup: options.warmup, duration: options.duration, message: 'x'.repeat(options.size) }, async () => {
      cpuBefore = (await process_.stats()).cpu;
    });
    const after = await process_.stats();
    result.load = load;
    result.rssBytes = after.rss;
    // The stats read after the clients closed adds a little idle time: negligible next to seconds of load.
    result.serverCpu = (after.cpu - cpuBefore) / 1e6 / load.seconds;
    result.roundTripsPerCpuSec = result.serverCpu > 0 ? load.roundTripsPerSec / result.serverCpu : undefined;
    result.problem = echoLoadProblem(load);
  } catch (err) {
    result.problem = (err as Error).message;
  } finally {
    if (process_.exitedEarly) result.problem ??= `server exited early${process_.stderr.trim() === '' ? '' : `: ${process_.stderr.trim()}`}`;
    await process_.stop().catch((err: unknown) => {
      result.problem ??= (err as Error).message;
    });
  }
  return result;
}

function progressLine(run: WsRunResult): string {
  const head = `[round ${run.round}] ${run.server.padEnd(5)}`;
  if (run.load === undefined) return `${head} FAILED: ${run.problem}`;
  const cpu = (fraction: number | undefined) => (fraction === undefined ? '-' : `${Math.round(fraction * 100)}%`);
  return (
    `${head} ${Math.round(run.load.roundTripsPerSec).toLocaleString('en-US').padStart(8)} round trips/s  p99 ${run.load.latencyP99Ms.toFixed(2)} ms  ` +
    `server CPU ${cpu(run.serverCpu)}  client CPU ${cpu(run.load.loaderCpu)}` +
    (run.problem === undefined ? '' : `  FAILED: ${run.problem}`)
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
