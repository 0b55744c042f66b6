import { LINEAR_MAX, StaticPaths } from './static-paths.js';

describe('StaticPaths', () => {
  it('finds exact paths only', () => {
    const paths = new StaticPaths<string>().set('/', 'root').set('/users', 'users').set('/items', 'items');
    expect(paths.get('/')).toBe('root');
    expect(paths.get('/users')).toBe('users');
    expect(paths.get('/items')).toBe('items');
    expect(paths.get('/user')).toBeUndefined();
    expect(paths.get('/users/')).toBeUndefined();
    expect(paths.get('/Users')).toBeUndefined();
    expect(paths.get('')).toBeUndefined();
    expect(paths.get('/a-path-longer-than-any-known-one')).toBeUndefined();
  });

  it('compares by content, not by string identity', () => {
    const paths = new StaticPaths<number>().set('/quotes/sku-7', 7);
    const fresh = ['/quotes/', 'sku-7'].join('');
    expect(paths.get(fresh)).toBe(7);
  });

  it('replaces the value of a path set twice', () => {
    const paths = new StaticPaths<string>().set('/a', 'first').set('/a', 'second');
    expect(paths.get('/a')).toBe('second');
    expect([...paths.values()]).toEqual(['second']);
  });

  it('keeps finding every path when one length holds more than the linear limit', () => {
    const paths = new StaticPaths<number>();
    const many = Array.from({ length: LINEAR_MAX * 3 }, (_, i) => `/p${String(i).padStart(3, '0')}`);
    many.forEach((path, i) => paths.set(path, i));
    many.forEach((path, i) => expect(paths.get(path)).toBe(i));
    expect(paths.get('/p999')).toBeUndefined();
    paths.set('/p000', -1);
    expect(paths.get('/p000')).toBe(-1);
    expect([...paths.values()]).toHaveLength(many.length);
  });

  it('lists values in the order their paths were first set', () => {
    const paths = new StaticPaths<string>().set('/bb', 'b').set('/a', 'a').set('/ccc', 'c');
    expect([...paths.values()]).toEqual(['b', 'a', 'c']);
  });
});
