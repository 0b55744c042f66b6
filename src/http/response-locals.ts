/**
 * Typed values attached to one response: aiohttp's response storage
 * (`response["my_metric"] = 123`) with `Key<T>` tokens instead of strings, so middlewares
 * and `onResponsePrepare` handlers can pass data along a response without clashing.
 */
import type { Key } from '../../container/key.js';

/**
 * A small typed map from `Key<T>` to `T`, owned by a response.
 *
 * @example
 * ```ts
 * const HandlerTime = new Key<number>('handler-time');
 * response.locals.set(HandlerTime, performance.now() - started);
 * // later, in an onResponsePrepare handler:
 * const ms = response.locals.get(HandlerTime); // number | undefined
 * ```
 */
export class ResponseLocals {
  readonly #values = new Map<Key<unknown>, unknown>();

  /** The value stored under `key`, or undefined. */
  get<T>(key: Key<T>): T | undefined {
    return this.#values.get(key) as T | undefined;
  }

  /** Stores `value` under `key`, replacing any previous value. */
  set<T>(key: Key<T>, value: T): this {
    this.#values.set(key, value);
    return this;
  }

  /** Whether a value is stored under `key` (even `undefined`). */
  has(key: Key<unknown>): boolean {
    return this.#values.has(key);
  }

  /** Removes the value under `key`; returns whether there was one. */
  delete(key: Key<unknown>): boolean {
    return this.#values.delete(key);
  }

  /** The number of stored values. */
  get size(): number {
    return this.#values.size;
  }
}
