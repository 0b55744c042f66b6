import { type Resource } from './resource.js';

/**
 * What a predicate or a custom resource may read of the request: its headers. The real
 * `Request` satisfies it; tests can pass `{ headers: new Headers({...}) }`.
 *
 * @example
 * ```ts
 * const isAdminHost = (request: PredicateRequest) => request.headers.get('host') === 'admin.example.com';
 * ```
 */
export interface PredicateRequest {
  headers: { get(name: string): string | undefined | null };
}

/**
 * A user criterion for choosing among routes on one method and path: the route is chosen
 * only when every one of its predicates returns true. Keep them pure and cheap: all
 * candidates' predicates may run for a request.
 *
 * @example
 * ```ts
 * const fromMobile: RoutePredicate = (request) => /Mobile/.test(request.headers.get('user-agent') ?? '');
 * ```
 */
export type RoutePredicate = (request: PredicateRequest) => boolean;

/**
 * One route to add to a table. The compile step fills `path` with the full pattern (the
 * mount prefix already joined) and `value` with the compiled route.
 *
 * @example
 * ```ts
 * table.add({ method: 'GET', path: '/users/{id}', value: compiled, owner: app, label: 'UsersController.show' });
 * table.add({ method: 'GET', path: '/report', value: csv, owner: app, label: 'Reports.csv', accept: ['text/csv'] });
 * ```
 */
export interface RouteDefinition<V, O> {
  /** An HTTP method (a token; upper-cased), or `'*'` for any method. */
  method: string;
  /** The full pattern, prefix already joined: `/admin/users/{id}`. */
  path: string;
  /** What `match` returns for this route (the compiled route). */
  value: V;
  /** The application that owns the route. */
  owner: O;
  /** Names the route in errors: `'UsersController.show'` or `'GET /x (router.add)'`. */
  label: string;
  /** Media types the route produces; the best for the request's `Accept` wins. */
  accept?: string[];
  /** Extra criteria; all must return true for the route to be chosen. */
  predicates?: RoutePredicate[];
}

/**
 * The outcome of routing one request. Every result carries an owner: the route's owner
 * when found, otherwise the app of the deepest mounted prefix the path is under (or the
 * table's root owner), so the glue can run that app's middlewares for the miss. Results
 * are read-only: static routes and misses return shared, frozen objects.
 *
 * @example
 * ```ts
 * const result = table.match('GET', '/users/42', request);
 * if (result.kind === 'found') console.log(result.params.id, result.mediaType);
 * else if (result.kind === 'method-not-allowed') console.log(result.allow.join(','));
 * ```
 */
export type MatchResult<V, O> =
  | { kind: 'found'; value: V; params: Record<string, string>; owner: O; mediaType?: string }
  | { kind: 'not-found'; owner: O }
  | { kind: 'method-not-allowed'; allow: string[]; owner: O }
  | { kind: 'not-acceptable'; owner: O; available: string[] }
  | { kind: 'bad-request'; reason: string; owner: O };

/**
 * Options of {@link Router.addResource}.
 *
 * @example
 * ```ts
 * table.addResource(adminPages, { prefix: '/admin/' }); // sees '/pages/x' for '/admin/pages/x'
 * ```
 */
export interface AddResourceOptions {
  /**
   * A mount prefix (`/admin/`): the resource is then consulted only for paths under it
   * (or the bare prefix), and `resolve` receives the path relative to it (`/admin/x` →
   * `/x`, `/admin` → `''`), like a resource registered in a mounted aiohttp sub-app.
   */
  prefix?: string;
}

/**
 * The seam between the router and the application: the compile step fills a router, the
 * request path calls `match` once per request.
 *
 * @example
 * ```ts
 * const router: Router<string, string> = new RouteTable('root');
 * router.add({ method: 'GET', path: '/users/{id}', value: 'show', owner: 'root', label: 'show' });
 * router.freeze();
 * router.match('GET', '/users/42', { headers: new Headers() }); // found, params { id: '42' }
 * ```
 */
export interface Router<V, O> {
  add(route: RouteDefinition<V, O>): void;
  addResource(resource: Resource<V, O>, options?: AddResourceOptions): void;
  addPrefix(prefix: string, owner: O): void;
  /** After this, `add*` throws `WEFT_ERR_APP_FROZEN`. */
  freeze(): void;
  match(method: string, rawPath: string, request: PredicateRequest): MatchResult<V, O>;
}
