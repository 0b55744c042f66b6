import { RawRouter } from './raw-router.js';
import { REST_ROUTES } from './rest-routes.js';

describe('RawRouter', () => {
  const router = new RawRouter<string>();
  for (const route of REST_ROUTES) router.add(route.method, route.path, route.name);

  it.each([
    ['GET', '/health', 'health', {}],
    ['GET', '/users/me', 'users.me', {}],
    ['GET', '/users/42', 'users.show', { id: '42' }],
    ['DELETE', '/users/42', 'users.delete', { id: '42' }],
    ['GET', '/users/a%20b/posts', 'users.posts', { id: 'a b' }],
    ['GET', '/posts/7/comments/9', 'comments.show', { postId: '7', commentId: '9' }],
    ['GET', '/orders/12/items/x', 'orders.item', { orderId: '12', itemId: 'x' }],
    ['GET', '/files/a/b/c.txt', 'files', { path: 'a/b/c.txt' }],
    ['GET', '/files/', 'files', { path: '' }],
  ])('%s %s → %s', (method, path, name, params) => {
    expect(router.find(method, path)).toEqual({ handler: name, params });
  });

  it.each([
    ['GET', '/nope'],
    ['POST', '/users/42'],
    ['GET', '/users/42/posts/extra'],
    ['GET', '/users/'],
    ['GET', '/orders/abc'],
    ['PATCH', '/health'],
  ])('%s %s → no route', (method, path) => {
    expect(router.find(method, path)).toBeUndefined();
  });

  it('rejects malformed route paths with the reason', () => {
    const bad = new RawRouter<string>();
    expect(() => bad.add('GET', 'users', 'x')).toThrow(`route path "users" must start with '/'`);
    expect(() => bad.add('GET', '/files/{p:.*}/more', 'x')).toThrow('route path /files/{p:.*}/more: a {name:.*} parameter must be the last segment');
    expect(() => bad.add('GET', '/users/id-{id}', 'x')).toThrow('route segment "id-{id}": a parameter must be a whole segment');
  });

  it('throws URIError on a malformed escape, which the raw server answers with 400', () => {
    expect(() => router.find('GET', '/users/%E0%A4%A')).toThrow(URIError);
  });
});
