import type { RequestScope } from './request-scope.js';
import type { Scope } from './scope.js';
import type { ExternalContainer } from './external-container.js';
import { FallbackError, fallbackGet, fallbackGetAsync } from './fallback-error.js';
import { externalResolver } from './resolvers.js';
import type { Token } from './token.js';
import { tokenName } from './token.js';

/**
 * A compiled resolver: returns the instance of one token, synchronously. Pass the request
 * scope when the token needs one (`container.needsScope(token)`); singletons ignore it.
 *
 * @example
 * ```ts
 * const resolveRepo: Resolver<UserRepo> = container.resolverFor(UserRepo); // once, at startup
 * const repo = resolveRepo(request.scope);                                // per request
 * ```
 */
export type Resolver<T> = (scope?: RequestScope) => T;

/**
 * Where a compiled token's instances come from.
 *
 * @example
 * ```ts
 * const kind: BindingKind = 'declared'; // container.declare(CurrentUser, { scope: 'request' })
 * ```
 */
export type BindingKind = 'class' | 'value' | 'factory' | 'existing' | 'declared' | 'external';

/**
 * One token after `freeze()`: its resolver closure, with what validation learned about it.
 * Internal to the container; the public face is `resolverFor` and `needsScope`.
 *
 * @example
 * ```ts
 * const binding: Binding = compiled.get(UserRepo)!;
 * binding.resolve(scope);
 * ```
 */
export interface Binding {
  readonly token: Token;
  /** The token as errors print it. */
  readonly name: string;
  readonly kind: BindingKind;
  /**
   * How long an instance lives; values and fallback tokens count as singletons (a fallback
   * token its container makes anew each time is still fetched at every injection).
   */
  readonly scope: Scope;
  readonly resolve: Resolver<unknown>;
  /** Like `resolve`, but `undefined` where a declared token was not provided. */
  readonly resolveOptional: Resolver<unknown>;
  /** Whether resolving it needs a request scope (it, or something it depends on, is per request). */
  readonly needsScope: boolean;
  /** When `needsScope`: the names from this token down to the request-scoped one. */
  readonly scopeChain: readonly string[];
  /** When `needsScope`: the end of that chain, as errors describe it (`request-scoped UserRepo`). */
  readonly scopeOrigin: string;
  /** The bindings it depends on, so `init()` can make async singletons in dependency order. */
  readonly dependencies: readonly Binding[];
  /** Tokens declared per request (and their aliases): the slot `scope.provide()` fills. */
  readonly declaredSlot: number | undefined;
  /** Async-capable singleton factories: starts or awaits creation; `undefined` once ready. */
  readonly prepare: (() => Promise<void> | undefined) | undefined;
  /** For `external` bindings: the name of the fallback container the token comes from. */
  readonly fallbackName?: string;
}

/**
 * The binding of a token found in a fallback container, fetched by `container.init()`
 * (asynchronously where the fallback can) or on first use: cached when the fallback gives
 * the same instance twice (its singleton), fetched at every injection when it gives a new
 * one each time. Either way the instances are that container's (never disposed by weft).
 * The fallback's errors are `WEFT_DI_FALLBACK`.
 *
 * @example
 * ```ts
 * const binding = externalBinding('Mailer', fromInversify(inversify));
 * binding.resolve();
 * ```
 */
export function externalBinding(token: Token, fallback: ExternalContainer): Binding {
  const { resolve, prepare } = externalResolver(
    () => fallbackGet(fallback, token, 'get-late'),
    () => fallbackGetAsync(fallback, token),
    // the synchronous fetch's own error (fallbackGet wrapped it)
    (cause) => new FallbackError(fallback.name, tokenName(token), 'async-each-time', cause instanceof FallbackError ? cause.cause : cause),
  );
  return {
    token,
    name: `${tokenName(token)} (from ${fallback.name})`,
    kind: 'external',
    scope: 'singleton',
    resolve,
    resolveOptional: resolve,
    needsScope: false,
    scopeChain: [],
    scopeOrigin: '',
    dependencies: [],
    declaredSlot: undefined,
    prepare,
    fallbackName: fallback.name,
  };
}
