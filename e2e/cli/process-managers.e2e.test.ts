/**
 * What `weft deploy supervisord` and `weft deploy systemd` print, run the way those process
 * managers run it:
 * - a real supervisord (Debian's `supervisor`, started by the test with its files in a temp
 *   dir, stopped by PID) runs the generated program: two processes on their own unix
 *   sockets, one killed with SIGKILL is restarted, and supervisord's stop is graceful
 *   (exit status 0 and a cleanup per process);
 * - the systemd units pass `systemd-analyze verify`, and the service's `ExecStart` is run as
 *   systemd would run it after socket activation (a listening socket as descriptor 3,
 *   `WorkingDirectory`, `Environment`): both workers answer on it, `ExecReload`'s SIGHUP
 *   restarts them with no failed request, and `KillSignal` stops them with exit code 0.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_FIXTURE, runCli } from './cli-process.js';

const SUPERVISORD = '/usr/bin/supervisord';
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';
for (const [binary, pkg] of [
  [SUPERVISORD, 'supervisor'],
  [SYSTEMD_ANALYZE, 'systemd'],
]) {
  if (existsSync(binary)) continue;
  if (process.env.CI === 'true') throw new Error(`${binary} is missing: CI must apt-get install ${pkg}`);
  console.warn(`skipping the ${pkg} checks: ${binary} is not installed (apt-get install ${pkg})`);
}

jest.setTimeout(90_000);

const TARGET = `${CLI_FIXTURE}:createClusterApp`;
let dir: string;
let children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weft-pm-'));
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children = [];
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  pid: number;
  worker: string | null;
}

function get(target: { port?: number; socketPath?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', ...target, path: '/', agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        const parsed = JSON.parse(body) as { pid: number; worker: string | null };
        resolve({ status: res.statusCode!, ...parsed });
      });
    })
      .on('error', reject)
      .on('timeout', function (this: { destroy(err: Error): void }) {
        this.destroy(new Error('timed out'));
      })
      .end();
  });
}

/** Polls until `check` returns a value (errors count as "not yet"). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`${what} not seen within ${ms} ms${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
}

function exited(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pid ${child.pid} still running after ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** `event pid worker` lines written by the fixture, counted per pid. */
async function lifecycle(file: string): Promise<Map<number, Record<string, number>>> {
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  const byPid = new Map<number, Record<string, number>>();
  for (const line of text.trim().split('\n').filter(Boolean)) {
    const [event, pid] = line.split(' ');
    const counts = byPid.get(Number(pid)) ?? {};
    counts[event] = (counts[event] ?? 0) + 1;
    byPid.set(Number(pid), counts);
  }
  return byPid;
}

async function deploy(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCli(['deploy', ...args]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout;
}

(existsSync(SUPERVISORD) ? test : test.skip)('supervisord runs the generated program: two sockets, a killed process restarted, a graceful stop', async () => {
  const events = path.join(dir, 'lifecycle.log');
  const program = await deploy(['supervisord', TARGET, '--processes', '2', '--path', path.join(dir, 'w_{n}.sock'), '--user', userInfo().username, '--shutdown-timeout', '3', '--env', `WEFT_LIFECYCLE_FILE=${events}`]);
  const conf = path.join(dir, 'supervisord.conf');
  await writeFile(
    conf,
    [
      '[supervisord]',
      'nodaemon = true',
      `logfile = ${dir}/supervisord.log`,
      `pidfile = ${dir}/supervisord.pid`,
      `childlogdir = ${dir}`,
      '[unix_http_server]',
      `file = ${dir}/supervisor.sock`,
      '[rpcinterface:supervisor]',
      'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      '',
      program,
    ].join('\n'),
  );
  const supervisord = spawn(SUPERVISORD, ['-c', conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(supervisord);
  let output = '';
  supervisord.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  supervisord.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const sockets = [1, 2].map((n) => path.join(dir, `w_${n}.sock`));

  const first = await Promise.all(sockets.map((socketPath) => eventually(`an answer on ${socketPath}`, () => get({ socketPath }))));
  expect(first.map((a) => a.status)).toEqual([200, 200]);
  expect(first[0].pid).not.toBe(first[1].pid);

  process.kill(first[0].pid, 'SIGKILL');
  const replaced = await eventually('a new process on w_1.sock', async () => {
    const answer = await get({ socketPath: sockets[0] });
    return answer.pid !== first[0].pid ? answer : undefined;
  });
  expect(replaced.status).toBe(200);
  expect((await get({ socketPath: sockets[1] })).pid).toBe(first[1].pid);

  supervisord.kill('SIGTERM');
  expect(await exited(supervisord, 30_000)).toBe(0);
  const log = await readFile(path.join(dir, 'supervisord.log'), 'utf8');
  expect(log).toMatch(/stopped: weft_1 \(exit status 0\)/);
  expect(log).toMatch(/stopped: weft_2 \(exit status 0\)/);
  const counts = await lifecycle(events);
  // the killed process never cleaned up; the two that were stopped did, once
  expect(counts.get(first[0].pid)).toEqual({ factory: 1, startup: 1 });
  expect(counts.get(first[1].pid)).toEqual({ factory: 1, startup: 1, cleanup: 1 });
  expect(counts.get(replaced.pid)).toEqual({ factory: 1, startup: 1, cleanup: 1 });
  expect(output).not.toMatch(/FATAL|BACKOFF/);
});

(existsSync(SYSTEMD_ANALYZE) ? test : test.skip)('the systemd units verify, and their ExecStart serves a socket-activated descriptor with rolling reloads', async () => {
  const events = path.join(dir, 'lifecycle.log');
  const text = await deploy(['systemd', TARGET, '--workers', '2', '--user', userInfo().username, '--shutdown-timeout', '3', '--env', `WEFT_LIFECYCLE_FILE=${events}`]);
  const parts = text.split(/^# ---- \/etc\/systemd\/system\/(\S+) ----\n/m);
  const units: Record<string, string> = {};
  for (let i = 1; i < parts.length; i += 2) units[parts[i]] = parts[i + 1];
  expect(Object.keys(units)).toEqual(['weft.socket', 'weft.service']);
  for (const [name, unit] of Object.entries(units)) await writeFile(path.join(dir, name), unit);
  const verify = spawnSync(SYSTEMD_ANALYZE, ['verify', path.join(dir, 'weft.socket'), path.join(dir, 'weft.service')], { encoding: 'utf8' });
  // verify reports what it ignores on stderr (and still exits 0): nothing may be ignored
  expect(verify.stderr.split('\n').filter((line) => line.includes(dir))).toEqual([]);
  expect(verify.status).toBe(0);

  const service = units['weft.service'];
  const setting = (key: string): string[] => [...service.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
  const [execStart] = setting('ExecStart');
  const [workingDirectory] = setting('WorkingDirectory');
  const environment = Object.fromEntries(setting('Environment').map((pair) => pair.split(/=(.*)/s, 2)));
  expect(environment).toEqual({ NODE_ENV: 'production', WEFT_LIFECYCLE_FILE: events });
  expect(execStart).toMatch(/ serve \S+ --shutdown-timeout 3 --sock 3 --workers 2$/);
  expect(setting('KillSignal')).toEqual(['SIGTERM']);
  expect(setting('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);

  // what systemd does on the first connection: it owns the listening socket and passes it as fd 3
  const listener: Server = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
  const [command, ...args] = execStart.split(' ');
  const weft = spawn(command, args, { cwd: workingDirectory, env: { ...process.env, ...environment, LISTEN_FDS: '1' }, stdio: ['ignore', 'pipe', 'pipe', fd] });
  children.push(weft);
  // The child holds its own copy of the descriptor once spawn returns. Close ours now: this
  // process accepts on it too (systemd holds the socket but never accepts with Accept=no),
  // and a connection it took would hang, as `listener` has no one to answer it.
  listener.close();
  let output = '';
  weft.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  weft.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const seen = new Set<string | null>();
    await eventually('answers from both workers', async () => {
      seen.add((await get({ port })).worker);
      return seen.has('1') && seen.has('2') ? true : undefined;
    });
    const before = await lifecycle(events);
    expect([...before.values()]).toEqual([
      { factory: 1, startup: 1 },
      { factory: 1, startup: 1 },
    ]);

    // ExecReload: SIGHUP to the main process, under a steady stream of requests
    weft.kill('SIGHUP');
    let ok = 0;
    const failures: string[] = [];
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const answer = await get({ port });
        if (answer.status === 200) ok += 1;
        else failures.push(`status ${answer.status}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
      const now = await lifecycle(events);
      const cleaned = [...before.keys()].every((pid) => now.get(pid)?.cleanup === 1);
      if ((cleaned && now.size === 4) || Date.now() > deadline) break;
    }
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    const after = await lifecycle(events);
    expect(after.size).toBe(4);
    for (const counts of after.values()) expect(counts.factory).toBe(1);

    weft.kill('SIGTERM');
    expect(await exited(weft, 30_000)).toBe(0);
    const final = await lifecycle(events);
    expect([...final.values()].every((counts) => counts.cleanup === 1)).toBe(true);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nweft output:\n${output.slice(-3000)}`);
  }
});
