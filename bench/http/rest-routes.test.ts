import { OTHER_ROUTES, REST_ROUTES, TARGET_ROUTE, toFastifyPath } from './rest-routes.js';

describe('REST route set', () => {
  it('holds the target among 20+ other routes, static and dynamic, each method + path once', () => {
    expect(OTHER_ROUTES.length).toBeGreaterThanOrEqual(20);
    expect(REST_ROUTES).toContain(TARGET_ROUTE);
    expect(OTHER_ROUTES).not.toContain(TARGET_ROUTE);
    expect(OTHER_ROUTES.some((route) => !route.path.includes('{'))).toBe(true);
    expect(OTHER_ROUTES.some((route) => route.path.includes('{'))).toBe(true);
    const keys = REST_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(REST_ROUTES.map((route) => route.name)).size).toBe(REST_ROUTES.length);
  });

  it.each([
    ['/users', '/users'],
    ['/users/{id}', '/users/:id'],
    ['/posts/{postId}/comments/{commentId}', '/posts/:postId/comments/:commentId'],
    ['/orders/{orderId:\\d+}/items/{itemId}', '/orders/:orderId(^\\d+$)/items/:itemId'],
    ['/files/{path:.*}', '/files/*'],
  ])('translates %s to fastify syntax %s', (weft, fastify) => {
    expect(toFastifyPath(weft)).toBe(fastify);
  });
});
