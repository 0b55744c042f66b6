import { type PredicateRequest } from './router.js';

/**
 * What a custom resource answers: a found route, the methods it would have allowed for
 * this path (a 405 unless something else matches), or null when the path is not its own.
 *
 * @example
 * ```ts
 * const answer: ResourceResolution<Route, App> = { kind: 'method-not-allowed', allow: ['GET'] };
 * ```
 */
export type ResourceResolution<V, O> =
  | { kind: 'found'; value: V; params: Record<string, string>; owner: O; mediaType?: string }
  | { kind: 'method-not-allowed'; allow: string[] }
  | null;

/**
 * A custom resource (aiohttp's `register_resource`): routing by rules the path patterns
 * cannot express, such as the `Host` header or a lookup in a table loaded at startup.
 *
 * Where it is tried: after every route of the table, in resource registration order.
 * aiohttp tries resources in registration order, mixed with its routes, because its
 * routes are an ordered list too; weft's routes are ordered by specificity, which an
 * opaque resource does not have, so resources come last: a resource never shadows a
 * declared route, and requests for declared routes (static ones are a single Map lookup)
 * never pay for calling every resource. A resource's `method-not-allowed` adds its methods
 * to the 405's `Allow` like a route's would. Routing by header on declared paths is the
 * job of route predicates, which are tried in the normal order.
 *
 * `resolve` is synchronous, as routing is: a resource backed by a database keeps an index
 * in memory (loaded at startup, refreshed in the background) rather than querying per
 * request. `rawPath` is the percent-encoded path, escapes upper-cased and already
 * validated; decode what you capture with `decodeURIComponent`.
 *
 * This is the route table's own interface, generic in what a match carries (`V`) and who
 * owns it (`O`); an application takes the simpler `AppResource` through
 * `app.router.addResource()`, which weft adapts to this one.
 *
 * @example
 * ```ts
 * const pageIndex = new Map([['/about', 'about']]);
 * const pages: Resource<string, string> = {
 *   resolve(method, rawPath) {
 *     const slug = pageIndex.get(rawPath);
 *     if (slug === undefined) return null;
 *     if (method !== 'GET' && method !== 'HEAD') return { kind: 'method-not-allowed', allow: ['GET', 'HEAD'] };
 *     return { kind: 'found', value: 'page', params: { slug }, owner: 'root' };
 *   },
 * };
 * ```
 */
export interface Resource<V, O> {
  resolve(method: string, rawPath: string, request: PredicateRequest): ResourceResolution<V, O>;
}
