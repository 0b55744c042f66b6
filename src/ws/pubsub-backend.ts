/**
 * The seam between `Broadcaster` and where messages travel: in this process
 * (`InMemoryPubSub`, the default) or across processes (a Redis backend implements the
 * same interface). Messages are strings, as every broker carries them.
 */

/**
 * A publish/subscribe transport. `subscribe` resolves once the subscription is active
 * (a broker acknowledged it), so a message published afterwards is delivered.
 *
 * @example
 * ```ts
 * class MyRedisBackend implements PubSubBackend {
 *   constructor(private readonly pub: Redis, private readonly sub: Redis) {}
 *   async publish(channel: string, message: string) { await this.pub.publish(channel, message); }
 *   async subscribe(channel: string, listener: (message: string) => void) {
 *     await this.sub.subscribe(channel, listener);
 *     return () => this.sub.unsubscribe(channel, listener);
 *   }
 *   async close() { await Promise.all([this.pub.quit(), this.sub.quit()]); }
 * }
 * ```
 */
export interface PubSubBackend {
  /** Delivers `message` to every subscriber of `channel` (in this process or, for a broker, in all). */
  publish(channel: string, message: string): Promise<void>;
  /** Calls `listener` for each message on `channel` until the returned function is called. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Releases the backend's connections; subscriptions end. */
  close(): Promise<void>;
}
