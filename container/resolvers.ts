/**
 * The resolvers of container-owned lifetimes (singletons, async singletons, transients) and
 * of constants (values, fallback instances). Each captures a maker that captures the
 * resolvers of its dependencies, so resolving does no lookups: it is calls and `new`. The
 * per-request resolvers are in `request-resolvers.ts`.
 */
import type { Resolver } from './binding.js';
import { disposeInReverse, isDisposable, type DisposableInstance } from './disposal.js';
import { DiError } from './errors.js';
import type { InstanceOwner } from './instance-owner.js';
import { passedOnArgument, takeArguments } from './makers.js';
import { disposedScope } from './request-resolvers.js';

/**
 * A new instance per resolution, disposed with the scope it was made in, or with the
 * container when made outside any scope.
 *
 * @example
 * ```ts
 * const resolve = transientResolver(classMaker(Timer, []), owner, 'Timer');
 * resolve(scope) !== resolve(scope); // true
 * ```
 */
export function transientResolver(make: Resolver<unknown>, owner: InstanceOwner, name: string, fromFactory = false): Resolver<unknown> {
  return (scope) => {
    if (scope === undefined) owner.assertCanCreate(name);
    else if (scope.disposed) throw disposedScope(name);
    const instance = make(scope);
    if (ownsProduct(instance, fromFactory && passedOnArgument())) {
      if (scope === undefined) owner.track(instance);
      else scope.track(instance);
    }
    return instance;
  };
}

/**
 * One instance per container, made on first use.
 *
 * @example
 * ```ts
 * const resolve = singletonResolver(classMaker(Db, []), owner, 'Db');
 * ```
 */
export function singletonResolver(make: Resolver<unknown>, owner: InstanceOwner, name: string, fromFactory = false): Resolver<unknown> {
  let ready = false;
  let instance: unknown;
  // hot path once made: one compare
  return () => {
    if (ready) return instance;
    owner.assertCanCreate(name);
    instance = make(undefined);
    ready = true;
    if (ownsProduct(instance, fromFactory && passedOnArgument())) owner.track(instance);
    return instance;
  };
}

/**
 * A singleton factory that may return a promise. `prepare()` (called by `container.init()`)
 * starts it and returns the promise to await; resolving before it settled throws
 * `WEFT_DI_NOT_READY`. An `async function` is never called by a synchronous resolution.
 *
 * @example
 * ```ts
 * const { resolve, prepare } = asyncSingletonResolver(factoryMaker(connect, [], false, true), true, owner, 'Key(db)');
 * await prepare();
 * resolve();
 * ```
 */
export function asyncSingletonResolver(
  make: Resolver<unknown>,
  isAsyncFunction: boolean,
  owner: InstanceOwner,
  name: string,
): { resolve: Resolver<unknown>; prepare: () => Promise<void> | undefined } {
  let state: 'idle' | 'pending' | 'ready' = 'idle';
  let instance: unknown;
  let pending: Promise<void> | undefined;

  const settle = (value: unknown, passedOn: boolean): void => {
    instance = value;
    state = 'ready';
    pending = undefined;
    if (ownsProduct(value, passedOn)) owner.track(value);
  };
  // the container was disposed while the factory ran (a stop during startup): nobody will
  // dispose the product later, so it is disposed now and init() learns why
  const settleUnlessDisposed = async (value: unknown, args: readonly unknown[]): Promise<void> => {
    // an async factory resolving to one of its arguments (`async (pool) => pool`) passes it on
    const passedOn = args.includes(value);
    if (!owner.disposed) return settle(value, passedOn);
    state = 'idle';
    pending = undefined;
    if (ownsProduct(value, passedOn)) await disposeInReverse([value], owner.where);
    throw new DiError('WEFT_DI_DISPOSED', `${name} was made after ${owner.where} was disposed: it was disposed at once`, [name]);
  };
  const start = (): Promise<void> | undefined => {
    owner.assertCanCreate(name);
    const value = make(undefined);
    const passedOn = passedOnArgument();
    const args = takeArguments();
    if (!isPromiseLike(value)) {
      settle(value, passedOn);
      return undefined;
    }
    state = 'pending';
    pending = Promise.resolve(value).then((settled) => settleUnlessDisposed(settled, args), (error: unknown) => {
      state = 'idle';
      pending = undefined;
      throw error;
    });
    return pending;
  };

  const resolve: Resolver<unknown> = () => {
    if (state === 'ready') return instance;
    if (state === 'idle' && !isAsyncFunction) {
      const started = start();
      if (started === undefined) return instance;
      // nobody awaits this one here: init() will, or the next start() retries
      started.catch(() => undefined);
    }
    throw new DiError(
      'WEFT_DI_NOT_READY',
      `${name} comes from an async factory that has not finished; await container.init() after freeze() before resolving it`,
      [name],
    );
  };
  const prepare = (): Promise<void> | undefined => (state === 'ready' ? undefined : state === 'pending' ? pending : start());
  return { resolve, prepare };
}

/**
 * Whether a resolver tracks what it made for disposal: a disposable it created, not an
 * object a factory passed on from its arguments (a singleton, a `useValue`, a value
 * `scope.provide()` gave, a fallback container's instance: each is its giver's). Decided
 * per call, so a pool's connection a factory acquires is the scope's each time.
 */
function ownsProduct(instance: unknown, passedOn: boolean): instance is DisposableInstance {
  return !passedOn && isDisposable(instance);
}

/**
 * A token the fallback container (inversify, tsyringe) has. weft asks for it twice: the
 * same object both times is a singleton of that container, cached from then on; anything
 * else (a new object each time: inversify's default transient scope and its request scope,
 * tsyringe's `register`; or a primitive, `null` or `undefined`, which may depend on when it
 * is asked) is asked for again at every injection, so it is never shared the way a
 * singleton would be. `prepare()` (called by `container.init()`) asks with `fetchAsync`
 * first, so async bindings settle and failures happen at startup, then with `fetch`; a
 * resolution before that (a token only looked up at run time) asks with `fetch` twice.
 * A binding only `fetchAsync` can resolve is cached when it gave the same value twice; a
 * new object each time cannot be resolved per injection (that is synchronous):
 * `prepare()` rejects with `asyncEachTime(cause)`, the synchronous fetch's error.
 *
 * @example
 * ```ts
 * const { resolve, prepare } = externalResolver(() => inversify.get('Mailer'), () => inversify.getAsync('Mailer'), (cause) => new Error('async transient', { cause }));
 * await prepare();
 * resolve();
 * ```
 */
export function externalResolver(
  fetch: () => unknown,
  fetchAsync: () => Promise<unknown>,
  asyncEachTime: (cause: unknown) => Error,
): { resolve: Resolver<unknown>; prepare: () => Promise<void> | undefined } {
  let known: 'shared' | 'each' | undefined;
  let instance: unknown;
  let pending: Promise<void> | undefined;
  const learn = (first: unknown, second: unknown, objectsOnly = true): void => {
    // what was learnt first wins: one answer, whatever the timing
    if (known !== undefined) return;
    const same = Object.is(first, second) && (!objectsOnly || (first !== null && (typeof first === 'object' || typeof first === 'function')));
    known = same ? 'shared' : 'each';
    if (same) instance = first;
  };
  const resolve: Resolver<unknown> = () => {
    if (known === 'shared') return instance;
    if (known === 'each') return fetch();
    const first = fetch();
    learn(first, fetch());
    return first;
  };
  const probe = async (): Promise<void> => {
    const first = await fetchAsync();
    let second: unknown;
    try {
      second = fetch();
    } catch (syncError) {
      // only asynchronous (an inversify async binding): fine as long as it is one value,
      // which is then cached whatever it is (it cannot be asked for again synchronously)
      second = await fetchAsync();
      if (!Object.is(first, second)) throw asyncEachTime(syncError);
      learn(first, second, false);
      return;
    }
    learn(first, second);
  };
  const prepare = (): Promise<void> | undefined => {
    if (known !== undefined) return undefined;
    return (pending ??= probe().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
  };
  return { resolve, prepare };
}

/**
 * Always the same value (`useValue`, or a missing optional dependency).
 *
 * @example
 * ```ts
 * const resolve = valueResolver(config);
 * ```
 */
export function valueResolver(value: unknown): Resolver<unknown> {
  return () => value;
}

/**
 * Whether a value is a thenable (a factory's promise).
 *
 * @example
 * ```ts
 * isPromiseLike(Promise.resolve(1)); // true
 * ```
 */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
