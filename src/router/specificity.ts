import { type ParamToken, type PathToken } from './path-parser.js';

/**
 * How specific a route pattern is, segment by segment. The table tries more specific
 * patterns first: at the first segment where two patterns differ in rank, the lower rank
 * wins; equal ranks all the way fall back to registration order.
 *
 * | rank | segment                                   | example               |
 * |------|-------------------------------------------|-----------------------|
 * | 0    | literal                                   | `users`               |
 * | 1    | plain parameters with literal text        | `{name}.json`         |
 * | 2    | a custom regex confined to the segment    | `{id:\d+}`            |
 * | 3    | plain parameters only                     | `{id}`                |
 * | 4    | a custom regex that can span segments     | `{tail:.*}`           |
 *
 * This departs from DESIGN.md's "literal > {param} > {param:regex} > {tail:.*}" in two
 * places, both because a constrained segment is more specific than a free one: literal
 * text beside a parameter (`/files/{name}.json` before `/files/{name}`), and a regex
 * confined to one segment (`/items/{n:\d+}` before `/items/{slug}`). With DESIGN.md's
 * order a `{n:\d+}` route on the same method as a `{slug}` route could never match: it
 * would be dead code with no warning.
 */
export const RANK_LITERAL = 0;
/** See {@link RANK_LITERAL}. */
export const RANK_PARAM_WITH_TEXT = 1;
/** See {@link RANK_LITERAL}. */
export const RANK_PARAM = 3;
/** See {@link RANK_LITERAL}. */
export const RANK_REGEX = 2;
/** See {@link RANK_LITERAL}. */
export const RANK_SPANNING = 4;

/** One `/`-separated segment of a pattern: its literal text pieces and parameters, in order. */
export type PatternSegment = Array<string | ParamToken>;

/**
 * Splits parsed tokens at the `/` of their literal text. The leading `/` opens the first
 * segment; a spanning parameter stays inside the one segment it is written in.
 *
 * @example
 * ```ts
 * splitSegments(parsePath('/files/{name}.{ext}'));
 * // [['files'], [{ name: 'name', ... }, '.', { name: 'ext', ... }]]
 * ```
 */
export function splitSegments(tokens: readonly PathToken[]): PatternSegment[] {
  const segments: PatternSegment[] = [];
  let current: PatternSegment | null = null;
  for (const token of tokens) {
    if (token.kind === 'param') {
      current!.push(token); // a pattern starts with '/', so a segment is always open here
      continue;
    }
    const parts = token.text.split('/');
    parts.forEach((part, index) => {
      if (index > 0) segments.push((current = []));
      if (part !== '') current!.push(part);
    });
  }
  return segments;
}

/**
 * The rank of each segment (see {@link RANK_LITERAL}).
 *
 * @example
 * ```ts
 * segmentRanks(splitSegments(parsePath('/users/{id}/files/{tail:.*}'))); // [0, 3, 0, 4]
 * ```
 */
export function segmentRanks(segments: readonly PatternSegment[]): number[] {
  return segments.map((segment) => {
    let paramRank = -1;
    let hasText = false;
    for (const piece of segment) {
      if (typeof piece === 'string') hasText = true;
      else paramRank = Math.max(paramRank, paramRankOf(piece));
    }
    if (paramRank === -1) return RANK_LITERAL;
    return paramRank === RANK_PARAM && hasText ? RANK_PARAM_WITH_TEXT : paramRank;
  });
}

function paramRankOf(param: ParamToken): number {
  if (param.regex === null) return RANK_PARAM;
  return canSpanSegments(param.regex) ? RANK_SPANNING : RANK_REGEX;
}

/** Strings with a `/` that a regex able to cross segments is very likely to accept. */
const SPANNING_PROBES = ['/', 'a/b', 'a/', '/a', '0/0', 'a/b/c', 'a.b/c.d', '-/-', '%2F/%2F'];

/**
 * Whether a parameter regex can match text containing `/`, i.e. can span segments
 * (`.*`, `.+`, `[^?]+`, `\d+/\d+`). Decided by probing with typical paths: a regex
 * that only accepts exotic slashed text is ranked as a confined regex, which only moves
 * it one rank up.
 *
 * @example
 * ```ts
 * canSpanSegments('.*');   // true
 * canSpanSegments('\\d+'); // false
 * ```
 */
export function canSpanSegments(regex: string): boolean {
  const whole = new RegExp(`^(?:${regex})$`);
  return SPANNING_PROBES.some((probe) => whole.test(probe));
}

/**
 * Orders two patterns by their segment ranks: negative when `a` is more specific. Equal
 * ranks on every segment both have give 0 (the caller then keeps registration order).
 *
 * @example
 * ```ts
 * compareSpecificity([0, 2], [0, 3]); // < 0: /users/{id:\d+} before /users/{id}
 * ```
 */
export function compareSpecificity(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
