import type { Binding } from './binding.js';
import type { Container } from './container.js';
import { disposeInReverse, type DisposableInstance } from './disposal.js';
import { DiError } from './errors.js';
import { DISPOSED_EXTRAS, extrasOf, readSlot, type ScopeExtras, type SlotStore } from './request-slots.js';
import { writeDeclared } from './request-resolvers.js';
import type { ProviderToken, Token } from './token.js';
import { isProviderToken, tokenName } from './token.js';

/**
 * The instances of one HTTP request or one websocket connection (aiohttp's `request[key]`).
 * Within a scope a request-scoped token always resolves to the same instance; another scope
 * gets its own; singletons come from the container that registered them. Values a middleware
 * puts in with {@link RequestScope.provide} are seen by request-scoped providers resolved
 * from this scope.
 *
 * Creating one is allocating this one small object: the first request-scoped instances live
 * in its own fields, the rest only when needed (see `request-slots.ts`). After `dispose()`,
 * or once its container was disposed, `get`, `provide` and creating new instances throw
 * `WEFT_DI_DISPOSED`.
 *
 * @example
 * ```ts
 * const scope = container.createScope();
 * scope.provide(CurrentUser, user);         // in an auth middleware
 * const repo = scope.get(UserRepo);         // request-scoped, sees CurrentUser
 * await scope.dispose();                    // at the end of the request
 * ```
 */
export class RequestScope implements SlotStore {
  // Per-request values by slot number (see request-slots.ts); internal to the container.
  /** @internal */ slot0: unknown = undefined;
  /** @internal */ slot1: unknown = undefined;
  /** @internal */ slot2: unknown = undefined;
  /** @internal */ slot3: unknown = undefined;
  /** @internal */ slot4: unknown = undefined;
  /** @internal */ slot5: unknown = undefined;
  /** @internal */ slot6: unknown = undefined;
  /** @internal */ slot7: unknown = undefined;
  /** @internal */ extras: ScopeExtras | undefined = undefined;

  /** @param container the (frozen) container whose providers this scope resolves. */
  constructor(readonly container: Container) {}

  /** Whether {@link RequestScope.dispose} was called, or the container was disposed meanwhile. */
  get disposed(): boolean {
    return this.extras === DISPOSED_EXTRAS || !this.container.serving;
  }

  /**
   * The instance of `token`: the container's provider (walking up to parent containers and
   * the fallback), or a value provided into this scope for a token the container does not know.
   *
   * @throws DiError `WEFT_DI_MISSING`, `WEFT_DI_NOT_PROVIDED`, `WEFT_DI_NO_SCOPE`, `WEFT_DI_DISPOSED`.
   * @example
   * ```ts
   * const repo = request.scope.get(UserRepo);
   * ```
   */
  get<T>(token: Token<T>): T {
    if (this.disposed) throw disposedError(token);
    const binding = this.container.lookup(token);
    if (binding !== undefined) return binding.resolve(this) as T;
    const provided = this.extras?.provided;
    if (provided !== undefined && provided.has(token)) return provided.get(token) as T;
    throw new DiError(
      'WEFT_DI_MISSING',
      `no provider for ${tokenName(token)} in container "${this.container.name}" or its parents, and nothing provided it in this request scope. ${this.container.missingAdvice(token)}`,
      [tokenName(token)],
    );
  }

  /**
   * Like {@link RequestScope.get}, but `undefined` when the token has no provider or is
   * declared per request and was not provided.
   *
   * @example
   * ```ts
   * const user = request.scope.getOptional(CurrentUser); // undefined for anonymous requests
   * ```
   */
  getOptional<T>(token: Token<T>): T | undefined {
    if (this.disposed) throw disposedError(token);
    const binding = this.container.lookup(token);
    if (binding !== undefined) return binding.resolveOptional(this) as T | undefined;
    return this.extras?.provided?.get(token) as T | undefined;
  }

  /**
   * Whether {@link RequestScope.get} would find `token`: a provider in the container chain,
   * or a value provided here (a token declared per request counts only once provided).
   *
   * @example
   * ```ts
   * if (!request.scope.has(CurrentUser)) throw new HTTPUnauthorized();
   * ```
   */
  has(token: Token): boolean {
    const binding = this.container.lookup(token);
    if (binding === undefined) return this.extras?.provided?.has(token) === true;
    return binding.declaredSlot === undefined || readSlot(this, binding.declaredSlot) !== undefined;
  }

  /**
   * Puts a value into this scope (aiohttp's `request[key] = value`). Allowed for tokens
   * declared per request with `container.declare()` and for tokens the container does not
   * know at all (plain per-request storage); a token with a provider of its own cannot be
   * replaced here. Providing again replaces the value for later resolutions (what was already
   * injected keeps the old one). The scope does not dispose provided values: whoever made
   * them does.
   *
   * @throws DiError `WEFT_DI_PROVIDE_CONFLICT`, `WEFT_DI_INVALID_TOKEN`, `WEFT_DI_DISPOSED`.
   * @example
   * ```ts
   * request.scope.provide(CurrentUser, await authenticate(request));
   * ```
   */
  provide<T>(token: ProviderToken<T>, value: T): this {
    if (!isProviderToken(token)) {
      throw new DiError('WEFT_DI_INVALID_TOKEN', `scope.provide() needs a class or a Key as token, got ${tokenName(token)}`, [
        tokenName(token),
      ]);
    }
    if (this.disposed) throw disposedError(token);
    const binding = this.container.lookup(token);
    if (binding === undefined) {
      (extrasOf(this).provided ??= new Map()).set(token, value);
    } else if (binding.declaredSlot !== undefined) {
      writeDeclared(this, binding.declaredSlot, value);
    } else {
      throw provideConflict(binding, this.container.name);
    }
    return this;
  }

  /**
   * Ends the scope: disposes what it created (request-scoped and transient instances with
   * `dispose()`, `[Symbol.asyncDispose]` or `[Symbol.dispose]`) in reverse creation order.
   * Returns `undefined` (no promise, nothing to await) when there was nothing to dispose,
   * else a promise that rejects with one `DisposeError` holding every failure. Calling it
   * again does nothing.
   *
   * @example
   * ```ts
   * const pending = scope.dispose();
   * if (pending !== undefined) await pending;
   * ```
   */
  dispose(): Promise<void> | undefined {
    // hot path: a load, two compares and a store when nothing needs disposal
    const extras = this.extras;
    if (extras === DISPOSED_EXTRAS) return undefined;
    // the instances are not cleared: that would cost every request several stores
    this.extras = DISPOSED_EXTRAS;
    const disposables = extras?.disposables;
    if (disposables === undefined) return undefined;
    return disposeInReverse(disposables, `a request scope of container "${this.container.name}"`);
  }

  /** @internal Remembers an instance this scope made and must dispose. */
  track(instance: DisposableInstance): void {
    (extrasOf(this).disposables ??= []).push(instance);
  }
}

/** How a provide-conflict error describes what already provides a token. */
const PROVIDED_BY: Record<Binding['kind'], string> = {
  class: 'a class provider',
  value: 'a value provider',
  factory: 'a factory provider',
  existing: 'an alias (useExisting)',
  declared: 'a declaration per request',
  external: 'a fallback container',
};

/** `scope.provide()` of a token with a provider of its own, or one a fallback container has. */
function provideConflict(binding: Binding, containerName: string): DiError {
  const name = tokenName(binding.token);
  const declare = `container.declare(${name}, { scope: 'request' })`;
  const detail =
    binding.kind === 'external'
      ? `${name} comes from the fallback ${binding.fallbackName ?? PROVIDED_BY.external} of container "${containerName}" (fetched from it by weft); ` +
        `scope.provide() only sets tokens declared per request or unknown to the container: to provide ${name} per request, declare it in weft with ${declare}, which shadows the fallback`
      : `${name} has ${PROVIDED_BY[binding.kind]} (${binding.scope}) in container "${containerName}" or its parents; ` +
        `scope.provide() only sets tokens declared with ${declare} or unknown to the container`;
  return new DiError('WEFT_DI_PROVIDE_CONFLICT', detail, [binding.name]);
}

function disposedError(token: Token): DiError {
  const name = tokenName(token);
  return new DiError('WEFT_DI_DISPOSED', `cannot use ${name}: this request scope (or its container) was already disposed`, [name]);
}
