import { Container } from './container.js';
import { DiError, DisposeError } from './errors.js';
import type { ExternalContainer } from './external-container.js';
import { recordInjectable, recordParameterOptional, recordParameterToken } from './injection-metadata.js';
import { Key } from './key.js';
import { optional } from './provider.js';
import type { Scope } from './scope.js';
import type { Token } from './token.js';

// container/ may not import decorators/: these record exactly what @Injectable / @Inject / @Optional do.
const injectable = (scope?: Scope): ClassDecorator => (target) => recordInjectable(target, scope === undefined ? {} : { scope });
const inject = (token: Token): ParameterDecorator => (target, key, index) => recordParameterToken(target, key, index, token);
const opt = (): ParameterDecorator => (target, key, index) => recordParameterOptional(target, key, index);

/** The DiError thrown by `fn`, to assert on code, message and path together. */
function diErrorOf(fn: () => unknown): DiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DiError) return error;
    throw error;
  }
  throw new Error('expected a DiError');
}

const Db = new Key<{ url: string }>('db');
const CurrentUser = new Key<string>('user');

@injectable()
class Config {
  readonly port: number = 8080;
}

@injectable()
class UsersService {
  constructor(@inject(Db) readonly db: { url: string }) {}
}

@injectable()
class UsersController {
  constructor(readonly users: UsersService) {}
}

@injectable('request')
class RequestLog {
  readonly lines: string[] = [];
  constructor(@inject(CurrentUser) readonly user: string) {}
}

describe('registration', () => {
  test('register(Class) uses @Injectable scope, else singleton', () => {
    const container = new Container().provide(CurrentUser, 'x', { override: false });
    container.register(Config).register(RequestLog, { scope: 'transient' });
    container.freeze();
    expect(container.get(Config)).toBe(container.get(Config));
    expect(container.get(RequestLog)).not.toBe(container.get(RequestLog));
  });

  test('register(token, provider) for each provider kind and the { provide } form', () => {
    abstract class Clock {
      abstract now(): number;
    }
    class FixedClock extends Clock {
      now(): number {
        return 42;
      }
    }
    const Alias = new Key<Clock>('alias');
    const Port = new Key<number>('port');
    const container = new Container()
      .register(Clock, { useClass: FixedClock, deps: [] })
      .register(Alias, { useExisting: Clock })
      .register(Port, { useFactory: (clock: Clock) => clock.now() + 1, deps: [Clock] })
      .register({ provide: Db, useValue: { url: 'pg://' } });
    container.freeze();
    expect(container.get(Clock).now()).toBe(42);
    expect(container.get(Alias)).toBe(container.get(Clock));
    expect(container.get(Port)).toBe(43);
    expect(container.get(Db)).toEqual({ url: 'pg://' });
  });

  test('factory parameters are typed from deps', () => {
    const Port = new Key<number>('port');
    const Name = new Key<string>('name');
    const container = new Container()
      .provide(Name, 'svc')
      .provide(Port, 80)
      .register(new Key<string>('url'), { useFactory: (name, port) => `${name.toUpperCase()}:${port.toFixed(0)}`, deps: [Name, Port] });
    // @ts-expect-error a number has no toUpperCase: the parameter is typed from deps
    container.register(new Key<string>('bad'), { useFactory: (port) => port.toUpperCase(), deps: [Port] });
    // @ts-expect-error an optional dependency may be undefined
    container.register(new Key<string>('opt'), { useFactory: (name) => name.toUpperCase(), deps: [optional(Name)] });
    expect(container.has(Port)).toBe(true);
  });

  test('a factory receives optional dependencies as undefined when missing', () => {
    const Greeting = new Key<string>('greeting');
    const container = new Container().register(Greeting, {
      useFactory: (user: string | undefined) => `hello ${user ?? 'stranger'}`,
      deps: [optional(new Key<string>('nobody'))],
    });
    container.freeze();
    expect(container.get(Greeting)).toBe('hello stranger');
  });

  test('registering a token twice is WEFT_DI_DUPLICATE unless { override: true }', () => {
    const container = new Container().provide(Db, { url: 'a' });
    const error = diErrorOf(() => container.provide(Db, { url: 'b' }));
    expect(error.code).toBe('WEFT_DI_DUPLICATE');
    expect(error.message).toBe(
      'WEFT_DI_DUPLICATE: Key(db) is already registered in container "root"; pass { override: true } to replace it, or use container.override() in tests',
    );
    expect(error.path).toEqual(['Key(db)']);
    container.provide(Db, { url: 'b' }, { override: true });
    expect(() => container.register(Config).register(Config)).toThrow('WEFT_DI_DUPLICATE: Config is already registered');
    container.register(Config, { override: true });
    container.freeze();
    expect(container.get(Db).url).toBe('b');
  });

  test('declare() and a registration of the same token are duplicates', () => {
    const container = new Container().declare(CurrentUser, { scope: 'request' });
    expect(() => container.provide(CurrentUser, 'x')).toThrow('WEFT_DI_DUPLICATE');
  });

  test('bad arguments are coded errors that name the token', () => {
    const container = new Container();
    expect(diErrorOf(() => container.register('db' as never)).message).toBe(
      'WEFT_DI_INVALID_TOKEN: register() got "db" as token: strings and symbols are only looked up in a fallback container (inversify, tsyringe); register a class or a Key',
    );
    expect(diErrorOf(() => container.register(Db as never)).message).toBe(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Key(db): a Key needs a provider, e.g. container.register(Key(db), { useValue | useClass | useFactory | useExisting }) or container.provide(Key(db), value)',
    );
    expect(diErrorOf(() => container.register(Config, { useclass: Config } as never)).message).toBe(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Config: unknown option useclass; a provider has one of useClass, useValue, useFactory, useExisting, options are scope, override',
    );
    expect(diErrorOf(() => container.register(Config, { scope: 'session' as Scope })).message).toBe(
      `WEFT_DI_INVALID_PROVIDER: invalid provider for Config: scope "session" is not one of 'singleton', 'request', 'transient'`,
    );
    expect(diErrorOf(() => container.provide(Symbol('x') as never, 1)).code).toBe('WEFT_DI_INVALID_TOKEN');
    expect(diErrorOf(() => container.declare(CurrentUser, { scope: 'singleton' } as never)).message).toBe(
      `WEFT_DI_INVALID_PROVIDER: invalid provider for Key(user): declare(Key(user), options) needs { scope: 'request' } (got "singleton"): only per-request values are declared`,
    );
    expect(diErrorOf(() => container.register({ provide: Db } as never)).message).toBe(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Key(db): a provider needs exactly one of useClass, useValue, useFactory, useExisting (found none)',
    );
    expect(diErrorOf(() => new Container({ name: '' })).message).toBe(
      'WEFT_DI_INVALID_ARGUMENT: a container name must be a non-empty string, got ',
    );
    expect(diErrorOf(() => new Container({ fallbak: { name: 'legacy', has: () => true, get: () => 1 } } as never)).message).toBe(
      'WEFT_DI_INVALID_ARGUMENT: new Container(): unknown option "fallbak" (known: name, fallback)',
    );
  });

  test('has() looks up the chain and the fallbacks; hasOwn() only this container', () => {
    const root = new Container().provide(Db, { url: 'x' });
    const child = root.createChild('admin').register(Config);
    expect(child.has(Db)).toBe(true);
    expect(child.hasOwn(Db)).toBe(false);
    expect(child.hasOwn(Config)).toBe(true);
    expect(root.has(Config)).toBe(false);
    child.declare(CurrentUser);
    expect(child.has(CurrentUser)).toBe(true);
  });
});

describe('freeze', () => {
  test('registration after freeze() is WEFT_DI_FROZEN, for every registering method', () => {
    const container = new Container().freeze();
    const message = (method: string, what: string) =>
      `WEFT_DI_FROZEN: container "root" is frozen: cannot ${method}()${what} after freeze(); register everything before the application starts`;
    expect(diErrorOf(() => container.register(Config)).message).toBe(message('register', ' Config'));
    expect(diErrorOf(() => container.register({ provide: Db, useValue: { url: '' } })).message).toBe(message('register', ' Key(db)'));
    expect(diErrorOf(() => container.provide(Db, { url: '' })).message).toBe(message('provide', ' Key(db)'));
    expect(diErrorOf(() => container.declare(CurrentUser)).message).toBe(message('declare', ' Key(user)'));
    expect(diErrorOf(() => container.override(Db, { useValue: { url: '' } })).message).toBe(message('override', ' Key(db)'));
    expect(diErrorOf(() => container.useFallback({ name: 'x', has: () => false, get: () => undefined })).message).toBe(
      message('useFallback', ''),
    );
  });

  test('resolution before freeze() is WEFT_DI_NOT_FROZEN', async () => {
    const container = new Container().register(Config);
    const message = (method: string) => `WEFT_DI_NOT_FROZEN: container "root" is not frozen: call freeze() before ${method}()`;
    expect(diErrorOf(() => container.get(Config)).message).toBe(message('get'));
    expect(diErrorOf(() => container.getOptional(Config)).message).toBe(message('getOptional'));
    expect(diErrorOf(() => container.resolverFor(Config)).message).toBe(message('resolverFor'));
    expect(diErrorOf(() => container.resolverFor(Config, { optional: true })).message).toBe(message('resolverFor'));
    expect(diErrorOf(() => container.needsScope(Config)).message).toBe(message('needsScope'));
    expect(diErrorOf(() => container.createScope()).message).toBe(message('createScope'));
    await expect(container.init()).rejects.toThrow(message('init'));
  });

  test('freeze() is idempotent and reports frozen', () => {
    const container = new Container();
    expect(container.frozen).toBe(false);
    expect(container.freeze().freeze()).toBe(container);
    expect(container.frozen).toBe(true);
  });

  test('a failed freeze() leaves the container open to fix', () => {
    const container = new Container().register(UsersService);
    expect(() => container.freeze()).toThrow('WEFT_DI_MISSING');
    expect(container.frozen).toBe(false);
    container.provide(Db, { url: 'x' }).freeze();
    expect(container.get(UsersService).db.url).toBe('x');
  });

  test('the missing-provider error carries the whole path from the outermost provider', () => {
    const container = new Container().register(UsersService).register(UsersController);
    const error = diErrorOf(() => container.freeze());
    expect(error.code).toBe('WEFT_DI_MISSING');
    expect(error.path).toEqual(['UsersController', 'UsersService', 'Key(db)']);
    expect(error.message).toBe(
      'WEFT_DI_MISSING: no provider for Key(db), needed by parameter #1 of UsersService, in container "root" or its parents: UsersController -> UsersService -> Key(db). ' +
        'Register it (container.register / container.provide), declare it per request (container.declare), or mark the dependency optional',
    );
  });

  test('a singleton depending on a request-scoped provider is WEFT_DI_SCOPE, naming the chain', () => {
    @injectable()
    class Audit {
      constructor(readonly log: RequestLog) {}
    }
    const container = new Container().declare(CurrentUser).register(RequestLog).register(Audit);
    const error = diErrorOf(() => container.freeze());
    expect(error.code).toBe('WEFT_DI_SCOPE');
    expect(error.path).toEqual(['Audit', 'RequestLog']);
    expect(error.message).toBe(
      'WEFT_DI_SCOPE: singleton Audit cannot depend on request-scoped RequestLog: Audit -> RequestLog. ' +
        "A singleton outlives every request, so it would keep one request's instance; make Audit request-scoped or transient, or resolve the per-request value in a request-scoped provider",
    );
  });

  test('a child is frozen after its parent', () => {
    const root = new Container();
    const child = root.createChild('admin');
    expect(diErrorOf(() => child.freeze()).message).toBe(
      `WEFT_DI_NOT_FROZEN: freeze the parent container "root" before its child "admin": a child's providers are validated against its parents`,
    );
    root.freeze();
    child.freeze();
    expect(child.frozen).toBe(true);
  });

  test('a child may be created and filled after its parent is frozen', () => {
    const root = new Container().provide(Db, { url: 'x' }).freeze();
    const child = root.createChild('late').register(UsersService).freeze();
    expect(child.get(UsersService).db.url).toBe('x');
  });
});

describe('scopes: app, req1, req2', () => {
  test('the worked example of docs/container.md', () => {
    @injectable()
    class Db {}
    @injectable('request')
    class UnitOfWork {
      constructor(readonly db: Db) {}
    }
    @injectable('transient')
    class Stopwatch {}
    @injectable('request')
    class OrdersService {
      constructor(
        readonly uow: UnitOfWork,
        readonly a: Stopwatch,
        readonly b: Stopwatch,
      ) {}
    }
    const app = new Container().register(Db).register(UnitOfWork).register(Stopwatch).register(OrdersService).freeze();
    const req1 = app.createScope();
    const req2 = app.createScope();
    expect(req1.get(OrdersService)).toBe(req1.get(OrdersService));
    expect(req1.get(UnitOfWork)).toBe(req1.get(OrdersService).uow);
    expect(req1.get(UnitOfWork)).not.toBe(req2.get(UnitOfWork));
    expect(req1.get(UnitOfWork).db).toBe(req2.get(UnitOfWork).db);
    expect(app.get(Db)).toBe(req1.get(Db));
    expect(req1.get(OrdersService).a).not.toBe(req1.get(OrdersService).b);
    expect(() => app.get(UnitOfWork)).toThrow('WEFT_DI_NO_SCOPE');
  });

  test('request-scoped: one instance per scope; singletons shared by all scopes', () => {
    @injectable('request')
    class Cart {
      constructor(readonly config: Config) {}
    }
    const app = new Container().register(Config).register(Cart).freeze();
    const req1 = app.createScope();
    const req2 = app.createScope();
    expect(req1.get(Cart)).toBe(req1.get(Cart));
    expect(req2.get(Cart)).not.toBe(req1.get(Cart));
    expect(req1.get(Cart).config).toBe(req2.get(Cart).config);
    expect(req1.get(Config)).toBe(app.get(Config));
  });

  test('transient: a new instance per injection, even within one scope', () => {
    @injectable('transient')
    class Stamp {}
    @injectable('request')
    class Pair {
      constructor(
        readonly a: Stamp,
        readonly b: Stamp,
      ) {}
    }
    const app = new Container().register(Stamp).register(Pair).freeze();
    const pair = app.createScope().get(Pair);
    expect(pair.a).not.toBe(pair.b);
  });

  test('a transient may depend on request-scoped things, and then needs a scope', () => {
    @injectable('transient')
    class Greeter {
      constructor(readonly log: RequestLog) {}
    }
    const app = new Container().declare(CurrentUser).register(RequestLog).register(Greeter).freeze();
    expect(app.needsScope(Greeter)).toBe(true);
    const scope = app.createScope().provide(CurrentUser, 'ada');
    expect(scope.get(Greeter).log).toBe(scope.get(RequestLog));
    const error = diErrorOf(() => app.get(Greeter));
    expect(error.code).toBe('WEFT_DI_NO_SCOPE');
  });

  test('a singleton depending on a transient that needs a scope is WEFT_DI_SCOPE through the transient', () => {
    @injectable('transient')
    class Greeter {
      constructor(readonly log: RequestLog) {}
    }
    @injectable()
    class Mailer {
      constructor(readonly greeter: Greeter) {}
    }
    const app = new Container().declare(CurrentUser).register(RequestLog).register(Greeter).register(Mailer);
    const error = diErrorOf(() => app.freeze());
    expect(error.path).toEqual(['Mailer', 'Greeter', 'RequestLog']);
    expect(error.message).toContain('singleton Mailer cannot depend on request-scoped RequestLog: Mailer -> Greeter -> RequestLog.');
  });

  test("register({ provide, scope: 'request' }) declares like declare()", () => {
    const app = new Container().register({ provide: CurrentUser, scope: 'request' }).register(RequestLog).freeze();
    expect(app.createScope().provide(CurrentUser, 'lin').get(RequestLog).user).toBe('lin');
  });

  test('a value provided into the scope is injected into request-scoped providers', () => {
    const app = new Container().declare(CurrentUser, { scope: 'request' }).register(RequestLog).freeze();
    const scope = app.createScope();
    scope.provide(CurrentUser, 'grace');
    expect(scope.get(RequestLog).user).toBe('grace');
  });

  test('a declared token resolved where nothing provided it is WEFT_DI_NOT_PROVIDED; optional gives undefined', () => {
    @injectable('request')
    class MaybeUser {
      constructor(@opt() @inject(CurrentUser) readonly user?: string) {}
    }
    const app = new Container().declare(CurrentUser).register(RequestLog).register(MaybeUser).freeze();
    const scope = app.createScope();
    const error = diErrorOf(() => scope.get(RequestLog));
    expect(error.code).toBe('WEFT_DI_NOT_PROVIDED');
    expect(error.message).toBe(
      'WEFT_DI_NOT_PROVIDED: Key(user) is declared per request but nothing provided it in this request scope; call scope.provide(Key(user), value) first (in a middleware), or mark the dependency optional',
    );
    expect(scope.get(MaybeUser).user).toBeUndefined();
    expect(scope.getOptional(CurrentUser)).toBeUndefined();
  });

  test('a singleton depending on a declared token is WEFT_DI_SCOPE', () => {
    const app = new Container().declare(CurrentUser).register(RequestLog, { scope: 'singleton' });
    expect(diErrorOf(() => app.freeze()).message).toContain(
      'singleton RequestLog cannot depend on Key(user), declared per request: RequestLog -> Key(user).',
    );
  });
});

describe('resolverFor and needsScope', () => {
  test('resolverFor returns the compiled closure; needsScope tells whether it wants a scope', () => {
    const app = new Container().provide(Db, { url: 'x' }).register(UsersService).declare(CurrentUser).register(RequestLog).freeze();
    const resolveUsers = app.resolverFor(UsersService);
    expect(app.needsScope(UsersService)).toBe(false);
    expect(resolveUsers()).toBe(resolveUsers(app.createScope()));
    const resolveLog = app.resolverFor(RequestLog);
    expect(app.needsScope(RequestLog)).toBe(true);
    expect(app.needsScope(CurrentUser)).toBe(true);
    const scope = app.createScope().provide(CurrentUser, 'x');
    expect(resolveLog(scope)).toBe(scope.get(RequestLog));
    expect(diErrorOf(() => resolveLog()).message).toBe(
      'WEFT_DI_NO_SCOPE: RequestLog is request-scoped (or depends on something that is) and was resolved without a request scope; resolve it from a RequestScope (container.createScope(), request.scope)',
    );
  });

  test('an unknown token is WEFT_DI_MISSING for get, resolverFor and needsScope; optional resolvers give undefined', () => {
    const app = new Container().freeze();
    const message = 'WEFT_DI_MISSING: no provider for Key(db) in container "root" or its parents';
    expect(diErrorOf(() => app.get(Db)).message).toBe(
      `${message}. Register it (container.register / container.provide), declare it per request (container.declare), or use getOptional()`,
    );
    expect(diErrorOf(() => app.resolverFor(Db)).message).toBe(message);
    expect(diErrorOf(() => app.needsScope(Db)).message).toBe(message);
    expect(app.getOptional(Db)).toBeUndefined();
    expect(app.resolverFor(Db, { optional: true })()).toBeUndefined();
    // a string token at run time: the advice names the fallback consulted
    const legacy = new Container({ fallback: { name: 'legacy', has: () => false, get: () => undefined } }).freeze();
    expect(diErrorOf(() => legacy.get('Mailer')).message).toBe(
      'WEFT_DI_MISSING: no provider for "Mailer" in container "root" or its parents. ' +
        'Strings and symbols are only looked up in fallback containers, and the fallback legacy has no binding for "Mailer": bind it there, or use getOptional()',
    );
  });

  test('an optional resolver of a declared token gives undefined until provided', () => {
    const app = new Container().declare(CurrentUser).freeze();
    const resolve = app.resolverFor(CurrentUser, { optional: true });
    const scope = app.createScope();
    expect(resolve(scope)).toBeUndefined();
    scope.provide(CurrentUser, 'x');
    expect(resolve(scope)).toBe('x');
  });
});

describe('hierarchy', () => {
  test('a child sees its parent, may shadow it, and shares the parent singletons', () => {
    const Title = new Key<string>('title');
    const root = new Container().provide(Title, 'Main').register(Config).freeze();
    const admin = root.createChild('admin').provide(Title, 'Admin').freeze();
    expect(admin.get(Title)).toBe('Admin');
    expect(root.get(Title)).toBe('Main');
    expect(admin.get(Config)).toBe(root.get(Config));
    expect(admin.parent).toBe(root);
    expect(root.parent).toBeUndefined();
  });

  test("a parent's provider keeps its own dependencies even when a child shadows them (lexical)", () => {
    const root = new Container().provide(Db, { url: 'root' }).register(UsersService).freeze();
    const child = root.createChild('tenant').provide(Db, { url: 'tenant' }).freeze();
    expect(child.get(UsersService).db.url).toBe('root');
    const grandchild = child.createChild('deeper').register(UsersService).freeze();
    expect(grandchild.get(UsersService).db.url).toBe('tenant');
  });

  test("a child's scope holds the parent's request-scoped instances and sees values provided into it", () => {
    const root = new Container().declare(CurrentUser).register(RequestLog).freeze();
    @injectable('request')
    class AdminPage {
      constructor(readonly log: RequestLog) {}
    }
    const admin = root.createChild('admin').register(AdminPage).freeze();
    const scope = admin.createScope().provide(CurrentUser, 'root-user');
    expect(scope.get(AdminPage).log).toBe(scope.get(RequestLog));
    expect(scope.get(RequestLog).user).toBe('root-user');
    expect(admin.createScope().provide(CurrentUser, 'b').get(RequestLog)).not.toBe(scope.get(RequestLog));
  });

  test('a child declaring what its parent declares shares the slot', () => {
    const root = new Container().declare(CurrentUser).register(RequestLog).freeze();
    const admin = root.createChild('admin').declare(CurrentUser).freeze();
    const scope = admin.createScope().provide(CurrentUser, 'same');
    expect(scope.get(RequestLog).user).toBe('same');
  });

  test('many request-scoped providers across the tree each get their own slot', () => {
    const keys = Array.from({ length: 9 }, (_, i) => new Key<{ i: number }>(`k${i}`));
    const root = new Container();
    keys.slice(0, 5).forEach((key, i) => root.register(key, { useFactory: () => ({ i }), scope: 'request' }));
    root.freeze();
    const child = root.createChild('c');
    keys.slice(5).forEach((key, i) => child.register(key, { useFactory: () => ({ i: i + 5 }), scope: 'request' }));
    child.freeze();
    const scope = child.createScope();
    const first = keys.map((key) => scope.get(key));
    expect(first.map((v) => v.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    keys.forEach((key, i) => expect(scope.get(key)).toBe(first[i]));
  });
});

describe('override', () => {
  test('an override wins over registrations made before and after it', () => {
    const container = new Container();
    container.override(Db, { useValue: { url: 'fake' } });
    container.provide(Db, { url: 'real' });
    container.freeze();
    expect(container.get(Db).url).toBe('fake');
  });

  test('an override in a child shadows the parent for that child only', () => {
    const root = new Container().provide(Db, { url: 'real' }).register(UsersService).freeze();
    const child = root.createChild('test').override(Db, { useValue: { url: 'fake' } }).register(UsersService).freeze();
    expect(child.get(UsersService).db.url).toBe('fake');
    expect(root.get(UsersService).db.url).toBe('real');
  });

  test('override accepts a class and a { provide } definition for the same token', () => {
    class FakeConfig extends Config {
      override readonly port = 1;
    }
    const container = new Container().register(Config).override(Config, FakeConfig).freeze();
    expect(container.get(Config).port).toBe(1);
    const other = new Container();
    expect(diErrorOf(() => other.override(Config, { provide: Db, useValue: {} } as never)).message).toBe(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Config: override(Config, provider) got a provider for Key(db)',
    );
    // null is no provider: a coded error, not a TypeError from `'provide' in null`
    expect(diErrorOf(() => other.override(Config, null as never)).message).toBe(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Config: a provider needs exactly one of useClass, useValue, useFactory, useExisting (found none)',
    );
  });

  test('a string or symbol token is refused, saying to replace it in the fallback container', () => {
    const error = diErrorOf(() => new Container().override(Symbol.for('Mailer') as never, { useValue: {} }));
    expect(error.code).toBe('WEFT_DI_INVALID_TOKEN');
    expect(error.message).toContain('never provided by weft, so weft cannot override them; replace the binding in that container for the test (inversify: rebind(id)');
  });
});

describe('async singletons and init()', () => {
  test('async factories are awaited by init() in dependency order; resolving earlier is WEFT_DI_NOT_READY', async () => {
    const order: string[] = [];
    const Pool = new Key<{ url: string }>('pool');
    const Repo = new Key<{ pool: { url: string } }>('repo');
    const container = new Container()
      .register(Repo, {
        useFactory: async (pool: { url: string }) => {
          order.push('repo');
          return { pool };
        },
        deps: [Pool],
      })
      .register(Pool, {
        useFactory: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push('pool');
          return { url: 'pg://' };
        },
      })
      .freeze();
    const error = diErrorOf(() => container.get(Pool));
    expect(error.message).toBe(
      'WEFT_DI_NOT_READY: Key(pool) comes from an async factory that has not finished; await container.init() after freeze() before resolving it',
    );
    expect(order).toEqual([]);
    await container.init();
    expect(order).toEqual(['pool', 'repo']);
    expect(container.get(Repo).pool).toBe(container.get(Pool));
    expect(container.init()).toBe(container.init());
  });

  test("a child's init() readies the parent's async singletons its providers need", async () => {
    const Pool = new Key<string>('pool');
    const root = new Container().register(Pool, { useFactory: async () => 'pool' }).freeze();
    @injectable()
    class Repo {
      constructor(@inject(Pool) readonly pool: string) {}
    }
    const child = root.createChild('c').register(Repo).freeze();
    await child.init();
    expect(child.get(Repo).pool).toBe('pool');
    expect(root.get(Pool)).toBe('pool');
  });

  test('a failed init() rejects with the factory error and may be retried', async () => {
    let attempts = 0;
    const Pool = new Key<string>('pool');
    const container = new Container()
      .register(Pool, {
        useFactory: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('ECONNREFUSED');
          return 'pool';
        },
      })
      .freeze();
    await expect(container.init()).rejects.toThrow('ECONNREFUSED');
    await container.init();
    expect(container.get(Pool)).toBe('pool');
    expect(attempts).toBe(2);
  });

  test('init() creates sync factory singletons too; class singletons stay lazy', async () => {
    const made: string[] = [];
    class Lazy {
      constructor() {
        made.push('class');
      }
    }
    const Eager = new Key<number>('eager');
    const container = new Container()
      .register(Lazy)
      .register(Eager, {
        useFactory: () => {
          made.push('factory');
          return 1;
        },
      })
      .freeze();
    await container.init();
    expect(made).toEqual(['factory']);
  });

  test('dispose() while init() waits for a factory: the product is disposed when it arrives, and init() says so', async () => {
    const events: string[] = [];
    let finish!: () => void;
    const Pool = new Key<{ dispose(): void }>('pool');
    const container = new Container({ name: 'root' })
      .register(Pool, {
        useFactory: async () => {
          await new Promise<void>((resolve) => (finish = resolve));
          return { dispose: () => void events.push('pool disposed') };
        },
      })
      .freeze();
    const initialising = container.init();
    await container.dispose();
    finish();
    await expect(initialising).rejects.toThrow('WEFT_DI_DISPOSED: Key(pool) was made after container "root" was disposed: it was disposed at once');
    expect(events).toEqual(['pool disposed']);
  });
});

describe('dispose', () => {
  class Resource {
    constructor(
      readonly name: string,
      readonly log: string[],
      readonly fail = false,
    ) {}
    dispose(): void {
      this.log.push(this.name);
      if (this.fail) throw new Error(`${this.name} failed`);
    }
  }

  test('singletons are disposed in reverse creation order; values are not disposed', async () => {
    const log: string[] = [];
    const A = new Key<Resource>('a');
    const B = new Key<Resource>('b');
    const V = new Key<Resource>('v');
    const container = new Container()
      .register(A, { useFactory: () => new Resource('a', log) })
      .register(B, { useFactory: (a: Resource) => new Resource(`b(${a.name})`, log), deps: [A] })
      .provide(V, new Resource('value', log))
      .freeze();
    container.get(B);
    container.get(V);
    await container.dispose();
    expect(log).toEqual(['b(a)', 'a']);
  });

  test('children are disposed before their parent; every error is kept in one DisposeError', async () => {
    const log: string[] = [];
    const R = new Key<Resource>('r');
    const root = new Container().register(R, { useFactory: () => new Resource('root', log, true) }).freeze();
    const child = root.createChild('child').register(R, { useFactory: () => new Resource('child', log, true) }).freeze();
    root.get(R);
    child.get(R);
    const error = await root.dispose().catch((e: unknown) => e);
    expect(log).toEqual(['child', 'root']);
    expect(error).toBeInstanceOf(DisposeError);
    expect((error as DisposeError).errors.map((e) => (e as Error).message)).toEqual(['child failed', 'root failed']);
    expect((error as DisposeError).message).toBe(
      'WEFT_DI_DISPOSE: disposing container "root" failed for 2 instances: Error: child failed; Error: root failed',
    );
  });

  test('a child disposed on its own is not disposed again, nor are its errors reported twice', async () => {
    const log: string[] = [];
    const R = new Key<Resource>('r');
    const root = new Container().freeze();
    const child = root.createChild('child').register(R, { useFactory: () => new Resource('child', log, true) }).freeze();
    child.get(R);
    await expect(child.dispose()).rejects.toThrow('child failed');
    await root.dispose();
    expect(log).toEqual(['child']);
  });

  test('a pooled object a factory acquires is disposed (released) with every scope, however often the pool hands it out again', async () => {
    const released: number[] = [];
    class Conn {
      constructor(readonly id: number) {}
      dispose(): void {
        released.push(this.id);
        pool.idle.push(this);
      }
    }
    const pool = { idle: [new Conn(1)], made: 1, acquire: (): Conn => pool.idle.pop() ?? new Conn(++pool.made) };
    const Pool = new Key<typeof pool>('pool');
    const PerRequest = new Key<Conn>('conn');
    const Passed = new Key<Conn>('passed');
    const Fresh = new Key<Conn>('fresh');
    const container = new Container()
      .provide(Pool, pool)
      .register(PerRequest, { useFactory: (p: typeof pool) => p.acquire(), deps: [Pool], scope: 'request' })
      // passes the request's connection on: the scope owns it once, through PerRequest
      .register(Passed, { useFactory: (conn: Conn) => conn, deps: [PerRequest], scope: 'request' })
      .register(Fresh, { useFactory: (p: typeof pool) => p.acquire(), deps: [Pool], scope: 'transient' })
      .freeze();
    for (let i = 0; i < 3; i++) {
      const scope = container.createScope();
      expect(scope.get(Passed)).toBe(scope.get(PerRequest));
      await scope.dispose();
    }
    expect(released).toEqual([1, 1, 1]);
    const scope = container.createScope();
    scope.get(Fresh);
    await scope.dispose();
    const again = container.createScope();
    again.get(Fresh);
    await again.dispose();
    expect(released).toEqual([1, 1, 1, 1, 1]);
  });

  test('a factory passing on an object it was given does not dispose it, and nothing is disposed twice', async () => {
    const log: string[] = [];
    const Given = new Key<Resource>('given');
    const User = new Key<Resource>('user');
    const Pool = new Key<Resource>('pool');
    const Shared = new Key<Resource>('shared');
    const Wrapped = new Key<Resource>('wrapped');
    const Made = new Key<Resource>('made');
    const PerRequest = new Key<Resource>('per-request');
    const RequestUser = new Key<Resource>('request-user');
    const ChildShared = new Key<Resource>('child-shared');
    const fromFallback = new Resource('fallback', log);
    const root = new Container({ fallback: { name: 'legacy', has: (token) => token === 'Pool', get: () => fromFallback } })
      .provide(Given, new Resource('given', log))
      .register(Shared, { useFactory: () => new Resource('shared', log) })
      .register(Wrapped, { useFactory: (given: Resource) => given, deps: [Given] })
      .register(Pool, { useFactory: (pool: Resource) => pool, deps: ['Pool'] })
      .register(Made, { useFactory: (shared: Resource) => shared, deps: [Shared] })
      .register(PerRequest, { useFactory: (shared: Resource) => shared, deps: [Shared], scope: 'request' })
      .declare(User)
      .register(RequestUser, { useFactory: (user: Resource) => user, deps: [User], scope: 'transient' })
      .freeze();
    const child = root.createChild('child').register(ChildShared, { useFactory: (shared: Resource) => shared, deps: [Shared] }).freeze();
    for (const key of [Wrapped, Pool, Made]) root.get(key);
    child.get(ChildShared);
    const scope = root.createScope().provide(User, new Resource('user', log));
    expect(scope.get(PerRequest)).toBe(root.get(Shared));
    expect(scope.get(RequestUser).name).toBe('user');
    await scope.dispose();
    expect(log).toEqual([]);
    await root.dispose();
    // only what a factory made itself, once: not the value, the fallback's instance nor the provided user
    expect(log).toEqual(['shared']);
  });

  test('an async factory resolving to an object it was given does not dispose it; one it made itself, it does', async () => {
    const log: string[] = [];
    const Pool = new Key<Resource>('pool');
    const Checked = new Key<Resource>('checked');
    const Own = new Key<Resource>('own');
    const container = new Container()
      .register(Pool, { useFactory: () => new Resource('pool', log) })
      .register(Checked, {
        useFactory: async (pool: Resource) => {
          await Promise.resolve(); // a health check
          return pool;
        },
        deps: [Pool],
      })
      .register(Own, { useFactory: async (pool: Resource) => new Resource(`own of ${pool.name}`, log), deps: [Pool] })
      .freeze();
    await container.init();
    expect(container.get(Checked)).toBe(container.get(Pool));
    await container.dispose();
    expect(log).toEqual(['own of pool', 'pool']);
  });

  test('transients made outside a scope are disposed with the container', async () => {
    const log: string[] = [];
    const T = new Key<Resource>('t');
    const container = new Container().register(T, { useFactory: () => new Resource('t', log), scope: 'transient' }).freeze();
    container.get(T);
    container.get(T);
    await container.dispose();
    expect(log).toEqual(['t', 't']);
  });

  test('dispose() is idempotent, and a disposed container refuses to work', async () => {
    const root = new Container().register(Config).freeze();
    expect(root.dispose()).toBe(root.dispose());
    await root.dispose();
    const message = (method: string) => `WEFT_DI_DISPOSED: container "root" was disposed: cannot ${method}()`;
    expect(diErrorOf(() => root.createScope()).message).toBe(message('createScope'));
    expect(diErrorOf(() => root.get(Config)).message).toBe(message('get'));
    expect(diErrorOf(() => root.register(Db as never)).message).toBe(message('register'));
    expect(diErrorOf(() => root.createChild('x')).message).toBe(message('createChild'));
    expect(diErrorOf(() => root.freeze()).message).toBe(message('freeze'));
    await expect(root.init()).rejects.toThrow(message('init'));
  });

  test('creating a singleton after dispose() through an earlier resolver is WEFT_DI_DISPOSED', async () => {
    const container = new Container().register(Config).freeze();
    const resolve = container.resolverFor(Config);
    await container.dispose();
    expect(diErrorOf(() => resolve()).message).toBe('WEFT_DI_DISPOSED: cannot create Config: container "root" was already disposed');
  });
});

describe('fallback containers', () => {
  class Mailer {}
  const mailer = new Mailer();
  const fallback = (entries: Map<unknown, unknown>, asked: unknown[] = []): ExternalContainer => ({
    name: 'legacy',
    has: (token) => {
      asked.push(token);
      return entries.has(token);
    },
    get: (token) => entries.get(token),
  });

  test('tokens weft does not know resolve from the fallback, asked twice to tell its singleton, and satisfy validation', () => {
    let gets = 0;
    const external = fallback(new Map<unknown, unknown>([['Mailer', mailer]]));
    const counting: ExternalContainer = { ...external, get: (token) => (gets++, external.get(token)) };
    @injectable('request')
    class Signup {
      constructor(@inject('Mailer') readonly mailer: Mailer) {}
    }
    const container = new Container({ fallback: counting }).register(Signup).freeze();
    expect(container.createScope().get(Signup).mailer).toBe(mailer);
    expect(container.createScope().get(Signup).mailer).toBe(mailer);
    expect(container.get<Mailer>('Mailer')).toBe(mailer);
    expect(gets).toBe(2); // the same instance twice: cached
    expect(container.needsScope('Mailer')).toBe(false);
  });

  test('weft providers anywhere up the chain win over fallbacks; Keys are never asked', () => {
    const asked: unknown[] = [];
    const other = new Mailer();
    const root = new Container().register(Mailer, { useValue: other }).freeze();
    const child = root.createChild('c').useFallback(fallback(new Map([[Mailer, mailer]]), asked)).freeze();
    expect(child.get(Mailer)).toBe(other);
    expect(child.getOptional(Db)).toBeUndefined();
    expect(asked).toEqual([]);
    expect(child.has(Db)).toBe(false);
  });

  test("a child uses its parent's fallback", () => {
    const root = new Container({ fallback: fallback(new Map([[Mailer, mailer]])) }).freeze();
    const child = root.createChild('c').freeze();
    expect(child.get(Mailer)).toBe(mailer);
    expect(child.has(Mailer)).toBe(true);
  });

  test('fallback instances are not disposed by weft', async () => {
    const disposable = { disposed: false, dispose() {
      this.disposed = true;
    } };
    const container = new Container({ fallback: fallback(new Map([['x', disposable]])) }).freeze();
    container.get('x');
    await container.dispose();
    expect(disposable.disposed).toBe(false);
  });

  test('useFallback() rejects what is not an ExternalContainer', () => {
    expect(diErrorOf(() => new Container().useFallback({ get: () => 1 } as never)).message).toBe(
      'WEFT_DI_INVALID_ARGUMENT: useFallback() needs an ExternalContainer with has(token) and get(token): wrap an inversify container with fromInversify(), a tsyringe one with fromTsyringe()',
    );
  });

  test('a missing token that the fallback lacks is still WEFT_DI_MISSING at freeze', () => {
    @injectable()
    class Signup {
      constructor(@inject('Mailer') readonly mailer: Mailer) {}
    }
    const container = new Container({ fallback: fallback(new Map()) }).register(Signup);
    expect(diErrorOf(() => container.freeze()).path).toEqual(['Signup', '"Mailer"']);
  });

  test('WEFT_DI_MISSING advice fits the token: a string only comes from a fallback; the fallbacks consulted are named', () => {
    @injectable()
    class Signup {
      constructor(@inject('Mailer') readonly mailer: Mailer) {}
    }
    const prefix = 'WEFT_DI_MISSING: no provider for "Mailer", needed by parameter #1 of Signup, in container "root" or its parents: Signup -> "Mailer". ';
    expect(diErrorOf(() => new Container().register(Signup).freeze()).message).toBe(
      prefix +
        'Strings and symbols are only looked up in a fallback container, and this container has none: add one (new Container({ fallback: fromInversify(yours) })), inject a Key or a class weft provides instead, or mark the dependency optional',
    );
    const root = new Container({ fallback: fallback(new Map()) }).freeze();
    const child = root.createChild('admin').useFallback({ ...fallback(new Map()), name: 'tsyringe container' }).register(Signup);
    expect(diErrorOf(() => child.freeze()).message).toBe(
      prefix.replace('container "root"', 'container "admin"') +
        'Strings and symbols are only looked up in fallback containers, and the fallbacks tsyringe container, legacy have no binding for "Mailer": bind it there, or mark the dependency optional',
    );
    @injectable()
    class Newsletter {
      constructor(readonly mailer: Mailer) {}
    }
    expect(diErrorOf(() => new Container({ fallback: fallback(new Map()) }).register(Newsletter).freeze()).message).toBe(
      'WEFT_DI_MISSING: no provider for Mailer, needed by parameter #1 of Newsletter, in container "root" or its parents: Newsletter -> Mailer. ' +
        'Register it (container.register / container.provide), declare it per request (container.declare), or mark the dependency optional (the fallback legacy has no binding for it either)',
    );
  });
});
