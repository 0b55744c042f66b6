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

describe('a ContextVar created after work ran without one', () => {
  test('warns once (WEFT_CONTEXTVAR_LATE); created before any work, it does not', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('./context-var.js') as typeof import('./context-var.js');
        new fresh.ContextVar('early');
      });
      expect(warn).not.toHaveBeenCalled();
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('./context-var.js') as typeof import('./context-var.js');
        fresh.runInRequestContext({}, () => undefined, undefined); // a request with no ContextVar around
        new fresh.ContextVar('late');
        new fresh.ContextVar('later');
      });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/ContextVar late was created after requests or app lifecycles had run without a ContextVar/);
      expect(warn.mock.calls[0][1]).toEqual({ code: 'WEFT_CONTEXTVAR_LATE' });
    } finally {
      warn.mockRestore();
    }
  });
});
