/**
 * Makers: the closures that build one new instance (`new C(a(s), b(s))` or a factory call)
 * from the resolvers of its dependencies. Every lifetime's resolver calls one. Hot path.
 */
import type { Resolver } from './binding.js';

/**
 * A maker: builds one new instance from the dependency resolvers (`new C(a(s), b(s))`),
 * unrolled for small arities so that V8 sees a plain call. When every dependency is a
 * singleton (`stable`), they are resolved on the first call and the instances themselves
 * are passed from then on: a request-scoped service over singletons costs one `new`.
 *
 * @example
 * ```ts
 * const make = classMaker(UserRepo, [resolveDb], true);
 * make(scope); // new UserRepo(db)
 * ```
 */
export function classMaker(cls: new (...args: never[]) => unknown, deps: readonly Resolver<unknown>[], stable = false): Resolver<unknown> {
  const C = cls as new (...args: unknown[]) => unknown;
  if (stable && deps.length > 0 && deps.length <= 3) return stableClassMaker(C, deps);
  // hot path
  switch (deps.length) {
    case 0:
      return () => new C();
    case 1: {
      const [a] = deps;
      return (s) => new C(a(s));
    }
    case 2: {
      const [a, b] = deps;
      return (s) => new C(a(s), b(s));
    }
    case 3: {
      const [a, b, c] = deps;
      return (s) => new C(a(s), b(s), c(s));
    }
    default:
      return (s) => new C(...deps.map((d) => d(s)));
  }
}

/** {@link classMaker} over 1 to 3 singletons: resolved once (all or none: NOT_READY retries), then passed as values. */
function stableClassMaker(C: new (...args: unknown[]) => unknown, deps: readonly Resolver<unknown>[]): Resolver<unknown> {
  // separate variables, not an array: destructuring would cost more than the calls it saves
  let ready = false;
  let a: unknown;
  let b: unknown;
  let c: unknown;
  const resolveAll = (): void => {
    const values = deps.map((dep) => dep());
    a = values[0];
    b = values[1];
    c = values[2];
    ready = true;
  };
  // hot path
  switch (deps.length) {
    case 1:
      return () => {
        if (!ready) resolveAll();
        return new C(a);
      };
    case 2:
      return () => {
        if (!ready) resolveAll();
        return new C(a, b);
      };
    default:
      return () => {
        if (!ready) resolveAll();
        return new C(a, b, c);
      };
  }
}

/** Whether the factory a maker of {@link factoryMaker} called last returned one of its arguments. */
let passedOn = false;
/** The arguments of the last call of a singleton's factory maker (see {@link takeArguments}). */
let lastArguments: readonly unknown[] = [];

/**
 * Whether the factory just called (by a maker of {@link factoryMaker}) returned one of its
 * own arguments (`(pool: Pool) => pool`): that object is its giver's, not the factory
 * provider's to dispose. Read by the resolver right after the maker returned (all
 * synchronous: no other factory runs in between), and reset.
 *
 * @example
 * ```ts
 * const instance = make(scope);
 * if (!passedOnArgument() && isDisposable(instance)) scope.track(instance);
 * ```
 */
export function passedOnArgument(): boolean {
  const was = passedOn;
  passedOn = false;
  return was;
}

/**
 * The arguments a singleton's factory (a maker of {@link factoryMaker} with `singleton`)
 * was just called with (`[]` after any other maker), and resets them: what an async factory resolves to is compared
 * with them once it settles, as {@link passedOnArgument} compares a synchronous product.
 *
 * @example
 * ```ts
 * const promise = make(undefined);
 * const args = takeArguments();
 * const value = await promise;
 * if (!args.includes(value) && isDisposable(value)) owner.track(value);
 * ```
 */
export function takeArguments(): readonly unknown[] {
  const was = lastArguments;
  lastArguments = [];
  return was;
}

/**
 * Like {@link classMaker}, for a factory function. Each call also says, through
 * {@link passedOnArgument}, whether the factory returned one of its arguments; a
 * `singleton`'s also leaves its arguments for {@link takeArguments} (its product may be a
 * promise, compared with them once settled).
 *
 * @example
 * ```ts
 * const make = factoryMaker((db: Db) => new Repo(db), [resolveDb]);
 * ```
 */
export function factoryMaker(fn: (...args: never[]) => unknown, deps: readonly Resolver<unknown>[], stable = false, singleton = false): Resolver<unknown> {
  const f = fn as (...args: unknown[]) => unknown;
  if (stable && deps.length > 0) {
    // singletons: resolved on the first successful call, then passed as values
    let values: unknown[] | undefined;
    return () => {
      values ??= deps.map((dep) => dep());
      const made = f(...values);
      passedOn = values.includes(made);
      if (singleton) lastArguments = values;
      return made;
    };
  }
  if (singleton) {
    // made once: no need for the allocation-free paths below
    return (s) => {
      const args = deps.map((d) => d(s));
      const made = f(...args);
      passedOn = args.includes(made);
      lastArguments = args;
      return made;
    };
  }
  switch (deps.length) {
    case 0:
      return () => {
        const made = f();
        passedOn = false;
        return made;
      };
    case 1: {
      const [a] = deps;
      return (s) => {
        const x = a(s);
        const made = f(x);
        passedOn = made === x;
        return made;
      };
    }
    case 2: {
      const [a, b] = deps;
      return (s) => {
        const x = a(s);
        const y = b(s);
        const made = f(x, y);
        passedOn = made === x || made === y;
        return made;
      };
    }
    default:
      return (s) => {
        const args = deps.map((d) => d(s));
        const made = f(...args);
        passedOn = args.includes(made);
        return made;
      };
  }
}
