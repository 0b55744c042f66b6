import type { Binding, Resolver } from './binding.js';
import { initialiseBindings } from './async-init.js';
import { BindingLookup } from './binding-lookup.js';
import { compileBindings } from './compile-bindings.js';
import { ContainerState } from './container-state.js';
import type { ClassRegisterOptions, ContainerOptions, DeclareOptions, RegisterOptions, ResolverOptions } from './container-options.js';
import { checkOptions } from './container-options.js';
import { DiError, DisposeError } from './errors.js';
import type { ExternalContainer } from './external-container.js';
import { isExternalContainer } from './external-container.js';
import { fallbackHas } from './fallback-error.js';
import { missingProviderAdvice } from './missing-provider.js';
import { InstanceOwner } from './instance-owner.js';
import { Key } from './key.js';
import type {
  ClassProvider,
  DeclarationDefinition,
  Dependency,
  ExistingProvider,
  FactoryProvider,
  Provider,
  ProviderDefinition,
  ValueProvider,
} from './provider.js';
import { assertProviderToken, declaredRegistration, providerRegistration, registerArguments } from './registration.js';
import { RegistrationTable } from './registration-table.js';
import { RequestScope } from './request-scope.js';
import type { Class, ProviderToken, Token } from './token.js';
import { tokenName } from './token.js';

/**
 * The dependency-injection container: registrations, then `freeze()` (validation and
 * compilation), then `init()` (async singletons), then request scopes, then `dispose()`.
 * A root container belongs to the application; `createChild()` makes one per sub-application,
 * whose lookups walk up to its parent and may shadow it (aiohttp's `config_dict`).
 *
 * Freezing order: a child is frozen after its parent (freezing it first is an error), and
 * may be created and filled while the parent is already frozen. Each container validates its
 * own providers, which may depend on tokens of its parents, never on those of its children.
 *
 * @example
 * ```ts
 * const container = new Container();
 * container.provide(Config, loadConfig());
 * container.register(Pool, { useFactory: async (c: Config) => connect(c.url), deps: [Config] });
 * container.register(UserRepo, { scope: 'request' });
 * container.declare(CurrentUser, { scope: 'request' });
 * container.freeze();
 * await container.init();
 *
 * const scope = container.createScope();
 * scope.provide(CurrentUser, user);
 * const repo = scope.get(UserRepo);
 * await scope.dispose();
 * await container.dispose();
 * ```
 */
export class Container {
  readonly name: string;
  #parent: Container | undefined = undefined;
  #children: Container[] = [];
  #table: RegistrationTable;
  /** Slot numbers are unique across the whole tree: a scope of a child holds the parent's request instances too. */
  #slots = { count: 0 };
  #owner: InstanceOwner;
  #state: ContainerState;
  /** True between freeze() and dispose(): the one check createScope() makes. */
  #serving = false;
  #lookup = new BindingLookup(undefined);

  /** @internal Whether the container is between freeze() and dispose(): its scopes may make instances. */
  get serving(): boolean {
    return this.#serving;
  }

  #initialising: Promise<void> | undefined = undefined;
  /** Bindings handed out by resolverFor() (handler parameters, say): init() readies them too. */
  #handedOut = new Set<Binding>();
  #disposing: Promise<void> | undefined = undefined;

  /**
   * @param options a name for errors, and an optional fallback container.
   * @throws DiError `WEFT_DI_INVALID_ARGUMENT` for an empty name or an unknown option.
   */
  constructor(options: ContainerOptions = {}) {
    const unknown = Object.keys(options).filter((key) => key !== 'name' && key !== 'fallback');
    // worded as weft's other option checks (src/option-checks.ts), which the container does not import
    if (unknown.length > 0) throw invalidArgument(`new Container(): unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')} (known: name, fallback)`);
    const name = options.name ?? 'root';
    if (typeof name !== 'string' || name === '') throw invalidArgument(`a container name must be a non-empty string, got ${String(name)}`);
    this.name = name;
    this.#table = new RegistrationTable(name);
    this.#state = new ContainerState(name);
    this.#owner = new InstanceOwner(`container "${name}"`);
    if (options.fallback !== undefined) this.useFallback(options.fallback);
  }

  /** The container this one was created from with `createChild()`, if any. */
  get parent(): Container | undefined {
    return this.#parent;
  }

  /** Whether `freeze()` has run: registration is closed, resolution open. */
  get frozen(): boolean {
    return this.#state.phase !== 'open';
  }

  /**
   * Registers a class under itself (`register(UsersService)`), or a token with a provider.
   * A class's scope comes from `options.scope`, else its `@Injectable({ scope })`, else
   * `singleton`. Registering a token twice in one container is an error unless
   * `{ override: true }`; registering in a child what a parent has shadows it.
   *
   * @throws DiError `WEFT_DI_DUPLICATE`, `WEFT_DI_FROZEN`, `WEFT_DI_INVALID_PROVIDER`, `WEFT_DI_INVALID_TOKEN`.
   * @example
   * ```ts
   * container.register(UsersService);
   * container.register(Clock, { useClass: SystemClock });
   * container.register(Repo, { useFactory: (db: Pool) => new Repo(db), deps: [Db], scope: 'request' });
   * container.register(AppLogger, { useExisting: PinoLogger });
   * container.register({ provide: Db, useValue: pool }); // as modules list providers
   * container.register({ provide: CurrentUser, scope: 'request' }); // = declare(CurrentUser)
   * ```
   */
  register<T, const D extends readonly Dependency[]>(token: ProviderToken<T>, provider: FactoryProvider<T, D>, options?: RegisterOptions): this;
  register<T>(token: ProviderToken<T>, provider: ClassProvider<T> | ValueProvider<T> | ExistingProvider<T>, options?: RegisterOptions): this;
  register<T>(classOrDefinition: Class<T> | ProviderDefinition<T> | DeclarationDefinition<T>, options?: ClassRegisterOptions): this;
  register(token: unknown, second?: unknown, third?: unknown): this {
    const { registration, override } = registerArguments(token, second, third, (t) => this.#state.assertOpen('register', t));
    this.#table.add(registration, override);
    return this;
  }

  /**
   * Registers a value (aiohttp's `app[key] = value`). The container does not own the value
   * and never disposes it.
   *
   * @example
   * ```ts
   * container.provide(Config, { port: 8080 });
   * ```
   */
  provide<T>(token: ProviderToken<T>, value: T, options?: RegisterOptions): this {
    this.#state.assertOpen('provide', token);
    assertProviderToken(token, 'provide');
    this.#table.add(
      providerRegistration(token, { useValue: value }),
      checkOptions(options, ['override'], tokenName(token))?.override === true,
    );
    return this;
  }

  /**
   * Declares a token whose value is only ever provided per request (`scope.provide()` in a
   * middleware), so that providers may depend on it and validation knows it. Resolving it in
   * a scope where nothing provided it is `WEFT_DI_NOT_PROVIDED` (or `undefined` when optional).
   *
   * @example
   * ```ts
   * container.declare(CurrentUser, { scope: 'request' });
   * ```
   */
  declare<T>(token: ProviderToken<T>, options: DeclareOptions = { scope: 'request' }): this {
    this.#state.assertOpen('declare', token);
    assertProviderToken(token, 'declare');
    this.#table.add(declaredRegistration(token, options), false);
    return this;
  }

  /**
   * Replaces how `token` is provided as seen from this container, for tests: whatever is
   * registered here, in a parent, or registered here later. The last override wins.
   *
   * @example
   * ```ts
   * app.container.override(Mailer, { useValue: fakeMailer });
   * app.container.override(Clock, FixedClock); // a class: { useClass: FixedClock }
   * ```
   */
  override<T>(token: ProviderToken<T>, provider: Provider<T> | ProviderDefinition<T> | Class<T>): this {
    this.#state.assertOpen('override', token);
    assertProviderToken(token, 'override');
    const definition = typeof provider === 'function' ? { useClass: provider } : provider;
    if (typeof definition === 'object' && definition !== null && 'provide' in definition && definition.provide !== token) {
      throw new DiError(
        'WEFT_DI_INVALID_PROVIDER',
        `invalid provider for ${tokenName(token)}: override(${tokenName(token)}, provider) got a provider for ${tokenName(definition.provide)}`,
        [tokenName(token)],
      );
    }
    this.#table.override(providerRegistration(token, definition));
    return this;
  }

  /**
   * Adds a fallback container (see {@link ExternalContainer}); fallbacks are asked in the
   * order they were added, after every weft provider up the chain.
   *
   * @example
   * ```ts
   * container.useFallback(fromTsyringe(tsyringe));
   * ```
   */
  useFallback(fallback: ExternalContainer): this {
    this.#state.assertOpen('useFallback', undefined);
    if (!isExternalContainer(fallback)) {
      throw invalidArgument(
        'useFallback() needs an ExternalContainer with has(token) and get(token): wrap an inversify container with fromInversify(), a tsyringe one with fromTsyringe()',
      );
    }
    this.#lookup.fallbacks.push(fallback);
    return this;
  }

  /**
   * Whether a provider (or declaration) for `token` exists here, in a parent, or in a fallback.
   *
   * @example
   * ```ts
   * if (!container.has(Config)) container.provide(Config, defaults);
   * ```
   */
  has(token: Token): boolean {
    if (this.#table.has(token)) return true;
    if (this.#parent?.has(token) === true) return true;
    return !(token instanceof Key) && this.#lookup.fallbacks.some((fallback) => fallbackHas(fallback, token));
  }

  /**
   * Whether `token` is registered (or overridden, or declared) in this container itself,
   * not counting parents and fallbacks.
   *
   * @example
   * ```ts
   * if (!container.hasOwn(UsersController)) container.register(UsersController, { scope: 'transient' });
   * ```
   */
  hasOwn(token: Token): boolean {
    return this.#table.has(token);
  }

  /**
   * A child container (a sub-application's): lookups walk up to this one; registrations there
   * shadow this one's; singletons registered here are shared with it.
   *
   * @example
   * ```ts
   * const admin = root.createChild('admin');
   * admin.provide(Title, 'Admin');
   * ```
   */
  createChild(name: string): Container {
    if (this.#state.phase === 'disposed') throw this.#state.disposedError('createChild');
    const child = new Container({ name });
    child.#parent = this;
    child.#lookup = new BindingLookup(this.#lookup);
    child.#slots = this.#slots;
    this.#children.push(child);
    return child;
  }

  /**
   * Validates every provider of this container and compiles them into resolver closures.
   * Registration afterwards throws `WEFT_DI_FROZEN`. Freezing again does nothing. The parent
   * must be frozen first.
   *
   * @throws DiError `WEFT_DI_MISSING`, `WEFT_DI_CYCLE`, `WEFT_DI_SCOPE`, `WEFT_DI_UNRESOLVABLE_PARAM`, `WEFT_DI_NOT_FROZEN`.
   * @example
   * ```ts
   * root.freeze();
   * admin.freeze();
   * ```
   */
  freeze(): this {
    if (this.#state.phase === 'frozen') return this;
    if (this.#state.phase === 'disposed') throw this.#state.disposedError('freeze');
    const parent = this.#parent;
    if (parent !== undefined && !parent.frozen) {
      throw new DiError(
        'WEFT_DI_NOT_FROZEN',
        `freeze the parent container "${parent.name}" before its child "${this.name}": a child's providers are validated against its parents`,
      );
    }
    const slots = this.#slots;
    const lookup = this.#lookup;
    lookup.bindings = compileBindings({
      containerName: this.name,
      registrations: this.#table.effective(),
      outer: (token) => lookup.outside(token),
      fallbacks: lookup.allFallbacks(),
      owner: this.#owner,
      allocateSlot: () => slots.count++,
    });
    this.#state.phase = 'frozen';
    this.#serving = true;
    return this;
  }

  /**
   * Creates the singletons made by factories, awaiting those that return promises, in
   * dependency order (a factory may depend on another async singleton, also a parent's),
   * and fetches from the fallback containers the tokens the providers (and the resolvers
   * handed out by `resolverFor`) need, asynchronously where the fallback can, so that a
   * fallback's failure is a startup error (`WEFT_DI_FALLBACK`, with the path). Class
   * singletons stay lazy. Calling it again returns the same promise; after a failure it may
   * be called again.
   *
   * @example
   * ```ts
   * container.freeze();
   * await container.init();
   * ```
   */
  init(): Promise<void> {
    if (this.#state.phase !== 'frozen') return Promise.reject(this.#state.error('init'));
    return (this.#initialising ??= this.#initialise());
  }

  /**
   * Resolves a token outside any request: singletons and transients.
   *
   * @throws DiError `WEFT_DI_MISSING`, `WEFT_DI_NO_SCOPE`, `WEFT_DI_NOT_READY`, `WEFT_DI_NOT_FROZEN`.
   * @example
   * ```ts
   * const pool = container.get(Pool);
   * ```
   */
  get<T>(token: Token<T>): T {
    return this.#bindingOrThrow(token, 'get').resolve() as T;
  }

  /**
   * Like {@link Container.get}, but `undefined` when nothing provides the token.
   *
   * @example
   * ```ts
   * const tracer = container.getOptional(Tracer);
   * ```
   */
  getOptional<T>(token: Token<T>): T | undefined {
    this.#state.assertFrozen('getOptional');
    return this.lookup(token)?.resolveOptional() as T | undefined;
  }

  /**
   * The compiled resolver of a token: call this once at startup (per route), then call the
   * returned closure per request with the request scope. It does no lookups.
   *
   * @example
   * ```ts
   * const resolveController = container.resolverFor(UsersController);
   * const withScope = container.needsScope(UsersController);
   * // per request:
   * const controller = resolveController(withScope ? request.scope : undefined);
   * ```
   */
  resolverFor<T>(token: Token<T>, options?: { optional?: false }): Resolver<T>;
  resolverFor<T>(token: Token<T>, options: ResolverOptions): Resolver<T | undefined>;
  resolverFor<T>(token: Token<T>, options: ResolverOptions = {}): Resolver<T | undefined> {
    if (options.optional === true) {
      this.#state.assertFrozen('resolverFor');
      const binding = this.lookup(token);
      if (binding !== undefined) this.#handedOut.add(binding);
      return (binding === undefined ? () => undefined : binding.resolveOptional) as Resolver<T | undefined>;
    }
    const binding = this.#bindingOrThrow(token, 'resolverFor');
    this.#handedOut.add(binding);
    return binding.resolve as Resolver<T>;
  }

  /**
   * Whether resolving `token` needs a request scope: it, or anything it depends on, is
   * request-scoped or declared per request. Routes for which this is false never create one.
   *
   * @example
   * ```ts
   * container.needsScope(HealthController); // false: only singletons
   * ```
   */
  needsScope(token: Token): boolean {
    return this.#bindingOrThrow(token, 'needsScope').needsScope;
  }

  /**
   * A new request scope resolving from this container (one per HTTP request or websocket
   * connection). Cheap: one small object.
   *
   * @example
   * ```ts
   * const scope = admin.createScope(); // sees admin's providers, then root's
   * ```
   */
  createScope(): RequestScope {
    // hot path
    if (!this.#serving) throw this.#state.error('createScope');
    return new RequestScope(this);
  }

  /**
   * Disposes the child containers (last created first), then the instances this container
   * created (singletons, and transients resolved outside a scope), in reverse creation order.
   * Values given with `provide`/`useValue` and fallback instances are not disposed. Every
   * error is kept in one `DisposeError`. Calling it again returns the same promise.
   *
   * @example
   * ```ts
   * await container.dispose();
   * ```
   */
  dispose(): Promise<void> {
    return (this.#disposing ??= this.#disposeAll());
  }

  /** @internal The compiled binding of a token, walking up to the parents and fallbacks (frozen containers only). */
  lookup(token: Token): Binding | undefined {
    return this.#lookup.find(token);
  }

  #bindingOrThrow(token: Token, method: string): Binding {
    this.#state.assertFrozen(method);
    const binding = this.lookup(token);
    if (binding !== undefined) return binding;
    const name = tokenName(token);
    // a lookup at run time gets the advice; resolverFor and needsScope callers (the compile step) add their own
    const advice = method === 'get' ? `. ${this.missingAdvice(token)}` : '';
    throw new DiError('WEFT_DI_MISSING', `no provider for ${name} in container "${this.name}" or its parents${advice}`, [name]);
  }

  /** @internal The advice of a `WEFT_DI_MISSING` for a lookup of `token` at run time (`get`, `scope.get`). */
  missingAdvice(token: Token): string {
    return missingProviderAdvice(token, this.#lookup.allFallbacks(), 'use getOptional()');
  }

  async #initialise(): Promise<void> {
    try {
      await initialiseBindings([...this.#lookup.bindings!.values(), ...this.#handedOut]);
    } catch (error) {
      this.#initialising = undefined;
      throw error;
    }
  }

  async #disposeAll(): Promise<void> {
    this.#state.phase = 'disposed';
    this.#serving = false;
    const errors: unknown[] = [];
    const collect = (error: unknown): void => {
      errors.push(...(error instanceof DisposeError ? error.errors : [error]));
    };
    for (const child of [...this.#children].reverse()) {
      // a child disposed on its own already reported its errors to whoever awaited that
      if (child.#disposing !== undefined) await child.#disposing.catch(() => undefined);
      else await child.dispose().catch(collect);
    }
    await this.#owner.dispose().catch(collect);
    if (errors.length > 0) throw new DisposeError(errors, `container "${this.name}"`);
  }
}

function invalidArgument(detail: string): DiError {
  return new DiError('WEFT_DI_INVALID_ARGUMENT', detail);
}
