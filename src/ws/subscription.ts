/**
 * One subscriber's view of a channel: an async iterable of messages with a bounded queue,
 * so a slow reader (a websocket to a slow client) cannot make memory grow without end.
 */

import { WeftError } from '../errors.js';

/**
 * A subscription made by `Broadcaster.subscribe()`. Iterate it to read messages; the
 * loop ends after `unsubscribe()` (or `Broadcaster.close()`). When more than `maxQueue`
 * messages wait unread, or their lengths add up to more than `maxQueueSize` characters,
 * the oldest are dropped (the newest is always kept) and counted in `dropped`.
 *
 * @example
 * ```ts
 * await using news = await broadcaster.subscribe('news');
 * for await (const message of news) console.log(message);
 * ```
 */
export class Subscription implements AsyncIterable<string> {
  readonly #queue: string[] = [];
  /** The total length of the queued messages. */
  #queuedSize = 0;
  #waiter: ((message: string | undefined) => void) | null = null;
  #ended = false;
  #dropped = 0;
  #release: (() => Promise<void>) | null = null;
  #onEnd: ((subscription: Subscription) => void) | null = null;

  constructor(
    /** The channel this subscription reads. */
    readonly channel: string,
    /** Unread messages kept at most; older ones are dropped. */
    readonly maxQueue: number,
    /** Total length of the unread messages kept at most, in characters; older ones are dropped. */
    readonly maxQueueSize = Infinity,
  ) {}

  /** @internal Broadcaster: how to release the backend subscription, and who to tell. */
  attach(release: () => Promise<void>, onEnd: (subscription: Subscription) => void): void {
    this.#release = release;
    this.#onEnd = onEnd;
  }

  /** @internal the backend's listener. */
  deliver(message: string): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter(message);
      return;
    }
    this.#queue.push(message);
    this.#queuedSize += message.length;
    while (this.#queue.length > this.maxQueue || (this.#queuedSize > this.maxQueueSize && this.#queue.length > 1)) {
      this.#queuedSize -= this.#queue.shift()!.length;
      this.#dropped++;
    }
  }

  /** How many messages were dropped because the reader was too slow. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether `unsubscribe()` was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The next message, or undefined once the subscription ended (queued messages are dropped then). */
  next(): Promise<string | undefined> {
    const message = this.#queue.shift();
    if (message !== undefined) {
      this.#queuedSize -= message.length;
      return Promise.resolve(message);
    }
    if (this.#ended) return Promise.resolve(undefined);
    if (this.#waiter !== null) {
      return Promise.reject(new WeftError('WEFT_ERR_PUBSUB_CONCURRENT_READ', `the subscription to ${JSON.stringify(this.channel)} has one reader: next() was called while another next() waits`));
    }
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const message = await this.next();
      if (message === undefined) return;
      yield message;
    }
  }

  /** Ends the subscription: the reader's loop ends, the backend stops delivering. Idempotent. */
  async unsubscribe(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#queue.length = 0;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.(undefined);
    this.#onEnd?.(this);
    await this.#release?.();
  }

  /** `await using sub = await broadcaster.subscribe(...)` unsubscribes at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.unsubscribe();
  }
}
