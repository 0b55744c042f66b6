/**
 * Broadcasting across processes through Redis: a `redis-server` on a free loopback port and
 * two weft processes (e2e/ws/fixtures/redis-broadcast-app.ts under ts-node; `weft` is the
 * build: `npm run build`), each with a websocket client; a publish through one process
 * reaches the clients of both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectTestWebSocket } from 'weft/testing';
import { type WatchedChild as Child, watchChild as watch } from './watch-child.js';

const FIXTURE = path.join(__dirname, 'fixtures', 'redis-broadcast-app.ts');
const REDIS_SERVER = '/usr/bin/redis-server';
const hasRedis = spawnSync(REDIS_SERVER, ['--version']).status === 0;
if (!hasRedis && process.env.CI === 'true') throw new Error(`${REDIS_SERVER} is missing: CI must apt-get install redis-server`);
if (!hasRedis) process.stderr.write(`skipping redis-broadcast e2e: ${REDIS_SERVER} not installed (apt-get install redis-server)\n`);
const describeRedis = hasRedis ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describeRedis('websocket broadcast through Redis, two processes', () => {
  let dir: string;
  let redis: Child;
  let redisUrl: string;
  const apps: Child[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'weft-redis-'));
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    redis = watch(spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    await redis.until(() => (/Ready to accept connections/.test(redis.output()) ? true : undefined), 'redis-server ready');
    redisUrl = `redis://127.0.0.1:${port}`;
  }, 30_000);

  afterAll(async () => {
    for (const app of apps) if (app.process.exitCode === null) app.process.kill('SIGKILL');
    if (redis.process.exitCode === null && redis.process.pid !== undefined) {
      process.kill(redis.process.pid, 'SIGTERM');
      await exitCode(redis.process);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function startApp(): Child {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, REDIS_URL: redisUrl },
    });
    const app = watch(child);
    apps.push(app);
    return app;
  }

  test('a message published through one process reaches the websockets of both; SIGTERM exits 0', async () => {
    const [a, b] = [startApp(), startApp()];
    const banner = (app: Child) => () => /Running on (\S+)/.exec(app.output())?.[1];
    const [urlA, urlB] = await Promise.all([a.until(banner(a), 'app A "Running on" banner'), b.until(banner(b), 'app B "Running on" banner')]);
    expect(urlA).not.toBe(urlB);

    const clientA = await connectTestWebSocket(`${urlA.replace('http', 'ws')}/ws`);
    const clientB = await connectTestWebSocket(`${urlB.replace('http', 'ws')}/ws`);
    // subscribe() resolves once Redis acknowledged SUBSCRIBE: after this, nothing is missed
    await a.until(() => (a.events.includes('ws:subscribed') ? true : undefined), 'app A subscribed');
    await b.until(() => (b.events.includes('ws:subscribed') ? true : undefined), 'app B subscribed');

    // a receive that fails says what both processes printed
    const receive = (client: typeof clientA, name: string): Promise<string> =>
      client.receiveStr().catch((err: unknown) => {
        throw new Error(`client ${name}: ${String(err)}; A: ${a.events.join(' | ')} ${a.output()}; B: ${b.events.join(' | ')} ${b.output()}`);
      });
    const response = await fetch(`${urlA}/publish`, { method: 'POST', body: 'hello from A' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('published');
    expect(await receive(clientA, 'A')).toBe('hello from A');
    expect(await receive(clientB, 'B')).toBe('hello from A');

    // and the other way round, through a websocket message of B's client
    await clientB.sendStr('hello from B');
    expect(await receive(clientA, 'A')).toBe('hello from B');
    expect(await receive(clientB, 'B')).toBe('hello from B');

    const exits = [exitCode(a.process), exitCode(b.process)];
    a.process.kill('SIGTERM');
    b.process.kill('SIGTERM');
    expect(await clientA.closed).toEqual({ code: 1001, reason: 'Server shutdown' });
    expect(await clientB.closed).toEqual({ code: 1001, reason: 'Server shutdown' });
    expect(await Promise.all(exits)).toEqual([0, 0]);
    for (const app of [a, b]) {
      expect(app.events).toEqual(['ws:subscribed', 'ws:closed 1001', 'broadcaster:closed', 'runApp:resolved']);
    }
  }, 60_000);
});
