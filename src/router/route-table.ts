/**
 * The route table: weft's own matcher, not find-my-way.
 *
 * find-my-way is fast and well kept, but aiohttp's semantics do not fit it: it matches
 * decoded paths with its own normalisations (so `/%75sers` would reach `/users`, and
 * `a%2Fb` needs care), has no regex parameter that spans segments in aiohttp's syntax
 * (`{tail:.*}` in the middle of a pattern), no 405 with an `Allow` computed across
 * patterns, no ordering by specificity then registration order, and no place for custom
 * resources or `accept` negotiation with 406. Wrapping it would mean a second pass for
 * most of those. The matcher here is built for exactly these rules, and the benchmark
 * `bench/router/match.ts` (50 routes; `npm run build && node dist/bench/router/match.js`)
 * shows the dependency would buy no speed: static lookups take 18-40 ns against
 * find-my-way's 90-200 ns (the path compared with the known paths of its length, a
 * pre-built result returned), one-parameter and regex lookups are on par (100-340 ns
 * against 90-240 ns; ratios 0.8-1.4 from run to run on a shared 2-core machine).
 *
 * How a request is matched: see `matchRoute`. Static routes are found by comparing the
 * path with the known paths of its length (no hashing), returning a pre-built result;
 * dynamic patterns hang in a tree of their literal first segments and plain `/{param}`
 * segments are matched without a regex.
 */
import { WeftError } from '../errors.js';
import { LiteralPrefixNode } from './literal-prefix-tree.js';
import { matchRoute, type ResourceEntry, type RouteIndex } from './match-route.js';
import { MountedPrefixes, normalizePrefix } from './mounted-prefixes.js';
import { PathPattern } from './path-pattern.js';
import { type Resource } from './resource.js';
import { RouteGroup } from './route-group.js';
import { type AddResourceOptions, type MatchResult, type PredicateRequest, type RouteDefinition, type Router } from './router.js';
import { compareSpecificity } from './specificity.js';
import { StaticPaths } from './static-paths.js';
import { createTableRoute } from './table-route.js';

/**
 * The route table of an application tree: routes of controllers, `app.router.add` and
 * mounted sub-apps (prefixes already joined), custom resources and mount prefixes. Fill
 * it, `freeze()` it, then `match` once per request.
 *
 * Semantics, after aiohttp: matching on the raw path (see `PathPattern`); more specific
 * patterns first (literal segment > `{name}.json` > `{param}` > `{param:regex}` >
 * `{tail:.*}`, segment by segment), then registration order; a path whose pattern lacks
 * the method lets later patterns try, and a path matched under other methods only is a
 * 405 with the sorted `Allow`; GET routes answer HEAD unless the path has HEAD routes;
 * `'*'` answers any method, after the routes of an explicit method.
 *
 * @example
 * ```ts
 * const table = new RouteTable<string, string>('root');
 * table.add({ method: 'GET', path: '/users/{id}', value: 'show', owner: 'root', label: 'Users.show' });
 * table.addPrefix('/admin/', 'admin');
 * table.freeze();
 * table.match('GET', '/users/a%2Fb', request); // { kind: 'found', value: 'show', params: { id: 'a/b' }, owner: 'root' }
 * table.match('POST', '/users/1', request);    // { kind: 'method-not-allowed', allow: ['GET', 'HEAD'], owner: 'root' }
 * table.match('GET', '/admin/nope', request);  // { kind: 'not-found', owner: 'admin' }
 * ```
 */
export class RouteTable<V, O> implements Router<V, O> {
  readonly #statics = new StaticPaths<RouteGroup<V, O>>();
  readonly #tree = new LiteralPrefixNode<RouteGroup<V, O>>(null);
  readonly #groups = new Map<string, RouteGroup<V, O>>();
  readonly #resources: ResourceEntry<V, O>[] = [];
  readonly #prefixes: MountedPrefixes<O>;
  readonly #index: RouteIndex<V, O>;
  #routeCount = 0;
  #frozen = false;
  /** Routes were added since the groups were last built and sorted. */
  #dirty = false;

  /** @param rootOwner the owner of misses outside every mounted prefix (the root app). */
  constructor(rootOwner: O) {
    this.#prefixes = new MountedPrefixes(rootOwner);
    this.#index = { statics: this.#statics, tree: this.#tree, resources: this.#resources, prefixes: this.#prefixes };
  }

  /** Whether `freeze()` was called. */
  get frozen(): boolean {
    return this.#frozen;
  }

  /**
   * Adds a route. Throws `WEFT_ERR_INVALID_PATH` or `WEFT_ERR_INVALID_ROUTE` naming the
   * route's label for an invalid path or definition, `WEFT_ERR_DUPLICATE_ROUTE` naming
   * both routes when the same method, path shape and criteria are taken, and
   * `WEFT_ERR_APP_FROZEN` after `freeze()`.
   */
  add(route: RouteDefinition<V, O>): void {
    if (route === null || typeof route !== 'object') throw new WeftError('WEFT_ERR_INVALID_ROUTE', `a route definition must be an object, not ${String(route)}`);
    this.#assertOpen(`add the route ${route.label}`);
    let pattern: PathPattern;
    try {
      pattern = new PathPattern(route.path);
    } catch (err) {
      if (err instanceof WeftError) throw new WeftError(err.code, `${route.label}: ${err.message.slice(err.code.length + 2)}`, { cause: err });
      throw err;
    }
    const tableRoute = createTableRoute(route, pattern);
    let group = this.#groups.get(pattern.shape);
    const isNew = group === undefined;
    group ??= new RouteGroup(pattern, this.#routeCount);
    group.add(tableRoute);
    if (isNew) {
      this.#groups.set(pattern.shape, group);
      if (pattern.isStatic) {
        this.#statics.set(pattern.canonical, group);
      } else this.#tree.descendant(pattern.literalSegments).groups.push(group);
    }
    this.#routeCount++;
    this.#dirty = true;
  }

  /**
   * Adds a custom resource, tried after every route, in registration order (see
   * `Resource` for why). With `prefix`, it is consulted only for paths under that mount
   * prefix and sees them relative to it.
   */
  addResource(resource: Resource<V, O>, options: AddResourceOptions = {}): void {
    this.#assertOpen('add a resource');
    if (resource === null || typeof resource !== 'object' || typeof resource.resolve !== 'function') {
      throw new WeftError('WEFT_ERR_INVALID_ROUTE', 'a resource must be an object with a resolve(method, rawPath, request) method');
    }
    this.#resources.push({ resource, prefix: options.prefix === undefined ? null : normalizePrefix(options.prefix) });
  }

  /**
   * Registers a sub-application's mount prefix (`/admin/`): misses under it, and at the
   * bare `/admin`, report `owner`, so its middlewares run for them.
   */
  addPrefix(prefix: string, owner: O): void {
    this.#assertOpen(`mount the prefix ${prefix}`);
    this.#prefixes.add(prefix, owner);
  }

  /** Builds and sorts everything; after this, `add*` throws `WEFT_ERR_APP_FROZEN`. */
  freeze(): void {
    if (this.#dirty) this.#build();
    this.#frozen = true;
  }

  /**
   * Routes a request: `method` upper-case as Node delivers it, `rawPath` the
   * percent-encoded path without the query. Works before `freeze()` too.
   */
  match(method: string, rawPath: string, request: PredicateRequest): MatchResult<V, O> {
    if (this.#dirty) this.#build(); // hot path
    return matchRoute(this.#index, method, rawPath, request);
  }

  /**
   * Every route's definition data, in the order the table tries them (static paths first,
   * then dynamic ones by specificity and registration order), for introspection.
   *
   * @example
   * ```ts
   * for (const route of table.routes()) console.log(route.method, route.path, route.label);
   * ```
   */
  routes(): Array<{ method: string; path: string; label: string; owner: O; value: V }> {
    if (this.#dirty) this.#build();
    const groups = [...this.#statics.values(), ...[...this.#tree.nodes()].flatMap((node) => node.groups)];
    const dynamic = groups.filter((group) => !group.pattern.isStatic).sort(byOrder);
    const ordered = [...groups.filter((group) => group.pattern.isStatic), ...dynamic];
    return ordered.flatMap((group) => group.routes.map(({ method, pattern, label, owner, value }) => ({ method, path: pattern.pattern, label, owner, value })));
  }

  #build(): void {
    for (const group of this.#groups.values()) {
      group.build();
      this.#checkOwner(group);
    }
    for (const node of this.#tree.nodes()) node.groups.sort(byOrder);
    this.#dirty = false;
  }

  /**
   * A mounted app owns every path under its prefix, the bare prefix too: its middlewares
   * run for all of them (DESIGN.md), as aiohttp hands the whole prefix to the sub-app. A
   * route lying wholly under another app's prefix could never answer: `WEFT_ERR_MOUNT`.
   * A dynamic route that may also match paths under one (a parent's `/{path:.*}` catch-all
   * over `/api/`) is guarded: matching skips it there.
   */
  #checkOwner(group: RouteGroup<V, O>): void {
    const { pattern } = group;
    const owner = group.routes[0].owner;
    const under = pattern.isStatic ? this.#prefixes.lookup(pattern.canonical) : this.#prefixes.lookupSegments(pattern.literalSegments);
    const stray = group.routes.find((route) => route.owner !== under.owner);
    if (stray !== undefined) {
      const where = under === this.#prefixes.root ? 'outside its application’s prefix, in the root application' : `under ${under.prefix}/, the prefix of a mounted application`;
      throw new WeftError(
        'WEFT_ERR_MOUNT',
        `${stray.label}: ${pattern.pattern} lies ${where}, which owns every path there; add the route to that application`,
      );
    }
    group.guarded = !pattern.isStatic && this.#prefixes.hasForeignBelow(pattern.literalSegments, owner);
  }

  #assertOpen(action: string): void {
    if (this.#frozen) throw new WeftError('WEFT_ERR_APP_FROZEN', `cannot ${action}: the route table is frozen`);
  }
}

/** Specificity, then registration order. */
function byOrder<V, O>(a: RouteGroup<V, O>, b: RouteGroup<V, O>): number {
  return compareSpecificity(a.pattern.ranks, b.pattern.ranks) || a.order - b.order;
}
