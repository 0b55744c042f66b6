/**
 * Shared pieces of the router conformance suite (see `router-conformance.ts`): tables of
 * routes built into a fresh router, and results reduced to what the rules are about.
 */
import { type MatchResult, type PredicateRequest, type RouteDefinition, type Router } from './router.js';

/** Builds an empty router whose misses outside every prefix belong to `rootOwner`. */
export type RouterFactory = (rootOwner: string) => Router<string, string>;

/** Optional parts of a route in a table. */
export type Extra = Partial<Pick<RouteDefinition<string, string>, 'accept' | 'predicates' | 'owner' | 'label'>>;

/** One route of a table: method, path, value (also the label unless `extra` has one), extra. */
export type Spec = [method: string, path: string, value: string, extra?: Extra];

/**
 * A request with these headers.
 *
 * @example
 * ```ts
 * router.match('GET', '/report', req({ accept: 'text/html' }));
 * ```
 */
export function req(headers: Record<string, string> = {}): PredicateRequest {
  return { headers: new Headers(headers) };
}

/**
 * The error `fn` throws (the test fails when it throws nothing).
 *
 * @example
 * ```ts
 * expect(errorOf(() => router.add(bad)).code).toBe('WEFT_ERR_INVALID_PATH');
 * ```
 */
export function errorOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected an error, none was thrown');
}

/** `found` results reduced to what the rules are about. */
function summary(result: MatchResult<string, string>): unknown {
  if (result.kind !== 'found') return result;
  const { value, params, owner, mediaType } = result;
  return mediaType === undefined ? { value, params, owner } : { value, params, owner, mediaType };
}

/** The helpers bound to one router factory. */
export interface ConformanceKit {
  /** A frozen router with these routes (owner 'root', label = value) and prefixes. */
  build(specs: Spec[], prefixes?: Array<[string, string]>): Router<string, string>;
  /** The expected summary of a found result. */
  found(value: string, params?: Record<string, string>, extra?: { owner?: string; mediaType?: string }): unknown;
  /** The expected not-found result. */
  notFound(owner?: string): unknown;
  /** Matches and summarises. */
  match(router: Router<string, string>, method: string, path: string, headers?: Record<string, string>): unknown;
}

/**
 * Binds the helpers to a router factory.
 *
 * @example
 * ```ts
 * const { build, match, found } = conformanceKit((root) => new RouteTable(root));
 * expect(match(build([['GET', '/a', 'a']]), 'GET', '/a')).toEqual(found('a'));
 * ```
 */
export function conformanceKit(factory: RouterFactory): ConformanceKit {
  return {
    build(specs, prefixes = []) {
      const router = factory('root');
      for (const [method, path, value, extra = {}] of specs) {
        router.add({ method, path, value, owner: 'root', label: value, ...extra });
      }
      for (const [prefix, owner] of prefixes) router.addPrefix(prefix, owner);
      router.freeze();
      return router;
    },
    found: (value, params = {}, extra = {}) => ({
      value,
      params,
      owner: extra.owner ?? 'root',
      ...(extra.mediaType === undefined ? {} : { mediaType: extra.mediaType }),
    }),
    notFound: (owner = 'root') => ({ kind: 'not-found', owner }),
    match: (router, method, path, headers = {}) => summary(router.match(method, path, req(headers))),
  };
}
