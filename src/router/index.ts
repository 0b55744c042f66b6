/**
 * The router: path patterns in aiohttp's syntax, matching on the raw path, ordering by
 * specificity, 404/405/406/400 results, custom routing criteria, custom resources, mount
 * prefixes for misses, and URL reversal.
 *
 * @packageDocumentation
 */
export { RouteTable } from './route-table.js';
export { PathPattern, type PathParams } from './path-pattern.js';
export { buildUrl, encodeQuery, type BuildUrlOptions, type QueryInput, type QueryValue } from './build-url.js';
export { type Resource, type ResourceResolution } from './resource.js';
export {
  type AddResourceOptions,
  type MatchResult,
  type PredicateRequest,
  type RouteDefinition,
  type RoutePredicate,
  type Router,
} from './router.js';
