import { WeftError } from '../errors.js';
import { CandidateRoutes } from './candidate-routes.js';
import { type PathPattern } from './path-pattern.js';
import { sameCriteria, type TableRoute } from './table-route.js';

/**
 * Every route on one path shape (aiohttp's resource): patterns that differ only in their
 * parameter names (`/users/{id}`, `/users/{userId}`) match the same paths, so they share
 * one matcher, one `Allow` list and the HEAD rule. Built once (`build()`), then read by
 * the hot path through `candidatesFor`.
 *
 * @example
 * ```ts
 * const group = new RouteGroup(pattern, 0);
 * group.add(getRoute);
 * group.build();
 * group.candidatesFor('HEAD'); // the GET route's candidates
 * group.allow;                 // ['GET', 'HEAD']
 * ```
 */
export class RouteGroup<V, O> {
  /** The pattern used for matching (the first route's). */
  readonly pattern: PathPattern;
  /** Registration order of the group's first route: the tie-breaker after specificity. */
  readonly order: number;
  readonly routes: TableRoute<V, O>[] = [];
  /** Where the matcher writes raw values; read right after matching, before any user code. */
  readonly scratch: string[];
  /**
   * Set by the table: the group's pattern may match paths under the prefix of a mounted
   * app other than its routes' owner (a parent's `/{path:.*}`), where it must not answer.
   */
  guarded = false;
  /** The methods allowed on this path, sorted, HEAD included with GET (for a 405). */
  allow: readonly string[] = [];
  /**
   * Methods with routes here, and their candidates at the same index: a handful, found by
   * `===` (node gives interned method strings, so that is a pointer comparison) where a
   * Map lookup cost a hash probe per request.
   */
  #methods: string[] = [];
  #candidates: CandidateRoutes<V, O>[] = [];
  #anyMethod: CandidateRoutes<V, O> | null = null;

  constructor(pattern: PathPattern, order: number) {
    this.pattern = pattern;
    this.order = order;
    this.scratch = new Array<string>(pattern.matcher.size);
  }

  /**
   * Adds a route; throws `WEFT_ERR_DUPLICATE_ROUTE` naming both routes when one with the
   * same method and the same criteria (accept, predicates) is already there.
   */
  add(route: TableRoute<V, O>): void {
    const twin = this.routes.find((other) => other.method === route.method && sameCriteria(other, route));
    if (twin !== undefined) {
      const method = route.method === '*' ? 'any method' : route.method;
      throw new WeftError(
        'WEFT_ERR_DUPLICATE_ROUTE',
        `${twin.label} and ${route.label} both route ${method} ${twin.pattern.pattern}${route.pattern.pattern === twin.pattern.pattern ? '' : ` (as ${route.pattern.pattern})`} with the same criteria; give one an accept list or predicates, or remove it`,
      );
    }
    this.routes.push(route);
  }

  /** Computes the candidates per method and the `Allow` list; called after adding routes. */
  build(): void {
    const byMethod = new Map<string, TableRoute<V, O>[]>();
    for (const route of this.routes) {
      const list = byMethod.get(route.method);
      if (list === undefined) byMethod.set(route.method, [route]);
      else list.push(route);
    }
    const anyRoutes = byMethod.get('*') ?? [];
    byMethod.delete('*');
    // GET routes answer HEAD, unless the path has HEAD routes of its own.
    const get = byMethod.get('GET');
    if (get !== undefined && !byMethod.has('HEAD')) byMethod.set('HEAD', get);
    this.#methods = [...byMethod.keys()];
    this.#candidates = [...byMethod.values()].map((routes) => new CandidateRoutes(routes, anyRoutes));
    this.#anyMethod = anyRoutes.length > 0 ? new CandidateRoutes([], anyRoutes) : null;
    this.allow = Object.freeze([...byMethod.keys()].sort());
  }

  /** The candidates for a method, or null when this path does not allow it (a 405 unless another path matches). */
  candidatesFor(method: string): CandidateRoutes<V, O> | null {
    // hot path
    const methods = this.#methods;
    for (let i = 0; i < methods.length; i++) if (methods[i] === method) return this.#candidates[i];
    return this.#anyMethod;
  }
}
