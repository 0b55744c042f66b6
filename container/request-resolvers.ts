/**
 * The resolvers of per-request things: request-scoped providers (one instance per scope,
 * kept in the scope's slot) and tokens declared per request (read from the slot
 * `scope.provide()` filled). Hot path.
 */
import type { Resolver } from './binding.js';
import { DiError } from './errors.js';
import { isDisposable } from './disposal.js';
import { passedOnArgument } from './makers.js';
import { UNDEFINED_VALUE, readSlot, writeSlot, type SlotStore } from './request-slots.js';

/**
 * One instance per request scope, kept in the scope's slot `slot`.
 *
 * @example
 * ```ts
 * const resolve = requestResolver(classMaker(UserRepo, [resolveDb]), 3, 'UserRepo');
 * resolve(scope) === resolve(scope); // true
 * ```
 */
export function requestResolver(make: Resolver<unknown>, slot: number, name: string, fromFactory = false): Resolver<unknown> {
  // hot path: a hit is one field load and a compare; a miss adds the `new` and a field store
  return (scope) => {
    if (scope === undefined) throw noScope(name);
    const cached = readSlot(scope, slot);
    if (cached !== undefined) return cached === UNDEFINED_VALUE ? undefined : cached;
    if (scope.disposed) throw disposedScope(name);
    const instance = make(scope);
    writeSlot(scope, slot, instance === undefined ? UNDEFINED_VALUE : instance);
    // a factory's argument it passed on (a singleton, a provided value) is not the scope's to dispose
    if (!(fromFactory && passedOnArgument()) && isDisposable(instance)) scope.track(instance);
    return instance;
  };
}

/**
 * A token declared per request (`container.declare(CurrentUser, { scope: 'request' })`):
 * the value `scope.provide()` put into the current scope's slot `slot`.
 *
 * @example
 * ```ts
 * const resolve = declaredResolver(4, 'Key(user)', false);
 * scope.provide(CurrentUser, user);
 * resolve(scope) === user; // true
 * ```
 */
export function declaredResolver(slot: number, name: string, optional: boolean): Resolver<unknown> {
  // hot path
  return (scope) => {
    if (scope === undefined) {
      if (optional) return undefined;
      throw noScope(name);
    }
    const value = readSlot(scope, slot);
    if (value !== undefined) return value === UNDEFINED_VALUE ? undefined : value;
    if (optional) return undefined;
    throw new DiError(
      'WEFT_DI_NOT_PROVIDED',
      `${name} is declared per request but nothing provided it in this request scope; call scope.provide(${name}, value) first (in a middleware), or mark the dependency optional`,
      [name],
    );
  };
}

/**
 * What `scope.provide()` does for a token declared per request: puts the value into its
 * slot (`undefined` as the marker, so that "provided as undefined" is not "not provided").
 *
 * @example
 * ```ts
 * writeDeclared(scope, 4, user);
 * ```
 */
export function writeDeclared(scope: SlotStore, slot: number, value: unknown): void {
  writeSlot(scope, slot, value === undefined ? UNDEFINED_VALUE : value);
}

/**
 * The error for something per-request resolved without a request scope.
 *
 * @example
 * ```ts
 * throw noScope('UserRepo');
 * ```
 */
export function noScope(name: string): DiError {
  return new DiError(
    'WEFT_DI_NO_SCOPE',
    `${name} is request-scoped (or depends on something that is) and was resolved without a request scope; resolve it from a RequestScope (container.createScope(), request.scope)`,
    [name],
  );
}

/**
 * The error for creating something in a request scope that was already disposed.
 *
 * @example
 * ```ts
 * throw disposedScope('UserRepo');
 * ```
 */
export function disposedScope(name: string): DiError {
  return new DiError('WEFT_DI_DISPOSED', `cannot create ${name}: its request scope (or its container) was already disposed`, [name]);
}
