/**
 * `weft serve --workers 2 --path <tmp>/w{n}.sock` behind a real nginx (Debian's
 * /usr/sbin/nginx), configured by `weft deploy nginx`: requests reach both workers, a
 * websocket is proxied, a worker killed and replaced loses no request (nginx retries the
 * other socket while the killed worker's socket refuses: `proxy_next_upstream`'s default
 * `error timeout`, with `fail_timeout=0`), and a rolling restart (SIGHUP) under autocannon
 * load through nginx answers every request with a 2xx: each new worker binds its socket
 * and renames it over w{n}.sock before the old one stops, so the path always listens.
 *
 * The `--ssl` configuration is checked with `nginx -t` against a throw-away certificate.
 *
 * nginx runs unprivileged-style: everything (pid, logs, temp paths) in a temp dir,
 * `daemon off`, a free loopback port, stopped by its PID (SIGQUIT, then SIGKILL).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { CLI_FIXTURE, runCli, startCli, type CliProcess } from './cli-process.js';

const NGINX = '/usr/sbin/nginx';
const haveNginx = existsSync(NGINX);
if (!haveNginx) {
  if (process.env.CI === 'true') throw new Error(`${NGINX} is missing: CI must apt-get install nginx-light`);
  console.warn(`skipping the nginx e2e test: ${NGINX} is not installed (apt-get install nginx-light)`);
}
const maybe = haveNginx ? test : test.skip;

// autocannon ships no types; its programmatic API resolves with these counters
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: { url: string; connections: number; duration: number }) => Promise<{ '2xx': number; non2xx: number; errors: number; timeouts: number }>;

jest.setTimeout(90_000);

let dir: string;
let weft: CliProcess | undefined;
let nginx: ChildProcess | undefined;
let nginxOutput = '';

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weft-nginx-'));
});

afterEach(async () => {
  if (nginx !== undefined) await stopByPid(nginx);
  nginx = undefined;
  // by PID: the supervisor, then each worker it reported
  const workers = [...(weft?.stdout() ?? '').matchAll(/\(pid (\d+)\) is ready/g)].map((m) => Number(m[1]));
  weft?.kill();
  weft = undefined;
  for (const pid of workers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

/** SIGQUIT (nginx's graceful stop), SIGKILL if it is still there after 3 s. */
async function stopByPid(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGQUIT');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }, 3000);
  await exited;
  clearTimeout(timer);
}

/** A port nobody listens on right now (nginx needs a number in its config). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `weft deploy nginx`'s output, wrapped in a main config that keeps every path in `dir`. */
async function writeNginxConfig(port: number, socketPath: string, extra: string[] = []): Promise<string> {
  const generated = await runCli(['deploy', 'nginx', '--workers', '2', '--path', socketPath, '--listen', String(port), '--server-name', 'localhost', ...extra]);
  expect(generated.code).toBe(0);
  // loopback only for the test run: the generated `listen <port>` / `listen [::]:<port>` bind every interface
  const site = generated.stdout.replace(`    listen ${port};\n`, `    listen 127.0.0.1:${port};\n`).replace(`    listen [::]:${port};\n`, '');
  expect(site).toContain(`listen 127.0.0.1:${port};`);
  expect(site).not.toContain('[::]');
  const temp = (name: string): string => `    ${name}_temp_path ${path.join(dir, `${name}-temp`)};`;
  const conf = [
    'daemon off;',
    'worker_processes 1;',
    // as root, nginx's workers would otherwise switch to nobody, who cannot open the temp dir's sockets
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${path.join(dir, 'error.log')} info;`,
    'events { worker_connections 256; }',
    'http {',
    `    access_log ${path.join(dir, 'access.log')};`,
    // nginx closes a client's keep-alive connection after 1000 requests (its default), and
    // autocannon, writing its next request at once, sometimes sees that as ECONNRESET: a
    // client-side artefact of the load tool, not a failed request through the proxy
    '    keepalive_requests 1000000;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp),
    site,
    '}',
    '',
  ].join('\n');
  const file = path.join(dir, 'nginx.conf');
  await writeFile(file, conf);
  return file;
}

/** Starts nginx in the foreground and waits until it answers on `port`. */
async function startNginx(conf: string, port: number): Promise<void> {
  nginxOutput = '';
  nginx = spawn(NGINX, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  nginx.stdout!.on('data', (chunk: Buffer) => (nginxOutput += chunk.toString()));
  nginx.stderr!.on('data', (chunk: Buffer) => (nginxOutput += chunk.toString()));
  for (let i = 0; i < 100; i++) {
    if (nginx.exitCode !== null) break;
    const up = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } }).then(
      () => true,
      () => false,
    );
    if (up) return;
    await sleep(100);
  }
  const log = await readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
  throw new Error(`nginx did not answer on port ${port} (exit code ${String(nginx.exitCode)}): ${nginxOutput} ${log}`);
}

/** A GET with a deadline: a hung request through the proxy is a failure, not a test timeout. */
async function get(url: string): Promise<{ status: number; worker: string | null }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  return { status: response.status, worker: response.status === 200 ? (JSON.parse(text) as { worker: string | null }).worker : text };
}

function echo(url: string, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no websocket answer within 5 s'));
    }, 5000);
    ws.once('open', () => ws.send(message));
    ws.once('message', (data) => {
      clearTimeout(timer);
      ws.close();
      resolve(data.toString());
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

maybe('weft serve --workers 2 on unix sockets behind nginx: both workers, websockets, a killed worker replaced without a failed request', async () => {
  const socketPath = path.join(dir, 'w{n}.sock');
  weft = startCli(['serve', `${CLI_FIXTURE}:createProxiedApp`, '--workers', '2', '--path', socketPath, '--no-access-log', '--shutdown-timeout', '5']);
  await weft.waitFor(/is ready/, 2);
  const port = await freePort();
  await startNginx(await writeNginxConfig(port, socketPath), port);
  const base = `http://127.0.0.1:${port}`;

  // nginx balances round-robin over the two sockets: both workers answer
  const workers = new Set<string | null>();
  for (let i = 0; i < 20 && workers.size < 2; i++) {
    const response = await get(`${base}/`);
    expect(response.status).toBe(200);
    workers.add(response.worker);
  }
  expect([...workers].sort()).toEqual(['1', '2']);

  // the websocket upgrade goes through (Upgrade/Connection headers, HTTP/1.1 upstream)
  expect(await echo(`ws://127.0.0.1:${port}/ws`, 'hello')).toMatch(/^hello from worker [12]$/);

  // worker 1 dies and is replaced: its socket refuses for a moment, nginx retries worker 2
  let restarting = true;
  const statuses = new Map<number, number>();
  const served = new Set<string | null>();
  const loop = (async () => {
    for (let i = 0; i < 5000 && restarting; i++) {
      const response = await get(`${base}/`).catch((err: Error) => ({ status: 0, worker: `${err.name}: ${err.message} at ${Date.now()}` }));
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200) served.add(response.worker);
    }
  })();
  await sleep(300);
  const victim = Number(/worker 1 \(pid (\d+)\) is ready/.exec(weft.stdout())![1]);
  process.kill(victim, 'SIGKILL');
  await weft.waitFor(/died \(signal SIGKILL\): replacing it/);
  await weft.waitFor(/is ready/, 3, 15_000);
  await sleep(300);
  restarting = false;
  await loop;
  const errors = await readFile(path.join(dir, 'error.log'), 'utf8');
  expect({ statuses: [...statuses.keys()], errors: errors.match(/\[(error|crit|alert|emerg)\].*/g) ?? [] }).toMatchObject({ statuses: [200] });
  // the replacement took the path over: it is a socket again, and no temporary name is left
  expect((await readdir(dir)).filter((name) => name.endsWith('.sock')).sort()).toEqual(['w1.sock', 'w2.sock']);
  expect(statuses.get(200)).toBeGreaterThan(20);
  expect([...served].sort()).toEqual(['1', '2']);

  // after the restart, both new workers answer through nginx, websockets included
  expect(await echo(`ws://127.0.0.1:${port}/ws`, 'again')).toMatch(/^again from worker [12]$/);
  weft.child.kill('SIGTERM');
  expect(await weft.exited()).toBe(0);
});

maybe('SIGHUP behind nginx on unix sockets: a rolling restart under autocannon load, zero non-2xx and zero connection errors', async () => {
  const socketPath = path.join(dir, 'w{n}.sock');
  weft = startCli(['serve', `${CLI_FIXTURE}:createProxiedApp`, '--workers', '2', '--path', socketPath, '--no-access-log', '--shutdown-timeout', '5']);
  await weft.waitFor(/is ready/, 2);
  const port = await freePort();
  await startNginx(await writeNginxConfig(port, socketPath), port);
  const before = [...weft.stdout().matchAll(/worker \d \(pid (\d+)\) is ready/g)].map((m) => Number(m[1]));

  // the socket files must never be missing during the restart (nginx would get ENOENT)
  let watching = true;
  const missing: string[] = [];
  const watch = (async () => {
    while (watching) {
      const names = await readdir(dir);
      for (const name of ['w1.sock', 'w2.sock']) if (!names.includes(name)) missing.push(`${name} at ${Date.now()}`);
      await sleep(5);
    }
  })();
  const load = autocannon({ url: `http://127.0.0.1:${port}/`, connections: 8, duration: 8 });
  await sleep(1000);
  weft.child.kill('SIGHUP');
  await weft.waitFor(/stopped \(exit code 0\)/, 2, 30_000);
  const result = await load;
  watching = false;
  await watch;
  const errors = await readFile(path.join(dir, 'error.log'), 'utf8');
  const nginxErrors = errors.match(/\[(error|crit|alert|emerg)\].*/g) ?? [];
  expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, missing }).toEqual({ errors: 0, timeouts: 0, non2xx: 0, missing: [] });
  expect(result['2xx']).toBeGreaterThan(100);
  // nginx never even had to retry: every connect found a listening socket (logged here if not)
  if (nginxErrors.length > 0) console.warn(`nginx retried during the restart:\n${nginxErrors.join('\n')}`);

  // both slots now run new workers, reached through nginx, websockets included
  const after = [...weft.stdout().matchAll(/worker \d \(pid (\d+)\) is ready/g)].map((m) => Number(m[1])).slice(2);
  expect(after).toHaveLength(2);
  const served = new Set<string | null>();
  for (let i = 0; i < 20 && served.size < 2; i++) served.add((await get(`http://127.0.0.1:${port}/`)).worker);
  expect([...served].sort()).toEqual(['1', '2']);
  expect(await echo(`ws://127.0.0.1:${port}/ws`, 'after')).toMatch(/^after from worker [12]$/);
  for (const pid of before) expect(() => process.kill(pid, 0)).toThrow();
  weft.child.kill('SIGTERM');
  expect(await weft.exited(30_000)).toBe(0);
  // a graceful stop removes the sockets it owns
  expect((await readdir(dir)).filter((name) => name.endsWith('.sock'))).toEqual([]);
});

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
maybe('--static-root: nginx serves the files and, as app.static, no dotfiles; .well-known/ is served', async () => {
  const port = await freePort();
  const root = path.join(dir, 'public');
  await mkdir(path.join(root, '.git'), { recursive: true });
  await mkdir(path.join(root, '.well-known', 'acme-challenge'), { recursive: true });
  await writeFile(path.join(root, 'app.min.js'), 'js');
  await writeFile(path.join(root, '.env'), 'SECRET=1');
  await writeFile(path.join(root, '.git', 'config'), '[core]');
  await writeFile(path.join(root, '.well-known', 'acme-challenge', 'token'), 'proof');
  await startNginx(await writeNginxConfig(port, path.join(dir, 'w{n}.sock'), ['--static-root', root]), port);
  const statusOf = async (target: string): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${port}${target}`, { headers: { connection: 'close' } });
    return `${res.status} ${res.status === 200 ? await res.text() : ''}`.trim();
  };
  const answers: Record<string, string> = {};
  for (const target of ['/static/app.min.js', '/static/.env', '/static/%2eenv', '/static/.git/config', '/static/.well-known/acme-challenge/token']) answers[target] = await statusOf(target);
  expect(answers).toEqual({
    '/static/app.min.js': '200 js',
    '/static/.env': '404',
    '/static/%2eenv': '404',
    '/static/.git/config': '404',
    '/static/.well-known/acme-challenge/token': '200 proof',
  });
});

if (!haveOpenssl) console.warn('skipping the nginx --ssl check: no openssl binary to make a test certificate');
(haveNginx && haveOpenssl ? test : test.skip)('the --ssl configuration is accepted by this nginx (nginx -t)', async () => {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert]);
  expect(made.status).toBe(0);
  const generated = await runCli(['deploy', 'nginx', '--ssl', '--ssl-certificate', cert, '--ssl-certificate-key', key, '--workers', '2', '--path', path.join(dir, 'w{n}.sock')]);
  expect(generated.code).toBe(0);
  const conf = path.join(dir, 'nginx.conf');
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${path.join(dir, `${name}-temp`)};`);
  await writeFile(conf, [`pid ${path.join(dir, 'nginx.pid')};`, 'events { }', 'http {', `access_log ${path.join(dir, 'access.log')};`, ...temps, generated.stdout, '}', ''].join('\n'));
  // -t parses, loads the certificate and checks every directive without binding the ports
  const checked = spawnSync(NGINX, ['-t', '-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf], { encoding: 'utf8' });
  expect({ status: checked.status, output: checked.stderr }).toEqual({ status: 0, output: expect.stringContaining('test is successful') });
});

(haveNginx ? test : test.skip)('two apps in one http { } block, each with its own --upstream, are accepted by this nginx (nginx -t)', async () => {
  const shop = await runCli(['deploy', 'nginx', '--upstream', 'shop', '--port', '8081', '--server-name', 'shop.localhost', '--listen', '8080']);
  const blog = await runCli(['deploy', 'nginx', '--upstream', 'blog-app', '--port', '8082', '--server-name', 'blog.localhost', '--listen', '8080']);
  expect([shop.code, blog.code]).toEqual([0, 0]);
  const conf = path.join(dir, 'two-apps.conf');
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${path.join(dir, `${name}-temp`)};`);
  await writeFile(conf, [`pid ${path.join(dir, 'nginx.pid')};`, 'events { }', 'http {', `access_log ${path.join(dir, 'access.log')};`, ...temps, shop.stdout, blog.stdout, '}', ''].join('\n'));
  const checked = spawnSync(NGINX, ['-t', '-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf], { encoding: 'utf8' });
  expect({ status: checked.status, output: checked.stderr }).toEqual({ status: 0, output: expect.stringContaining('test is successful') });
});
