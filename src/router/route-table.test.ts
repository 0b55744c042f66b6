import { WeftError } from '../errors.js';
import { RouteTable } from './route-table.js';
import { describeRouterConformance } from './router-conformance.js';
import { type PredicateRequest } from './router.js';
import { thrownBy } from '../../container/thrown-by.test-support.js';

describeRouterConformance('RouteTable', (root) => new RouteTable<string, string>(root));

const request: PredicateRequest = { headers: new Headers() };

const errorOf = (fn: () => unknown): WeftError => thrownBy(fn, WeftError);

function table(): RouteTable<string, string> {
  const routes = new RouteTable<string, string>('root');
  routes.add({ method: 'GET', path: '/static', value: 'static', owner: 'root', label: 'Static.get' });
  routes.add({ method: 'GET', path: '/report', value: 'csv', owner: 'root', label: 'Report.csv', accept: ['text/csv'] });
  routes.add({ method: 'GET', path: '/users/{id}', value: 'user', owner: 'root', label: 'Users.show' });
  routes.addPrefix('/admin/', 'admin');
  routes.freeze();
  return routes;
}

describe('RouteTable (implementation)', () => {
  it('returns one pre-built, frozen result for a static route', () => {
    const routes = table();
    const first = routes.match('GET', '/static', request);
    expect(routes.match('GET', '/static', request)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.kind === 'found' && Object.isFrozen(first.params)).toBe(true);
    const csv = routes.match('GET', '/report', { headers: new Headers({ accept: 'text/*' }) });
    expect(csv).toEqual({ kind: 'found', value: 'csv', params: {}, owner: 'root', mediaType: 'text/csv' });
    expect(routes.match('GET', '/report', request)).toBe(csv);
  });

  it('finds static routes of every length, and parameter routes whose path is as long as a static one', () => {
    const routes = new RouteTable<string, string>('root');
    routes.add({ method: 'GET', path: '/a', value: 'a', owner: 'root', label: 'a' });
    routes.add({ method: 'GET', path: '/abcd', value: 'abcd', owner: 'root', label: 'abcd' });
    routes.add({ method: 'GET', path: '/caf\u00e9', value: 'cafe', owner: 'root', label: 'cafe' });
    routes.add({ method: 'GET', path: '/x/{id}', value: 'x', owner: 'root', label: 'x' });
    routes.freeze();
    const found = (path: string) => {
      const match = routes.match('GET', path, request);
      return match.kind === 'found' ? [match.value, match.params] : match.kind;
    };
    expect(found('/a')).toEqual(['a', {}]);
    expect(found('/abcd')).toEqual(['abcd', {}]);
    expect(found('/caf%c3%a9')).toEqual(['cafe', {}]);
    expect(found('/x/12')).toEqual(['x', { id: '12' }]); // the length of '/abcd'
    expect(found('/x/1')).toEqual(['x', { id: '1' }]);
    expect(found('/abc')).toBe('not-found');
    expect(found('/abcde')).toBe('not-found');
  });

  it('returns one frozen not-found result per owner', () => {
    const routes = table();
    const miss = routes.match('GET', '/nope', request);
    expect(routes.match('GET', '/other', request)).toBe(miss);
    expect(Object.isFrozen(miss)).toBe(true);
    expect(routes.match('GET', '/admin/x', request)).toBe(routes.match('GET', '/admin/y', request));
    expect(routes.match('GET', '/admin/x', request)).not.toBe(miss);
  });

  it('returns fresh params for dynamic routes', () => {
    const routes = table();
    const a = routes.match('GET', '/users/1', request);
    const b = routes.match('GET', '/users/2', request);
    expect(a).toEqual({ kind: 'found', value: 'user', params: { id: '1' }, owner: 'root' });
    expect(b).toEqual({ kind: 'found', value: 'user', params: { id: '2' }, owner: 'root' });
  });

  it('keeps matched values safe from a predicate that routes again', () => {
    const routes = new RouteTable<string, string>('root');
    let depth = 0;
    const reentrant = (): boolean => {
      if (depth > 0) return false; // the inner match is answered by the fallback
      depth++;
      const inner = routes.match('GET', '/items/other', request);
      depth--;
      return inner.kind === 'found' && inner.params.id === 'other';
    };
    routes.add({ method: 'GET', path: '/items/{id}', value: 'picky', owner: 'root', label: 'picky', predicates: [reentrant] });
    routes.add({ method: 'GET', path: '/items/{id}', value: 'item', owner: 'root', label: 'item' });
    expect(routes.match('GET', '/items/mine', request)).toEqual({ kind: 'found', value: 'picky', params: { id: 'mine' }, owner: 'root' });
  });

  it('names the route in path errors', () => {
    const error = errorOf(() => new RouteTable('root').add({ method: 'GET', path: '/a/{id', value: 'x', owner: 'root', label: 'Things.show' }));
    expect(error.code).toBe('WEFT_ERR_INVALID_PATH');
    expect(error.message).toBe(`WEFT_ERR_INVALID_PATH: Things.show: "/a/{id": '{' at position 3 is never closed`);
    expect(error.cause).toBeInstanceOf(WeftError);
  });

  it.each<[string, object, string]>([
    ['an empty accept', { accept: [] }, 'R.x: accept must be a non-empty array of media types'],
    ['an accept that is no media type', { accept: ['json'] }, 'R.x: accept: "json" is not a media type (type/subtype)'],
    ['predicates that are no array', { predicates: (() => true) as never }, 'R.x: predicates must be an array of functions'],
    ['a method that is no string', { method: 7 }, 'R.x: the method 7 is not an HTTP method token'],
    ['an empty method', { method: '' }, 'R.x: the method "" is not an HTTP method token'],
  ])('rejects %s', (_case, change, message) => {
    const add = (): void => new RouteTable('root').add({ method: 'GET', path: '/x', value: 'x', owner: 'root', label: 'R.x', ...change });
    const error = errorOf(add);
    expect(error.code).toBe('WEFT_ERR_INVALID_ROUTE');
    expect(error.message).toContain(message);
  });

  it('rejects a definition that is not an object', () => {
    expect(errorOf(() => new RouteTable('root').add(null as never)).code).toBe('WEFT_ERR_INVALID_ROUTE');
  });

  it('uses method and path when a label is missing', () => {
    const routes = new RouteTable('root');
    routes.add({ method: 'GET', path: '/x', value: 'x', owner: 'root', label: '' });
    expect(errorOf(() => routes.add({ method: 'GET', path: '/x', value: 'y', owner: 'root', label: '' })).message).toContain('GET /x and GET /x');
  });

  it('lists routes in the order it tries them', () => {
    const routes = new RouteTable<string, string>('root');
    routes.add({ method: 'GET', path: '/{any:.*}', value: 'catch-all', owner: 'root', label: 'catch-all' });
    routes.add({ method: 'GET', path: '/users/{id:\\d+}', value: 'regex', owner: 'root', label: 'regex' });
    routes.add({ method: 'GET', path: '/users/{id}', value: 'param', owner: 'root', label: 'param' });
    routes.add({ method: 'POST', path: '/users/{id}', value: 'post', owner: 'root', label: 'post' });
    routes.add({ method: 'GET', path: '/users/me', value: 'me', owner: 'root', label: 'me' });
    expect(routes.routes().map((route) => route.label)).toEqual(['me', 'regex', 'param', 'post', 'catch-all']);
    expect(routes.frozen).toBe(false);
    routes.freeze();
    expect(routes.frozen).toBe(true);
  });

  it('tries only the patterns that share the literal start of the path', () => {
    const routes = new RouteTable<string, string>('root');
    let tried = 0;
    const counting = (): boolean => (tried++, true);
    for (let i = 0; i < 50; i++) {
      routes.add({ method: 'GET', path: `/r${i}/{id}`, value: `r${i}`, owner: 'root', label: `r${i}`, predicates: [counting] });
    }
    expect(routes.match('GET', '/r42/x', request)).toMatchObject({ kind: 'found', value: 'r42' });
    expect(tried).toBe(1);
  });
});
