import { WeftError } from '../errors.js';
import { createMatcher, matchPath, type PathMatcher } from './path-matcher.js';
import { SEGMENT_PARAM_REGEX, parsePath, type ParamToken, type PathToken } from './path-parser.js';
import { decodePathValue, encodePathValue, normalizeRawPath, type EscapeLevel } from './percent-encoding.js';
import { RANK_LITERAL, segmentRanks, splitSegments } from './specificity.js';

/**
 * Values accepted by {@link PathPattern.reverse}: strings, or finite numbers written with `String()`.
 *
 * @example
 * ```ts
 * const params: PathParams = { id: 42, name: 'a/b' };
 * ```
 */
export type PathParams = Record<string, string | number>;

/**
 * A compiled route pattern in aiohttp's syntax: `/users/{id}` (one segment), `{id:\d+}`
 * (a custom regex, which may span segments: `{tail:.*}`), several parameters in one
 * segment (`/{name}.{ext}`). Unicode literals are stored percent-encoded (`/héllo` matches
 * `/h%C3%A9llo`).
 *
 * Custom regexes are applied to the raw, percent-encoded path, as aiohttp does: `\d+`
 * matches `42`, but `{name:[a-zé]+}` never matches `é`, which arrives as `%C3%A9`.
 * Escapes are upper-cased before matching. Values are decoded exactly once, afterwards.
 *
 * @example
 * ```ts
 * const pattern = new PathPattern('/users/{id}');
 * pattern.match('/users/a%2Fb');       // { id: 'a/b' }
 * pattern.match('/users/42/');         // null
 * pattern.match('/users/%zz');         // 'bad-request'
 * pattern.reverse({ id: 'a/b' });      // '/users/a%2Fb'
 * ```
 */
export class PathPattern {
  /** The pattern as written. */
  readonly pattern: string;
  /** Parameter names, in the order they appear. */
  readonly paramNames: string[];
  /** True when the pattern has no parameters: it matches one raw path exactly. */
  readonly isStatic: boolean;
  /** The pattern in raw form, literals requoted: `/h%C3%A9llo/{name}`. */
  readonly canonical: string;
  /** @internal The canonical form without parameter names: patterns with one shape match the same paths. */
  readonly shape: string;
  /** @internal The rank of each segment, for ordering (see specificity.ts). */
  readonly ranks: readonly number[];
  /** @internal The literal segments the pattern starts with, in raw form. */
  readonly literalSegments: readonly string[];
  /** @internal The matcher, writing raw values in `paramNames` order. */
  readonly matcher: PathMatcher;
  readonly #tokens: readonly PathToken[];
  readonly #params: readonly ParamToken[];
  /** Per parameter: a whole-value regex, to check values given to `reverse`. */
  readonly #valueChecks: readonly RegExp[];

  /** @param pattern the route path; throws `WEFT_ERR_INVALID_PATH` when it is not valid. */
  constructor(pattern: string) {
    const tokens = parsePath(pattern);
    const segments = splitSegments(tokens);
    this.pattern = pattern;
    this.#tokens = tokens;
    this.#params = tokens.filter((token): token is ParamToken => token.kind === 'param');
    this.#valueChecks = this.#params.map((param) => new RegExp(`^(?:${param.regex ?? SEGMENT_PARAM_REGEX})$`));
    this.paramNames = this.#params.map((param) => param.name);
    this.isStatic = this.#params.length === 0;
    this.canonical = tokens.map((token) => (token.kind === 'literal' ? token.text : `{${token.name}${token.regex === null ? '' : ':' + token.regex}}`)).join('');
    this.shape = tokens.map((token) => (token.kind === 'literal' ? token.text : `{${token.regex === null ? '' : ':' + token.regex}}`)).join('');
    this.ranks = segmentRanks(segments);
    const firstDynamic = this.ranks.findIndex((rank) => rank !== RANK_LITERAL);
    this.literalSegments = segments.slice(0, firstDynamic === -1 ? segments.length : firstDynamic).map((segment) => segment.join(''));
    this.matcher = createMatcher(tokens, segments, this.ranks);
  }

  /**
   * Matches a raw (percent-encoded) request path. Returns the decoded parameters, null
   * when the path does not match, or `'bad-request'` when its percent-encoding is invalid.
   *
   * @example
   * ```ts
   * new PathPattern('/h\u00e9llo/{name}').match('/h%c3%a9llo/A%20b'); // { name: 'A b' }
   * ```
   */
  match(rawPath: string): Record<string, string> | null | 'bad-request' {
    let path = rawPath;
    const escaped = rawPath.indexOf('%') !== -1;
    if (escaped) {
      const normalized = normalizeRawPath(rawPath);
      if (normalized === null) return 'bad-request';
      path = normalized;
    }
    const values = new Array<string>(this.matcher.size);
    if (!matchPath(this.matcher, path, values)) return null;
    return decodeParams(this.paramNames, values, escaped);
  }

  /**
   * Builds the raw path for parameter values, encoded so that the path always matches
   * this pattern with the same values: `/` in a single-segment parameter becomes `%2F`
   * (aiohttp leaves it raw, which then fails to match), unicode is percent-encoded, a
   * regex parameter keeps `/` raw when its regex accepts that. When adjacent parameters
   * would be ambiguous (`/{name}.{ext}` with name `a.b`), their characters are encoded.
   * Throws `WEFT_ERR_URL_PARAMS` for missing or unexpected parameters, values that are
   * neither strings nor finite numbers, an empty single-segment value, a value its
   * regex does not accept (regexes see the percent-encoded value), and values making a
   * `.` or `..` segment (`{id}` = `..`, `{path:.*}` = `../etc`): browsers and `fetch()`
   * resolve those away, and no escaping survives that (`%2e%2e` counts as `..`).
   *
   * @example
   * ```ts
   * new PathPattern('/files/{path:.+}').reverse({ path: 'a b/c.txt' }); // '/files/a%20b/c.txt'
   * new PathPattern('/items/{n:\\d+}').reverse({ n: 'x' });            // throws WEFT_ERR_URL_PARAMS
   * ```
   */
  reverse(params: PathParams): string {
    const values = this.#checkParams(params);
    const minimal = this.#params.map((param, i) => this.#encode(param, i, values[i]));
    const escaped = (escape: EscapeLevel): string[] => this.#params.map((param, i) => (param.regex === null ? encodePathValue(values[i], 'encode', escape) : minimal[i]));
    for (const encoded of [minimal, escaped('punctuation'), escaped('all')]) {
      const url = this.#format(encoded);
      if (hasDotSegment(url)) {
        throw this.#urlError(
          `the values ${JSON.stringify(values)} would make a '.' or '..' segment (${url}), which clients remove before sending (RFC 3986 5.2.4): the URL could not reach this route`,
        );
      }
      if (this.#roundTrips(url, values)) return url;
    }
    throw this.#urlError(`the values ${JSON.stringify(values)} cannot be encoded so that the URL matches the route with the same values: adjacent parameters cannot be told apart`);
  }

  /** @returns the pattern as written, for messages. */
  toString(): string {
    return this.pattern;
  }

  #checkParams(params: PathParams): string[] {
    if (params === null || typeof params !== 'object') throw this.#urlError(`parameters must be an object, not ${params === null ? 'null' : typeof params}`);
    const missing = this.paramNames.filter((name) => !Object.hasOwn(params, name));
    const unexpected = Object.keys(params).filter((key) => !this.paramNames.includes(key));
    if (missing.length > 0 || unexpected.length > 0) {
      const problems = [];
      if (missing.length > 0) problems.push(`missing ${missing.map((name) => `'${name}'`).join(', ')}`);
      if (unexpected.length > 0) problems.push(`unexpected ${unexpected.map((name) => `'${name}'`).join(', ')}`);
      const expected = this.paramNames.length > 0 ? this.paramNames.join(', ') : 'no parameters';
      throw this.#urlError(`${problems.join('; ')} (expected: ${expected})`);
    }
    return this.paramNames.map((name) => {
      const value: unknown = params[name];
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw this.#urlError(`'${name}' must be a string or a finite number, not ${typeof value === 'number' ? String(value) : typeof value}`);
    });
  }

  #encode(param: ParamToken, index: number, value: string): string {
    const check = this.#valueChecks[index];
    let encoded = '';
    for (const slash of param.regex === null ? (['encode'] as const) : (['keep', 'encode'] as const)) {
      try {
        encoded = encodePathValue(value, slash);
      } catch {
        throw this.#urlError(`the value of '${param.name}' is not well-formed unicode (a lone surrogate)`);
      }
      if (check.test(encoded)) return encoded;
    }
    if (param.regex === null) throw this.#urlError(`'${param.name}' needs a non-empty value`);
    throw this.#urlError(`the value ${JSON.stringify(value)} of '${param.name}' does not match its regex ${param.regex} (regexes match the percent-encoded path: ${JSON.stringify(encoded)})`);
  }

  #format(encoded: readonly string[]): string {
    let url = '';
    let k = 0;
    for (const token of this.#tokens) url += token.kind === 'literal' ? token.text : encoded[k++];
    return url;
  }

  #roundTrips(url: string, values: readonly string[]): boolean {
    const matched = this.match(url);
    return typeof matched === 'object' && matched !== null && this.paramNames.every((name, i) => matched[name] === values[i]);
  }

  #urlError(problem: string): WeftError {
    return new WeftError('WEFT_ERR_URL_PARAMS', `${JSON.stringify(this.pattern)}: ${problem}`);
  }
}

/**
 * Decodes raw matched values into a params object (null when a value's escapes were cut
 * in two by a custom regex: then the route does not match). `escaped` says whether the
 * request path had a `%` at all; without one the values are taken as they are.
 *
 * @example
 * ```ts
 * decodeParams(['id'], ['A%20b'], true); // { id: 'A b' }
 * ```
 */
export function decodeParams(names: readonly string[], values: readonly string[], escaped: boolean): Record<string, string> | null {
  // hot path
  const params: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) {
    const value = escaped ? decodePathValue(values[i]) : values[i];
    if (value === null) return null;
    params[names[i]] = value;
  }
  return params;
}

/** Whether a path holds a `.` or `..` segment, percent-encoded dots included (as URL parsers see them). */
function hasDotSegment(path: string): boolean {
  for (const segment of path.split('/')) {
    const dots = segment.replace(/%2e/gi, '.');
    if (dots === '.' || dots === '..') return true;
  }
  return false;
}
