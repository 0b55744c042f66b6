/**
 * The embedded `PubSubBackend`: channels in a map, delivery in this process only (one
 * worker). Enough for one process; several workers need a broker backend.
 */
import { WeftError } from '../errors.js';
import type { PubSubBackend } from './pubsub-backend.js';

/**
 * Publish/subscribe inside one process. Listeners are called synchronously, in
 * subscription order; a listener that throws does not stop the others (the error is
 * reported through `onListenerError`, by default rethrown asynchronously).
 *
 * @example
 * ```ts
 * const pubsub = new InMemoryPubSub();
 * const unsubscribe = await pubsub.subscribe('news', (message) => console.log(message));
 * await pubsub.publish('news', 'hello'); // logs "hello"
 * await unsubscribe();
 * ```
 */
export class InMemoryPubSub implements PubSubBackend {
  readonly #channels = new Map<string, Set<(message: string) => void>>();
  #closed = false;

  constructor(private readonly onListenerError: (err: unknown) => void = (err) => queueMicrotask(() => { throw err; })) {}

  publish(channel: string, message: string): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    const listeners = this.#channels.get(channel);
    if (listeners === undefined) return Promise.resolve();
    // a copy: a listener may unsubscribe (itself or others) while we deliver
    for (const listener of [...listeners]) {
      try {
        listener(message);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return Promise.resolve();
  }

  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    if (this.#closed) return Promise.reject(closedError());
    let listeners = this.#channels.get(channel);
    if (listeners === undefined) this.#channels.set(channel, (listeners = new Set()));
    // a wrapper, so subscribing one function twice gives two independent subscriptions
    const entry = (message: string): void => listener(message);
    listeners.add(entry);
    return Promise.resolve(() => {
      listeners.delete(entry);
      if (listeners.size === 0 && this.#channels.get(channel) === listeners) this.#channels.delete(channel);
      return Promise.resolve();
    });
  }

  /** How many subscriptions `channel` has. */
  subscriberCount(channel: string): number {
    return this.#channels.get(channel)?.size ?? 0;
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#channels.clear();
    return Promise.resolve();
  }
}

function closedError(): WeftError {
  return new WeftError('WEFT_ERR_PUBSUB_CLOSED', 'the pub/sub backend is closed (the application is shutting down)');
}
