/**
 * `weft serve --workers 4` in a real child process: factory/startup/cleanup once per worker
 * lifetime, a killed worker replaced under load, a rolling restart on SIGHUP under 10 s of
 * autocannon load without a non-2xx answer or a connection error, SIGTTIN/SIGTTOU,
 * --max-requests, and a graceful stop on SIGTERM with exit code 0.
 *
 * Four workers plus autocannon on a 2-core machine: timeouts are generous, and bounded.
 * Run by hand under the shared load lock: `flock /tmp/weft-load.lock npx jest ...`.
 */
import { link, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_FIXTURE, startCli, type CliProcess } from './cli-process.js';

interface LoadResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
// autocannon ships no types; its programmatic API resolves with these counters
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: { url: string; connections: number; duration: number; method?: string }) => Promise<LoadResult>;

jest.setTimeout(90_000);

const WORKERS = 4;

let dir: string;
let file: string;
let cli: CliProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weft-cli-'));
  file = path.join(dir, 'lifecycle.txt');
});

afterEach(async () => {
  // by PID: the supervisor, then every worker it started that is still there
  cli?.kill();
  cli = undefined;
  for (const pid of await startupPids()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** `event pid worker` lines, as the fixture appends them. */
async function lifecycle(): Promise<Array<{ event: string; pid: number; worker: string }>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [event, pid, worker] = line.split(' ');
      return { event, pid: Number(pid), worker };
    });
}

/** Per worker pid, how many times each event happened. */
async function countsByPid(): Promise<Map<number, Record<string, number>>> {
  const counts = new Map<number, Record<string, number>>();
  for (const { event, pid } of await lifecycle()) {
    const entry = counts.get(pid) ?? {};
    entry[event] = (entry[event] ?? 0) + 1;
    counts.set(pid, entry);
  }
  return counts;
}

async function startupPids(): Promise<number[]> {
  return (await lifecycle()).filter((l) => l.event === 'startup').map((l) => l.pid);
}

function serve(extra: string[] = []): CliProcess {
  cli = startCli(['serve', `${CLI_FIXTURE}:createClusterApp`, '--workers', String(WORKERS), '--host', '127.0.0.1', '--port', '0', '--no-access-log', '--shutdown-timeout', '5', ...extra], {
    WEFT_LIFECYCLE_FILE: file,
  });
  return cli;
}

/** The pids answering `url` over new connections, until `count` distinct ones answered (or 100 requests). */
async function answeringPids(url: string, count: number): Promise<number[]> {
  const seen = new Set<number>();
  for (let i = 0; i < 100 && seen.size < count; i++) seen.add((await get(url)).body.pid);
  return [...seen].sort();
}

async function get(url: string): Promise<{ status: number; body: { pid: number; worker: string } }> {
  const response = await fetch(url, { headers: { connection: 'close' } });
  return { status: response.status, body: (await response.json()) as { pid: number; worker: string } };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('each worker calls the factory, starts and cleans up once; SIGTERM drains and exits 0', async () => {
  const weft = serve();
  const url = await weft.url();
  await weft.waitFor(/is ready/, WORKERS, 30_000);
  const pids = await startupPids();
  expect(pids).toHaveLength(WORKERS);
  expect(await answeringPids(url, WORKERS)).toEqual([...pids].sort()); // every worker serves the one shared port

  // a request in flight when SIGTERM arrives is completed (drained), then everything stops
  const slow = fetch(`${url}/slow?ms=800`, { method: 'POST' }).then(async (r) => [r.status, await r.text()]);
  await sleep(200);
  weft.child.kill('SIGTERM');
  expect(await slow).toEqual([200, 'slow done']);
  expect(await weft.exited(30_000)).toBe(0);
  const counts = await countsByPid();
  expect(counts.size).toBe(WORKERS);
  for (const pid of pids) {
    expect(counts.get(pid)).toEqual({ factory: 1, startup: 1, cleanup: 1 });
    expect(isAlive(pid)).toBe(false);
  }
});

test('a worker killed with SIGKILL under load is replaced, and requests go on', async () => {
  const weft = serve();
  const url = await weft.url();
  await weft.waitFor(/is ready/, WORKERS, 30_000);
  const [victim, ...survivors] = await startupPids();
  const load = autocannon({ url, connections: 8, duration: 4 });
  await sleep(1000);
  process.kill(victim, 'SIGKILL');
  await weft.waitFor(/died \(signal SIGKILL\): replacing it/);
  await weft.waitFor(/is ready/, WORKERS + 1, 30_000);
  const result = await load;
  // requests on the killed worker's connections fail; everything else is served
  expect(result['2xx']).toBeGreaterThan(100);
  expect(result.non2xx).toBe(0);

  const pids = await startupPids();
  expect(pids).toHaveLength(WORKERS + 1);
  const replacement = pids[WORKERS];
  expect([victim, ...survivors]).not.toContain(replacement);
  expect(await answeringPids(url, WORKERS)).toEqual([...survivors, replacement].sort());
  // the killed worker never cleaned up (SIGKILL); the others do, once
  weft.child.kill('SIGTERM');
  expect(await weft.exited(30_000)).toBe(0);
  const counts = await countsByPid();
  expect(counts.get(victim)).toEqual({ factory: 1, startup: 1 });
  for (const pid of [...survivors, replacement]) expect(counts.get(pid)).toEqual({ factory: 1, startup: 1, cleanup: 1 });
});

test('SIGHUP under 10 s of autocannon load restarts the workers one at a time: zero non-2xx, zero connection errors', async () => {
  const weft = serve();
  const url = await weft.url();
  await weft.waitFor(/is ready/, WORKERS, 30_000);
  const before = await startupPids();
  const load = autocannon({ url, connections: 8, duration: 10 });
  await sleep(1000);
  weft.child.kill('SIGHUP');
  await weft.waitFor(/stopped \(exit code 0\)/, WORKERS, 40_000);
  const result = await load;
  expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
  expect(result['2xx']).toBeGreaterThan(100);

  const after = (await startupPids()).slice(WORKERS);
  expect(after).toHaveLength(WORKERS);
  expect(await answeringPids(url, WORKERS)).toEqual([...after].sort());
  const counts = await countsByPid();
  for (const pid of before) expect(counts.get(pid)).toEqual({ factory: 1, startup: 1, cleanup: 1 });
  for (const pid of after) expect(counts.get(pid)).toEqual({ factory: 1, startup: 1 });
  // one at a time: the first replacement was ready before the first old worker stopped
  const out = weft.stdout();
  const oldOne = before.find((p) => out.includes(`worker 1 (pid ${p}) is ready`));
  expect(out.indexOf(`worker 1 (pid ${after[0]}) is ready`)).toBeGreaterThan(0);
  expect(out.indexOf(`worker 1 (pid ${after[0]}) is ready`)).toBeLessThan(out.indexOf(`worker 1 (pid ${oldOne}) stopped`));
  weft.child.kill('SIGTERM');
  expect(await weft.exited(30_000)).toBe(0);
});

test('SIGHUP with --path {n}: the old worker goes on accepting on its nameless socket while it drains', async () => {
  // nginx's connections queued on the old socket when the new one is renamed over the path
  // must be served, not reset (under load: 502s for POSTs, which nginx does not retry)
  cli = startCli(['serve', `${CLI_FIXTURE}:createClusterApp`, '--workers', '2', '--path', path.join(dir, 'w{n}.sock'), '--no-access-log', '--shutdown-timeout', '5'], {
    WEFT_LIFECYCLE_FILE: file,
  });
  await cli.waitFor(/is ready/, 2, 30_000);
  const oldPid = (await unixGet(path.join(dir, 'w1.sock'))).body.pid;
  // a second name for worker 1's socket: it still reaches it once the path names the successor's
  await link(path.join(dir, 'w1.sock'), path.join(dir, 'old1.sock'));
  cli.child.kill('SIGHUP');
  await cli.waitFor(/worker 1 \(pid \d+\) is ready/, 2, 30_000); // the old worker 1 gets SIGTERM now
  await sleep(150); // within its 0.5 s drain
  const answer = await unixGet(path.join(dir, 'old1.sock'));
  expect({ status: answer.status, pid: answer.body.pid, connection: answer.connection }).toEqual({ status: 200, pid: oldPid, connection: 'close' });
  cli.child.kill('SIGTERM');
  expect(await cli.exited(30_000)).toBe(0);
});

function unixGet(socketPath: string): Promise<{ status: number; connection: string | undefined; body: { pid: number } }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/' }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: JSON.parse(text) as { pid: number } }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('SIGTTIN adds a worker, SIGTTOU removes one', async () => {
  const weft = serve();
  await weft.url();
  await weft.waitFor(/is ready/, WORKERS, 30_000);
  weft.child.kill('SIGTTIN');
  await weft.waitFor(new RegExp(`worker ${WORKERS + 1} \\(pid \\d+\\) is ready`));
  expect(await startupPids()).toHaveLength(WORKERS + 1);
  weft.child.kill('SIGTTOU');
  await weft.waitFor(new RegExp(`worker ${WORKERS + 1} \\(pid \\d+\\) stopped \\(exit code 0\\)`));
  const counts = await countsByPid();
  expect([...counts.values()].filter((c) => c.cleanup === 1)).toHaveLength(1);
  weft.child.kill('SIGTERM');
  expect(await weft.exited(30_000)).toBe(0);
});

test('SIGTTIN or SIGTTOU during a crashed worker\'s restart delay still leaves the target number of workers', async () => {
  const weft = serve();
  await weft.url();
  await weft.waitFor(/is ready/, WORKERS, 30_000);
  const pidOf = (n: number): number => Number([...weft.stdout().matchAll(new RegExp(`worker ${n} \\(pid (\\d+)\\) is ready`, 'g'))].at(-1)![1]);
  const alive = async (): Promise<number> => (await startupPids()).filter(isAlive).length;
  const settle = async (count: number): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while ((await alive()) !== count && Date.now() < deadline) await sleep(100);
    await sleep(500); // nothing more comes
  };

  // SIGTTIN takes the dead worker's slot (the lowest free): the replacement must take another
  process.kill(pidOf(1), 'SIGKILL');
  await weft.waitFor(/worker 1 \(pid \d+\) died \(signal SIGKILL\): replacing it in 100 ms/);
  weft.child.kill('SIGTTIN');
  await weft.waitFor(/is ready/, WORKERS + 2, 30_000);
  await settle(WORKERS + 1);
  expect(await alive()).toBe(WORKERS + 1);

  // SIGTTOU during the delay: the dead worker is the one fewer; no healthy one is stopped or replaced
  const healthy = (await startupPids()).filter(isAlive).filter((pid) => pid !== pidOf(WORKERS + 1));
  process.kill(pidOf(WORKERS + 1), 'SIGKILL');
  await weft.waitFor(new RegExp(`worker ${WORKERS + 1} \\(pid \\d+\\) died \\(signal SIGKILL\\)`));
  weft.child.kill('SIGTTOU');
  await settle(WORKERS);
  await sleep(1000); // past the restart delay
  expect((await startupPids()).filter(isAlive).sort()).toEqual(healthy.sort());
  weft.child.kill('SIGTERM');
  expect(await weft.exited(30_000)).toBe(0);
});

test('SIGTERM while a crashed worker waits for its restart delay: the supervisor exits at once, not after the delay', async () => {
  cli = startCli(['serve', `${CLI_FIXTURE}:createClusterApp`, '--workers', '2', '--host', '127.0.0.1', '--port', '0', '--no-access-log', '--shutdown-timeout', '5'], {
    WEFT_LIFECYCLE_FILE: file,
  });
  const weft = cli;
  await weft.url();
  await weft.waitFor(/is ready/, 2, 30_000);
  const pidOf = (n: number): number => Number([...weft.stdout().matchAll(new RegExp(`worker ${n} \\(pid (\\d+)\\) is ready`, 'g'))].at(-1)![1]);
  // worker 1 crashes 7 times in a row: its restart delays double, 100 ms ... 6 400 ms
  for (let crash = 1; crash <= 7; crash++) {
    if (crash > 1) await weft.waitFor(/worker 1 \(pid \d+\) is ready/, crash, 30_000);
    process.kill(pidOf(1), 'SIGKILL');
    await weft.waitFor(/worker 1 \(pid \d+\) died \(signal SIGKILL\): replacing it/, crash);
  }
  expect(weft.stdout()).toMatch(/worker 1 \(pid \d+\) died \(signal SIGKILL\): replacing it in 6400 ms/);
  const started = Date.now();
  weft.child.kill('SIGTERM');
  expect(await weft.exited(30_000)).toBe(0);
  // worker 2's graceful stop (0.5 s drain, nothing in flight) and the exit; the pending
  // restart timer kept the supervisor alive until it fired, 6.4 s after the crash
  expect(Date.now() - started).toBeLessThan(4000);
});

test('--max-requests recycles a worker: a replacement starts, the old one drains and cleans up', async () => {
  const weft = serve(['--max-requests', '5', '--max-requests-jitter', '0']);
  const url = await weft.url();
  await weft.waitFor(/is ready/, WORKERS, 30_000);
  for (let i = 0; i < 24; i++) expect((await get(url)).status).toBe(200);
  await weft.waitFor(/reached --max-requests: recycling it/);
  await weft.waitFor(/stopped \(exit code 0\)/);
  const counts = await countsByPid();
  expect(counts.size).toBeGreaterThanOrEqual(WORKERS + 1);
  expect([...counts.values()].some((c) => c.cleanup === 1)).toBe(true);
  weft.child.kill('SIGTERM');
  expect(await weft.exited(30_000)).toBe(0);
});

test('a worker that cannot boot stops the supervisor: exit code 1, no restart loop', async () => {
  cli = startCli(['serve', `${CLI_FIXTURE}:failingApp`, '--workers', '2', '--host', '127.0.0.1', '--port', '0']);
  expect(await cli.exited()).toBe(1);
  expect(cli.stdout()).toMatch(/failed to boot \(exit code 1\): stopping/);
  expect(cli.stdout()).toMatch(/database unreachable/);
});

test('a missing export found by a worker: exit code 2 naming it', async () => {
  cli = startCli(['serve', `${CLI_FIXTURE}:nothingHere`, '--workers', '2', '--host', '127.0.0.1', '--port', '0']);
  expect(await cli.exited()).toBe(2);
  expect(cli.stderr()).toMatch(/WEFT_ERR_CLI_TARGET: .*has no export "nothingHere"/);
});
