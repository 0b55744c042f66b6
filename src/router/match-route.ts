import { deepestNode, type LiteralPrefixNode } from './literal-prefix-tree.js';
import { Misses } from './misses.js';
import { isUnder, type MountedPrefixes } from './mounted-prefixes.js';
import { decodeParams } from './path-pattern.js';
import { normalizeRawPath } from './percent-encoding.js';
import { type Resource } from './resource.js';
import { type RouteGroup } from './route-group.js';
import { type StaticPaths } from './static-paths.js';
import { type MatchResult, type PredicateRequest } from './router.js';
import { type Choice } from './table-route.js';

/** A custom resource, and the mount prefix it is confined to (raw, no trailing slash) or null. */
export interface ResourceEntry<V, O> {
  readonly resource: Resource<V, O>;
  readonly prefix: string | null;
}

/** What `matchRoute` reads: the route table's structures, built and sorted. */
export interface RouteIndex<V, O> {
  /** Groups without parameters, by raw path (looked up without hashing the request's path). */
  readonly statics: StaticPaths<RouteGroup<V, O>>;
  /** Groups with parameters, by the literal segments they start with. */
  readonly tree: LiteralPrefixNode<RouteGroup<V, O>>;
  readonly resources: readonly ResourceEntry<V, O>[];
  readonly prefixes: MountedPrefixes<O>;
}

/**
 * Routes one request: validate and normalise the escapes (only when the path has a `%`),
 * static routes by their exact path (see `StaticPaths`), then the dynamic groups sharing
 * the path's literal start (deepest first), then custom resources; a path that matched
 * under other methods or criteria only leaves a miss (see `Misses`). No regex is compiled
 * here; a static hit allocates nothing, a dynamic hit its params and result.
 *
 * @example
 * ```ts
 * matchRoute(index, 'GET', '/users/42', request); // { kind: 'found', params: { id: '42' }, ... }
 * ```
 */
export function matchRoute<V, O>(index: RouteIndex<V, O>, method: string, rawPath: string, request: PredicateRequest): MatchResult<V, O> {
  // hot path
  let path = rawPath;
  const escaped = rawPath.indexOf('%') !== -1;
  if (escaped) {
    const normalized = normalizeRawPath(rawPath);
    if (normalized === null) return badRequest(index, rawPath);
    path = normalized;
  }
  let misses: Misses | null = null;

  const exact = index.statics.get(path);
  if (exact !== undefined) {
    const candidates = exact.candidatesFor(method);
    if (candidates === null) {
      misses = new Misses().methodNotAllowed(exact.allow, true);
    } else {
      const choice = candidates.simple ?? candidates.select(request);
      if (isChoice(choice)) return choice.found!;
      misses = noteMiss(new Misses(), choice);
    }
  }

  for (let node: LiteralPrefixNode<RouteGroup<V, O>> | null = deepestNode(index.tree, path); node !== null; node = node.parent) {
    const groups = node.groups;
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i];
      if (!group.pattern.matcher.matchRest(path, group.scratch)) continue; // the tree matched its prefix
      // a catch-all of a parent app does not answer under a sub-app's prefix: the sub-app owns it
      if (group.guarded && index.prefixes.lookup(path).owner !== group.routes[0].owner) continue;
      const candidates = group.candidatesFor(method);
      if (candidates === null) {
        misses = (misses ?? new Misses()).methodNotAllowed(group.allow, true);
        continue;
      }
      let values = group.scratch;
      let choice = candidates.simple;
      if (choice === null) {
        values = values.slice(); // predicates are user code: keep the values safe from re-entrant matches
        const selected = candidates.select(request);
        if (!isChoice(selected)) {
          misses = noteMiss(misses ?? new Misses(), selected);
          continue;
        }
        choice = selected;
      }
      const params = decodeParams(choice.route.pattern.paramNames, values, escaped);
      if (params === null) continue;
      return { kind: 'found', value: choice.route.value, params, owner: choice.route.owner, mediaType: choice.mediaType };
    }
  }

  const owning = index.resources.length === 0 ? null : index.prefixes.lookup(path);
  for (let i = 0; i < index.resources.length; i++) {
    const { resource, prefix } = index.resources[i];
    // a resource answers only where its app owns the path: under its prefix, not under a deeper mount
    if (prefix === null ? owning !== index.prefixes.root : !isUnder(path, prefix) || owning!.prefix.length > prefix.length) continue;
    const resolved = resource.resolve(method, prefix === null ? path : path.slice(prefix.length), request);
    if (resolved === null || resolved === undefined) continue;
    if (resolved.kind === 'found') return resolved;
    misses = (misses ?? new Misses()).methodNotAllowed(resolved.allow, false);
  }

  const under = index.prefixes.lookup(path);
  return misses === null ? under.notFound : misses.result(under);
}

function isChoice<V, O>(selected: Choice<V, O> | readonly string[] | null): selected is Choice<V, O> {
  return selected !== null && !Array.isArray(selected);
}

function noteMiss(misses: Misses, selected: readonly string[] | null): Misses {
  return selected === null ? misses.rejected() : misses.notAcceptable(selected);
}

const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

function badRequest<V, O>(index: RouteIndex<V, O>, rawPath: string): MatchResult<V, O> {
  const malformed = MALFORMED_ESCAPE.exec(rawPath);
  const reason =
    malformed !== null
      ? `malformed percent-escape ${JSON.stringify(rawPath.slice(malformed.index, malformed.index + 3))} in the path`
      : 'the percent-escapes of the path are not valid UTF-8';
  return { kind: 'bad-request', reason, owner: index.prefixes.lookup(rawPath).owner };
}
