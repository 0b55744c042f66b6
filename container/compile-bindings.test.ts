import type { Binding } from './binding.js';
import { Container } from './container.js';
import { compileBindings, type CompileInput } from './compile-bindings.js';
import { DiError } from './errors.js';
import { recordInjectable, recordParameterOptional, recordParameterToken } from './injection-metadata.js';
import { InstanceOwner } from './instance-owner.js';
import { Key } from './key.js';
import type { Registration } from './registration.js';
import { classRegistration, declaredRegistration, providerRegistration } from './registration.js';
import type { Token } from './token.js';
import { thrownBy } from './thrown-by.test-support.js';

const injectable = (): ClassDecorator => (target) => recordInjectable(target, {});
const inject = (token: Token): ParameterDecorator => (target, key, index) => recordParameterToken(target, key, index, token);
const opt = (): ParameterDecorator => (target, key, index) => recordParameterOptional(target, key, index);

function compile(registrations: Registration[], outer: (token: Token) => Binding | undefined = () => undefined) {
  let slots = 0;
  const input: CompileInput = {
    containerName: 'root',
    registrations: new Map(registrations.map((r) => [r.token, r])),
    outer,
    fallbacks: [],
    owner: new InstanceOwner('container "root"'),
    allocateSlot: () => slots++,
  };
  return { bindings: compileBindings(input), slots: () => slots };
}

const errorOf = (fn: () => unknown): DiError => thrownBy(fn, DiError);

const cls = (c: abstract new (...args: never[]) => unknown, scope?: 'singleton' | 'request' | 'transient') =>
  classRegistration(c as new () => unknown, scope);

describe('compileBindings', () => {
  test('compiles every registration into a binding with its resolver', () => {
    const Db = new Key<string>('db');
    @injectable()
    class Repo {
      constructor(@inject(Db) readonly db: string) {}
    }
    const { bindings } = compile([cls(Repo), providerRegistration(Db, { useValue: 'pg' })]);
    const repo = bindings.get(Repo)!;
    expect(repo.kind).toBe('class');
    expect(repo.scope).toBe('singleton');
    expect(repo.needsScope).toBe(false);
    expect(repo.dependencies).toEqual([bindings.get(Db)]);
    expect((repo.resolve() as Repo).db).toBe('pg');
  });

  test('starts from the roots, so the missing-provider path is the longest', () => {
    const Db = new Key<string>('db');
    @injectable()
    class Service {
      constructor(@inject(Db) readonly db: string) {}
    }
    @injectable()
    class Controller {
      constructor(readonly service: Service) {}
    }
    const error = errorOf(() => compile([cls(Service), cls(Controller)]));
    expect(error.path).toEqual(['Controller', 'Service', 'Key(db)']);
  });

  test('a cycle is WEFT_DI_CYCLE with the cycle as path', () => {
    class A {
      constructor(readonly b: unknown) {}
    }
    class B {
      constructor(readonly a: unknown) {}
    }
    const error = errorOf(() =>
      compile([providerRegistration(A, { useClass: A, deps: [B] }), providerRegistration(B, { useClass: B, deps: [A] })]),
    );
    expect(error.code).toBe('WEFT_DI_CYCLE');
    expect(error.path).toEqual(['A', 'B', 'A']);
    expect(error.message).toBe(
      'WEFT_DI_CYCLE: A -> B -> A: these providers depend on each other in a cycle; break it, e.g. by moving what they share into a provider of its own',
    );
  });

  test('a cycle entered from outside names only the cycle', () => {
    class Root {}
    class A {}
    class B {}
    const error = errorOf(() =>
      compile([
        providerRegistration(Root, { useClass: Root, deps: [A] }),
        providerRegistration(A, { useClass: A, deps: [B] }),
        providerRegistration(B, { useClass: B, deps: [A] }),
      ]),
    );
    expect(error.path).toEqual(['A', 'B', 'A']);
  });

  test('a cycle through aliases is found too', () => {
    const A = new Key('a');
    const B = new Key('b');
    const error = errorOf(() => compile([providerRegistration(A, { useExisting: B }), providerRegistration(B, { useExisting: A })]));
    expect(error.code).toBe('WEFT_DI_CYCLE');
    expect(error.path).toEqual(['Key(a)', 'Key(b)', 'Key(a)']);
  });

  test('an alias to nothing is WEFT_DI_MISSING naming the alias', () => {
    const Logger = new Key('logger');
    const error = errorOf(() => compile([providerRegistration(Logger, { useExisting: 'pino' })]));
    expect(error.message).toContain('no provider for "pino", needed by the alias Key(logger) (useExisting)');
    expect(error.path).toEqual(['Key(logger)', '"pino"']);
  });

  test('an alias shares the target binding (same instance, same scope needs)', () => {
    const User = new Key<string>('user');
    const Alias = new Key<string>('alias');
    const { bindings } = compile([declaredRegistration(User, { scope: 'request' }), providerRegistration(Alias, { useExisting: User })]);
    const alias = bindings.get(Alias)!;
    expect(alias.kind).toBe('existing');
    expect(alias.needsScope).toBe(true);
    expect(alias.scopeChain).toEqual(['Key(alias)', 'Key(user)']);
    expect(alias.declaredSlot).toBe(bindings.get(User)!.declaredSlot);
  });

  test('a parameter with an interface or primitive type and no @Inject is WEFT_DI_UNRESOLVABLE_PARAM', () => {
    interface Mailer {
      send(): void;
    }
    @injectable()
    class Signup {
      constructor(
        readonly name: string,
        readonly mailer: Mailer,
      ) {}
    }
    const error = errorOf(() => compile([cls(Signup)]));
    expect(error.code).toBe('WEFT_DI_UNRESOLVABLE_PARAM');
    expect(error.path).toEqual(['Signup']);
    expect(error.message).toBe(
      'WEFT_DI_UNRESOLVABLE_PARAM: cannot inject parameter #1 of Signup: its type is the built-in String, which weft cannot build. ' +
        'Add @Inject(token) to that parameter, or give deps in a class provider (at Signup)',
    );
    const Name = new Key<string>('name');
    @injectable()
    class Second {
      constructor(
        @inject(Name) readonly name: string,
        readonly mailer: Mailer,
      ) {}
    }
    expect(errorOf(() => compile([cls(Second), providerRegistration(Name, { useValue: 'n' })])).message).toContain(
      'cannot inject parameter #2 of Second: its type is Object: an interface, union or any leaves no runtime token.',
    );
  });

  test('a class with constructor parameters and no metadata is WEFT_DI_UNRESOLVABLE_PARAM', () => {
    class Plain {
      constructor(readonly a: unknown) {}
    }
    expect(errorOf(() => compile([cls(Plain)])).message).toBe(
      'WEFT_DI_UNRESOLVABLE_PARAM: cannot inject parameter #1 of Plain: Plain has no DI metadata: decorate it with @Injectable() (with emitDecoratorMetadata on), ' +
        'use @Inject() on its parameters, or give deps in a class provider (at Plain)',
    );
    class NoArgs {}
    expect(compile([cls(NoArgs)]).bindings.get(NoArgs)!.resolve()).toBeInstanceOf(NoArgs);
  });

  test('a class inheriting the constructor of an undecorated parent with parameters is WEFT_DI_UNRESOLVABLE_PARAM', () => {
    class Repo {}
    abstract class BaseController {
      constructor(readonly repo: Repo) {}
    }
    class UsersController extends BaseController {}
    expect(errorOf(() => compile([cls(UsersController), cls(Repo)])).message).toContain(
      'cannot inject parameter #1 of UsersController: UsersController inherits the constructor of BaseController, which has no DI metadata: decorate BaseController with @Injectable()',
    );
    // a constructor of its own, or a decorated parent, is fine
    class OwnConstructor extends BaseController {
      constructor() {
        super(new Repo());
      }
    }
    expect(compile([cls(OwnConstructor)]).bindings.get(OwnConstructor)!.resolve()).toBeInstanceOf(OwnConstructor);
    @injectable()
    class DecoratedBase {
      constructor(readonly repo: Repo) {}
    }
    class Inheriting extends DecoratedBase {}
    const built = compile([cls(Inheriting), cls(Repo)]).bindings.get(Inheriting)!.resolve() as Inheriting;
    expect(built.repo).toBeInstanceOf(Repo);
  });

  test('an optional parameter with no provider receives undefined and adds no dependency', () => {
    @injectable()
    class Cache {
      constructor(@opt() @inject(new Key('redis')) readonly redis?: unknown) {}
    }
    const binding = compile([cls(Cache)]).bindings.get(Cache)!;
    expect(binding.dependencies).toEqual([]);
    expect((binding.resolve() as Cache).redis).toBeUndefined();
  });

  test('an async factory that is not a singleton is WEFT_DI_INVALID_PROVIDER', () => {
    const Row = new Key('row');
    const error = errorOf(() => compile([providerRegistration(Row, { useFactory: async () => 1, scope: 'request' })]));
    expect(error.message).toBe(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Key(row): an async factory must be a singleton (resolved by container.init()), not request; request-time resolution is synchronous',
    );
  });

  test('a request or transient factory returning a promise is WEFT_DI_INVALID_PROVIDER when resolved, not injected as the service', () => {
    const Row = new Key('row');
    const { bindings } = compile([providerRegistration(Row, { useFactory: () => Promise.resolve(1), scope: 'transient' })]);
    expect(() => bindings.get(Row)!.resolve()).toThrow(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Key(row): its factory returned a promise, which a transient provider cannot wait for (request-time resolution is synchronous); make it a singleton, resolved by container.init()',
    );
    const Plain = new Key('plain');
    const plain = compile([providerRegistration(Plain, { useFactory: () => ({ then: 1 }), scope: 'transient' })]);
    expect(plain.bindings.get(Plain)!.resolve()).toEqual({ then: 1 }); // not a thenable
  });

  test('request-scoped providers and declared tokens get slots; singletons do not', () => {
    const User = new Key('user');
    class PerRequest {}
    class Shared {}
    const { bindings, slots } = compile([
      declaredRegistration(User, { scope: 'request' }),
      cls(PerRequest, 'request'),
      cls(Shared, 'singleton'),
    ]);
    expect(slots()).toBe(2);
    expect(bindings.get(PerRequest)!.scopeOrigin).toBe('request-scoped PerRequest');
    expect(bindings.get(User)!.scopeOrigin).toBe('Key(user), declared per request');
    expect(bindings.get(Shared)!.needsScope).toBe(false);
  });

  test('dependencies outside the container come from `outer`; a declaration there is reused', () => {
    const User = new Key('user');
    const parent = compile([declaredRegistration(User, { scope: 'request' })]).bindings;
    const { bindings, slots } = compile([declaredRegistration(User, { scope: 'request' })], (token) => parent.get(token));
    expect(bindings.get(User)).toBe(parent.get(User));
    expect(slots()).toBe(0);
  });

  test('singleton factories get prepare(); values, classes and aliases do not', () => {
    const F = new Key('f');
    const V = new Key('v');
    class C {}
    const { bindings } = compile([providerRegistration(F, { useFactory: () => 1 }), providerRegistration(V, { useValue: 2 }), cls(C)]);
    expect(typeof bindings.get(F)!.prepare).toBe('function');
    expect(bindings.get(V)!.prepare).toBeUndefined();
    expect(bindings.get(C)!.prepare).toBeUndefined();
  });

  test('a request-scoped class over singletons resolves them once for all scopes', () => {
    let made = 0;
    const Pool = new Key<{ n: number }>('pool');
    class Repo {
      constructor(readonly pool: { n: number }) {}
    }
    const { bindings } = compile([
      providerRegistration(Repo, { useClass: Repo, deps: [Pool], scope: 'request' }),
      providerRegistration(Pool, { useFactory: () => ({ n: ++made }) }),
    ]);
    const resolve = bindings.get(Repo)!.resolve;
    const container = new Container().freeze();
    const one = resolve(container.createScope()) as Repo;
    const two = resolve(container.createScope()) as Repo;
    expect(one).not.toBe(two);
    expect(one.pool).toBe(two.pool);
    expect(made).toBe(1);
  });

  test('explicit deps of a class provider replace its metadata', () => {
    const A = new Key<number>('a');
    class Sum {
      constructor(
        readonly a: number,
        readonly b?: number,
      ) {}
    }
    const { bindings } = compile([
      providerRegistration(Sum, { useClass: Sum, deps: [A, { token: new Key('b'), optional: true }] }),
      providerRegistration(A, { useValue: 1 }),
    ]);
    const sum = bindings.get(Sum)!.resolve() as Sum;
    expect([sum.a, sum.b]).toEqual([1, undefined]);
  });
});
