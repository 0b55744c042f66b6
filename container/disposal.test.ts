import { disposeInReverse, isDisposable } from './disposal.js';
import { DisposeError } from './errors.js';

describe('isDisposable', () => {
  test('anything with dispose(), [Symbol.dispose]() or [Symbol.asyncDispose]()', () => {
    expect(isDisposable({ dispose() {} })).toBe(true);
    expect(isDisposable({ [Symbol.dispose]() {} })).toBe(true);
    expect(isDisposable({ [Symbol.asyncDispose]: async () => undefined })).toBe(true);
    expect(isDisposable(Object.assign(() => undefined, { dispose() {} }))).toBe(true);
    class WithMethod {
      dispose(): void {}
    }
    expect(isDisposable(new WithMethod())).toBe(true);
  });

  test('not: primitives, null, objects without those functions', () => {
    for (const value of [undefined, null, 0, 'dispose', Symbol('x'), {}, { dispose: true }, []]) expect(isDisposable(value)).toBe(false);
  });
});

describe('disposeInReverse', () => {
  test('disposes the last created first, awaiting each before the next', async () => {
    const log: string[] = [];
    const slow = (name: string) => ({
      async [Symbol.asyncDispose]() {
        await new Promise((resolve) => setTimeout(resolve, name === 'b' ? 10 : 0));
        log.push(name);
      },
    });
    await disposeInReverse([slow('a'), slow('b'), slow('c')], 'test');
    expect(log).toEqual(['c', 'b', 'a']);
  });

  test('calls one method per instance, preferring asyncDispose, then Symbol.dispose, then dispose()', async () => {
    const log: string[] = [];
    const all = {
      dispose: () => log.push('dispose'),
      [Symbol.dispose]: () => log.push('sync'),
      [Symbol.asyncDispose]: async () => void log.push('async'),
    };
    const two = { dispose: () => log.push('dispose'), [Symbol.dispose]: () => log.push('sync') };
    const one = { dispose: () => log.push('dispose') };
    await disposeInReverse([one, two, all], 'test');
    expect(log).toEqual(['async', 'sync', 'dispose']);
  });

  test('keeps going past failures (thrown or rejected) and reports them all', async () => {
    const log: string[] = [];
    const error = await disposeInReverse(
      [
        { dispose: () => log.push('a') },
        {
          dispose: () => {
            throw new Error('b');
          },
        },
        { dispose: () => Promise.reject('c') },
      ],
      'request scope',
    ).catch((e: unknown) => e);
    expect(log).toEqual(['a']);
    expect(error).toBeInstanceOf(DisposeError);
    expect((error as DisposeError).errors).toEqual(['c', new Error('b')]);
    expect((error as DisposeError).message).toBe('WEFT_DI_DISPOSE: disposing request scope failed for 2 instances: c; Error: b');
  });

  test('nothing to dispose resolves', async () => {
    await expect(disposeInReverse([], 'x')).resolves.toBeUndefined();
  });
});
