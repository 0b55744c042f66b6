/**
 * S2's route table: a realistic REST API of 26 routes, static and dynamic, written once
 * in weft's path syntax and translated for fastify and the raw router, so the three
 * servers route among the same set. `GET /users/{id}` is the measured route; every
 * server gives it a real handler and the others a generic one.
 */

/** One route of the REST set. */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** weft's syntax: `{name}`, `{name:regex}`, `{tail:.*}`. */
  path: string;
  /** What the generic handler answers, so a wrong match shows in a test. */
  name: string;
}

/** The measured route of S2. */
export const TARGET_ROUTE: RestRoute = { method: 'GET', path: '/users/{id}', name: 'users.show' };

/** All routes of S2, the target included, in registration order. */
export const REST_ROUTES: readonly RestRoute[] = [
  { method: 'GET', path: '/health', name: 'health' },
  { method: 'GET', path: '/users', name: 'users.list' },
  { method: 'POST', path: '/users', name: 'users.create' },
  { method: 'GET', path: '/users/me', name: 'users.me' },
  TARGET_ROUTE,
  { method: 'PUT', path: '/users/{id}', name: 'users.replace' },
  { method: 'PATCH', path: '/users/{id}', name: 'users.update' },
  { method: 'DELETE', path: '/users/{id}', name: 'users.delete' },
  { method: 'GET', path: '/users/{id}/posts', name: 'users.posts' },
  { method: 'GET', path: '/users/{id}/followers', name: 'users.followers' },
  { method: 'GET', path: '/posts', name: 'posts.list' },
  { method: 'POST', path: '/posts', name: 'posts.create' },
  { method: 'GET', path: '/posts/{postId}', name: 'posts.show' },
  { method: 'PUT', path: '/posts/{postId}', name: 'posts.replace' },
  { method: 'DELETE', path: '/posts/{postId}', name: 'posts.delete' },
  { method: 'GET', path: '/posts/{postId}/comments', name: 'comments.list' },
  { method: 'POST', path: '/posts/{postId}/comments', name: 'comments.create' },
  { method: 'GET', path: '/posts/{postId}/comments/{commentId}', name: 'comments.show' },
  { method: 'DELETE', path: '/posts/{postId}/comments/{commentId}', name: 'comments.delete' },
  { method: 'GET', path: '/tags', name: 'tags.list' },
  { method: 'GET', path: '/tags/{tag}/posts', name: 'tags.posts' },
  { method: 'GET', path: '/search', name: 'search' },
  { method: 'GET', path: '/orders/{orderId:\\d+}', name: 'orders.show' },
  { method: 'GET', path: '/orders/{orderId:\\d+}/items/{itemId}', name: 'orders.item' },
  { method: 'GET', path: '/admin/stats', name: 'admin.stats' },
  { method: 'GET', path: '/files/{path:.*}', name: 'files' },
];

/** The routes other than {@link TARGET_ROUTE}, which each server registers with a generic handler. */
export const OTHER_ROUTES: readonly RestRoute[] = REST_ROUTES.filter((route) => route !== TARGET_ROUTE);

/**
 * Translates a weft path to fastify's (find-my-way) syntax: `{id}` → `:id`,
 * `{n:\d+}` → `:n(^\d+$)`, a trailing `{tail:.*}` → `*`.
 *
 * @example
 * ```ts
 * toFastifyPath('/orders/{orderId:\\d+}/items/{itemId}'); // '/orders/:orderId(^\\d+$)/items/:itemId'
 * ```
 */
export function toFastifyPath(path: string): string {
  return path.replace(/\{(\w+)(?::([^}]+))?\}/g, (_match, name: string, pattern: string | undefined) => {
    if (pattern === undefined) return `:${name}`;
    if (pattern === '.*') return '*';
    return `:${name}(^${pattern}$)`;
  });
}
