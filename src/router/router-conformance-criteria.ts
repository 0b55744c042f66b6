/**
 * The router conformance suite, part two: custom routing criteria (accept negotiation,
 * predicates), custom resources, mounted prefixes and freezing. Run through
 * `describeRouterConformance` in `router-conformance.ts`.
 */
import { describe, expect, it } from '@jest/globals';
import { conformanceKit, errorOf, req, type RouterFactory, type Spec } from './router-conformance-kit.js';
import { type PredicateRequest } from './router.js';

/**
 * Declares the criteria, resource, prefix and freeze conformance tests.
 *
 * @example
 * ```ts
 * describeCriteriaConformance('RouteTable', (root) => new RouteTable<string, string>(root));
 * ```
 */
export function describeCriteriaConformance(name: string, factory: RouterFactory): void {
  const { build, found, notFound, match } = conformanceKit(factory);

  describe(`${name}: router conformance (criteria, resources, prefixes)`, () => {
    describe('accept negotiation', () => {
      const specs: Spec[] = [
        ['GET', '/report', 'json', { accept: ['application/json'] }],
        ['GET', '/report', 'html', { accept: ['text/html'] }],
        ['GET', '/doc/{id}', 'doc-json', { accept: ['application/json'] }],
        ['GET', '/doc/{id}', 'doc-any'],
      ];
      const router = build(specs, [['/admin/', 'admin']]);

      it.each([
        ['text/html', found('html', {}, { mediaType: 'text/html' })],
        ['application/json', found('json', {}, { mediaType: 'application/json' })],
        ['text/html;q=0.5, application/json', found('json', {}, { mediaType: 'application/json' })],
        ['text/*', found('html', {}, { mediaType: 'text/html' })],
        ['*/*', found('json', {}, { mediaType: 'application/json' })],
        ['application/json;q=0, */*', found('html', {}, { mediaType: 'text/html' })],
      ])('Accept: %s', (accept, expected) => {
        expect(match(router, 'GET', '/report', { accept })).toEqual(expected);
      });

      it('takes the first offer when there is no Accept header', () => {
        expect(match(router, 'GET', '/report')).toEqual(found('json', {}, { mediaType: 'application/json' }));
      });

      it('is 406 with the offers when nothing is acceptable and there is no fallback', () => {
        expect(match(router, 'GET', '/report', { accept: 'image/png' })).toEqual({
          kind: 'not-acceptable',
          owner: 'root',
          available: ['application/json', 'text/html'],
        });
        expect(match(router, 'POST', '/report', { accept: 'image/png' })).toMatchObject({ kind: 'method-not-allowed' });
      });

      it('falls back to the route without accept', () => {
        expect(match(router, 'GET', '/doc/1', { accept: 'image/png' })).toEqual(found('doc-any', { id: '1' }));
        expect(match(router, 'GET', '/doc/1', { accept: 'application/json' })).toEqual(found('doc-json', { id: '1' }, { mediaType: 'application/json' }));
      });

      it('reports the prefix owner for a 406', () => {
        const admin = build([['GET', '/admin/r', 'r', { accept: ['text/csv'], owner: 'admin' }]], [['/admin/', 'admin']]);
        expect(match(admin, 'GET', '/admin/r', { accept: 'text/html' })).toEqual({ kind: 'not-acceptable', owner: 'admin', available: ['text/csv'] });
      });
    });

    describe('predicates', () => {
      const host = (name: string) => (request: PredicateRequest): boolean => request.headers.get('host') === name;
      const router = build([
        ['GET', '/p', 'for-a', { predicates: [host('a')] }],
        ['GET', '/p', 'for-a-too', { predicates: [host('a')], label: 'second' }],
        ['GET', '/p', 'for-b', { predicates: [host('b')] }],
        ['GET', '/p', 'fallback'],
        ['GET', '/only', 'only-a', { predicates: [host('a')] }],
        ['POST', '/only', 'only-post'],
        ['GET', '/q/special', 'special', { predicates: [host('a')] }],
        ['GET', '/q/{x}', 'generic'],
        ['GET', '/neg', 'neg-json', { accept: ['application/json'], predicates: [host('a')] }],
        ['GET', '/neg', 'neg-html', { accept: ['text/html'] }],
      ]);

      it.each([
        [{ host: 'a' }, '/p', found('for-a')],
        [{ host: 'b' }, '/p', found('for-b')],
        [{ host: 'c' }, '/p', found('fallback')],
        [{}, '/p', found('fallback')],
        [{ host: 'a' }, '/only', found('only-a')],
        [{ host: 'b' }, '/only', notFound()],
        [{ host: 'a' }, '/q/special', found('special')],
        [{ host: 'b' }, '/q/special', found('generic', { x: 'special' })],
        [{ host: 'b', accept: 'application/json' }, '/neg', { kind: 'not-acceptable', owner: 'root', available: ['text/html'] }],
        [{ host: 'a', accept: 'application/json' }, '/neg', found('neg-json', {}, { mediaType: 'application/json' })],
      ])('%j GET %s', (headers, path, expected) => {
        expect(match(router, 'GET', path, headers as Record<string, string>)).toEqual(expected);
      });

      it('rejects predicates that are not functions', () => {
        const add = (): void =>
          factory('root').add({ method: 'GET', path: '/x', value: 'x', owner: 'root', label: 'Bad.predicate', predicates: ['yes' as never] });
        expect(errorOf(add)).toMatchObject({ code: 'WEFT_ERR_INVALID_ROUTE', message: expect.stringContaining('predicates[0] is not a function') });
      });
    });

    describe('custom resources', () => {
      const byHost = {
        resolve(method: string, rawPath: string, request: PredicateRequest) {
          if (request.headers.get('host') !== 'files.example') return null;
          if (method !== 'GET') return { kind: 'method-not-allowed' as const, allow: ['GET'] };
          return { kind: 'found' as const, value: 'file', params: { file: decodeURIComponent(rawPath.slice(1)) }, owner: 'files' };
        },
      };
      const everything = { resolve: () => ({ kind: 'found' as const, value: 'everything', params: {}, owner: 'root' }) };
      const router = factory('root');
      router.add({ method: 'GET', path: '/x', value: 'route', owner: 'root', label: 'route' });
      router.add({ method: 'GET', path: '/y', value: 'y', owner: 'root', label: 'y' });
      router.addResource(byHost);
      router.addResource(everything);
      router.freeze();

      it('tries routes first, then resources in registration order', () => {
        expect(match(router, 'GET', '/x', { host: 'files.example' })).toEqual(found('route'));
        expect(match(router, 'GET', '/a%20b', { host: 'files.example' })).toEqual(found('file', { file: 'a b' }, { owner: 'files' }));
        expect(match(router, 'GET', '/a', { host: 'other' })).toEqual(found('everything'));
      });

      it("adds a resource's methods to a 405", () => {
        const only = factory('root');
        only.add({ method: 'POST', path: '/y', value: 'y', owner: 'root', label: 'y' });
        only.addResource(byHost);
        expect(match(only, 'DELETE', '/y', { host: 'files.example' })).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'HEAD', 'POST'], owner: 'root' });
      });

      it('passes the raw path with escapes upper-cased, relative to its prefix when given one', () => {
        const seen: string[] = [];
        const spy = factory('root');
        spy.addResource({ resolve: (_method, rawPath) => (seen.push(rawPath), null) });
        spy.addResource({ resolve: (_method, rawPath) => (seen.push(`admin:${rawPath}`), null) }, { prefix: '/admin/' });
        spy.match('GET', '/a%c3%a9', req());
        spy.match('GET', '/admin/x', req());
        spy.match('GET', '/admin', req());
        spy.match('GET', '/adminx', req());
        expect(seen).toEqual(['/a%C3%A9', '/admin/x', 'admin:/x', '/admin', 'admin:', '/adminx']);
      });

      it('rejects a resource without resolve()', () => {
        expect(errorOf(() => factory('root').addResource({} as never))).toMatchObject({ code: 'WEFT_ERR_INVALID_ROUTE', message: expect.stringContaining('resolve(') });
      });
    });

    describe('mounted prefixes own their misses', () => {
      const router = build(
        [
          ['GET', '/admin/users', 'admin-users', { owner: 'admin' }],
          ['GET', '/top', 'top'],
        ],
        [['/admin/', 'admin'], ['/admin/deep/', 'deep'], ['/café/', 'cafe']],
      );

      it.each([
        ['GET', '/admin/users', found('admin-users', {}, { owner: 'admin' })],
        ['GET', '/admin/nope', notFound('admin')],
        ['GET', '/admin/', notFound('admin')],
        ['GET', '/admin', notFound('admin')],
        ['GET', '/adminx', notFound('root')],
        ['GET', '/admin/deep/x', notFound('deep')],
        ['GET', '/admin/deep', notFound('deep')],
        ['GET', '/admin/deepx', notFound('admin')],
        ['GET', '/caf%C3%A9/x', notFound('cafe')],
        ['GET', '/caf%c3%a9', notFound('cafe')],
        ['GET', '/nope', notFound('root')],
        ['POST', '/admin/users', { kind: 'method-not-allowed', allow: ['GET', 'HEAD'], owner: 'admin' }],
      ])('%s %s', (method, path, expected) => {
        expect(match(router, method, path)).toEqual(expected);
      });

      it.each([
        ['/', 'WEFT_ERR_INVALID_PATH'],
        ['admin/', 'WEFT_ERR_INVALID_PATH'],
        ['/a/{x}/', 'WEFT_ERR_INVALID_PATH'],
        ['/a//', 'WEFT_ERR_INVALID_PATH'],
      ])('rejects the prefix %s', (prefix, code) => {
        expect(errorOf(() => factory('root').addPrefix(prefix, 'x'))).toMatchObject({ code, message: expect.stringContaining(JSON.stringify(prefix)) });
      });

      it('rejects a prefix mounted by two owners', () => {
        const twice = factory('root');
        twice.addPrefix('/admin/', 'admin');
        twice.addPrefix('/admin', 'admin');
        expect(errorOf(() => twice.addPrefix('/admin/', 'other'))).toMatchObject({ code: 'WEFT_ERR_MOUNT', message: expect.stringContaining('/admin/') });
      });
    });

    describe('freeze', () => {
      it('matches before freeze and refuses changes after', () => {
        const router = factory('root');
        router.add({ method: 'GET', path: '/a', value: 'a', owner: 'root', label: 'a' });
        expect(match(router, 'GET', '/a')).toEqual(found('a'));
        router.add({ method: 'GET', path: '/b/{x}', value: 'b', owner: 'root', label: 'b' });
        expect(match(router, 'GET', '/b/1')).toEqual(found('b', { x: '1' }));
        router.freeze();
        expect(errorOf(() => router.add({ method: 'GET', path: '/c', value: 'c', owner: 'root', label: 'c' })).code).toBe('WEFT_ERR_APP_FROZEN');
        expect(errorOf(() => router.addPrefix('/p/', 'p')).code).toBe('WEFT_ERR_APP_FROZEN');
        expect(errorOf(() => router.addResource({ resolve: () => null })).code).toBe('WEFT_ERR_APP_FROZEN');
        expect(match(router, 'GET', '/c')).toEqual(notFound());
      });
    });
  });
}
