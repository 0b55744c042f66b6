import type { Binding } from './binding.js';
import { BindingLookup } from './binding-lookup.js';
import type { ExternalContainer } from './external-container.js';
import { Key } from './key.js';

const binding = (name: string): Binding => ({
  token: name,
  name,
  kind: 'value',
  scope: 'singleton',
  resolve: () => name,
  resolveOptional: () => name,
  needsScope: false,
  scopeChain: [],
  scopeOrigin: '',
  dependencies: [],
  declaredSlot: undefined,
  prepare: undefined,
});

const fallback = (name: string, tokens: unknown[], asked: unknown[] = []): ExternalContainer => ({
  name,
  has: (token) => (asked.push(token), tokens.includes(token)),
  get: (token) => `${name}:${String(token)}`,
});

describe('BindingLookup', () => {
  test('own bindings, then the parents, nearest first', () => {
    const root = new BindingLookup(undefined);
    const middle = new BindingLookup(root);
    const leaf = new BindingLookup(middle);
    root.bindings = new Map([
      ['a', binding('root a')],
      ['b', binding('root b')],
    ]);
    middle.bindings = new Map([['b', binding('middle b')]]);
    leaf.bindings = new Map([['c', binding('leaf c')]]);
    expect(leaf.find('a')?.name).toBe('root a');
    expect(leaf.find('b')?.name).toBe('middle b');
    expect(leaf.find('c')?.name).toBe('leaf c');
    expect(leaf.outside('c')).toBeUndefined();
    expect(leaf.find('d')).toBeUndefined();
  });

  test('fallbacks after every weft binding, nearest container first, each answer cached', () => {
    const asked: unknown[] = [];
    const root = new BindingLookup(undefined);
    const child = new BindingLookup(root);
    root.bindings = new Map([['weft', binding('weft')]]);
    child.bindings = new Map();
    root.fallbacks.push(fallback('root-fb', ['x', 'weft', 'y'], asked));
    child.fallbacks.push(fallback('child-fb', ['y'], asked));
    expect(child.find('weft')?.name).toBe('weft');
    expect(child.find('x')?.resolve()).toBe('root-fb:x');
    expect(child.find('y')?.resolve()).toBe('child-fb:y');
    expect(child.find('x')).toBe(child.find('x'));
    expect(asked).toEqual(['x', 'x', 'y']);
  });

  test('Keys never reach a fallback', () => {
    const asked: unknown[] = [];
    const lookup = new BindingLookup(undefined);
    lookup.fallbacks.push(fallback('fb', [], asked));
    expect(lookup.find(new Key('k'))).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
