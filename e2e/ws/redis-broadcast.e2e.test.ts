/**
 * Broadcasting across processes through Redis: a `redis-server` on a free loopback port and
 * two weft processes (e2e/ws/fixtures/redis-broadcast-app.ts under ts-node; `weft` is the
 * build: `npm run build`), each with a websocket client; a publish through one process
 * reaches the clients of both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { connectTestWebSocket } from 'weft/testing';
import { RedisServer, hasRedis } from '../support/redis-server.js';
import { type WatchedChild as Child, watchChild as watch } from './watch-child.js';

const FIXTURE = path.join(__dirname, 'fixtures', 'redis-broadcast-app.ts');
const describeRedis = hasRedis ? describe : describe.skip;

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describeRedis('websocket broadcast through Redis, two processes', () => {
  let redis: RedisServer;
  const apps: Child[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  }, 30_000);

  afterAll(async () => {
    for (const app of apps) if (app.process.exitCode === null) app.process.kill('SIGKILL');
    await redis.dispose();
  });

  function startApp(): Child {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, REDIS_URL: redis.url },
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
