import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { shield } from './shield.js';

describe('shield', () => {
  test('settles exactly as the promise it is given', async () => {
    await expect(shield(Promise.resolve(42))).resolves.toBe(42);
    const failure = new Error('write failed');
    await expect(shield(Promise.reject(failure))).rejects.toBe(failure);
  });

  test('takes any thenable', async () => {
    const thenable: PromiseLike<string> = { then: (resolve) => Promise.resolve('from a thenable').then(resolve) };
    await expect(shield(thenable)).resolves.toBe('from a thenable');
  });

  test('calls a function at once with a signal that never aborts', async () => {
    const seen: AbortSignal[] = [];
    const result = shield(async (signal) => {
      seen.push(signal);
      return 'saved';
    });
    expect(seen).toHaveLength(1);
    await expect(result).resolves.toBe('saved');
    expect(seen[0].aborted).toBe(false);
    expect(seen[0]).toBeInstanceOf(AbortSignal);
  });

  test('shielded works do not share a signal: 20 at once passing it to setTimeout stay under the 10 listeners node warns past, and listeners one left behind are not on the next one', async () => {
    const counts: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, () =>
        shield(async (signal) => {
          const sleeping = sleep(20, undefined, { signal });
          counts.push(getEventListeners(signal, 'abort').length); // node warns past 10 on one signal
          await sleeping;
        }),
      ),
    );
    expect(Math.max(...counts)).toBe(1);
    // a driver that never removes its abort listener
    await shield((signal) => signal.addEventListener('abort', () => {}));
    await expect(shield((signal) => getEventListeners(signal, 'abort').length)).resolves.toBe(0);
  });

  test('the work goes on when the request signal aborts', async () => {
    const request = new AbortController();
    const steps: string[] = [];
    const shielded = shield(async (signal) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      steps.push(`first, aborted=${String(signal.aborted)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      steps.push('second');
    });
    request.abort();
    await shielded;
    expect(steps).toEqual(['first, aborted=false', 'second']);
  });

  test('a function that throws synchronously gives a rejected promise, never a throw', async () => {
    const failure = new Error('bad input');
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = shield(() => {
        throw failure;
      });
    }).not.toThrow();
    await expect(result).rejects.toBe(failure);
  });

  test('a function may return a plain value', async () => {
    await expect(shield(() => 7)).resolves.toBe(7);
  });
});
