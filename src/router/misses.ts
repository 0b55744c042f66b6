import { type MountedPrefix } from './mounted-prefixes.js';
import { type MatchResult } from './router.js';

/**
 * What the paths that matched a request said when none answered it, and the result that
 * follows. Created only once a path has matched without answering (never for hits):
 *
 * - some route fitted but offered no acceptable media type → `not-acceptable` (406), with
 *   every offer;
 * - otherwise some route had the method but its predicates said no → `not-found`: the
 *   method is allowed on that path, so a 405 would be wrong;
 * - otherwise some path allows other methods → `method-not-allowed` (405) with the union
 *   of their methods, sorted, HEAD with GET;
 * - otherwise `not-found`.
 *
 * @example
 * ```ts
 * new Misses().methodNotAllowed(['GET', 'HEAD'], true).result(prefixes.root);
 * // { kind: 'method-not-allowed', allow: ['GET', 'HEAD'], owner: root }
 * ```
 */
export class Misses {
  /** A single contribution is kept as is (already sorted and frozen); more are merged. */
  #allow: readonly string[] | Set<string> | null = null;
  #offers: readonly string[] | Set<string> | null = null;
  #rejected = false;

  /** A path matched but allows only `allow`; `sorted` when it is already a sorted, HEAD-complete list. */
  methodNotAllowed(allow: readonly string[], sorted: boolean): this {
    this.#allow = this.#allow === null && sorted ? allow : merge(this.#allow, allow);
    return this;
  }

  /** Routes with `accept` fitted, but none offers an acceptable type. */
  notAcceptable(offers: readonly string[]): this {
    this.#offers = this.#offers === null ? offers : merge(this.#offers, offers);
    return this;
  }

  /** Routes had the method, but their predicates rejected the request. */
  rejected(): this {
    this.#rejected = true;
    return this;
  }

  /** The miss result, owned by the mounted app the path is under. */
  result<V, O>(under: MountedPrefix<O>): MatchResult<V, O> {
    const owner = under.owner;
    if (this.#offers !== null) return { kind: 'not-acceptable', owner, available: toArray(this.#offers) };
    if (this.#rejected || this.#allow === null) return under.notFound;
    let allow = this.#allow;
    if (allow instanceof Set) {
      if (allow.has('GET')) allow.add('HEAD');
      allow = [...allow].sort();
    }
    return { kind: 'method-not-allowed', allow: allow as string[], owner };
  }
}

function merge(into: readonly string[] | Set<string> | null, more: readonly string[]): Set<string> {
  const set = into instanceof Set ? into : new Set(into);
  for (const item of more) set.add(item);
  return set;
}

function toArray(items: readonly string[] | Set<string>): string[] {
  return (items instanceof Set ? [...items] : items) as string[];
}
