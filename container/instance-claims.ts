/**
 * Which objects a container tree already accounts for, so that each is disposed by at most
 * one owner, and only by the one that created it. A factory may return an object it was
 * given (`useFactory: (pool: Pool) => pool`): a value from `useValue`/`provide()`, a value put
 * into a request with `scope.provide()`, a fallback container's instance, or an instance
 * another provider made and already owns. Such a result is not the factory's to dispose.
 */
import { isDisposable, type DisposableInstance } from './disposal.js';

/**
 * The objects of one container tree that are accounted for: given ones (never weft's to
 * dispose) and created ones (already tracked by a container or a request scope). Shared by
 * a root container and its children; internal to the container.
 *
 * @example
 * ```ts
 * const claims = new InstanceClaims();
 * claims.foreign(pool);        // a useValue, or a fallback's instance
 * claims.claim(pool);          // false: not weft's to dispose
 * claims.claim(new Conn());    // true (if disposable): track it; a second claim is false
 * ```
 */
export class InstanceClaims {
  // weak: remembering an object must not keep it alive after its owner let it go
  readonly #known = new WeakSet<object>();

  /**
   * Remembers an object weft was given (a value, a fallback's instance): it is never claimed.
   * Only a disposable one needs remembering (nothing else is ever claimed), which keeps
   * `scope.provide()` of plain values free of the WeakSet.
   */
  foreign(value: unknown): void {
    if (isDisposable(value)) this.#known.add(value);
  }

  /**
   * Whether a resolver that just made `instance` must track it for disposal: it is
   * disposable and nobody accounts for it yet. Claims it, so a second claim is false.
   */
  claim(instance: unknown): instance is DisposableInstance {
    // hot path for disposable instances only: one WeakSet lookup and one insert
    if (!isDisposable(instance) || this.#known.has(instance)) return false;
    this.#known.add(instance);
    return true;
  }
}
