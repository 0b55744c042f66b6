import { Signal } from './signal.js';

describe('Signal', () => {
  test('runs handlers in order, awaiting each', async () => {
    const order: string[] = [];
    const signal = new Signal<[string]>('onTest');
    signal.push(
      async (x) => {
        await new Promise((r) => setTimeout(r, 5));
        order.push(`a:${x}`);
      },
      (x) => void order.push(`b:${x}`),
    );
    await signal.send('go');
    expect(order).toEqual(['a:go', 'b:go']);
    expect(signal.length).toBe(2);
  });

  test('the first error stops the rest', async () => {
    const signal = new Signal<[]>('onTest');
    const late = jest.fn();
    signal.push(() => {
      throw new Error('boom');
    }, late);
    await expect(signal.send()).rejects.toThrow('boom');
    expect(late).not.toHaveBeenCalled();
  });

  test('frozen signals refuse new handlers with a coded error', () => {
    const signal = new Signal<[]>('onStartup');
    signal.freeze();
    expect(() => signal.push(() => undefined)).toThrow('WEFT_ERR_APP_FROZEN: cannot add to onStartup after startup');
  });

  test('only functions are accepted', () => {
    const signal = new Signal<[]>('onStartup');
    expect(() => signal.push('nope' as never)).toThrow('onStartup takes functions, got string');
  });

  test('onPush sees each handler, for lifecycle slots', () => {
    const seen: unknown[] = [];
    const signal = new Signal<[]>('onStartup', (fn) => seen.push(fn));
    const a = () => undefined;
    signal.push(a);
    expect(seen).toEqual([a]);
    expect([...signal]).toEqual([a]);
  });
});
