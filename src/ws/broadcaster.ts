/**
 * `Broadcaster`: channels that websockets (or anything else) publish to and subscribe to,
 * over a `PubSubBackend`: in-process by default, a broker (Redis) to span processes.
 */
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { InMemoryPubSub } from './in-memory-pubsub.js';
import type { PubSubBackend } from './pubsub-backend.js';
import { Subscription } from './subscription.js';
import type { WebSocketResponse } from './websocket-response.js';

/** Options of {@link Broadcaster}. */
export interface BroadcasterOptions {
  /** Where messages travel (default: a new `InMemoryPubSub`, this process only). */
  backend?: PubSubBackend;
  /** Unread messages a subscription keeps before dropping the oldest (default 1 000). */
  maxQueue?: number;
  /**
   * The total length of the unread messages a subscription keeps, in characters, before
   * dropping the oldest (default 16 Mi, about 16 MiB of ASCII text); the newest message is
   * always kept. Bounds memory when messages are large: 1 000 messages of 4 MiB would be 4 GiB.
   */
  maxQueueSize?: number;
}

/**
 * Publish/subscribe for websockets. Register one per app, e.g.
 * `providers: [{ provide: Broadcaster, useValue: new Broadcaster() }]`, and close it at
 * cleanup (it is `AsyncDisposable`).
 *
 * @example
 * ```ts
 * app.router.add('GET', '/rooms/{room}', async (request) => {
 *   const ws = new WebSocketResponse();
 *   await ws.prepare(request);
 *   const room = `room:${request.params.room}`;
 *   await broadcaster.forward(room, ws);          // everything published to the room goes out
 *   for await (const msg of ws) if (msg.type === 'text') await broadcaster.publish(room, msg.data);
 *   return ws;
 * });
 * ```
 */
export class Broadcaster implements AsyncDisposable {
  /** The transport. */
  readonly backend: PubSubBackend;
  readonly #maxQueue: number;
  readonly #maxQueueSize: number;
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

  constructor(options: BroadcasterOptions = {}) {
    checkKnownOptions(options, ['backend', 'maxQueue', 'maxQueueSize'], 'new Broadcaster()', 'WEFT_ERR_WS_OPTIONS');
    const { backend = new InMemoryPubSub(), maxQueue = 1000, maxQueueSize = DEFAULT_MAX_QUEUE_SIZE } = options;
    checkQueueLimit('maxQueue', maxQueue);
    checkQueueLimit('maxQueueSize', maxQueueSize);
    this.backend = backend;
    this.#maxQueue = maxQueue;
    this.#maxQueueSize = maxQueueSize;
  }

  /** Publishes a message to every subscriber of `channel`. */
  publish(channel: string, message: string): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    if (typeof message !== 'string') return Promise.reject(new WeftError('WEFT_ERR_INVALID_BODY', `publish: a message is a string, got ${typeof message}`));
    return this.backend.publish(channel, message);
  }

  /**
   * Publishes `JSON.stringify(data)`. Rejects, as `sendJson` does, for what JSON cannot
   * hold: a BigInt or a cycle, and `undefined` or a function (which would publish nothing).
   */
  publishJson(channel: string, data: unknown): Promise<void> {
    let text: string | undefined;
    try {
      text = JSON.stringify(data) as string | undefined;
    } catch (err) {
      return Promise.reject(err);
    }
    if (text === undefined) return Promise.reject(new WeftError('WEFT_ERR_INVALID_BODY', `publishJson: ${typeof data} cannot be sent as JSON`));
    return this.publish(channel, text);
  }

  /**
   * Subscribes to `channel`; resolves once the backend delivers to it.
   * @throws WeftError `WEFT_ERR_WS_OPTIONS` for a bad queue limit or an unknown option.
   */
  async subscribe(channel: string, options: { maxQueue?: number; maxQueueSize?: number } = {}): Promise<Subscription> {
    checkKnownOptions(options, ['maxQueue', 'maxQueueSize'], 'broadcaster.subscribe()', 'WEFT_ERR_WS_OPTIONS');
    if (this.#closed) throw closedError();
    const { maxQueue = this.#maxQueue, maxQueueSize = this.#maxQueueSize } = options;
    checkQueueLimit('maxQueue', maxQueue);
    checkQueueLimit('maxQueueSize', maxQueueSize);
    const subscription = new Subscription(channel, maxQueue, maxQueueSize);
    const release = await this.backend.subscribe(channel, (message) => subscription.deliver(message));
    subscription.attach(release, (s) => this.#subscriptions.delete(s));
    if (this.#closed) {
      // close() ran while the backend subscribed: this one would never end otherwise
      await subscription.unsubscribe();
      throw closedError();
    }
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Sends every message of `channel` to a prepared websocket (as text, one at a time, with
   * the websocket's backpressure) until it closes or the returned subscription is ended.
   */
  async forward(channel: string, ws: WebSocketResponse): Promise<Subscription> {
    if (!ws.prepared) throw new WeftError('WEFT_ERR_RESPONSE_STATE', 'forward() needs a prepared websocket: await ws.prepare(request) first');
    // the backend may take long to subscribe (a broker that is down): a websocket closing
    // meanwhile does not wait for it, and the subscription ends as soon as it is made
    const subscribing = this.subscribe(channel);
    const subscription = await Promise.race([subscribing, ws.waitClosed().then(() => null)]);
    if (subscription === null) return endedSubscription(subscribing, channel);
    void ws.waitClosed().then(() => subscription.unsubscribe());
    void (async () => {
      try {
        for await (const message of subscription) {
          if (ws.closed) break;
          await ws.sendStr(message);
        }
      } catch {
        // the websocket closed while sending: nothing left to forward to
      } finally {
        await subscription.unsubscribe();
      }
    })();
    return subscription;
  }

  /** Ends every subscription and closes the backend. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.unsubscribe()));
    await this.backend.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * forward() to a websocket that closed while the backend subscribed: the subscription ends
 * once made. Outside forward(), so that what waits for the backend holds nothing of the
 * websocket (a closure there would keep forward's whole scope, the websocket included).
 */
async function endedSubscription(subscribing: Promise<Subscription>, channel: string): Promise<Subscription> {
  void subscribing.then((made) => made.unsubscribe(), () => undefined);
  const ended = new Subscription(channel, 1);
  await ended.unsubscribe();
  return ended;
}

/** The default `maxQueueSize`: 16 Mi characters. */
const DEFAULT_MAX_QUEUE_SIZE = 16 * 1024 * 1024;

function checkQueueLimit(name: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new WeftError('WEFT_ERR_WS_OPTIONS', `${name} must be a positive integer, got ${String(value)}`);
  }
}

function closedError(): WeftError {
  return new WeftError('WEFT_ERR_PUBSUB_CLOSED', 'the broadcaster is closed (the application is shutting down)');
}
