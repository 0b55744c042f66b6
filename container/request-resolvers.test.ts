import { Container } from './container.js';
import { DiError } from './errors.js';
import type { RequestScope } from './request-scope.js';
import { declaredResolver, requestResolver, writeDeclared } from './request-resolvers.js';
import { thrownBy } from './thrown-by.test-support.js';

const errorOf = (fn: () => unknown): DiError => thrownBy(fn, DiError);

const scope = (): RequestScope => new Container().freeze().createScope();

describe('requestResolver', () => {
  test('one instance per scope, made on first use', () => {
    let made = 0;
    const resolve = requestResolver(() => ({ n: ++made }), 0, 'Cart');
    const one = scope();
    const two = scope();
    expect(resolve(one)).toBe(resolve(one));
    expect(resolve(two)).not.toBe(resolve(one));
    expect(made).toBe(2);
  });

  test('slots beyond the inline ones work the same', () => {
    const s = scope();
    const resolve = requestResolver(() => ({}), 7, 'Far');
    expect(resolve(s)).toBe(resolve(s));
  });

  test('a factory returning undefined is still made once per scope', () => {
    let calls = 0;
    const resolve = requestResolver(() => void calls++, 1, 'Nothing');
    const s = scope();
    expect(resolve(s)).toBeUndefined();
    expect(resolve(s)).toBeUndefined();
    expect(calls).toBe(1);
  });

  test('disposable instances are tracked by the scope', async () => {
    const log: string[] = [];
    const resolve = requestResolver(() => ({ dispose: () => log.push('gone') }), 0, 'Conn');
    const s = scope();
    resolve(s);
    await s.dispose();
    expect(log).toEqual(['gone']);
  });

  test('without a scope: WEFT_DI_NO_SCOPE; in a disposed scope: WEFT_DI_DISPOSED', () => {
    const resolve = requestResolver(() => ({}), 0, 'Cart');
    expect(errorOf(() => resolve()).code).toBe('WEFT_DI_NO_SCOPE');
    const s = scope();
    s.dispose();
    expect(errorOf(() => resolve(s)).message).toBe('WEFT_DI_DISPOSED: cannot create Cart: its request scope (or its container) was already disposed');
  });
});

describe('declaredResolver', () => {
  test('reads what provide() wrote into the slot', () => {
    const s = scope();
    const resolve = declaredResolver(2, 'Key(user)', false);
    writeDeclared(s, 2, 'ada');
    expect(resolve(s)).toBe('ada');
    writeDeclared(s, 2, undefined);
    expect(resolve(s)).toBeUndefined();
  });

  test('not provided: WEFT_DI_NOT_PROVIDED, or undefined when optional; no scope: WEFT_DI_NO_SCOPE', () => {
    const s = scope();
    expect(errorOf(() => declaredResolver(0, 'Key(user)', false)(s)).code).toBe('WEFT_DI_NOT_PROVIDED');
    expect(declaredResolver(0, 'Key(user)', true)(s)).toBeUndefined();
    expect(errorOf(() => declaredResolver(0, 'Key(user)', false)()).code).toBe('WEFT_DI_NO_SCOPE');
    expect(declaredResolver(0, 'Key(user)', true)()).toBeUndefined();
  });
});
