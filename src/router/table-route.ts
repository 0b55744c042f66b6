import { WeftError } from '../errors.js';
import { type PathPattern } from './path-pattern.js';
import { type MatchResult, type RouteDefinition, type RoutePredicate } from './router.js';

/** A found result. */
export type FoundResult<V, O> = Extract<MatchResult<V, O>, { kind: 'found' }>;

/**
 * A route chosen for a request, with the media type negotiated for it. Built once per
 * route and media type, so choosing allocates nothing; for a static route the whole
 * found result is pre-built too.
 */
export interface Choice<V, O> {
  readonly route: TableRoute<V, O>;
  readonly mediaType: string | undefined;
  /** The frozen result to return as is (static patterns only), else null. */
  readonly found: FoundResult<V, O> | null;
}

/** A validated route definition, as the table keeps it. */
export interface TableRoute<V, O> {
  readonly method: string;
  readonly pattern: PathPattern;
  readonly value: V;
  readonly owner: O;
  readonly label: string;
  readonly accept: readonly string[] | null;
  readonly predicates: readonly RoutePredicate[] | null;
  /** The choice without a media type (routes without `accept`). */
  readonly plain: Choice<V, O>;
  /** The choice per offered media type (routes with `accept`). */
  readonly byType: ReadonlyMap<string, Choice<V, O>> | null;
}

const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MEDIA_TYPE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+(\s*;.*)?$/;

/** The params of every static route: shared, so it is frozen. */
export const EMPTY_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Validates a definition and builds the table's record of it. Throws
 * `WEFT_ERR_INVALID_ROUTE` naming the route for a method that is not a token, an `accept`
 * that is not a non-empty list of `type/subtype` strings, or `predicates` that are not
 * functions.
 *
 * @example
 * ```ts
 * const route = createTableRoute({ method: 'get', path: '/x', value, owner, label: 'x' }, new PathPattern('/x'));
 * route.method; // 'GET'
 * ```
 */
export function createTableRoute<V, O>(definition: RouteDefinition<V, O>, pattern: PathPattern): TableRoute<V, O> {
  const label = typeof definition.label === 'string' && definition.label !== '' ? definition.label : `${String(definition.method)} ${definition.path}`;
  const invalid = (problem: string): WeftError => new WeftError('WEFT_ERR_INVALID_ROUTE', `${label}: ${problem}`);
  if (typeof definition.method !== 'string' || !METHOD_TOKEN.test(definition.method)) {
    throw invalid(`the method ${JSON.stringify(definition.method)} is not an HTTP method token (or '*' for any method)`);
  }
  const accept = definition.accept ?? null;
  if (accept !== null) {
    if (!Array.isArray(accept) || accept.length === 0) throw invalid('accept must be a non-empty array of media types');
    for (const type of accept) {
      if (typeof type !== 'string' || !MEDIA_TYPE.test(type)) throw invalid(`accept: ${JSON.stringify(type)} is not a media type (type/subtype)`);
    }
  }
  const predicates = definition.predicates ?? null;
  if (predicates !== null) {
    if (!Array.isArray(predicates)) throw invalid('predicates must be an array of functions');
    predicates.forEach((predicate, i) => {
      if (typeof predicate !== 'function') throw invalid(`predicates[${i}] is not a function`);
    });
  }
  const route = {
    method: definition.method.toUpperCase(),
    pattern,
    value: definition.value,
    owner: definition.owner,
    label,
    accept: accept === null ? null : Object.freeze([...new Set(accept)]),
    predicates: predicates === null || predicates.length === 0 ? null : Object.freeze([...predicates]),
  } as { -readonly [K in keyof TableRoute<V, O>]: TableRoute<V, O>[K] };
  route.plain = choiceOf(route, undefined);
  route.byType = route.accept === null ? null : new Map(route.accept.map((type) => [type, choiceOf(route, type)]));
  return route;
}

function choiceOf<V, O>(route: TableRoute<V, O>, mediaType: string | undefined): Choice<V, O> {
  const found = route.pattern.isStatic ? Object.freeze({ kind: 'found' as const, value: route.value, params: EMPTY_PARAMS, owner: route.owner, mediaType }) : null;
  return Object.freeze({ route, mediaType, found });
}

/**
 * Whether two routes on one method and path are a true conflict: the same `accept` types
 * and the same predicate functions (order does not matter), so neither could ever be
 * chosen over the other.
 *
 * @example
 * ```ts
 * sameCriteria(jsonRoute, htmlRoute); // false: they differ by accept
 * ```
 */
export function sameCriteria<V, O>(a: TableRoute<V, O>, b: TableRoute<V, O>): boolean {
  return sameSet(a.accept, b.accept) && sameSet(a.predicates, b.predicates);
}

function sameSet<T>(a: readonly T[] | null, b: readonly T[] | null): boolean {
  if (a === null || b === null) return a === b;
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}
