/**
 * How long an instance lives, and who shares it.
 *
 * - `singleton`: one instance per container that registered the provider, shared by every
 *   request scope of that container and of its child containers. Created on first use
 *   (factories: during `container.init()`), disposed by `container.dispose()`.
 * - `request`: one instance per {@link RequestScope}: per HTTP request or per websocket
 *   connection, not per resolution call. Disposed when the scope is disposed.
 * - `transient`: a new instance every time it is injected or resolved. Disposed with the
 *   scope it was resolved in, or with the container when resolved outside any scope.
 *
 * A singleton may depend on singletons and transients, never on something request-scoped
 * (a startup error, `WEFT_DI_SCOPE`). Request-scoped and transient providers may depend on
 * anything; a transient that (directly or not) depends on something request-scoped can
 * only be resolved from a request scope.
 *
 * @example
 * ```ts
 * // app:  container.register(Db)                                  singleton
 * //       container.register(UserRepo, { scope: 'request' })      request
 * // req1: scope1.get(UserRepo) === scope1.get(UserRepo)           true  (same request)
 * // req2: scope2.get(UserRepo) === scope1.get(UserRepo)           false (another request)
 * //       scope2.get(Db) === scope1.get(Db)                       true  (singleton)
 * ```
 */
export type Scope = 'singleton' | 'request' | 'transient';

/** Every valid {@link Scope}, for validating options coming from plain JavaScript. */
export const SCOPES: readonly Scope[] = ['singleton', 'request', 'transient'];

/**
 * Whether a value names a {@link Scope}.
 *
 * @example
 * ```ts
 * isScope('request'); // true
 * isScope('session'); // false
 * ```
 */
export function isScope(value: unknown): value is Scope {
  return value === 'singleton' || value === 'request' || value === 'transient';
}
