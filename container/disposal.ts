/**
 * Disposal of what a container or request scope created: anything with
 * `[Symbol.asyncDispose]()`, `[Symbol.dispose]()` or `dispose()` (the first one present is
 * called, once), in reverse creation order, each awaited before the next, and every error
 * kept. Values given with `useValue` or `provide()` are never tracked: their owner closes them.
 */
import { DisposeError } from './errors.js';

/**
 * Something the container knows how to dispose.
 *
 * @example
 * ```ts
 * class Connection implements Disposable {
 *   constructor(private readonly socket: net.Socket) {}
 *   [Symbol.dispose]() { this.socket.destroy(); }
 * }
 * ```
 */
export type DisposableInstance =
  | { dispose(): unknown }
  | { [Symbol.asyncDispose](): PromiseLike<void> }
  | { [Symbol.dispose](): void };

/**
 * Whether a created instance must be disposed by its scope or container.
 *
 * @example
 * ```ts
 * isDisposable({ dispose() {} }); // true
 * isDisposable(42);               // false
 * ```
 */
export function isDisposable(value: unknown): value is DisposableInstance {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const candidate = value as Record<string | symbol, unknown>;
  return (
    typeof candidate[Symbol.asyncDispose] === 'function' ||
    typeof candidate[Symbol.dispose] === 'function' ||
    typeof candidate.dispose === 'function'
  );
}

/**
 * Disposes `instances` from last to first, awaiting each. Every failure is kept and
 * reported together as one {@link DisposeError} once all were tried.
 *
 * @param where what is being disposed, for the error message (`request scope`, `container "root"`).
 * @example
 * ```ts
 * await disposeInReverse([db, cache], 'container "root"'); // disposes cache, then db
 * ```
 */
export async function disposeInReverse(instances: readonly DisposableInstance[], where: string): Promise<void> {
  const errors: unknown[] = [];
  for (let i = instances.length - 1; i >= 0; i--) {
    try {
      await disposeOne(instances[i]);
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new DisposeError(errors, where);
}

/** Calls the one disposal method an instance has, preferring the standard symbols. */
function disposeOne(instance: DisposableInstance): unknown {
  const candidate = instance as Record<string | symbol, () => unknown>;
  if (typeof candidate[Symbol.asyncDispose] === 'function') return candidate[Symbol.asyncDispose]();
  if (typeof candidate[Symbol.dispose] === 'function') return candidate[Symbol.dispose]();
  return candidate.dispose();
}
