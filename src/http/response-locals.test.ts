import { Key } from '../../container/key.js';
import { ResponseLocals } from './response-locals.js';

describe('ResponseLocals', () => {
  it('stores typed values per key, keys with the same name staying distinct', () => {
    const locals = new ResponseLocals();
    const a = new Key<number>('metric');
    const b = new Key<string>('metric');
    locals.set(a, 1).set(b, 'one');
    const n: number | undefined = locals.get(a);
    expect(n).toBe(1);
    expect(locals.get(b)).toBe('one');
    expect(locals.size).toBe(2);
  });

  it('tells stored undefined from missing, and deletes', () => {
    const locals = new ResponseLocals();
    const key = new Key<string | undefined>('maybe');
    expect(locals.has(key)).toBe(false);
    locals.set(key, undefined);
    expect(locals.has(key)).toBe(true);
    expect(locals.delete(key)).toBe(true);
    expect(locals.delete(key)).toBe(false);
    expect(locals.get(key)).toBeUndefined();
  });
});
