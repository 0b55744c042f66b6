/**
 * RedisPubSub against a real `redis-server` (Debian's), started on a free loopback port.
 */
import { WeftError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { Broadcaster } from './broadcaster.js';
import { RedisPubSub } from './redis-pubsub.js';
import { RedisServer, freePort, hasRedis } from '../../e2e/support/redis-server.js';

const describeRedis = hasRedis ? describe : describe.skip;

function recordingLogger(): Logger & { readonly lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string): void => void lines.push({ level, obj, msg });
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

function nextMessage(): { listener: (message: string) => void; received: string[]; next: () => Promise<string> } {
  const received: string[] = [];
  let wake: (() => void) | undefined;
  const listener = (message: string): void => {
    received.push(message);
    wake?.();
  };
  const next = async (): Promise<string> => {
    const deadline = Date.now() + 5000;
    while (received.length === 0) {
      if (Date.now() > deadline) throw new Error('no message within 5s');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return received.shift()!;
  };
  return { listener, received, next };
}

describe('RedisPubSub options', () => {
  test('a URL that is not redis:// is refused with WEFT_ERR_REDIS_OPTIONS', () => {
    expect(() => new RedisPubSub({ url: 'http://127.0.0.1:6379' })).toThrow(WeftError);
    expect(() => new RedisPubSub({ url: 'http://127.0.0.1:6379' })).toThrow(/WEFT_ERR_REDIS_OPTIONS.*redis:\/\/ or rediss:\/\/ URL, got "http:\/\/127.0.0.1:6379"/);
  });
});

describeRedis('RedisPubSub on redis-server', () => {
  let redis: RedisServer;
  const open: RedisPubSub[] = [];
  const make = (logger: Logger = recordingLogger()): RedisPubSub => {
    const pubsub = new RedisPubSub({ url: redis.url, logger, redis: { retryStrategy: () => 50 } });
    open.push(pubsub);
    return pubsub;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  }, 20_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await redis.dispose();
  });

  test('a message published by one backend reaches the listeners of another, per channel', async () => {
    const [one, two] = [make(), make()];
    const news = nextMessage();
    const other = nextMessage();
    await two.subscribe('news', news.listener);
    await two.subscribe('other', other.listener);
    await one.publish('news', 'héllo');
    expect(await news.next()).toBe('héllo');
    await one.publish('other', 'x');
    expect(await other.next()).toBe('x');
    expect(news.received).toEqual([]);
  });

  test('one function subscribed twice gets two deliveries; unsubscribing one keeps the other', async () => {
    const pubsub = make();
    const calls = nextMessage();
    const first = await pubsub.subscribe('c', calls.listener);
    const second = await pubsub.subscribe('c', calls.listener);
    await pubsub.publish('c', 'a');
    expect([await calls.next(), await calls.next()]).toEqual(['a', 'a']);
    await first();
    await first(); // twice is harmless
    await pubsub.publish('c', 'b');
    expect(await calls.next()).toBe('b');
    await second();
    expect(await pubsub.publisher.pubsub('NUMSUB', 'c')).toEqual(['c', 0]);
  });

  test('a listener that throws is logged and does not stop the others', async () => {
    const logger = recordingLogger();
    const pubsub = make(logger);
    const ok = nextMessage();
    await pubsub.subscribe('c', () => {
      throw new Error('boom');
    });
    await pubsub.subscribe('c', ok.listener);
    await pubsub.publish('c', 'm');
    expect(await ok.next()).toBe('m');
    expect(logger.lines).toContainEqual({ level: 'error', obj: { err: new Error('boom'), channel: 'c' }, msg: 'a pub/sub listener threw' });
  });

  test('after close, publish and subscribe reject with WEFT_ERR_PUBSUB_CLOSED and both connections ended', async () => {
    const pubsub = make();
    await pubsub.subscribe('c', () => undefined);
    await pubsub.close();
    await pubsub.close();
    await expect(pubsub.publish('c', 'm')).rejects.toMatchObject({ code: 'WEFT_ERR_PUBSUB_CLOSED' });
    await expect(pubsub.subscribe('c', () => undefined)).rejects.toThrow(/Redis pub\/sub backend is closed/);
    expect([pubsub.publisher.status, pubsub.subscriber.status]).toEqual(['end', 'end']);
  });

  test('close() while Redis is unreachable stops both connections at once (no more retries)', async () => {
    const deadPort = await freePort();
    const logger = recordingLogger();
    const pubsub = new RedisPubSub({ url: `redis://127.0.0.1:${deadPort}`, logger });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await pubsub.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(logger.lines.some((l) => l.level === 'warn' && /ECONNREFUSED/.test(String((l.obj as { err?: Error }).err?.message)))).toBe(true);
    // no retry after close: no new connection errors are logged
    const logged = logger.lines.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(logger.lines.length).toBe(logged);
    await expect(pubsub.publish('c', 'm')).rejects.toMatchObject({ code: 'WEFT_ERR_PUBSUB_CLOSED' });
  });

  test('a subscribe waiting for an unreachable Redis rejects with WEFT_ERR_PUBSUB_CLOSED at close()', async () => {
    const pubsub = new RedisPubSub({ url: `redis://127.0.0.1:${await freePort()}`, logger: recordingLogger() });
    const waiting = pubsub.subscribe('c', () => undefined);
    await pubsub.close();
    await expect(waiting).rejects.toMatchObject({ code: 'WEFT_ERR_PUBSUB_CLOSED' });
  });

  test('through a Broadcaster: subscriptions across two backends', async () => {
    const a = new Broadcaster({ backend: make() });
    const b = new Broadcaster({ backend: make() });
    const sub = await b.subscribe('room');
    await a.publishJson('room', { n: 1 });
    expect(await sub.next()).toBe('{"n":1}');
    await Promise.all([a.close(), b.close()]);
  });

  test('a channel released while Redis is down past the UNSUBSCRIBE retries is not re-subscribed when Redis returns', async () => {
    const logger = recordingLogger();
    // maxRetriesPerRequest 1: the UNSUBSCRIBE queued during the outage fails within ~100 ms, as the default 20 retries do after ~10 s
    const pubsub = new RedisPubSub({ url: redis.url, logger, redis: { retryStrategy: () => 50, maxRetriesPerRequest: 1 } });
    open.push(pubsub);
    const checker = make();
    const release = await pubsub.subscribe('orphan', () => undefined);
    const kept = await pubsub.subscribe('kept', () => undefined);
    await redis.stop();
    await release(); // resolves once the UNSUBSCRIBE failed
    expect(logger.lines.some((l) => l.msg === 'Redis UNSUBSCRIBE failed')).toBe(true);
    await redis.start();
    const deadline = Date.now() + 5000;
    while ((await checker.publisher.pubsub('NUMSUB', 'kept').catch(() => ['kept', 0]))[1] !== 1) {
      if (Date.now() > deadline) throw new Error('not re-subscribed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the UNSUBSCRIBE of the orphan, if any, has gone out
    // ioredis re-subscribes what it had: without the fix 'orphan' stays subscribed in Redis, with no listener
    expect(await checker.publisher.pubsub('CHANNELS')).toEqual(['kept']);
    await kept();
  }, 20_000);

  test('subscribes waiting for Redis share one wait: no listener per channel piles up on the subscriber', async () => {
    const pubsub = make();
    const checker = make();
    await pubsub.subscribe('first', () => undefined);
    await redis.stop();
    while (pubsub.subscriber.status === 'ready') await new Promise((resolve) => setTimeout(resolve, 10));
    const before = pubsub.subscriber.listenerCount('ready');
    const waiting = Array.from({ length: 50 }, (_, i) => pubsub.subscribe(`waiting-${i}`, () => undefined));
    for (const subscribing of waiting) subscribing.catch(() => undefined); // a failed expect leaves them to close()
    // one 'ready' listener for all 50 (50 before the fix, and a MaxListenersExceededWarning)
    expect(pubsub.subscriber.listenerCount('ready') - before).toBeLessThanOrEqual(1);
    expect(pubsub.subscriber.listenerCount('end')).toBeLessThanOrEqual(1);
    await redis.start();
    const releases = await Promise.all(waiting);
    expect((await checker.publisher.pubsub('NUMSUB', 'waiting-49'))[1]).toBe(1);
    expect(pubsub.subscriber.listenerCount('ready')).toBe(before);
    expect(pubsub.subscriber.listenerCount('end')).toBe(0);
    await Promise.all(releases.map((release) => release()));
  }, 20_000);

  test('Redis restarting: errors are logged (never unhandled), ioredis reconnects and re-subscribes', async () => {
    const logger = recordingLogger();
    const [one, two] = [make(logger), make()];
    const got = nextMessage();
    await two.subscribe('c', got.listener);
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await redis.start();
    // wait for the subscriber to be back and re-subscribed
    const deadline = Date.now() + 5000;
    while ((await one.publisher.pubsub('NUMSUB', 'c'))[1] !== 1) {
      if (Date.now() > deadline) throw new Error('not re-subscribed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await one.publish('c', 'after restart');
    expect(await got.next()).toBe('after restart');
    expect(logger.lines.some((l) => l.level === 'warn' && /Redis (publisher|subscriber) connection error/.test(l.msg ?? ''))).toBe(true);
  }, 20_000);
});
