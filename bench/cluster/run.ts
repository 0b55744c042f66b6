/**
 * The cluster benchmark: requests/s of `weft serve --workers 1`, `weft serve --workers 2`
 * and a raw node:http cluster with 2 workers (raw-cluster.ts), one after the other in one
 * run, on 127.0.0.1, with autocannon in this process; prints the scaling ratio. On a
 * 2-core machine the load generator shares the cores with the workers, so the ratio of
 * 2 workers to 1 is well below 2 by construction: compare weft with the raw cluster.
 *
 * Usage: `npm run build && node dist/bench/cluster/run.js [--duration 5] [--connections 50]`.
 * Exits 1 if a server failed to start or a response failed, 2 on a bad option.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { type ClusterResult, formatClusterReport } from './cluster-report.js';

const WEFT_BIN = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const APP = `${join(__dirname, 'app.js')}:createBenchApp`;
const RAW = join(__dirname, 'raw-cluster.js');
const WARMUP_S = 1;

interface Target {
  label: string;
  workers: number;
  args: string[];
  /** The port, once the output shows every worker listening. */
  ready(output: string): number | undefined;
}

const weftReady = (workers: number) => (output: string) => {
  const port = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
  // with one worker weft serves in-process (no supervisor, no "is ready" line)
  const ready = workers === 1 || (output.match(/is ready/g) ?? []).length >= workers;
  return port !== undefined && ready ? Number(port) : undefined;
};

const TARGETS: Target[] = [1, 2].map((workers) => ({
  label: 'weft serve',
  workers,
  args: [WEFT_BIN, 'serve', APP, '--workers', String(workers), '--host', '127.0.0.1', '--port', '0', '--no-access-log'],
  ready: weftReady(workers),
}));
TARGETS.push({
  label: 'node:http cluster',
  workers: 2,
  args: [RAW, '2', '0'],
  ready: (output) => ((output.match(/listening \d+/g) ?? []).length >= 2 ? Number(/listening (\d+)/.exec(output)![1]) : undefined),
});

/** Starts a target and resolves with its port (rejects after 15 s or if it exits). */
function start(target: Target): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, target.args, { env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${target.label} (${target.workers}) not ready within 15 s: ${output.slice(-2000)}`)), 15_000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const port = target.ready(output);
      if (port !== undefined) {
        clearTimeout(timer);
        resolve({ child, port });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`${target.label} (${target.workers}) exited (${String(code)}): ${output.slice(-2000)}`)));
  });
}

/** SIGTERM by PID, SIGKILL after 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function measure(target: Target, duration: number, connections: number): Promise<ClusterResult> {
  const { child, port } = await start(target);
  try {
    const url = `http://127.0.0.1:${port}/`;
    await autocannon({ url, connections, duration: WARMUP_S });
    const result = await autocannon({ url, connections, duration });
    return { label: target.label, workers: target.workers, requestsPerSecond: result.requests.average, failures: result.non2xx + result.errors + result.timeouts };
  } finally {
    await stop(child);
  }
}

async function main(argv: string[]): Promise<number> {
  let duration: number;
  let connections: number;
  try {
    const { values } = parseArgs({ args: argv, options: { duration: { type: 'string' }, connections: { type: 'string' } } });
    duration = Number(values.duration ?? 5);
    connections = Number(values.connections ?? 50);
    if (!(Number.isInteger(duration) && duration >= 1 && duration <= 60)) throw new Error(`--duration must be 1..60 seconds, got ${String(values.duration)}`);
    if (!(Number.isInteger(connections) && connections >= 1 && connections <= 1000)) throw new Error(`--connections must be 1..1000, got ${String(values.connections)}`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: node dist/bench/cluster/run.js [--duration 5] [--connections 50]\n`);
    return 2;
  }
  console.log(`cluster benchmark: ${duration} s each (after ${WARMUP_S} s warm-up), ${connections} connections, ${availableParallelism()} cores shared by the servers and autocannon`);
  const results: ClusterResult[] = [];
  for (const target of TARGETS) {
    try {
      results.push(await measure(target, duration, connections));
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
  }
  console.log(formatClusterReport(results));
  return results.some((r) => r.failures > 0) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
