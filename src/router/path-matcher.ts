import { SEGMENT_PARAM_REGEX, type PathToken } from './path-parser.js';
import { RANK_LITERAL, type PatternSegment } from './specificity.js';

/**
 * Matches a normalised raw path against one compiled pattern and writes the raw (still
 * encoded) parameter values into `out`, in the pattern's parameter order.
 *
 * `matchRest` assumes the path starts with the pattern's literal segments (`prefix`,
 * e.g. `/api/users` for `/api/users/{id}`) and matches only what follows: the route
 * table's tree has already compared those segments on the way down.
 */
export interface PathMatcher {
  /** How many values a match writes. */
  readonly size: number;
  /** The literal segments the pattern starts with, raw: `/api/users` (or '' for `/{slug}`). */
  readonly prefix: string;
  /** Matches a path known to start with `prefix` followed by `/` or its end. */
  matchRest(path: string, out: string[]): boolean;
}

/**
 * Matches a whole path: checks the literal prefix, then the rest.
 *
 * @example
 * ```ts
 * const values: string[] = [];
 * matchPath(new PathPattern('/users/{id}').matcher, '/users/42', values); // true, values = ['42']
 * ```
 */
export function matchPath(matcher: PathMatcher, path: string, out: string[]): boolean {
  const prefix = matcher.prefix;
  if (path.length < prefix.length || path.substring(0, prefix.length) !== prefix) return false;
  if (path.length > prefix.length && path.charCodeAt(prefix.length) !== SLASH) return false;
  return matcher.matchRest(path, out);
}

const SLASH = 0x2f;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** A pattern without parameters: the prefix is the whole pattern. */
class ExactMatcher implements PathMatcher {
  readonly size = 0;
  constructor(readonly prefix: string) {}

  matchRest(path: string): boolean {
    return path.length === this.prefix.length; // hot path
  }
}

/**
 * A segment of literal text and plain parameters: `{name}.{ext}`, `v{major}.{minor}`,
 * `{a}-{b}`, `{a}{b}`.
 */
interface CompositeSegment {
  /** The literal text before the first parameter ('' when the segment starts with one). */
  readonly head: string;
  /** Per parameter, the literal text after it ('' before an adjacent parameter or at the end). */
  readonly tails: readonly string[];
}

/**
 * Patterns whose parameters are all plain `{name}`s: literal segments, whole-segment
 * `{param}`s (the common `/users/{id}/posts/{postId}`) and segments mixing both
 * (`/files/{name}.{ext}`). Walks the segments once, no regex, no allocation beyond the
 * value slices; same semantics as the regex `[^{}/]+`, whose groups side by side would
 * backtrack polynomially on a failing path (`/d/{a}-{b}-{c}.{ext}`: seconds for a few KB).
 */
class SegmentMatcher implements PathMatcher {
  readonly size: number;
  readonly prefix: string;
  /** Per segment after the prefix: its literal text, null for a whole-segment parameter, or its pieces. */
  readonly #segments: Array<string | null | CompositeSegment>;

  constructor(prefix: string, segments: Array<string | null | CompositeSegment>) {
    this.prefix = prefix;
    this.#segments = segments;
    let size = 0;
    for (const segment of segments) if (typeof segment !== 'string') size += segment === null ? 1 : segment.tails.length;
    this.size = size;
  }

  matchRest(path: string, out: string[]): boolean {
    // hot path
    const segments = this.#segments;
    const length = path.length;
    let pos = this.prefix.length;
    let k = 0;
    for (let i = 0; i < segments.length; i++) {
      if (path.charCodeAt(pos) !== SLASH) return false;
      pos++;
      // one pass to the segment's end, noting braces (a parameter value has none, as in
      // aiohttp's [^{}/]+): cheaper than indexOf('/') plus two indexOf on the value
      let end = pos;
      let braces = false;
      for (; end < length; end++) {
        const code = path.charCodeAt(end);
        if (code === SLASH) break;
        if (code === OPEN_BRACE || code === CLOSE_BRACE) braces = true;
      }
      const segment = segments[i];
      if (typeof segment === 'string') {
        // substring + === is several times faster than startsWith(literal, pos) in V8
        if (end - pos !== segment.length || path.substring(pos, end) !== segment) return false;
      } else if (segment === null) {
        if (end === pos || braces) return false;
        out[k++] = path.slice(pos, end);
      } else {
        // literals hold no braces, so a brace would be inside a value
        if (braces || !matchComposite(path, pos, end, segment, out, k)) return false;
        k += segment.tails.length;
      }
      pos = end;
    }
    return pos === length;
  }
}

/**
 * Matches `path[pos, end)` (no `/`, no brace) against a composite segment, writing its
 * values from `out[k]`, with the regex's result: greedy groups, leftmost first, take as
 * much as the rest allows, which places each literal as far right as it fits, right to
 * left. One `lastIndexOf` per literal, no backtracking.
 */
function matchComposite(path: string, pos: number, end: number, segment: CompositeSegment, out: string[], k: number): boolean {
  const head = segment.head;
  const tails = segment.tails;
  const first = pos + head.length; // where the first value starts
  // anchored at the segment's start (a lastIndexOf would let `v{a}` skip a leading `v`);
  // head has no '/', so it cannot match text past the segment's end
  if (path.substring(pos, first) !== head) return false;
  let n = tails.length - 1;
  let right = end - tails[n].length; // where the literal after value n starts
  if (right <= first || path.substring(right, end) !== tails[n]) return false;
  for (; n > 0; n--) {
    const tail = tails[n - 1];
    // the rightmost occurrence leaving value n one character at least ('' gives it exactly
    // one); a negative fromIndex counts as 0, and 0 <= first, so it fails below too
    const left = path.lastIndexOf(tail, right - 1 - tail.length);
    if (left <= first) return false; // -1, before the segment, or no room for the values on its left
    out[k + n] = path.slice(left + tail.length, right);
    right = left;
  }
  out[k] = path.slice(first, right);
  return true;
}

/**
 * Patterns with a custom regex (`{id:\d+}`, `{tail:.*}`): one regex for what follows the
 * prefix, compiled once, sticky so it starts right after the prefix; custom regexes see the
 * raw path. Its plain `{name}`s are `[^{}/]+` groups, which can backtrack polynomially
 * beside each other: only these patterns accept that.
 */
class RegexMatcher implements PathMatcher {
  readonly size: number;
  readonly prefix: string;
  readonly #regex: RegExp;
  /** The capture group of each parameter (custom regexes may hold groups of their own). */
  readonly #groups: number[];

  constructor(prefix: string, tokens: readonly PathToken[]) {
    this.prefix = prefix;
    let source = '';
    const groups: number[] = [];
    let group = 1;
    let skip = prefix.length; // the prefix is the start of the first literal token
    for (const token of tokens) {
      if (token.kind === 'literal') {
        source += token.text.slice(skip).replace(REGEX_SPECIAL, '\\$&');
        skip = 0;
      } else {
        source += `(${token.regex ?? SEGMENT_PARAM_REGEX})`;
        groups.push(group);
        group += 1 + token.groups;
      }
    }
    this.#regex = new RegExp(`${source}$`, 'y');
    this.#groups = groups;
    this.size = groups.length;
  }

  matchRest(path: string, out: string[]): boolean {
    // hot path
    const regex = this.#regex;
    regex.lastIndex = this.prefix.length;
    const match = regex.exec(path);
    if (match === null) return false;
    const groups = this.#groups;
    for (let i = 0; i < groups.length; i++) out[i] = match[groups[i]] ?? '';
    return true;
  }
}

/**
 * Picks the cheapest matcher with the pattern's exact semantics.
 *
 * @example
 * ```ts
 * const tokens = parsePath('/users/{id}');
 * const segments = splitSegments(tokens);
 * const matcher = createMatcher(tokens, segments, segmentRanks(segments));
 * matcher.prefix; // '/users'
 * ```
 */
export function createMatcher(tokens: readonly PathToken[], segments: readonly PatternSegment[], ranks: readonly number[]): PathMatcher {
  let literalCount = ranks.findIndex((rank) => rank !== RANK_LITERAL);
  if (literalCount === -1) literalCount = segments.length;
  const prefix = segments
    .slice(0, literalCount)
    .map((segment) => '/' + segment.join(''))
    .join('');
  if (literalCount === segments.length) return new ExactMatcher(prefix);
  // a custom regex is matched as written, with the whole pattern around it
  if (tokens.some((token) => token.kind === 'param' && token.regex !== null)) return new RegexMatcher(prefix, tokens);
  // from here every parameter is a plain `{name}`, confined to its segment
  return new SegmentMatcher(prefix, segments.slice(literalCount).map(describeSegment));
}

/** A segment of plain parameters as the matchers hold it: literal text, null for `{name}` alone, or its pieces. */
function describeSegment(segment: PatternSegment): string | null | CompositeSegment {
  if (segment.every((piece) => typeof piece === 'string')) return segment.join('');
  if (segment.length === 1) return null;
  let head = '';
  const tails: string[] = [];
  for (const piece of segment) {
    if (typeof piece === 'object') tails.push('');
    else if (tails.length === 0) head += piece;
    else tails[tails.length - 1] += piece;
  }
  return { head, tails };
}
