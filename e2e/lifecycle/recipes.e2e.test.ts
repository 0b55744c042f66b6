/**
 * The recipes of docs/lifecycle.md, run as written (with stand-ins for Postgres and Redis),
 * so that the page stays true.
 */
import { spawn as spawnProcess } from 'node:child_process';
import { EventEmitter, on, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Application, type CleanupContext, CleanupError, Injectable, type Logger, createApp, createLogger } from 'weft';
import { TestClient } from 'weft/testing';

const silent = createLogger({ level: 'silent' });

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, error: (_obj, msg) => void errors.push(msg ?? ''), warn: () => undefined, info: () => undefined, debug: () => undefined };
}

/** A stand-in for an asyncpg / pg pool. */
class Pool {
  static opened = 0;
  static ended = 0;
  ended = false;
  async query(sql: string) {
    if (this.ended) throw new Error('pool is closed');
    return [{ sql }];
  }
  async end() {
    this.ended = true;
    Pool.ended++;
  }
}
async function createPool(url: string): Promise<Pool> {
  if (!url.startsWith('postgres://')) throw new Error(`connect ECONNREFUSED ${url}`);
  await sleep(1);
  Pool.opened++;
  return new Pool();
}

describe('recipes from docs/lifecycle.md', () => {
  beforeEach(() => {
    Pool.opened = 0;
    Pool.ended = 0;
  });

  test('a long-lived background task, stopped and awaited in its slot; a crash is logged at once and reported at cleanup', async () => {
    class Stats {
      refreshed = 0;
      failAfter = Infinity;
      async refresh() {
        if (++this.refreshed > this.failAfter) throw new Error('stats backend down');
      }
    }

    @Injectable()
    class StatsRefresher implements CleanupContext {
      constructor(private readonly stats: Stats) {}

      async *lifespan(app: Application) {
        const stop = new AbortController();
        let crash: unknown;
        const task = this.run(stop.signal).catch((err: unknown) => {
          crash = err;
          app.logger.error({ err }, 'stats refresher crashed');
        });
        yield;
        stop.abort();
        await task;
        if (crash !== undefined) throw crash;
      }

      private async run(signal: AbortSignal) {
        while (!signal.aborted) {
          await this.stats.refresh();
          await sleep(5, undefined, { signal }).catch(() => undefined);
        }
      }
    }

    const healthy = createApp({ providers: [Stats, StatsRefresher], logger: silent });
    await healthy.startup();
    await sleep(30);
    const stats = healthy.container.get(Stats);
    expect(stats.refreshed).toBeGreaterThan(1);
    await healthy.shutdown();
    await healthy.cleanup();
    const after = stats.refreshed;
    await sleep(20);
    expect(stats.refreshed).toBe(after); // stopped for good

    const logger = recordingLogger();
    const crashing = createApp({ providers: [{ provide: Stats, useValue: Object.assign(new Stats(), { failAfter: 1 }) }, StatsRefresher], logger });
    await crashing.startup();
    await sleep(30);
    expect(logger.errors).toEqual(['stats refresher crashed']);
    await expect(crashing.cleanup()).rejects.toThrow('stats backend down');
  });

  test('a subprocess started by a CleanupContext and terminated at cleanup; a missing binary fails the startup', async () => {
    let pid: number | undefined;
    const command = { file: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] };
    class Worker implements CleanupContext {
      async *lifespan(app: Application) {
        const child = spawnProcess(command.file, command.args, { stdio: 'ignore' });
        const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
        await once(child, 'spawn');
        child.on('error', (err) => app.logger.error({ err }, 'worker'));
        pid = child.pid;
        yield;
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      }
    }
    const app = createApp({ providers: [Worker], logger: silent });
    await app.startup();
    expect(isAlive(pid!)).toBe(true);
    await app.cleanup();
    expect(isAlive(pid!)).toBe(false);

    command.file = '/nonexistent/binary';
    const broken = createApp({ providers: [Worker], logger: silent });
    await expect(broken.startup()).rejects.toThrow(/startup failed in CleanupContext Worker \(app 'app'\): spawn \/nonexistent\/binary ENOENT/);
  });

  test('the Redis listener pattern with an in-memory stand-in', async () => {
    class PubSub {
      readonly #bus = new EventEmitter();
      publish(channel: string, message: string) {
        this.#bus.emit(channel, message);
      }
      async *subscribe(channel: string, signal: AbortSignal): AsyncGenerator<string> {
        for await (const [message] of on(this.#bus, channel, { signal })) yield message as string;
      }
    }

    @Injectable()
    class NewsFeed {
      readonly latest: string[] = [];
      deliver(message: string) {
        this.latest.push(message);
      }
    }

    @Injectable()
    class NewsListener implements CleanupContext {
      constructor(
        private readonly redis: PubSub,
        private readonly feed: NewsFeed,
      ) {}

      async *lifespan(app: Application) {
        const stop = new AbortController();
        let crash: unknown;
        const listening = (async () => {
          for await (const message of this.redis.subscribe('news', stop.signal)) this.feed.deliver(message);
        })().catch((err: unknown) => {
          if (stop.signal.aborted) return;
          crash = err;
          app.logger.error({ err }, 'news listener crashed');
        });
        yield;
        stop.abort();
        await listening;
        if (crash !== undefined) throw crash;
      }
    }

    const app = createApp({ providers: [PubSub, NewsFeed, NewsListener], logger: silent });
    app.router.add('GET', '/news', (request) => request.app.container.get(NewsFeed).latest);
    const client = await new TestClient(app).start();
    try {
      const redis = app.container.get(PubSub);
      redis.publish('news', 'weft 0.1 released');
      redis.publish('sports', 'ignored');
      redis.publish('news', 'lifecycle documented');
      await sleep(5);
      expect((await client.get('/news')).json()).toEqual(['weft 0.1 released', 'lifecycle documented']);
    } finally {
      await client.close(); // resolves: the listener stopped on its abort, no error
    }
  });

  test('an asyncpg-like pool as an async singleton: made by init(), disposed after every cleanup', async () => {
    class Database {
      private constructor(private readonly pool: Pool) {}
      static async connect(url: string) {
        return new Database(await createPool(url));
      }
      query(sql: string) {
        return this.pool.query(sql);
      }
      async [Symbol.asyncDispose]() {
        await this.pool.end();
      }
    }
    const order: string[] = [];
    const app = createApp({ providers: [{ provide: Database, useFactory: () => Database.connect('postgres://db/app') }], logger: silent });
    app.onStartup.push(async function migrate(a) {
      order.push(`migrate: ${JSON.stringify(await a.container.get(Database).query('create table t'))}`);
    });
    app.onCleanup.push(async function finalFlush(a) {
      order.push(`flush: ${JSON.stringify(await a.container.get(Database).query('insert'))}`);
    });
    app.router.add('GET', '/rows', (request) => request.app.container.get(Database).query('select 1'));
    const client = await new TestClient(app).start();
    expect((await client.get('/rows')).json()).toEqual([{ sql: 'select 1' }]);
    await client.close();
    expect(order).toEqual(['migrate: [{"sql":"create table t"}]', 'flush: [{"sql":"insert"}]']);
    expect([Pool.opened, Pool.ended]).toEqual([1, 1]);
  });

  test('an asyncpg-like pool as a CleanupContext provider: a failing connect names it; the pool is ended in its slot', async () => {
    const url = { value: 'postgres://db/app' };
    @Injectable()
    class Database implements CleanupContext {
      #pool: Pool | undefined;
      get pool(): Pool {
        if (this.#pool === undefined) throw new Error('Database is used before startup');
        return this.#pool;
      }
      async *lifespan() {
        this.#pool = await createPool(url.value);
        yield;
        await this.#pool.end();
      }
    }
    const seen: string[] = [];
    const app = createApp({ providers: [Database], logger: silent });
    app.onCleanup.push(async function lastQuery(a) {
      seen.push(`pool open at cleanup: ${!a.container.get(Database).pool.ended}`);
    });
    await app.startup();
    await app.cleanup();
    expect(seen).toEqual(['pool open at cleanup: true']);
    expect([Pool.opened, Pool.ended]).toEqual([1, 1]);

    url.value = 'mysql://wrong';
    const failing = createApp({ name: 'main', providers: [Database], logger: silent });
    await expect(failing.startup()).rejects.toThrow("WEFT_ERR_STARTUP: startup failed in CleanupContext Database (app 'main'): connect ECONNREFUSED mysql://wrong");
  });

  test('every crash in a recipe is one entry of the CleanupError when several fail', async () => {
    class Failing implements CleanupContext {
      async *lifespan() {
        yield;
        throw new Error('first');
      }
    }
    const app = createApp({ providers: [Failing], logger: silent });
    app.onCleanup.push(() => Promise.reject(new Error('second')));
    await app.startup();
    const error = await app.cleanup().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CleanupError);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
