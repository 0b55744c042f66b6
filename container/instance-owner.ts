import { disposeInReverse, type DisposableInstance } from './disposal.js';
import { DiError } from './errors.js';

/**
 * What a container owns: the singletons (and transients resolved outside a request scope)
 * it created, in creation order, so that `container.dispose()` can close them in reverse.
 * Internal: resolvers call `track` and `assertCanCreate`.
 *
 * @example
 * ```ts
 * const owner = new InstanceOwner('container "root"');
 * owner.track(pool);
 * await owner.dispose(); // pool disposed
 * ```
 */
export class InstanceOwner {
  #instances: DisposableInstance[] = [];
  #disposed = false;

  /** @param where how errors name the owner (`container "root"`). */
  constructor(readonly where: string) {}

  /** True once {@link InstanceOwner.dispose} started: nothing new may be created. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Remembers an instance this owner created and must dispose. */
  track(instance: DisposableInstance): void {
    this.#instances.push(instance);
  }

  /** Throws if the owner was disposed: creating `name` now would leak it. */
  assertCanCreate(name: string): void {
    if (this.#disposed) {
      throw new DiError('WEFT_DI_DISPOSED', `cannot create ${name}: ${this.where} was already disposed`, [name]);
    }
  }

  /** Disposes every tracked instance in reverse creation order; errors come as one DisposeError. */
  dispose(): Promise<void> {
    this.#disposed = true;
    const instances = this.#instances;
    this.#instances = [];
    return disposeInReverse(instances, this.where);
  }
}
