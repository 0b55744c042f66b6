/**
 * The router conformance suite (Hono's style): every `Router` implementation must pass
 * it. It declares jest tests, so it is imported from a test file only:
 *
 * ```ts
 * describeRouterConformance('RouteTable', (root) => new RouteTable(root));
 * ```
 *
 * Values and owners are strings; each case follows a rule of aiohttp's dispatcher or of
 * DESIGN.md's routing decisions. This file covers matching (syntax, encoding, order,
 * duplicates, methods); `router-conformance-criteria.ts` the rest.
 */
import { describe, expect, it } from '@jest/globals';
import { describeCriteriaConformance } from './router-conformance-criteria.js';
import { conformanceKit, errorOf, req, type Extra, type RouterFactory, type Spec } from './router-conformance-kit.js';
import { type Router } from './router.js';

export { type RouterFactory } from './router-conformance-kit.js';

/**
 * Declares the conformance tests for a router implementation.
 *
 * @example
 * ```ts
 * describeRouterConformance('RouteTable', (root) => new RouteTable<string, string>(root));
 * ```
 */
export function describeRouterConformance(name: string, factory: RouterFactory): void {
  const { build, found, notFound, match } = conformanceKit(factory);

  describe(`${name}: router conformance`, () => {
    describe('path syntax', () => {
      const router = build([
        ['GET', '/users', 'list'],
        ['GET', '/users/{id}', 'show'],
        ['GET', '/items/{n:\\d+}', 'item'],
        ['GET', '/files/{tail:.*}', 'files'],
        ['GET', '/raw/{path:.+}/meta', 'meta'],
        ['GET', '/img/{name}.{ext}', 'image'],
        ['GET', '/codes/{code:[A-Z]{3}}', 'code'],
        ['GET', '/media/{kind:(audio|video)}/{id}', 'media'],
      ]);

      it.each([
        ['/users', found('list')],
        ['/users/42', found('show', { id: '42' })],
        ['/items/42', found('item', { n: '42' })],
        ['/items/abc', notFound()],
        ['/files/', found('files', { tail: '' })],
        ['/files/a/b/c.txt', found('files', { tail: 'a/b/c.txt' })],
        ['/raw/a/b/meta', found('meta', { path: 'a/b' })],
        ['/raw///meta', found('meta', { path: '/' })],
        ['/raw//meta', notFound()],
        ['/img/cat.png', found('image', { name: 'cat', ext: 'png' })],
        ['/img/cat.tar.gz', found('image', { name: 'cat.tar', ext: 'gz' })],
        ['/codes/ABC', found('code', { code: 'ABC' })],
        ['/codes/ABCD', notFound()],
        ['/media/video/7', found('media', { kind: 'video', id: '7' })],
        ['/media/text/7', notFound()],
        ['/users/{x}', notFound()],
      ])('GET %s', (path, expected) => {
        expect(match(router, 'GET', path)).toEqual(expected);
      });

      it.each([
        ['users', 'must start with'],
        ['/users/{id', "'{' at position 7 is never closed"],
        ['/users/id}', "'}' at position 9 has no matching '{'"],
        ['/a/{}', "empty parameter '{}'"],
        ['/a/{1x}', 'must start with a letter'],
        ['/a/{id}/{id}', "'id' is used twice"],
        ['/a/{id:(?<x>\\d)}', 'named group'],
        ['/a/{id:(a)\\1}', 'backreference'],
        ['/a/{id:*}', 'is not valid'],
        ['/a/{id:[}]', "'{' at position 3 is never closed"],
        ['/a?b=1', 'no query or fragment'],
      ])('rejects %s', (path, message) => {
        const router = factory('root');
        const add = (): void => router.add({ method: 'GET', path, value: 'x', owner: 'root', label: 'Broken.route' });
        const error = errorOf(add);
        expect(error.code).toBe('WEFT_ERR_INVALID_PATH');
        expect(error.message).toContain(message);
        expect(error.message).toContain('Broken.route');
      });
    });

    describe('percent-encoding and unicode (aiohttp matches the raw path)', () => {
      const router = build([
        ['GET', '/users/{id}', 'user'],
        ['GET', '/héllo/{name}', 'hello'],
        ['GET', '/café', 'cafe'],
        ['GET', '/a b/{x}', 'space'],
        ['GET', '/n/{name:[a-z]+}', 'ascii'],
        ['GET', '/num/{n:\\d+}', 'number'],
      ], [['/admin/', 'admin']]);

      it.each([
        ['/users/%41%20b', found('user', { id: 'A b' })],
        ['/users/a%2Fb', found('user', { id: 'a/b' })],
        ['/users/a%2fb', found('user', { id: 'a/b' })],
        ['/users/%2541', found('user', { id: '%41' })],
        ['/users/%C3%A9t%C3%A9', found('user', { id: 'été' })],
        ['/users/a+b', found('user', { id: 'a+b' })],
        ['/h%C3%A9llo/x', found('hello', { name: 'x' })],
        ['/h%c3%a9llo/x', found('hello', { name: 'x' })],
        ['/caf%C3%A9', found('cafe')],
        ['/caf%c3%A9', found('cafe')],
        ['/a%20b/1', found('space', { x: '1' })],
        ['/n/abc', found('ascii', { name: 'abc' })],
        ['/n/%C3%A9', notFound()],
        ['/num/42', found('number', { n: '42' })],
        ['/%75sers/42', notFound()],
        ['/users/42/', notFound()],
        ['//users/42', notFound()],
        ['/users//42', notFound()],
        ['/users/', notFound()],
      ])('GET %s', (path, expected) => {
        expect(match(router, 'GET', path)).toEqual(expected);
      });

      it.each([
        ['/users/%zz', 'malformed'],
        ['/users/%', 'malformed'],
        ['/users/%4', 'malformed'],
        ['/users/%C0%AF', 'UTF-8'],
        ['/users/%ED%A0%80', 'UTF-8'],
        ['/users/%FF', 'UTF-8'],
        ['/users/%E2%82', 'UTF-8'],
      ])('GET %s is a bad request', (path, reason) => {
        const result = router.match('GET', path, req());
        expect(result).toMatchObject({ kind: 'bad-request', owner: 'root' });
        expect((result as { reason: string }).reason).toContain(reason);
      });

      it('reports the owner of the prefix for a bad request', () => {
        expect(router.match('GET', '/admin/%zz', req())).toMatchObject({ kind: 'bad-request', owner: 'admin' });
      });
    });

    describe('order: specificity segment by segment, then registration', () => {
      it.each<[string, Spec[], string, unknown]>([
        ['literal > {param}', [['GET', '/users/{id}', 'param'], ['GET', '/users/me', 'literal']], '/users/me', found('literal')],
        ['{param:regex} > {param}', [['GET', '/x/{id}', 'param'], ['GET', '/x/{id:\\d+}', 'regex']], '/x/42', found('regex', { id: '42' })],
        ['{param} still gets what the regex refuses', [['GET', '/x/{id}', 'param'], ['GET', '/x/{id:\\d+}', 'regex']], '/x/abc', found('param', { id: 'abc' })],
        ['{param:regex} > {tail:.*}', [['GET', '/f/{rest:.*}', 'tail'], ['GET', '/f/{n:\\d+}', 'regex']], '/f/1', found('regex', { n: '1' })],
        ['tail still gets the rest', [['GET', '/f/{rest:.*}', 'tail'], ['GET', '/f/{n:\\d+}', 'regex']], '/f/a/b', found('tail', { rest: 'a/b' })],
        ['{name}.json > {name}', [['GET', '/d/{name}', 'any'], ['GET', '/d/{name}.json', 'json']], '/d/a.json', found('json', { name: 'a' })],
        ['first segment decides', [['GET', '/{a}/b', 'param-first'], ['GET', '/a/{b}', 'literal-first']], '/a/b', found('literal-first', { b: 'b' })],
        ['deeper literal start', [['GET', '/api/{x}/y', 'shallow'], ['GET', '/api/v1/{z}', 'deep']], '/api/v1/y', found('deep', { z: 'y' })],
        ['root catch-all last', [['GET', '/{path:.*}', 'catch-all'], ['GET', '/static/{f}', 'static']], '/static/a', found('static', { f: 'a' })],
        ['equal rank: registration', [['GET', '/r/{a:[0-9]+}', 'first'], ['GET', '/r/{b:[0-9a-f]+}', 'second']], '/r/12', found('first', { a: '12' })],
        ['equal rank: registration (swapped)', [['GET', '/r/{b:[0-9a-f]+}', 'first'], ['GET', '/r/{a:[0-9]+}', 'second']], '/r/12', found('first', { b: '12' })],
      ])('%s', (_rule, specs, path, expected) => {
        expect(match(build(specs), 'GET', path)).toEqual(expected);
      });
    });

    describe('duplicates are startup errors naming both routes', () => {
      const add = (router: Router<string, string>, method: string, path: string, label: string, extra: Extra = {}): void =>
        router.add({ method, path, value: label, owner: 'root', label, ...extra });

      it.each<[string, [string, string, Extra?], [string, string, Extra?]]>([
        ['same method and path', ['GET', '/u/{id}'], ['GET', '/u/{id}']],
        ['same shape, other names', ['GET', '/u/{id}'], ['GET', '/u/{userId}']],
        ['same static path, unicode or encoded', ['GET', '/café'], ['GET', '/caf%C3%A9']],
        ['lower-case method', ['GET', '/u'], ['get', '/u']],
        ['same accept, other order', ['GET', '/r', { accept: ['text/html', 'application/json'] }], ['GET', '/r', { accept: ['application/json', 'text/html'] }]],
        ['any method twice', ['*', '/any'], ['*', '/any']],
      ])('%s', (_case, [m1, p1, e1], [m2, p2, e2]) => {
        const router = factory('root');
        add(router, m1, p1, 'First.route', e1);
        const second = (): void => add(router, m2, p2, 'Second.route', e2);
        const error = errorOf(second);
        expect(error.code).toBe('WEFT_ERR_DUPLICATE_ROUTE');
        expect(error.message).toMatch(/First\.route and Second\.route/);
      });

      it('accepts what differs by method, accept, predicates, or * beside GET', () => {
        const router = factory('root');
        const isA = (): boolean => true;
        add(router, 'GET', '/r', 'get');
        add(router, 'POST', '/r', 'post');
        add(router, '*', '/r', 'any');
        add(router, 'GET', '/r', 'json', { accept: ['application/json'] });
        add(router, 'GET', '/r', 'a', { predicates: [isA] });
        add(router, 'GET', '/r', 'b', { predicates: [(): boolean => true] });
        expect(() => add(router, 'GET', '/r', 'a2', { predicates: [isA] })).toThrow(/a and a2/);
      });
    });

    describe('methods', () => {
      const router = build([
        ['GET', '/r', 'get'],
        ['POST', '/r', 'post'],
        ['DELETE', '/r', 'delete'],
        ['GET', '/h', 'get-h'],
        ['HEAD', '/h', 'head-h'],
        ['*', '/any', 'any'],
        ['GET', '/mixed', 'mixed-get'],
        ['*', '/mixed', 'mixed-any'],
        ['GET', '/u/{id}', 'u-get'],
        ['DELETE', '/u/{name:[a-z]+}', 'u-delete'],
        ['POST', '/u/{n:\\d+}', 'u-post'],
        ['GET', '/users/me', 'me'],
        ['DELETE', '/users/{id}', 'user-delete'],
        ['put', '/lower', 'lower'],
      ]);

      it.each([
        ['HEAD', '/r', found('get')],
        ['HEAD', '/h', found('head-h')],
        ['GET', '/h', found('get-h')],
        ['PATCH', '/any', found('any')],
        ['HEAD', '/any', found('any')],
        ['GET', '/mixed', found('mixed-get')],
        ['HEAD', '/mixed', found('mixed-get')],
        ['POST', '/mixed', found('mixed-any')],
        ['POST', '/u/1', found('u-post', { n: '1' })],
        ['DELETE', '/users/me', found('user-delete', { id: 'me' })],
        ['PUT', '/lower', found('lower')],
      ])('%s %s', (method, path, expected) => {
        expect(match(router, method, path)).toEqual(expected);
      });

      it.each([
        ['PUT', '/r', ['DELETE', 'GET', 'HEAD', 'POST']],
        ['POST', '/h', ['GET', 'HEAD']],
        ['PUT', '/u/abc', ['DELETE', 'GET', 'HEAD']],
        ['PUT', '/u/1', ['GET', 'HEAD', 'POST']],
        ['POST', '/users/me', ['DELETE', 'GET', 'HEAD']],
        ['GET', '/lower', ['PUT']],
      ])('%s %s is 405 with a sorted Allow', (method, path, allow) => {
        expect(match(router, method, path)).toEqual({ kind: 'method-not-allowed', allow, owner: 'root' });
      });

      it('is 404 when no path matches at all', () => {
        expect(match(router, 'GET', '/nothing')).toEqual(notFound());
        expect(match(router, 'OPTIONS', '*')).toEqual(notFound());
      });

      it('rejects a method that is not a token', () => {
        const add = (): void => factory('root').add({ method: 'GE T', path: '/x', value: 'x', owner: 'root', label: 'Bad.method' });
        expect(errorOf(add)).toMatchObject({ code: 'WEFT_ERR_INVALID_ROUTE', message: expect.stringMatching(/Bad\.method: the method "GE T"/) });
      });
    });

  });
  describeCriteriaConformance(name, factory);
}
