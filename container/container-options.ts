import { DiError } from './errors.js';
import type { ExternalContainer } from './external-container.js';
import type { Scope } from './scope.js';

/**
 * Options of `new Container()`.
 *
 * @example
 * ```ts
 * new Container({ name: 'app', fallback: fromInversify(inversify) });
 * ```
 */
export interface ContainerOptions {
  /** How errors name the container; `root` by default. */
  readonly name?: string;
  /** Another container (inversify, tsyringe) to resolve the tokens weft has no provider for. */
  readonly fallback?: ExternalContainer;
}

/**
 * Options of `container.register(SomeClass, options)`.
 *
 * @example
 * ```ts
 * container.register(UserRepo, { scope: 'request' });
 * ```
 */
export interface ClassRegisterOptions {
  /** Overrides the class's `@Injectable({ scope })`; `singleton` when neither is given. */
  readonly scope?: Scope;
  /** Replace an earlier registration of the same token in this container instead of failing. */
  readonly override?: boolean;
}

/**
 * Options of `register(token, provider, options)` and `provide(token, value, options)`.
 *
 * @example
 * ```ts
 * container.provide(Config, testConfig, { override: true });
 * ```
 */
export interface RegisterOptions {
  /** Replace an earlier registration of the same token in this container instead of failing. */
  readonly override?: boolean;
}

/**
 * Options of `container.declare(token, options)`: only per-request values are declared.
 *
 * @example
 * ```ts
 * container.declare(CurrentUser, { scope: 'request' });
 * ```
 */
export interface DeclareOptions {
  readonly scope: 'request';
}

/**
 * Options of `container.resolverFor(token, options)`.
 *
 * @example
 * ```ts
 * const resolveUser = container.resolverFor(CurrentUser, { optional: true });
 * ```
 */
export interface ResolverOptions {
  /** Resolve to `undefined` instead of failing when there is no provider or nothing was provided. */
  readonly optional?: boolean;
}

/**
 * Checks an options object against the keys a method accepts: a misspelt provider member
 * (`{ useclass: X }`) fails here instead of registering the class with no options.
 *
 * @example
 * ```ts
 * checkOptions({ scope: 'request' }, ['scope', 'override'], 'UserRepo');
 * ```
 */
export function checkOptions(options: unknown, allowed: readonly string[], name: string): { scope?: unknown; override?: boolean } | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new DiError('WEFT_DI_INVALID_PROVIDER', `invalid provider for ${name}: options must be an object, got ${String(options)}`, [name]);
  }
  const unknown = Object.keys(options).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new DiError(
      'WEFT_DI_INVALID_PROVIDER',
      `invalid provider for ${name}: unknown option ${unknown.join(', ')}; a provider has one of useClass, useValue, useFactory, useExisting, options are ${allowed.join(', ')}`,
      [name],
    );
  }
  return options as { scope?: unknown; override?: boolean };
}
