/**
 * Static files: weft's `app.static` against @fastify/static 8 and `express.static` (express
 * 5), each in its own process, over loopback with autocannon, for a 4 KiB and a 1 MiB file.
 * Every response is checked first (200, exact length). Bounded: per file and server,
 * `--warmup` + `--duration` seconds (default 1 + 3, about 30 s in all).
 *
 * Usage: `npm run build && node dist/bench/static/run.js [--duration 3] [--warmup 1] [--connections 10]`
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

async function main(): Promise<void> {
  const warmup = option('warmup', 1);
  const duration = option('duration', 3);
  const connections = option('connections', 10);
  const directory = mkdtempSync(path.join(tmpdir(), 'weft-bench-static-'));
  const rows: string[] = [];
  try {
    for (const file of FILES) writeFileSync(path.join(directory, file.name), Buffer.alloc(file.size, 'x'));
    for (const file of FILES) {
      const results = new Map<ServerName, { rps: number; mbps: number; p99: number; problems: number }>();
      for (const name of SERVERS) {
        const { child, port } = await startServer(name, directory);
        try {
          await verify(port, file);
          const request = { url: `http://127.0.0.1:${port}/static/${file.name}`, connections, timeout: 10 };
          if (warmup > 0) await autocannon({ ...request, duration: warmup });
          const result = await autocannon({ ...request, duration });
          results.set(name, {
            rps: result.requests.total / result.duration,
            mbps: result.throughput.average / (1024 * 1024),
            p99: result.latency.p99,
            problems: result.non2xx + result.errors + result.timeouts,
          });
        } finally {
          child.kill('SIGTERM');
        }
      }
      const weft = results.get('weft')!.rps;
      for (const [name, r] of results) {
        rows.push(
          `${file.name.padEnd(8)} ${name.padEnd(8)} ${r.rps.toFixed(0).padStart(8)} ${r.mbps.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(8)} ${(weft / r.rps).toFixed(2).padStart(9)}${r.problems > 0 ? `  (${r.problems} errors/non-2xx)` : ''}`,
        );
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  process.stdout.write(`static files, ${connections} connections, ${duration} s per run (Node ${process.version})\n`);
  process.stdout.write(`file     server        req/s      MiB/s  p99 ms  weft/this\n${rows.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
