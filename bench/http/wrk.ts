/**
 * wrk as the HTTP benchmark's load generator. wrk is written in C and keeps 50 connections
 * busy with a fraction of the CPU autocannon needs, so on this two-core machine the server,
 * not the load generator, sets the pace. It runs as a child process (no shell); the
 * scenario's method, headers and body go to it in a Lua script written to a temporary
 * file, and its text report is read back into a {@link LoadResult}.
 */
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type LoadResult, type Loader } from './load.js';
import { type Scenario } from './scenarios.js';

/** Where Debian's `wrk` package installs it; looked at before PATH. */
export const WRK_DEFAULT_PATH = '/usr/bin/wrk';

/** Seconds a wrk run may take beyond its duration (start, connecting, reporting) before it is killed. */
const WRK_GRACE_S = 20;

/**
 * The wrk executable: `preferred` if it is an executable file, else the first `wrk` on
 * `path`, else undefined.
 *
 * @example
 * ```ts
 * findWrk(); // '/usr/bin/wrk'
 * findWrk('/opt/wrk/bin', '/nowhere/wrk'); // '/opt/wrk/bin/wrk' if it is there
 * ```
 */
export function findWrk(path = process.env.PATH ?? '', preferred = WRK_DEFAULT_PATH): string | undefined {
  const candidates = [preferred, ...path.split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, 'wrk'))];
  return candidates.find(isExecutable);
}

/**
 * A {@link Loader} running `wrk -t1 -c<connections> -d<seconds>s --latency --timeout 10s`
 * against 127.0.0.1. One wrk thread is enough: it drives this benchmark's servers with
 * a fraction of its core (the report's loader CPU says how much).
 *
 * @example
 * ```ts
 * const loader = wrkLoader({ path: '/usr/bin/wrk', connections: 50 });
 * const result = await loader.load(port, SCENARIOS.S1, 1);
 * result.requestsPerSec; // 47145.32
 * ```
 */
export function wrkLoader(settings: { path: string; connections: number }): Loader {
  return {
    name: 'wrk',
    version: wrkVersion(settings.path),
    load: (port, scenario, seconds) => runWrk(settings.path, port, scenario, seconds, settings.connections),
  };
}

async function runWrk(wrk: string, port: number, scenario: Scenario, seconds: number, connections: number): Promise<LoadResult> {
  // named by pid: a test checking that its scripts are deleted is not misled by another run's
  const dir = mkdtempSync(join(tmpdir(), `weft-wrk-${process.pid}-`));
  try {
    const script = join(dir, `${scenario.id}.lua`);
    writeFileSync(script, wrkScript(scenario));
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s', '-s', script, `http://127.0.0.1:${port}${scenario.path}`];
    // wrk is this process's child: its CPU time shows in our children's time once it is reaped.
    const cpuBefore = childrenCpuSeconds();
    const started = process.hrtime.bigint();
    const output = await execWrk(wrk, args, (seconds + WRK_GRACE_S) * 1000);
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { ...parseWrkOutput(output), loaderCpu: (childrenCpuSeconds() - cpuBefore) / wallSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function execWrk(wrk: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(wrk, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err === null) return resolve(stdout);
      const said = `${stdout}${stderr}`.trim().slice(-500);
      const how = err.killed ? `killed after ${timeoutMs} ms` : `exit code ${String(err.code)}`;
      reject(new Error(`wrk failed (${how})${said === '' ? '' : `: ${said}`}`));
    });
  });
}

/**
 * The Lua script that makes wrk send the scenario's request: method, headers and body
 * (wrk adds `Host` and `Content-Length` itself).
 *
 * @example
 * ```ts
 * wrkScript(SCENARIOS.S5); // 'wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = "{\"id\":…"\n'
 * ```
 */
export function wrkScript(scenario: Pick<Scenario, 'method' | 'headers' | 'body'>): string {
  const lines = [`wrk.method = ${luaString(scenario.method)}`];
  for (const [name, value] of Object.entries(scenario.headers)) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (scenario.body !== undefined) lines.push(`wrk.body = ${luaString(scenario.body)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A Lua string literal holding exactly the UTF-8 bytes of `text`. Printable ASCII other
 * than `"` and `\` is kept; those two are backslash-escaped; every other byte (control
 * characters, bytes of non-ASCII characters) becomes a three-digit decimal escape `\ddd`,
 * three digits always so a digit after it cannot be read as part of it. Lua strings are
 * byte strings, so wrk sends the bytes unchanged.
 *
 * @example
 * ```ts
 * luaString('say "hi"\n'); // '"say \\"hi\\"\\010"'
 * luaString('é'); // '"\\195\\169"'
 * ```
 */
export function luaString(text: string): string {
  let literal = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) literal += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) literal += String.fromCharCode(byte);
    else literal += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${literal}"`;
}

/**
 * Reads wrk's report (as printed with `--latency`) into a {@link LoadResult}, less the
 * loader's CPU use, which wrk does not print. Latencies become milliseconds whatever
 * unit wrk chose (`us`, `ms`, `s`, `m`, `h`). The `Non-2xx or 3xx responses` line
 * (wrk counts statuses of 400 and up there) becomes `non2xx`; of the `Socket errors`
 * line, connect + read + write become `errors` and timeout `timeouts`. Both lines are
 * absent when their counts are zero. Throws when a line it needs is missing.
 *
 * @example
 * ```ts
 * parseWrkOutput(output); // { requestsPerSec: 47145.32, latencyP50Ms: 1.01, latencyP99Ms: 1.91, latencyMaxMs: 5.12, requests: 47191, seconds: 1, non2xx: 0, errors: 0, timeouts: 0 }
 * ```
 */
export function parseWrkOutput(output: string): Omit<LoadResult, 'loaderCpu'> {
  const need = (pattern: RegExp, what: string): RegExpMatchArray => {
    const match = output.match(pattern);
    if (match === null) throw new Error(`wrk printed no ${what} line:\n${output.trim().slice(0, 2000)}`);
    return match;
  };
  const TIME = String.raw`([\d.]+)(us|ms|s|m|h)`;
  const total = need(new RegExp(String.raw`^\s*(\d+) requests in ${TIME},`, 'm'), '"N requests in T"');
  const rate = need(/^Requests\/sec:\s+([\d.]+)\s*$/m, '"Requests/sec"');
  const latency = need(new RegExp(String.raw`^\s*Latency\s+\S+\s+\S+\s+${TIME}`, 'm'), 'thread stats "Latency"');
  const p50 = need(new RegExp(String.raw`^\s*50%\s+${TIME}`, 'm'), '"50%" latency (run wrk with --latency)');
  const p99 = need(new RegExp(String.raw`^\s*99%\s+${TIME}`, 'm'), '"99%" latency (run wrk with --latency)');
  const non2xx = output.match(/^\s*Non-2xx or 3xx responses: (\d+)\s*$/m);
  const socket = output.match(/^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$/m);
  return {
    requestsPerSec: Number(rate[1]),
    latencyP50Ms: toMs(p50[1], p50[2]),
    latencyP99Ms: toMs(p99[1], p99[2]),
    latencyMaxMs: toMs(latency[1], latency[2]),
    requests: Number(total[1]),
    seconds: toMs(total[2], total[3]) / 1000,
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    errors: socket === null ? 0 : Number(socket[1]) + Number(socket[2]) + Number(socket[3]),
    timeouts: socket === null ? 0 : Number(socket[4]),
  };
}

const MS_PER_UNIT: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMs(value: string, unit: string): number {
  // Rounded to the nanosecond: 253.00us is 0.253 ms, not 0.25300000000000006.
  return Math.round(Number(value) * MS_PER_UNIT[unit] * 1e6) / 1e6;
}

/**
 * wrk's version as `wrk -v` prints it (`debian/4.1.0-3+b2` for Debian's package), or
 * `unknown`. `wrk -v` prints its usage after the version and exits 1, so only the first
 * line is read.
 *
 * @example
 * ```ts
 * wrkVersion('/usr/bin/wrk'); // 'debian/4.1.0-3+b2'
 * ```
 */
export function wrkVersion(wrk: string): string {
  const { stdout, stderr } = spawnSync(wrk, ['-v'], { encoding: 'utf8', timeout: 5000 });
  return /^wrk (\S+)/m.exec(`${stdout ?? ''}${stderr ?? ''}`)?.[1] ?? 'unknown';
}

/**
 * CPU time, in seconds, of this process's children that have ended and been reaped
 * (`cutime` + `cstime` of /proc/self/stat). Read before and after one wrk run it gives
 * wrk's CPU time, as wrk is the only child to end in between (a server ending then has
 * crashed, which fails the measurement anyway). When several wrk runs overlap (together
 * mode), each reading also takes in the others that ended during it; the one that ends
 * last sees them all (measure-scenario.ts keeps that one per cycle). NaN where /proc is
 * missing.
 */
function childrenCpuSeconds(): number {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return Number.NaN;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  // From there field 3 (state) is index 0, so cutime (16) and cstime (17) are 13 and 14.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / clockTicksPerSecond();
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const answer = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout);
    ticksPerSecond = Number.isInteger(answer) && answer > 0 ? answer : 100;
  }
  return ticksPerSecond;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
