import { negotiate } from '../http/media-type.js';
import { type PredicateRequest } from './router.js';
import { type Choice, type TableRoute } from './table-route.js';

/**
 * The routes that can answer one method on one path shape, in the order they are tried,
 * and the choice among them (custom routing criteria):
 *
 * 1. routes of the request's method with `accept` or predicates, in registration order;
 * 2. the route of that method with neither (the fallback);
 * 3. then the same two tiers for `'*'` routes: an explicit method beats `'*'`.
 *
 * A route fits when all its predicates return true and, if it has `accept`, when it
 * offers the media type negotiated from the request's `Accept` header among every
 * offer of the candidates whose predicates passed (q-values, then specificity, then
 * the order of the offers). Predicates of every candidate may run, so keep them pure.
 *
 * @example
 * ```ts
 * const candidates = new CandidateRoutes([jsonRoute, htmlRoute, plainRoute], []);
 * candidates.select({ headers: new Headers({ accept: 'text/html' }) }); // htmlRoute's text/html choice
 * ```
 */
export class CandidateRoutes<V, O> {
  readonly candidates: readonly TableRoute<V, O>[];
  /** The choice when the first candidate has no criteria: it always wins. */
  readonly simple: Choice<V, O> | null;
  readonly #hasPredicates: boolean;
  /** Every media type offered, in candidate order (when no predicate can remove one). */
  readonly #offers: string[];

  /** @param routes of one method (then `'*'`), in registration order. */
  constructor(methodRoutes: readonly TableRoute<V, O>[], anyRoutes: readonly TableRoute<V, O>[]) {
    const tiered = (routes: readonly TableRoute<V, O>[]): TableRoute<V, O>[] => [...routes.filter(hasCriteria), ...routes.filter((route) => !hasCriteria(route))];
    this.candidates = [...tiered(methodRoutes), ...tiered(anyRoutes)];
    this.simple = hasCriteria(this.candidates[0]) ? null : this.candidates[0].plain;
    this.#hasPredicates = this.candidates.some((route) => route.predicates !== null);
    this.#offers = offersOf(this.candidates, null);
  }

  /**
   * Chooses a route for the request: its choice, the offered media types when routes with
   * `accept` fitted otherwise but none offers an acceptable type (a 406), or null when
   * predicates rejected every candidate.
   *
   * @example
   * ```ts
   * const choice = candidates.simple ?? candidates.select(request);
   * ```
   */
  select(request: PredicateRequest): Choice<V, O> | readonly string[] | null {
    const candidates = this.candidates;
    let passed: boolean[] | null = null;
    let offers = this.#offers;
    if (this.#hasPredicates) {
      passed = candidates.map((route) => route.predicates === null || route.predicates.every((predicate) => predicate(request)));
      offers = offersOf(candidates, passed);
    }
    let negotiated: string | null | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const route = candidates[i];
      if (passed !== null && !passed[i]) continue;
      if (route.byType === null) return route.plain;
      if (negotiated === undefined) negotiated = negotiate(request.headers.get('accept') ?? undefined, offers);
      const choice = negotiated === null ? undefined : route.byType.get(negotiated);
      if (choice !== undefined) return choice;
    }
    return offers.length > 0 ? offers : null;
  }
}

function hasCriteria<V, O>(route: TableRoute<V, O>): boolean {
  return route.accept !== null || route.predicates !== null;
}

/** The media types offered by the candidates (those whose predicates passed), deduplicated. */
function offersOf<V, O>(candidates: readonly TableRoute<V, O>[], passed: readonly boolean[] | null): string[] {
  const offers = new Set<string>();
  candidates.forEach((route, i) => {
    if (route.accept !== null && (passed === null || passed[i])) for (const type of route.accept) offers.add(type);
  });
  return Object.freeze([...offers]) as string[];
}
