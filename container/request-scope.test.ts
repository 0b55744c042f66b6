import { Container } from './container.js';
import { DiError, DisposeError } from './errors.js';
import { Key } from './key.js';
import { RequestScope } from './request-scope.js';

function diErrorOf(fn: () => unknown): DiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DiError) return error;
    throw error;
  }
  throw new Error('expected a DiError');
}

const CurrentUser = new Key<string>('user');
const Config = new Key<{ debug: boolean }>('config');
const RequestId = new Key<string>('request-id');

class Tracked {
  static log: string[] = [];
  constructor(readonly name: string) {}
  [Symbol.dispose](): void {
    Tracked.log.push(this.name);
  }
}

function app(): Container {
  return new Container()
    .provide(Config, { debug: true })
    .declare(CurrentUser)
    .register(Tracked, { useFactory: (user: string) => new Tracked(user), deps: [CurrentUser], scope: 'request' })
    .freeze();
}

beforeEach(() => {
  Tracked.log = [];
});

describe('RequestScope', () => {
  test('is made by container.createScope() and knows its container', () => {
    const container = app();
    const scope = container.createScope();
    expect(scope).toBeInstanceOf(RequestScope);
    expect(scope.container).toBe(container);
    expect(scope.disposed).toBe(false);
  });

  test('get() resolves providers, provided values, and fails with WEFT_DI_MISSING otherwise', () => {
    const scope = app().createScope();
    expect(scope.get(Config).debug).toBe(true);
    const error = diErrorOf(() => scope.get(RequestId));
    expect(error.code).toBe('WEFT_DI_MISSING');
    expect(error.path).toEqual(['Key(request-id)']);
    expect(error.message).toBe(
      'WEFT_DI_MISSING: no provider for Key(request-id) in container "root" or its parents, and nothing provided it in this request scope. ' +
        'Register it (container.register / container.provide), declare it per request (container.declare), or use getOptional()',
    );
    scope.provide(RequestId, 'r-1');
    expect(scope.get(RequestId)).toBe('r-1');
  });

  test('provide() fills a declared token for the request-scoped providers of this scope only', () => {
    const container = app();
    const one = container.createScope().provide(CurrentUser, 'ada');
    const two = container.createScope().provide(CurrentUser, 'bob');
    expect(one.get(Tracked).name).toBe('ada');
    expect(two.get(Tracked).name).toBe('bob');
    expect(one.get(CurrentUser)).toBe('ada');
  });

  test('providing again replaces the value for later resolutions', () => {
    const scope = app().createScope().provide(CurrentUser, 'first');
    const tracked = scope.get(Tracked);
    scope.provide(CurrentUser, 'second');
    expect(scope.get(CurrentUser)).toBe('second');
    expect(scope.get(Tracked)).toBe(tracked);
  });

  test('a provided undefined counts as provided', () => {
    const scope = app().createScope().provide(CurrentUser, undefined as unknown as string);
    expect(scope.has(CurrentUser)).toBe(true);
    expect(scope.get(CurrentUser)).toBeUndefined();
  });

  test('provide() of a token with a provider of its own is WEFT_DI_PROVIDE_CONFLICT', () => {
    const scope = app().createScope();
    const error = diErrorOf(() => scope.provide(Config, { debug: false }));
    expect(error.code).toBe('WEFT_DI_PROVIDE_CONFLICT');
    expect(error.message).toBe(
      `WEFT_DI_PROVIDE_CONFLICT: Key(config) has a value provider (singleton) in container "root" or its parents; scope.provide() only sets tokens declared with container.declare(Key(config), { scope: 'request' }) or unknown to the container`,
    );
    expect(scope.get(Config).debug).toBe(true);
  });

  test('provide() of an alias or of a class a fallback has is WEFT_DI_PROVIDE_CONFLICT in plain words, naming the token as written', () => {
    class Mailer {}
    const Settings = new Key<{ debug: boolean }>('settings');
    const fallback = { name: 'inversify container', has: (token: unknown) => token === Mailer, get: () => new Mailer() };
    const container = new Container({ fallback }).register(Settings, { useExisting: Config }).provide(Config, { debug: true }).freeze();
    const scope = container.createScope();
    expect(diErrorOf(() => scope.provide(Settings, { debug: false })).message).toBe(
      `WEFT_DI_PROVIDE_CONFLICT: Key(settings) has an alias (useExisting) (singleton) in container "root" or its parents; scope.provide() only sets tokens declared with container.declare(Key(settings), { scope: 'request' }) or unknown to the container`,
    );
    expect(diErrorOf(() => scope.provide(Mailer, new Mailer())).message).toBe(
      `WEFT_DI_PROVIDE_CONFLICT: Mailer comes from the fallback inversify container of container "root" (fetched from it by weft); ` +
        `scope.provide() only sets tokens declared per request or unknown to the container: to provide Mailer per request, declare it in weft with container.declare(Mailer, { scope: 'request' }), which shadows the fallback`,
    );
  });

  test('provide() needs a class or Key token', () => {
    const scope = app().createScope();
    expect(diErrorOf(() => scope.provide('user' as never, 'x')).message).toBe(
      'WEFT_DI_INVALID_TOKEN: scope.provide() needs a class or a Key as token, got "user"',
    );
  });

  test('getOptional() and has()', () => {
    const scope = app().createScope();
    expect(scope.getOptional(RequestId)).toBeUndefined();
    expect(scope.getOptional(CurrentUser)).toBeUndefined();
    expect(scope.has(CurrentUser)).toBe(false);
    expect(scope.has(Config)).toBe(true);
    expect(scope.has(RequestId)).toBe(false);
    scope.provide(CurrentUser, 'x').provide(RequestId, 'r');
    expect(scope.getOptional(CurrentUser)).toBe('x');
    expect(scope.getOptional(RequestId)).toBe('r');
    expect(scope.has(CurrentUser)).toBe(true);
    expect(scope.has(RequestId)).toBe(true);
  });

  test('dispose() returns undefined when nothing needs disposal', () => {
    const scope = app().createScope();
    scope.get(Config);
    expect(scope.dispose()).toBeUndefined();
    expect(scope.disposed).toBe(true);
    expect(scope.dispose()).toBeUndefined();
  });

  test('dispose() disposes what the scope created, newest first; not provided values', async () => {
    const Other = new Key<Tracked>('other');
    const container = new Container()
      .declare(CurrentUser)
      .register(Tracked, { useFactory: (user: string) => new Tracked(user), deps: [CurrentUser], scope: 'request' })
      .register(Other, { useFactory: (t: Tracked) => new Tracked(`after ${t.name}`), deps: [Tracked], scope: 'transient' })
      .freeze();
    const scope = container.createScope();
    const provided = new Tracked('provided');
    scope.provide(CurrentUser, 'u').provide(RequestId, provided as never);
    scope.get(Other);
    const pending = scope.dispose();
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(Tracked.log).toEqual(['after u', 'u']);
    expect(scope.dispose()).toBeUndefined();
  });

  test('dispose() keeps going past failures and rejects with one DisposeError', async () => {
    const A = new Key<object>('a');
    const B = new Key<object>('b');
    const container = new Container()
      .register(A, { useFactory: () => ({ dispose: () => Promise.reject(new Error('a broke')) }), scope: 'request' })
      .register(B, {
        useFactory: () => ({
          [Symbol.asyncDispose]: () => {
            throw new Error('b broke');
          },
        }),
        scope: 'request',
      })
      .freeze();
    const scope = container.createScope();
    scope.get(A);
    scope.get(B);
    const error = (await scope.dispose()!.catch((e: unknown) => e)) as DisposeError;
    expect(error).toBeInstanceOf(DisposeError);
    expect(error.errors.map((e) => (e as Error).message)).toEqual(['b broke', 'a broke']);
    expect(error.message).toBe(
      'WEFT_DI_DISPOSE: disposing a request scope of container "root" failed for 2 instances: Error: b broke; Error: a broke',
    );
  });

  test('a disposed scope refuses get, getOptional, provide and new instances', () => {
    const container = app();
    const scope = container.createScope();
    scope.dispose();
    const message = 'WEFT_DI_DISPOSED: cannot use Key(config): this request scope (or its container) was already disposed';
    expect(diErrorOf(() => scope.get(Config)).message).toBe(message);
    expect(diErrorOf(() => scope.getOptional(Config)).message).toBe(message);
    expect(diErrorOf(() => scope.provide(CurrentUser, 'x')).message).toBe(
      'WEFT_DI_DISPOSED: cannot use Key(user): this request scope (or its container) was already disposed',
    );
    const resolve = container.resolverFor(Tracked);
    expect(diErrorOf(() => resolve(scope)).message).toBe(
      'WEFT_DI_DISPOSED: cannot create Tracked: its request scope (or its container) was already disposed',
    );
  });

  test("a scope still open when its container is disposed refuses to make instances from the container's disposed singletons", async () => {
    const container = app();
    const scope = container.createScope();
    const resolve = container.resolverFor(Tracked); // compiled handlers hold their resolvers
    await container.dispose();
    expect(diErrorOf(() => resolve(scope)).code).toBe('WEFT_DI_DISPOSED');
    expect(diErrorOf(() => scope.get(Tracked)).code).toBe('WEFT_DI_DISPOSED');
    expect(scope.dispose()).toBeUndefined(); // nothing was made: nothing to dispose
  });
});
