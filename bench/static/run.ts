/**
 * Static files: weft's `app.static` against @fastify/static 8 and `express.static` (express
 * 5), each in its own process, over loopback with autocannon, for a 4 KiB and a 1 MiB file.
 * Every response is checked first (200, exact length). Bounded: per file, server and round,
 * `--warmup` + `--duration` seconds (default 1 + 3, about 30 s a round). With `--rounds N`
 * the servers take turns going first and each keeps its best round; the server's CPU time
 * (all its threads, from /proc) gives requests per CPU-second, steadier than requests per
 * second on a machine shared with other jobs.
 *
 * Usage: `npm run build && node dist/bench/static/run.js [--rounds 1] [--duration 3] [--warmup 1] [--connections 10]`
 */
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SERVERS, type ServerName } from './server.js';

const FILES = [
  { name: '4k.bin', size: 4 * 1024 },
  { name: '1m.bin', size: 1024 * 1024 },
];

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

function startServer(name: ServerName, directory: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), name, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 15 s`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${String(code)}`)));
  });
}

/** One GET, checked: the benchmark measures nothing if a server answers something else. */
function verify(port: number, file: { name: string; size: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: `/static/${file.name}` }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 && bytes === file.size ? resolve() : reject(new Error(`answered ${String(res.statusCode)} with ${bytes} bytes`))));
    }).on('error', reject);
  });
}

/** Clock ticks per second of /proc's CPU times (100 on Linux, read once). */
const CLOCK_TICKS = existsSync('/proc/self/stat') ? Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100 : 100;

/** User + system CPU seconds of a process and all its threads, or NaN without /proc. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the `(comm)`, which may hold spaces: utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

interface Measure {
  rps: number;
  mbps: number;
  p99: number;
  /** Requests per second of the server's CPU time. */
  perCpu: number;
  /** The server's CPU use during the measurement, in percent of one core. */
  cpu: number;
  problems: number;
}

interface Settings {
  warmup: number;
  duration: number;
  connections: number;
}

async function measure(name: ServerName, directory: string, file: { name: string; size: number }, settings: Settings): Promise<Measure> {
  const { child, port } = await startServer(name, directory);
  try {
    await verify(port, file);
    const request = { url: `http://127.0.0.1:${port}/static/${file.name}`, connections: settings.connections, timeout: 10 };
    if (settings.warmup > 0) await autocannon({ ...request, duration: settings.warmup });
    const cpuBefore = cpuSeconds(child.pid!);
    const result = await autocannon({ ...request, duration: settings.duration });
    const seconds = result.duration;
    const cpu = cpuSeconds(child.pid!) - cpuBefore;
    return {
      rps: result.requests.total / seconds,
      mbps: result.throughput.total / seconds / (1024 * 1024),
      p99: result.latency.p99,
      perCpu: result.requests.total / cpu,
      cpu: (100 * cpu) / seconds,
      problems: result.non2xx + result.errors + result.timeouts,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

function row(file: string, name: string, r: Measure, weft: Measure): string {
  const cells = [
    file.padEnd(8),
    name.padEnd(8),
    r.rps.toFixed(0).padStart(8),
    r.mbps.toFixed(1).padStart(9),
    r.p99.toFixed(1).padStart(7),
    r.perCpu.toFixed(0).padStart(9),
    `${r.cpu.toFixed(0)}%`.padStart(5),
    (weft.rps / r.rps).toFixed(2).padStart(9),
    (weft.perCpu / r.perCpu).toFixed(2).padStart(10),
  ];
  return cells.join(' ') + (r.problems > 0 ? `  (${r.problems} errors/non-2xx)` : '');
}

async function main(): Promise<void> {
  const settings: Settings = { warmup: option('warmup', 1), duration: option('duration', 3), connections: option('connections', 10) };
  const rounds = Math.max(1, Math.floor(option('rounds', 1)));
  const directory = mkdtempSync(path.join(tmpdir(), 'weft-bench-static-'));
  const best = new Map<string, Measure>();
  try {
    for (const file of FILES) writeFileSync(path.join(directory, file.name), Buffer.alloc(file.size, 'x'));
    for (let round = 0; round < rounds; round++) {
      // each round another server goes first, so none always meets the same neighbours
      const order = SERVERS.map((_, i) => SERVERS[(i + round) % SERVERS.length]);
      for (const file of FILES) {
        for (const name of order) {
          const result = await measure(name, directory, file, settings);
          const key = `${file.name} ${name}`;
          const previous = best.get(key);
          // best round by req/s; the best per CPU-second is kept on its own; problems add up
          if (previous === undefined) best.set(key, result);
          else {
            const kept = result.rps > previous.rps ? result : previous;
            best.set(key, { ...kept, perCpu: Math.max(result.perCpu, previous.perCpu), problems: result.problems + previous.problems });
          }
        }
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const rows: string[] = [];
  for (const file of FILES) {
    const weft = best.get(`${file.name} weft`)!;
    for (const name of SERVERS) rows.push(row(file.name, name, best.get(`${file.name} ${name}`)!, weft));
  }
  process.stdout.write(`static files, ${settings.connections} connections, ${settings.duration} s per run, best of ${rounds} round(s) (Node ${process.version})\n`);
  process.stdout.write(`file     server      req/s     MiB/s  p99 ms req/CPU-s   CPU weft/this weft/this per CPU-s\n${rows.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
