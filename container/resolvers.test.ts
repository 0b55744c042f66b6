import { Container } from './container.js';
import { DiError } from './errors.js';
import { InstanceOwner } from './instance-owner.js';
import { factoryMaker } from './makers.js';
import type { RequestScope } from './request-scope.js';
import {
  asyncSingletonResolver,
  externalResolver,
  isPromiseLike,
  singletonResolver,
  transientResolver,
  valueResolver,
} from './resolvers.js';
import { thrownBy } from './thrown-by.test-support.js';

const errorOf = (fn: () => unknown): DiError => thrownBy(fn, DiError);

const scope = (): RequestScope => new Container().freeze().createScope();

describe('transientResolver', () => {
  test('a new instance each time, disposed with its scope or else the owner', async () => {
    const log: string[] = [];
    let n = 0;
    const owner = new InstanceOwner('container "root"');
    const resolve = transientResolver(
      () => {
        const id = ++n;
        return { dispose: () => log.push(`t${id}`) };
      },
      owner,
      'Timer',
    );
    const s = scope();
    expect(resolve(s)).not.toBe(resolve(s));
    resolve();
    await s.dispose();
    expect(log).toEqual(['t2', 't1']);
    await owner.dispose();
    expect(log).toEqual(['t2', 't1', 't3']);
  });

  test('refuses to make instances for a disposed owner or scope', async () => {
    const owner = new InstanceOwner('container "root"');
    const resolve = transientResolver(() => ({}), owner, 'Timer');
    const s = scope();
    s.dispose();
    expect(errorOf(() => resolve(s)).code).toBe('WEFT_DI_DISPOSED');
    await owner.dispose();
    expect(errorOf(() => resolve()).message).toBe('WEFT_DI_DISPOSED: cannot create Timer: container "root" was already disposed');
  });
});

describe('singletonResolver', () => {
  test('made once, on first use, and tracked by the owner', async () => {
    let made = 0;
    const log: string[] = [];
    const owner = new InstanceOwner('container "root"');
    const resolve = singletonResolver(() => ({ n: ++made, [Symbol.dispose]: () => log.push('closed') }), owner, 'Pool');
    expect(made).toBe(0);
    expect(resolve()).toBe(resolve(scope()));
    expect(made).toBe(1);
    await owner.dispose();
    expect(log).toEqual(['closed']);
  });

  test('a failing constructor is not cached: the next call tries again', () => {
    let attempts = 0;
    const resolve = singletonResolver(
      () => {
        if (++attempts === 1) throw new Error('boom');
        return {};
      },
      new InstanceOwner('x'),
      'Flaky',
    );
    expect(() => resolve()).toThrow('boom');
    expect(resolve()).toBe(resolve());
  });
});

describe('asyncSingletonResolver', () => {
  const notReady =
    'WEFT_DI_NOT_READY: Key(db) comes from an async factory that has not finished; await container.init() after freeze() before resolving it';

  test('an async function is never called by resolve(); prepare() makes it', async () => {
    let calls = 0;
    const factory = async () => ({ n: ++calls });
    const { resolve, prepare } = asyncSingletonResolver(factoryMaker(factory, []), true, new InstanceOwner('x'), 'Key(db)');
    expect(errorOf(() => resolve()).message).toBe(notReady);
    expect(calls).toBe(0);
    const pending = prepare();
    expect(prepare()).toBe(pending);
    expect(errorOf(() => resolve()).message).toBe(notReady);
    await pending;
    expect(prepare()).toBeUndefined();
    expect(resolve()).toEqual({ n: 1 });
    expect(calls).toBe(1);
  });

  test('a plain function returning a value is ready at once, from resolve() or prepare()', () => {
    const { resolve, prepare } = asyncSingletonResolver(() => 'v', false, new InstanceOwner('x'), 'Key(v)');
    expect(resolve()).toBe('v');
    expect(prepare()).toBeUndefined();
  });

  test('a plain function returning a promise: resolve() starts it once and init awaits that same run', async () => {
    let calls = 0;
    const { resolve, prepare } = asyncSingletonResolver(
      () => {
        calls++;
        return Promise.resolve('late');
      },
      false,
      new InstanceOwner('x'),
      'Key(db)',
    );
    expect(errorOf(() => resolve()).code).toBe('WEFT_DI_NOT_READY');
    await prepare();
    expect(resolve()).toBe('late');
    expect(calls).toBe(1);
  });

  test('a rejected run leaves it idle for another attempt; no unhandled rejection from resolve()', async () => {
    let calls = 0;
    const { resolve, prepare } = asyncSingletonResolver(
      () => (++calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve('up')),
      false,
      new InstanceOwner('x'),
      'Key(db)',
    );
    expect(errorOf(() => resolve()).code).toBe('WEFT_DI_NOT_READY');
    await new Promise((r) => setImmediate(r));
    await prepare();
    expect(resolve()).toBe('up');
    expect(calls).toBe(2);
  });

  test('the awaited value is tracked for disposal', async () => {
    const log: string[] = [];
    const owner = new InstanceOwner('x');
    const { prepare } = asyncSingletonResolver(async () => ({ dispose: () => log.push('pool') }), true, owner, 'Key(pool)');
    await prepare();
    await owner.dispose();
    expect(log).toEqual(['pool']);
  });
});

describe('small resolvers', () => {
  const unexpected = () => new Error('not expected');

  test('externalResolver caches what the fallback gives twice (its singleton): asked twice on first use', () => {
    const shared = { pool: 1 };
    let fetches = 0;
    const lazy = externalResolver(() => (fetches++, shared), () => Promise.reject(new Error('not asked')), unexpected);
    expect(lazy.resolve()).toBe(shared);
    expect(lazy.resolve()).toBe(shared);
    expect(lazy.prepare()).toBeUndefined();
    expect(fetches).toBe(2);
  });

  test('externalResolver asks again at every injection when the fallback gives a new instance each time', () => {
    let fetches = 0;
    const transient = externalResolver(() => ({ n: ++fetches }), () => Promise.reject(new Error('not asked')), unexpected);
    expect(transient.resolve()).toEqual({ n: 1 });
    expect(transient.resolve()).toEqual({ n: 3 });
    expect(transient.resolve()).toEqual({ n: 4 });
    expect(transient.prepare()).toBeUndefined();
  });

  test('externalResolver prepared: asynchronously first, then synchronously to compare', async () => {
    const shared = { async: true };
    const early = externalResolver(() => shared, async () => shared, unexpected);
    await early.prepare();
    expect(early.resolve()).toBe(shared);
    let made = 0;
    const transient = externalResolver(() => ({ sync: ++made }), async () => ({ async: true }), unexpected);
    await transient.prepare();
    expect(transient.resolve()).toEqual({ sync: 2 });
    expect(transient.prepare()).toBeUndefined();
  });

  test('externalResolver: an async-only singleton is compared asynchronously; an async-only new-each-time binding is refused', async () => {
    const shared = { pool: 1 };
    const asyncSingleton = externalResolver(() => {
      throw new Error('async binding');
    }, async () => shared, unexpected);
    await asyncSingleton.prepare();
    expect(asyncSingleton.resolve()).toBe(shared);
    const syncError = new Error('constructor exploded: DB_URL missing');
    const causes: unknown[] = [];
    const asyncTransient = externalResolver(
      () => {
        throw syncError;
      },
      async () => ({}),
      (cause) => (causes.push(cause), new Error('async each time', { cause })),
    );
    await expect(asyncTransient.prepare()).rejects.toThrow('async each time');
    // not cached as a failure: a later prepare() asks again
    await expect(asyncTransient.prepare()).rejects.toThrow('async each time');
    expect(causes).toEqual([syncError, syncError]); // the synchronous fetch's error is kept
    // an async-only primitive cannot be asked for again synchronously: the same value twice is cached
    const asyncText = externalResolver(() => {
      throw new Error('async binding');
    }, async () => 'hello', unexpected);
    await asyncText.prepare();
    expect(asyncText.resolve()).toBe('hello');
  });

  test('externalResolver asks again for a primitive, null or undefined, even the same twice: it may depend on when it is asked', async () => {
    let context: string | undefined;
    const contextual = externalResolver(() => context, async () => context, unexpected);
    await contextual.prepare();
    context = 'request 1';
    expect(contextual.resolve()).toBe('request 1');
    context = 'request 2';
    expect(contextual.resolve()).toBe('request 2');
    const lazyNull = externalResolver(() => null, () => Promise.reject(new Error('not asked')), unexpected);
    let fetched = 0;
    const counted = externalResolver(() => (fetched++, 'constant'), () => Promise.reject(new Error('not asked')), unexpected);
    expect(lazyNull.resolve()).toBeNull();
    counted.resolve();
    counted.resolve();
    expect(fetched).toBe(3);
  });

  test('valueResolver returns the value', () => {
    const value = {};
    expect(valueResolver(value)()).toBe(value);
  });

  test('isPromiseLike', () => {
    expect(isPromiseLike(Promise.resolve())).toBe(true);
    expect(isPromiseLike({ then: () => undefined })).toBe(true);
    expect(isPromiseLike({ then: 1 })).toBe(false);
    expect(isPromiseLike(null)).toBe(false);
    expect(isPromiseLike('then')).toBe(false);
  });
});
