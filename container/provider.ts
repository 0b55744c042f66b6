import type { Scope } from './scope.js';
import type { Class, ProviderToken, Token } from './token.js';

/**
 * A dependency that may be missing: resolved to `undefined` instead of failing validation.
 *
 * @example
 * ```ts
 * container.register(Cache, { useFactory: (redis?: Redis) => new Cache(redis), deps: [optional(Redis)] });
 * ```
 */
export interface OptionalDependency<T = unknown> {
  readonly token: Token<T>;
  readonly optional: true;
}

/**
 * What a factory or class provider depends on, by position: a token, or an
 * {@link OptionalDependency} made with {@link optional}.
 *
 * @example
 * ```ts
 * const deps: Dependency[] = [Db, optional(Cache)];
 * ```
 */
export type Dependency<T = unknown> = Token<T> | OptionalDependency<T>;

/**
 * Marks a dependency of a factory or class provider as optional.
 *
 * @example
 * ```ts
 * { useFactory: (log?: Logger) => new Repo(log), deps: [optional(Logger)] }
 * ```
 */
export function optional<T>(token: Token<T>): OptionalDependency<T> {
  return { token, optional: true };
}

/** The value a {@link Dependency} resolves to. */
export type ResolvedDependency<D> = D extends OptionalDependency<infer T>
  ? T | undefined
  : D extends Token<infer T>
    ? T
    : never;

/** The values a list of dependencies resolves to, position by position. */
export type ResolvedDependencies<D extends readonly unknown[]> = {
  -readonly [I in keyof D]: ResolvedDependency<D[I]>;
};

/**
 * Build the token with `new useClass(...)`. Its constructor dependencies come from `deps`
 * when given, else from its metadata (`design:paramtypes`, `@Inject`, `@Optional`).
 * `scope` defaults to the class's `@Injectable({ scope })`, else `singleton`.
 *
 * @example
 * ```ts
 * container.register(Clock, { useClass: SystemClock, scope: 'singleton' });
 * ```
 */
export interface ClassProvider<T> {
  readonly useClass: Class<T>;
  readonly scope?: Scope;
  readonly deps?: readonly Dependency[];
}

/**
 * The token is this value, as given. The container does not own it, so never disposes it:
 * whoever made it closes it.
 *
 * @example
 * ```ts
 * container.register(Config, { useValue: loadConfig() });
 * ```
 */
export interface ValueProvider<T> {
  readonly useValue: T;
}

/**
 * Build the token by calling `useFactory` with its resolved `deps`. A singleton factory may
 * return a promise: it is awaited by `container.init()` (request-time resolution is
 * synchronous). `scope` defaults to `singleton`. What a factory returns is owned, and
 * disposed, by the container or scope that made it.
 *
 * The default type argument is `any` so that a provider written with typed parameters still
 * fits the plain `Provider<T>` type; `register()` infers `D` from `deps` and checks it.
 *
 * @example
 * ```ts
 * container.register(Pool, { useFactory: async (config: Config) => connect(config.url), deps: [Config] });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the comment above
export interface FactoryProvider<T, D extends readonly Dependency[] = any> {
  // a method signature: its parameters are compared both ways, so a factory with typed
  // parameters fits a provider list (`createApp({ providers })`, `@Module`) where `D` is
  // not inferred; `register()` infers `D` and still refuses parameters `deps` cannot give
  useFactory(...args: ResolvedDependencies<D>): T | Promise<T>;
  readonly deps?: D;
  readonly scope?: Scope;
}

/**
 * The token is another name for `useExisting`: both resolve to the same instance.
 *
 * @example
 * ```ts
 * container.register(AppLogger, { useExisting: PinoLogger });
 * ```
 */
export interface ExistingProvider<T> {
  readonly useExisting: Token<T>;
}

/**
 * How a token is made: one of four kinds, told apart by their `use…` member.
 *
 * @example
 * ```ts
 * const provider: Provider<Clock> = { useClass: SystemClock };
 * if (isClassProvider(provider)) console.log(provider.useClass.name);
 * ```
 */
export type Provider<T> = ClassProvider<T> | ValueProvider<T> | FactoryProvider<T> | ExistingProvider<T>;

/**
 * A provider that names its own token, as modules list them (NestJS's form):
 * `container.register({ provide: Clock, useClass: SystemClock })`.
 *
 * @example
 * ```ts
 * @Module({ providers: [UsersService, { provide: Db, useFactory: connect, deps: [Config] }] })
 * class UsersModule {}
 * ```
 */
export type ProviderDefinition<T> = Provider<T> & { readonly provide: ProviderToken<T> };

/**
 * A token declared per request, as modules list it: the same as
 * `container.declare(token, { scope: 'request' })`.
 *
 * @example
 * ```ts
 * @Module({ providers: [{ provide: CurrentUser, scope: 'request' }] })
 * class AuthModule {}
 * ```
 */
export interface DeclarationDefinition<T> {
  readonly provide: ProviderToken<T>;
  readonly scope: 'request';
}

/**
 * Whether a value is a {@link ClassProvider}.
 *
 * @example
 * ```ts
 * isClassProvider({ useClass: SystemClock }); // true
 * ```
 */
export function isClassProvider(value: unknown): value is ClassProvider<unknown> {
  return hasMember(value, 'useClass');
}

/**
 * Whether a value is a {@link ValueProvider}.
 *
 * @example
 * ```ts
 * isValueProvider({ useValue: undefined }); // true: the member is there
 * ```
 */
export function isValueProvider(value: unknown): value is ValueProvider<unknown> {
  return hasMember(value, 'useValue');
}

/**
 * Whether a value is a {@link FactoryProvider}.
 *
 * @example
 * ```ts
 * isFactoryProvider({ useFactory: () => new Date() }); // true
 * ```
 */
export function isFactoryProvider(value: unknown): value is FactoryProvider<unknown> {
  return hasMember(value, 'useFactory');
}

/**
 * Whether a value is an {@link ExistingProvider}.
 *
 * @example
 * ```ts
 * isExistingProvider({ useExisting: PinoLogger }); // true
 * ```
 */
export function isExistingProvider(value: unknown): value is ExistingProvider<unknown> {
  return hasMember(value, 'useExisting');
}

/**
 * Whether a value is an {@link OptionalDependency}.
 *
 * @example
 * ```ts
 * isOptionalDependency(optional(Cache)); // true
 * isOptionalDependency(Cache);           // false
 * ```
 */
export function isOptionalDependency(value: unknown): value is OptionalDependency {
  return typeof value === 'object' && value !== null && 'token' in value && (value as OptionalDependency).optional === true;
}

/** `in` on objects only: a provider is a plain object with one `use…` member. */
function hasMember(value: unknown, member: string): boolean {
  return typeof value === 'object' && value !== null && member in value;
}
