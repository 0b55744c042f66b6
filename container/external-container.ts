import type { AbstractClass, Token } from './token.js';

/**
 * Another DI container that backs a weft container: tokens weft has no provider for are
 * looked up here (class tokens, and the string/symbol identifiers of that container).
 * Duck-typed, so weft depends on neither inversify nor tsyringe at run time.
 *
 * weft asks a fallback for a token twice: the same instance both times is that container's
 * singleton, cached from then on; a new instance each time (inversify's default transient
 * scope or its request scope, tsyringe's `register`) is asked for again at every injection,
 * so per-use instances are never shared across requests. Either way the instances are the
 * other container's: weft never disposes them. Validation counts a token the fallback
 * `has` as provided. weft's own providers, anywhere up the container chain, win over every fallback.
 *
 * @example
 * ```ts
 * const legacy: ExternalContainer = {
 *   name: 'legacy registry',
 *   has: (token) => registry.has(token),
 *   get: (token) => registry.get(token),
 * };
 * const container = new Container({ fallback: legacy });
 * ```
 */
export interface ExternalContainer {
  /** How errors name this container. */
  readonly name: string;
  /** Whether it can resolve `token` (never given a weft `Key`). */
  has(token: Token): boolean;
  /** Resolves `token`; only called after `has(token)` returned true. */
  get(token: Token): unknown;
  /**
   * Resolves `token`, waiting for bindings that resolve asynchronously (inversify's
   * `getAsync`). Optional: `container.init()` uses it, where present, to fetch the tokens
   * the compiled providers need; otherwise it calls `get`.
   */
  getAsync?(token: Token): Promise<unknown>;
}

/** An identifier the interop containers understand: a class, a string or a symbol. */
export type ExternalIdentifier = string | symbol | AbstractClass<unknown>;

/**
 * The part of an inversify 8 `Container` weft uses: `isBound(id)` (which also looks at its
 * parent containers), `get(id)`, and `getAsync(id)` for async bindings.
 *
 * @example
 * ```ts
 * const inversify: InversifyContainerLike = new InversifyContainer();
 * ```
 */
export interface InversifyContainerLike {
  // `never` parameters: any container whose methods take identifiers fits, whatever its own identifier type
  isBound(serviceIdentifier: never): boolean;
  get(serviceIdentifier: never): unknown;
  getAsync?(serviceIdentifier: never): Promise<unknown>;
}

/**
 * The part of a tsyringe 4 `DependencyContainer` weft uses: `isRegistered(token, true)`
 * (looking at parent containers too) and `resolve(token)`.
 *
 * @example
 * ```ts
 * const tsyringe: TsyringeContainerLike = container; // import { container } from 'tsyringe'
 * ```
 */
export interface TsyringeContainerLike {
  // `never` parameters: any container whose methods take tokens fits, whatever its own token type
  isRegistered(token: never, recursive?: boolean): boolean;
  resolve(token: never): unknown;
}

/**
 * Backs a weft container with an inversify 8 container: services bound there inject into
 * weft providers and controllers. Bound identifiers count (`isBound`); with `autobind`,
 * inversify says every class is bound, so weft takes any class it has no provider for from
 * it (except weft request-scoped and transient classes, never taken from a fallback).
 * `container.init()` fetches the services the compiled providers need with `getAsync`, so
 * async bindings (`toDynamicValue(async () => ...)`) work and a binding inversify cannot
 * resolve fails the startup (`WEFT_DI_FALLBACK`, with the path).
 *
 * @example
 * ```ts
 * import { Container as InversifyContainer } from 'inversify';
 * const inversify = new InversifyContainer();
 * inversify.bind('Mailer').to(SmtpMailer).inSingletonScope();
 * const container = new Container({ fallback: fromInversify(inversify) });
 * ```
 */
export function fromInversify(container: InversifyContainerLike, name = 'inversify container'): ExternalContainer {
  const getAsync = container.getAsync;
  return {
    name,
    has: (token) => isExternalIdentifier(token) && container.isBound(token as never),
    get: (token) => container.get(token as never),
    ...(typeof getAsync === 'function' ? { getAsync: (token: Token) => getAsync.call(container, token as never) } : {}),
  };
}

/**
 * Backs a weft container with a tsyringe 4 container. Only registered tokens count
 * (`isRegistered(token, true)`): a class tsyringe could build without registration must be
 * registered there (or in weft) to be seen.
 *
 * @example
 * ```ts
 * import { container as tsyringe } from 'tsyringe';
 * tsyringe.registerSingleton('Mailer', SmtpMailer);
 * const container = new Container({ fallback: fromTsyringe(tsyringe) });
 * ```
 */
export function fromTsyringe(container: TsyringeContainerLike, name = 'tsyringe container'): ExternalContainer {
  return {
    name,
    has: (token) => isExternalIdentifier(token) && container.isRegistered(token as never, true),
    get: (token) => container.resolve(token as never),
  };
}

/**
 * Whether a value could be an external container: an object with `has` and `get` functions.
 *
 * @example
 * ```ts
 * isExternalContainer(fromInversify(inversify)); // true
 * isExternalContainer(inversify);                // false: adapt it with fromInversify()
 * ```
 */
export function isExternalContainer(value: unknown): value is ExternalContainer {
  const candidate = value as Partial<ExternalContainer> | null | undefined;
  return typeof candidate?.has === 'function' && typeof candidate.get === 'function';
}

function isExternalIdentifier(token: Token): token is ExternalIdentifier {
  return typeof token === 'function' || typeof token === 'string' || typeof token === 'symbol';
}
