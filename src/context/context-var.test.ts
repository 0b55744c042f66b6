import { ContextVar, LookupError, runInAppContext, runInRequestContext } from './context-var.js';

describe('ContextVar', () => {
  test('default, set and delete outside any app', () => {
    const v = new ContextVar<number>('n', { default: 1 });
    expect(v.get()).toBe(1);
    v.set(2);
    expect(v.get()).toBe(2);
    v.delete();
    expect(v.get()).toBe(1);
  });

  test('no value and no default is a LookupError naming the variable', () => {
    const v = new ContextVar<string>('missing');
    expect(() => v.get()).toThrow(LookupError);
    expect(() => v.get()).toThrow('ContextVar missing has no value in this context and no default');
  });

  test("an app's lifecycle steps share one context; requests get copies", async () => {
    const v = new ContextVar<string>('v', { default: 'default' });
    const app = {};
    await runInAppContext(app, async () => v.set('startup'));
    expect(v.get()).toBe('default');
    const seen = await Promise.all(
      ['a', 'b'].map((name) =>
        runInRequestContext(
          app,
          async (value: string) => {
            const before = v.get();
            v.set(value);
            await new Promise((r) => setTimeout(r, 5));
            return `${before}->${v.get()}`;
          },
          name,
        ),
      ),
    );
    expect(seen).toEqual(['startup->a', 'startup->b']);
    expect(await runInAppContext(app, async () => v.get())).toBe('startup');
  });
});
