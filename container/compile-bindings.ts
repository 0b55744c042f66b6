/**
 * The compile step of `freeze()`: validates one container's registrations and turns each
 * into a {@link Binding} whose resolver captures the resolvers of its dependencies. All
 * startup errors (missing provider, cycle, scope violation, unresolvable parameter) are
 * raised here, with the whole path that led to them.
 */
import type { Binding, Resolver } from './binding.js';
import { DiError } from './errors.js';
import type { ExternalContainer } from './external-container.js';
import { FallbackError } from './fallback-error.js';
import { readConstructorParameters, unresolvableTypeReason } from './injection-metadata.js';
import type { InstanceOwner } from './instance-owner.js';
import { isOptionalDependency, type Dependency } from './provider.js';
import type { Recipe, Registration } from './registration.js';
import { classMaker, factoryMaker } from './makers.js';
import { missingProviderAdvice } from './missing-provider.js';
import { declaredResolver, requestResolver } from './request-resolvers.js';
import { asyncSingletonResolver, singletonResolver, transientResolver, valueResolver } from './resolvers.js';
import type { Scope } from './scope.js';
import type { Token } from './token.js';
import { tokenName } from './token.js';

/**
 * What the compile step needs from the container being frozen.
 *
 * @example
 * ```ts
 * compileBindings({ containerName: 'root', registrations, outer: () => undefined, fallbacks: [], owner, allocateSlot });
 * ```
 */
export interface CompileInput {
  readonly containerName: string;
  /** The effective registrations (overrides applied), in registration order. */
  readonly registrations: ReadonlyMap<Token, Registration>;
  /** Looks a token up outside this container: parents (already frozen), then fallbacks. */
  readonly outer: (token: Token) => Binding | undefined;
  /** The fallback containers of this container and its parents, nearest first, for error messages. */
  readonly fallbacks: readonly ExternalContainer[];
  readonly owner: InstanceOwner;
  /** Gives a request-scoped provider its slot in every RequestScope of the container tree. */
  readonly allocateSlot: () => number;
}

/** One parameter of a class or factory, with how errors describe its position. */
interface Parameter {
  readonly token: Token | undefined;
  readonly optional: boolean;
  readonly position: string;
  readonly unresolvable?: string;
}

/**
 * Compiles every registration of one container, roots first so that errors show the
 * longest path (`UsersController -> UsersService -> Key(db)`).
 *
 * @throws DiError `WEFT_DI_MISSING`, `WEFT_DI_CYCLE`, `WEFT_DI_SCOPE`, `WEFT_DI_UNRESOLVABLE_PARAM`,
 *   `WEFT_DI_INVALID_PROVIDER`.
 * @example
 * ```ts
 * const bindings = compileBindings(input);
 * bindings.get(UsersService)!.resolve();
 * ```
 */
export function compileBindings(input: CompileInput): Map<Token, Binding> {
  const { registrations, outer, owner, containerName } = input;
  const compiled = new Map<Token, Binding>();
  const stack: string[] = [];
  const visiting = new Map<Token, number>();
  const parameters = new Map<Token, readonly Parameter[]>();

  const parametersOf = (registration: Registration): readonly Parameter[] => {
    let found = parameters.get(registration.token);
    if (found === undefined) parameters.set(registration.token, (found = describeParameters(registration)));
    return found;
  };

  const bindingOf = (token: Token): Binding | undefined => {
    const done = compiled.get(token);
    if (done !== undefined) return done;
    const registration = registrations.get(token);
    if (registration === undefined) return outerOf(token);
    const at = visiting.get(token);
    if (at !== undefined) {
      const path = [...stack.slice(at), registration.name];
      throw new DiError(
        'WEFT_DI_CYCLE',
        `${path.join(' -> ')}: these providers depend on each other in a cycle; break it, e.g. by moving what they share into a provider of its own`,
        path,
      );
    }
    visiting.set(token, stack.length);
    stack.push(registration.name);
    try {
      const binding = build(registration);
      compiled.set(token, binding);
      return binding;
    } finally {
      stack.pop();
      visiting.delete(token);
    }
  };

  /** A token from outside this container; a fallback's error gets the path that needed the token. */
  const outerOf = (token: Token): Binding | undefined => {
    try {
      return outer(token);
    } catch (error) {
      throw error instanceof FallbackError ? error.at(stack) : error;
    }
  };

  /** The binding of one dependency, or a missing-provider error with the path; `undefined` if optional and missing. */
  const dependencyOf = (parameter: Parameter): Binding | undefined => {
    if (parameter.token === undefined) {
      throw new DiError(
        'WEFT_DI_UNRESOLVABLE_PARAM',
        `cannot inject ${parameter.position}: ${parameter.unresolvable} (at ${stack.join(' -> ')})`,
        [...stack],
      );
    }
    const binding = bindingOf(parameter.token);
    if (binding !== undefined || parameter.optional) return binding;
    const name = tokenName(parameter.token);
    const path = [...stack, name];
    throw new DiError(
      'WEFT_DI_MISSING',
      `no provider for ${name}, needed by ${parameter.position}, in container "${containerName}" or its parents: ${path.join(' -> ')}. ` +
        missingProviderAdvice(parameter.token, input.fallbacks),
      path,
    );
  };

  const build = (registration: Registration): Binding => {
    const { token, name, recipe } = registration;
    switch (recipe.kind) {
      case 'value': {
        const resolve = valueResolver(recipe.value);
        return binding(token, name, 'value', 'singleton', resolve, [], undefined);
      }
      case 'declared': {
        // declared again below a parent that declares it: one slot, so a value provided
        // through either container is seen by the providers of both
        const inherited = outer(token);
        if (inherited?.kind === 'declared') return inherited;
        const slot = input.allocateSlot();
        const resolve = declaredResolver(slot, name, false);
        return {
          ...binding(token, name, 'declared', 'request', resolve, [], undefined),
          resolveOptional: declaredResolver(slot, name, true),
          declaredSlot: slot,
          needsScope: true,
          scopeChain: [name],
          scopeOrigin: `${name}, declared per request`,
        };
      }
      case 'existing': {
        const target = dependencyOf({ token: recipe.target, optional: false, position: `the alias ${name} (useExisting)` })!;
        return {
          ...target,
          token,
          name,
          kind: 'existing',
          scopeChain: target.needsScope ? [name, ...target.scopeChain] : [],
          dependencies: [target],
          prepare: undefined,
        };
      }
      case 'class':
      case 'factory':
        return buildConstructed(registration, recipe);
    }
  };

  const buildConstructed = (registration: Registration, recipe: Extract<Recipe, { kind: 'class' | 'factory' }>): Binding => {
    const { token, name } = registration;
    const dependencies: Binding[] = [];
    const resolvers: Resolver<unknown>[] = [];
    let needy: Binding | undefined;
    for (const parameter of parametersOf(registration)) {
      const dependency = dependencyOf(parameter);
      resolvers.push(
        dependency === undefined ? valueResolver(undefined) : parameter.optional ? dependency.resolveOptional : dependency.resolve,
      );
      if (dependency === undefined) continue;
      dependencies.push(dependency);
      if (dependency.needsScope && needy === undefined) needy = dependency;
    }
    if (needy !== undefined && recipe.scope === 'singleton') {
      const path = [...stack, ...needy.scopeChain];
      throw new DiError(
        'WEFT_DI_SCOPE',
        `singleton ${name} cannot depend on ${needy.scopeOrigin}: ${path.join(' -> ')}. ` +
          `A singleton outlives every request, so it would keep one request's instance; make ${name} request-scoped or transient, or resolve the per-request value in a request-scoped provider`,
        path,
      );
    }
    const isFactory = recipe.kind === 'factory';
    // singletons never change once made: pass them as values; not a fallback's token (or an
    // alias of one), which its container may make anew for every injection (learnt only
    // when it is first fetched)
    const stable = dependencies.length === resolvers.length && dependencies.every((d) => d.scope === 'singleton' && d.fallbackName === undefined);
    const isAsync = isFactory && isAsyncFunction(recipe.factory);
    let make = isFactory ? factoryMaker(recipe.factory, resolvers, stable, recipe.scope === 'singleton') : classMaker(recipe.useClass, resolvers, stable);
    if (isFactory && recipe.scope !== 'singleton') make = settledOnly(make, name, recipe.scope);
    if (isAsync && recipe.scope !== 'singleton') {
      throw new DiError(
        'WEFT_DI_INVALID_PROVIDER',
        `invalid provider for ${name}: an async factory must be a singleton (resolved by container.init()), not ${recipe.scope}; request-time resolution is synchronous`,
        [...stack],
      );
    }
    const kind = recipe.kind;
    switch (recipe.scope) {
      case 'singleton': {
        if (!isFactory) return binding(token, name, kind, 'singleton', singletonResolver(make, owner, name, isFactory), dependencies, undefined);
        const { resolve, prepare } = asyncSingletonResolver(make, isAsync, owner, name);
        return binding(token, name, kind, 'singleton', resolve, dependencies, prepare);
      }
      case 'transient': {
        const resolve = transientResolver(make, owner, name, isFactory);
        const base = binding(token, name, kind, 'transient', resolve, dependencies, undefined);
        if (needy === undefined) return base;
        return { ...base, needsScope: true, scopeChain: [name, ...needy.scopeChain], scopeOrigin: needy.scopeOrigin };
      }
      case 'request': {
        const resolve = requestResolver(make, input.allocateSlot(), name, isFactory);
        const base = binding(token, name, kind, 'request', resolve, dependencies, undefined);
        return { ...base, needsScope: true, scopeChain: [name], scopeOrigin: `request-scoped ${name}` };
      }
    }
  };

  // Roots (tokens no other registration here depends on) first: their errors carry the longest path.
  const referenced = new Set<Token>();
  for (const registration of registrations.values()) {
    const { recipe } = registration;
    if (recipe.kind === 'existing') referenced.add(recipe.target);
    if (recipe.kind === 'class' || recipe.kind === 'factory') {
      for (const parameter of parametersOf(registration)) if (parameter.token !== undefined) referenced.add(parameter.token);
    }
  }
  const order = [...registrations.keys()];
  for (const token of [...order.filter((t) => !referenced.has(t)), ...order.filter((t) => referenced.has(t))]) bindingOf(token);
  return compiled;
}

/** A binding that needs no request scope; the request and transient cases extend it. */
function binding(
  token: Token,
  name: string,
  kind: Binding['kind'],
  scope: Scope,
  resolve: Resolver<unknown>,
  dependencies: readonly Binding[],
  prepare: Binding['prepare'],
): Binding {
  return {
    token,
    name,
    kind,
    scope,
    resolve,
    resolveOptional: resolve,
    needsScope: false,
    scopeChain: [],
    scopeOrigin: '',
    dependencies,
    declaredSlot: undefined,
    prepare,
  };
}

/** The parameters of a class (explicit deps, else metadata) or a factory, with their positions. */
function describeParameters(registration: Registration): readonly Parameter[] {
  const { name, recipe } = registration;
  if (recipe.kind === 'factory') return fromDeps(recipe.deps, (i) => `dependency #${i + 1} of the factory for ${name}`);
  if (recipe.kind !== 'class') return [];
  const cls = recipe.useClass;
  const className = tokenName(cls);
  const position = (i: number): string => `parameter #${i + 1} of ${className}`;
  if (recipe.deps !== undefined) return fromDeps(recipe.deps, position);
  const metadata = readConstructorParameters(cls);
  if (metadata === undefined) {
    const inherited = inheritedConstructor(cls);
    const length = inherited === undefined ? cls.length : inherited.length;
    if (length === 0) return [];
    const reason =
      inherited === undefined
        ? `${className} has no DI metadata: decorate it with @Injectable() (with emitDecoratorMetadata on), ` +
          `use @Inject() on its parameters, or give deps in a class provider`
        : `${className} inherits the constructor of ${tokenName(inherited)}, which has no DI metadata: decorate ` +
          `${tokenName(inherited)} with @Injectable() (with emitDecoratorMetadata on), or give ${className} a constructor of its own`;
    return Array.from({ length }, (_, i) => ({ token: undefined, optional: false, position: position(i), unresolvable: reason }));
  }
  return metadata.map((p) => ({
    token: p.token,
    optional: p.optional,
    position: position(p.index),
    // a type that gives no token: the advice goes with it (the missing-metadata reasons carry their own)
    unresolvable: p.token === undefined ? `${unresolvableTypeReason(p.designType)}. Add @Inject(token) to that parameter, or give deps in a class provider` : undefined,
  }));
}

/**
 * The parent class whose constructor `cls` runs when `cls` declares none of its own (a
 * `class UsersController extends CrudController {}`): its parameters are the ones to fill.
 * Undefined when `cls` has its own constructor or extends nothing.
 */
function inheritedConstructor(cls: AnyClass): AnyClass | undefined {
  let current = cls;
  while (!/\bconstructor\s*\(/.test(Function.prototype.toString.call(current))) {
    const parent = Object.getPrototypeOf(current) as unknown;
    if (typeof parent !== 'function' || parent === Function.prototype) return current === cls ? undefined : current;
    current = parent as AnyClass;
  }
  return current === cls ? undefined : current;
}

type AnyClass = abstract new (...args: never[]) => unknown;

function fromDeps(deps: readonly Dependency[], position: (index: number) => string): Parameter[] {
  return deps.map((dep, i) =>
    isOptionalDependency(dep)
      ? { token: dep.token, optional: true, position: position(i) }
      : { token: dep, optional: false, position: position(i) },
  );
}

/** `async function` / `async () =>`: known to return a promise without being called. */
function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'AsyncFunction';
}

/**
 * A request or transient factory's product, which must not be a promise: resolution at
 * request time is synchronous, so a promise would be injected as the service itself (an
 * `async` factory is refused at compile; one returning a promise is caught here).
 */
function settledOnly(make: Resolver<unknown>, name: string, scope: Scope): Resolver<unknown> {
  return (s) => {
    const value = make(s);
    if (typeof (value as { then?: unknown } | null)?.then === 'function') {
      throw new DiError(
        'WEFT_DI_INVALID_PROVIDER',
        `invalid provider for ${name}: its factory returned a promise, which a ${scope} provider cannot wait for (request-time resolution is synchronous); make it a singleton, resolved by container.init()`,
        [name],
      );
    }
    return value;
  };
}
