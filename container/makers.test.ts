import { Container } from './container.js';
import { DiError } from './errors.js';
import { classMaker, factoryMaker } from './makers.js';
import type { RequestScope } from './request-scope.js';

const scope = (): RequestScope => new Container().freeze().createScope();
const constant = (value: unknown) => () => value;

class Args {
  readonly args: unknown[];
  constructor(...args: unknown[]) {
    this.args = args;
  }
}

describe('makers', () => {
  test.each([0, 1, 2, 3, 4, 5])('classMaker passes %i resolved dependencies in order', (n) => {
    const deps = Array.from({ length: n }, (_, i) => constant(i));
    expect((classMaker(Args, deps)() as Args).args).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  test.each([0, 1, 2, 3, 4])('factoryMaker passes %i resolved dependencies in order', (n) => {
    const deps = Array.from({ length: n }, (_, i) => constant(i));
    expect(factoryMaker((...args: unknown[]) => args, deps)()).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  test.each([1, 2, 3])('classMaker over %i singletons resolves them once, then passes the values', (n) => {
    let calls = 0;
    const deps = Array.from({ length: n }, (_, i) => () => (calls++, i));
    const make = classMaker(Args, deps, true);
    expect((make() as Args).args).toEqual(Array.from({ length: n }, (_, i) => i));
    expect((make(scope()) as Args).args).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(calls).toBe(n);
  });

  test('classMaker over singletons retries when one was not ready yet', () => {
    let ready = false;
    const make = classMaker(
      Args,
      [
        () => 'a',
        () => {
          if (!ready) throw new DiError('WEFT_DI_NOT_READY');
          return 'b';
        },
      ],
      true,
    );
    expect(() => make()).toThrow('WEFT_DI_NOT_READY');
    ready = true;
    expect((make() as Args).args).toEqual(['a', 'b']);
  });

  test('factoryMaker over singletons resolves them once', () => {
    let calls = 0;
    const make = factoryMaker((a: number, b: number) => a + b, [() => (calls++, 1), () => (calls++, 2)], true);
    expect(make()).toBe(3);
    expect(make(scope())).toBe(3);
    expect(calls).toBe(2);
  });

  test('classMaker with more than three singletons stays generic', () => {
    const deps = Array.from({ length: 4 }, (_, i) => constant(i));
    expect((classMaker(Args, deps, true)() as Args).args).toEqual([0, 1, 2, 3]);
  });

  test('makers hand the scope to the dependency resolvers', () => {
    const s = scope();
    const seen: unknown[] = [];
    const dep = (x?: RequestScope) => seen.push(x);
    classMaker(Args, [dep, dep])(s);
    factoryMaker(() => 1, [dep])(s);
    expect(seen).toEqual([s, s, s]);
  });
});
