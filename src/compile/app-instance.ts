/**
 * One instance per app of a controller or `@Middleware()` class that needs no request
 * scope, however many routes and layers use it.
 */
import { type Container } from '../../container/index.js';

/** Per container (one per app), the instances built so far, by class. */
const built = new WeakMap<Container, Map<unknown, unknown>>();

/**
 * Gives a getter of the app's one instance of `cls`, built by `resolve` on first use (after
 * startup, when async singletons are ready). Classes are registered transient, so that one
 * needing the request scope is built per request; for the others, every route compiled from
 * the same class must see the same object (a controller's state, a middleware's counters),
 * as NestJS's singleton controllers do.
 *
 * @example
 * ```ts
 * const getController = appInstance(container, UsersController, () => resolveController());
 * getController() === getController(); // true, and the same for every route of UsersController
 * ```
 */
export function appInstance<T>(container: Container, cls: unknown, resolve: () => T): () => T {
  let instance: T | undefined;
  return () => {
    // hot path: after the first call, one closure variable
    if (instance !== undefined) return instance;
    let byClass = built.get(container);
    if (byClass === undefined) built.set(container, (byClass = new Map()));
    if (!byClass.has(cls)) byClass.set(cls, resolve());
    instance = byClass.get(cls) as T;
    return instance;
  };
}
