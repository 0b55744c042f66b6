import { WeftError } from '../errors.js';
import { Broadcaster } from './broadcaster.js';
import { InMemoryPubSub } from './in-memory-pubsub.js';
import type { PubSubBackend } from './pubsub-backend.js';
import type { Subscription } from './subscription.js';
import type { WebSocketResponse } from './websocket-response.js';

describe('Broadcaster over InMemoryPubSub', () => {
  test('delivers each message to every subscriber of the channel, in order, and to no other channel', async () => {
    const broadcaster = new Broadcaster();
    const a = await broadcaster.subscribe('news');
    const b = await broadcaster.subscribe('news');
    const other = await broadcaster.subscribe('sports');
    await broadcaster.publish('news', 'one');
    await broadcaster.publishJson('news', { n: 2 });
    expect([await a.next(), await a.next()]).toEqual(['one', '{"n":2}']);
    expect([await b.next(), await b.next()]).toEqual(['one', '{"n":2}']);
    await broadcaster.publish('sports', 'goal');
    expect(await other.next()).toBe('goal');
    await broadcaster.close();
  });

  test('publishJson rejects, as sendJson does, what JSON cannot hold; nothing is published', async () => {
    const broadcaster = new Broadcaster();
    const sub = await broadcaster.subscribe('news');
    await expect(broadcaster.publishJson('news', undefined)).rejects.toThrow('WEFT_ERR_INVALID_BODY: publishJson: undefined cannot be sent as JSON');
    await expect(broadcaster.publishJson('news', () => 1)).rejects.toThrow('WEFT_ERR_INVALID_BODY: publishJson: function cannot be sent as JSON');
    await expect(broadcaster.publishJson('news', 1n)).rejects.toThrow(TypeError); // a rejection, not a synchronous throw
    await expect(broadcaster.publish('news', 7 as unknown as string)).rejects.toThrow('WEFT_ERR_INVALID_BODY: publish: a message is a string, got number');
    await broadcaster.publish('news', 'after');
    expect(await sub.next()).toBe('after');
    await broadcaster.close();
  });

  test('unsubscribe ends the loop of a waiting reader and stops delivery', async () => {
    const backend = new InMemoryPubSub();
    const broadcaster = new Broadcaster({ backend });
    const sub = await broadcaster.subscribe('news');
    const seen: string[] = [];
    const loop = (async () => {
      for await (const message of sub) seen.push(message);
    })();
    await broadcaster.publish('news', 'first');
    await new Promise((resolve) => setImmediate(resolve));
    await sub.unsubscribe();
    await loop;
    await broadcaster.publish('news', 'late');
    expect(seen).toEqual(['first']);
    expect(sub.ended).toBe(true);
    expect(backend.subscriberCount('news')).toBe(0);
  });

  test('a slow reader loses the oldest messages past maxQueue, and says how many', async () => {
    const broadcaster = new Broadcaster({ maxQueue: 2 });
    const sub = await broadcaster.subscribe('ticks');
    for (const n of [1, 2, 3, 4]) await broadcaster.publish('ticks', String(n));
    expect(sub.dropped).toBe(2);
    expect([await sub.next(), await sub.next()]).toEqual(['3', '4']);
  });

  test('a slow reader loses the oldest messages past maxQueueSize characters, keeping the newest whatever its size', async () => {
    const broadcaster = new Broadcaster({ maxQueueSize: 10 });
    const sub = await broadcaster.subscribe('big');
    for (const message of ['aaaa', 'bbbb', 'cc']) await broadcaster.publish('big', message);
    expect(sub.dropped).toBe(0); // exactly 10
    await broadcaster.publish('big', 'd');
    expect(sub.dropped).toBe(1);
    expect(await sub.next()).toBe('bbbb');
    await broadcaster.publish('big', 'x'.repeat(50)); // alone over the limit: kept, the others dropped
    expect(sub.dropped).toBe(3);
    expect(await sub.next()).toBe('x'.repeat(50));
    // read down, the queue takes messages again up to the limit
    const small = await broadcaster.subscribe('big', { maxQueueSize: 3 });
    for (const message of ['a', 'b', 'c']) await broadcaster.publish('big', message);
    expect(small.dropped).toBe(0);
    expect([await small.next(), await small.next(), await small.next()]).toEqual(['a', 'b', 'c']);
  });

  test('one reader per subscription: a second concurrent next() is a coded error', async () => {
    const broadcaster = new Broadcaster();
    const sub = await broadcaster.subscribe('news');
    const first = sub.next();
    await expect(sub.next()).rejects.toThrow(/WEFT_ERR_PUBSUB_CONCURRENT_READ: the subscription to "news" has one reader/);
    await broadcaster.publish('news', 'x');
    expect(await first).toBe('x');
  });

  test('close() ends every subscription; publishing or subscribing afterwards is a coded error', async () => {
    const broadcaster = new Broadcaster();
    const sub = await broadcaster.subscribe('news');
    const waiting = sub.next();
    await broadcaster.close();
    expect(await waiting).toBeUndefined();
    await expect(broadcaster.publish('news', 'x')).rejects.toMatchObject({ code: 'WEFT_ERR_PUBSUB_CLOSED' });
    await expect(broadcaster.subscribe('news')).rejects.toBeInstanceOf(WeftError);
    await broadcaster.close();
  });

  test('a subscribe() racing close() is refused and left ended, never a live subscription on a closed backend', async () => {
    let released = 0;
    // a backend whose subscribe completes after a network round trip, whatever happened meanwhile
    const slow = {
      publish: async () => undefined,
      subscribe: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return async () => void released++;
      },
      close: async () => undefined,
    };
    const broadcaster = new Broadcaster({ backend: slow });
    const subscribing = broadcaster.subscribe('news');
    await broadcaster.close();
    await expect(subscribing).rejects.toMatchObject({ code: 'WEFT_ERR_PUBSUB_CLOSED' });
    expect(released).toBe(1);
  });

  test('a listener that throws does not stop delivery to the others', async () => {
    const errors: unknown[] = [];
    const backend = new InMemoryPubSub((err) => errors.push(err));
    const got: string[] = [];
    await backend.subscribe('c', () => {
      throw new Error('listener failed');
    });
    await backend.subscribe('c', (m) => got.push(m));
    await backend.publish('c', 'hello');
    expect(got).toEqual(['hello']);
    expect(errors).toEqual([new Error('listener failed')]);
  });

  test('a bad maxQueue is a coded error', () => {
    expect(() => new Broadcaster({ maxQueue: 0 })).toThrow(/WEFT_ERR_WS_OPTIONS: maxQueue must be a positive integer, got 0/);
    expect(() => new Broadcaster({ maxQueueSize: 1.5 })).toThrow(/WEFT_ERR_WS_OPTIONS: maxQueueSize must be a positive integer, got 1.5/);
  });

  test('a bad maxQueue or maxQueueSize given to subscribe() is a coded error too (0 dropped every message)', async () => {
    const broadcaster = new Broadcaster();
    await expect(broadcaster.subscribe('news', { maxQueue: 0 })).rejects.toThrow(/WEFT_ERR_WS_OPTIONS: maxQueue must be a positive integer, got 0/);
    await expect(broadcaster.subscribe('news', { maxQueueSize: -1 })).rejects.toThrow(/WEFT_ERR_WS_OPTIONS: maxQueueSize must be a positive integer, got -1/);
  });

  test('forward() to a websocket that closes while the backend still subscribes (a broker down) settles at once, ended', async () => {
    // a backend whose subscribe waits until connect(), as RedisPubSub does while Redis is down
    let connect: () => void = () => undefined;
    let released = 0;
    const backend: PubSubBackend = {
      publish: () => Promise.resolve(),
      subscribe: () => new Promise((resolve) => (connect = () => resolve(() => Promise.resolve(void released++)))),
      close: () => Promise.resolve(),
    };
    const broadcaster = new Broadcaster({ backend });
    let closeWs: () => void = () => undefined;
    const wsClosed = new Promise<void>((resolve) => (closeWs = resolve));
    const ws = { prepared: true, closed: false, waitClosed: () => wsClosed, sendStr: () => Promise.resolve() } as unknown as WebSocketResponse;
    const forwarding = broadcaster.forward('room', ws);
    closeWs(); // the client leaves before the backend subscribed
    const outcome = await Promise.race([forwarding, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 200))]);
    // before: forward() (and the handler awaiting it, with its websocket) waited for the backend
    expect(outcome).not.toBe('pending');
    expect((outcome as Subscription).ended).toBe(true);
    connect(); // the backend is back: the subscription made then is released at once
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(1);
    await broadcaster.close();
  });
});
