/**
 * `RedisPubSub`: the `PubSubBackend` that spans processes, on ioredis. A subscriber
 * connection in Redis' pub/sub mode can send nothing but (un)subscribe commands, so there
 * are two connections: one publishes, one listens. ioredis reconnects both and
 * re-subscribes the listening one's channels itself.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { createLogger, type Logger } from '../logging/logger.js';
import type { PubSubBackend } from './pubsub-backend.js';

/** Options of {@link RedisPubSub}. */
export interface RedisPubSubOptions {
  /** Where Redis listens: a `redis://` URL (default `redis://127.0.0.1:6379`). */
  url?: string;
  /** ioredis options for both connections (host, port, password, tls, retryStrategy...). */
  redis?: RedisOptions;
  /** Where connection errors and throwing listeners are logged (default: `createLogger()`). */
  logger?: Logger;
}

interface ChannelState {
  readonly listeners: Set<(message: string) => void>;
  /** Settles once Redis acknowledged the SUBSCRIBE. */
  readonly ready: Promise<unknown>;
}

/**
 * Publish/subscribe through Redis: a message published by any process reaches the
 * subscribers of every process connected to the same Redis. One Redis subscription per
 * channel, however many local listeners it has.
 *
 * @example
 * ```ts
 * const broadcaster = new Broadcaster({ backend: new RedisPubSub({ url: process.env.REDIS_URL }) });
 * const app = createApp({ providers: [{ provide: Broadcaster, useValue: broadcaster }] });
 * app.onCleanup.push(() => broadcaster.close()); // quits both Redis connections
 * ```
 */
export class RedisPubSub implements PubSubBackend {
  /** The connection that publishes. */
  readonly publisher: Redis;
  /** The connection in subscriber mode. */
  readonly subscriber: Redis;
  readonly #channels = new Map<string, ChannelState>();
  /**
   * Channels released while Redis was unreachable whose UNSUBSCRIBE failed: ioredis still
   * counts them as subscribed and re-subscribes them when it reconnects, so they are
   * unsubscribed then.
   */
  readonly #unsubscribeOnReady = new Set<string>();
  readonly #logger: Logger;
  #closed = false;
  #rejectWaiters: (err: Error) => void = () => undefined;
  /** While the subscriber is not ready: what every subscribe() waits on. */
  #readyWait: Promise<void> | undefined;
  /** Rejects at close(): what waits for the subscriber to be ready stops waiting. */
  readonly #whenClosed = new Promise<never>((_resolve, reject) => (this.#rejectWaiters = reject));

  constructor(options: RedisPubSubOptions = {}) {
    checkKnownOptions(options, ['url', 'redis', 'logger'], 'new RedisPubSub()', 'WEFT_ERR_REDIS_OPTIONS');
    const { url = 'redis://127.0.0.1:6379', redis = {}, logger } = options;
    if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
      throw new WeftError('WEFT_ERR_REDIS_OPTIONS', `url must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
    }
    this.#logger = logger ?? createLogger();
    this.publisher = new (loadRedis())(url, { ...redis, connectionName: redis.connectionName ?? 'weft-publisher' });
    this.subscriber = new (loadRedis())(url, { ...redis, connectionName: redis.connectionName ?? 'weft-subscriber' });
    // without a listener, an 'error' event (Redis down, reconnecting) would crash the process
    for (const [role, connection] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      connection.on('error', (err: Error) => this.#logger.warn({ err, role }, `Redis ${role} connection error (ioredis reconnects)`));
    }
    this.#whenClosed.catch(() => undefined); // nobody may be waiting: not an unhandled rejection
    this.subscriber.on('message', (channel: string, message: string) => this.#deliver(channel, message));
    // 'ready' comes after ioredis re-sent its SUBSCRIBEs: an UNSUBSCRIBE sent now goes after them
    this.subscriber.on('ready', () => this.#unsubscribeReleased());
  }

  publish(channel: string, message: string): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    return this.publisher.publish(channel, message).then(() => undefined);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    if (this.#closed) throw closedError();
    let state = this.#channels.get(channel);
    if (state === undefined) {
      this.#unsubscribeOnReady.delete(channel); // subscribed again: its own release unsubscribes it
      state = { listeners: new Set(), ready: this.#subscriberReady().then(() => this.subscriber.subscribe(channel)) };
      this.#channels.set(channel, state);
    }
    // a wrapper, so subscribing one function twice gives two independent subscriptions
    const entry = (message: string): void => listener(message);
    state.listeners.add(entry);
    try {
      await state.ready;
    } catch (err) {
      await this.#release(channel, state, entry);
      throw err;
    }
    const subscribed = state;
    let released = false;
    return () => {
      if (released) return Promise.resolve();
      released = true;
      return this.#release(channel, subscribed, entry);
    };
  }

  /** Quits both connections (after the commands already sent); subscriptions end. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    this.#rejectWaiters(closedError());
    await Promise.all([quit(this.publisher), quit(this.subscriber)]);
  }

  /**
   * Resolves once the subscriber connection passed ioredis' ready check. A SUBSCRIBE sent
   * before it puts the connection in subscriber mode, the check's INFO then fails and
   * ioredis reconnects: messages published meanwhile are lost.
   */
  #subscriberReady(): Promise<void> {
    const connection = this.subscriber;
    if (connection.status === 'ready') return Promise.resolve();
    // one wait for every channel subscribed meanwhile: a pair of listeners per call, and a
    // Promise.race reaction on #whenClosed (kept until close()), would pile up while Redis is down
    return (this.#readyWait ??= this.#waitReady(connection).finally(() => (this.#readyWait = undefined)));
  }

  #waitReady(connection: Redis): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (): void => {
        connection.off('end', onEnd);
        resolve();
      };
      const onEnd = (): void => {
        connection.off('ready', onReady);
        reject(closedError());
      };
      connection.once('ready', onReady);
      connection.once('end', onEnd);
    });
    return Promise.race([ready, this.#whenClosed]);
  }

  // hot path: every message of every subscribed channel
  #deliver(channel: string, message: string): void {
    const state = this.#channels.get(channel);
    if (state === undefined) return;
    // a copy: a listener may unsubscribe (itself or others) while we deliver
    for (const listener of [...state.listeners]) {
      try {
        listener(message);
      } catch (err) {
        this.#logger.error({ err, channel }, 'a pub/sub listener threw');
      }
    }
  }

  async #release(channel: string, state: ChannelState, entry: (message: string) => void): Promise<void> {
    state.listeners.delete(entry);
    if (state.listeners.size > 0 || this.#channels.get(channel) !== state) return;
    this.#channels.delete(channel);
    if (this.#closed || this.subscriber.status === 'end') return;
    // commands on one connection run in order: a later SUBSCRIBE of this channel still wins
    await this.subscriber.unsubscribe(channel).then(
      () => undefined,
      (err: unknown) => {
        this.#logger.warn({ err, channel }, 'Redis UNSUBSCRIBE failed');
        this.#unsubscribeOnReady.add(channel);
      },
    );
  }

  /** Unsubscribes the channels whose UNSUBSCRIBE failed, unless they were subscribed again since. */
  #unsubscribeReleased(): void {
    const channels = [...this.#unsubscribeOnReady].filter((channel) => !this.#channels.has(channel));
    this.#unsubscribeOnReady.clear();
    if (channels.length === 0 || this.#closed) return;
    void this.subscriber.unsubscribe(...channels).then(
      () => undefined,
      (err: unknown) => {
        this.#logger.warn({ err, channels }, 'Redis UNSUBSCRIBE failed');
        for (const channel of channels) this.#unsubscribeOnReady.add(channel);
      },
    );
  }
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  // QUIT's reply comes before the socket closes: wait for 'end', so nothing is left open
  const ended = new Promise((resolve) => connection.once('end', resolve));
  if (connection.status === 'reconnecting') {
    // no socket, only a retry timer, which disconnect() clears; ioredis emits no 'end' then
    connection.disconnect();
    return;
  }
  if (connection.status !== 'ready') {
    // still connecting: QUIT would wait in the offline queue, so drop the socket instead
    connection.disconnect();
  } else {
    await connection.quit().catch(() => connection.disconnect());
  }
  await ended;
}

function closedError(): WeftError {
  return new WeftError('WEFT_ERR_PUBSUB_CLOSED', 'the Redis pub/sub backend is closed (the application is shutting down)');
}

/**
 * ioredis is loaded when the first RedisPubSub is made, not with weft: it adds about 19 MB
 * of resident memory to every process, and most apps never use it.
 */
function loadRedis(): typeof Redis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  return (require('ioredis') as typeof import('ioredis')).Redis;
}
