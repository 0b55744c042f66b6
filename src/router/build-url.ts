import { WeftError } from '../errors.js';
import { PathPattern, type PathParams } from './path-pattern.js';

/**
 * One query value: numbers and booleans are written with `String()`.
 *
 * @example
 * ```ts
 * const page: QueryValue = 2; // page=2
 * ```
 */
export type QueryValue = string | number | boolean;

/**
 * A query for {@link buildUrl}: an object (an array value repeats the key) or URLSearchParams.
 *
 * @example
 * ```ts
 * const query: QueryInput = { tag: ['a', 'b'], page: 2 }; // tag=a&tag=b&page=2
 * ```
 */
export type QueryInput = Readonly<Record<string, QueryValue | readonly QueryValue[]>> | URLSearchParams;

/**
 * Options of {@link buildUrl}.
 *
 * @example
 * ```ts
 * const options: BuildUrlOptions = { params: { id: 7 }, query: { tab: 'posts' } };
 * ```
 */
export interface BuildUrlOptions {
  /** Values of the pattern's parameters; required exactly when the pattern has some. */
  params?: PathParams;
  /** Appended as `?a=1&b=x+y` (form encoding, as yarl and URLSearchParams write it). */
  query?: QueryInput;
}

/**
 * Builds a URL (path and query) from a route pattern: parameters are encoded by
 * `PathPattern.reverse` so the URL matches the route with the same values, and the query
 * is form-encoded in the order given. Throws `WEFT_ERR_INVALID_PATH` for an invalid
 * pattern and `WEFT_ERR_URL_PARAMS` for parameters that do not fit it or query values
 * that are not strings, finite numbers, booleans or arrays of them.
 *
 * @example
 * ```ts
 * buildUrl('/users/{id}', { params: { id: 'a/b' }, query: { tab: 'posts', tag: ['x', 'y z'] } });
 * // '/users/a%2Fb?tab=posts&tag=x&tag=y+z'
 * buildUrl('/search', { query: new URLSearchParams({ q: 'été' }) }); // '/search?q=%C3%A9t%C3%A9'
 * ```
 */
export function buildUrl(pattern: string | PathPattern, options: BuildUrlOptions = {}): string {
  const compiled = pattern instanceof PathPattern ? pattern : new PathPattern(pattern);
  const path = compiled.reverse(options.params ?? {});
  const query = options.query === undefined ? '' : encodeQuery(options.query);
  return query === '' ? path : `${path}?${query}`;
}

/**
 * Form-encodes a query object or URLSearchParams (without the `?`).
 *
 * @example
 * ```ts
 * encodeQuery({ page: 2, tag: ['a', 'b'] }); // 'page=2&tag=a&tag=b'
 * ```
 */
export function encodeQuery(query: QueryInput): string {
  if (query instanceof URLSearchParams) return query.toString();
  if (query === null || typeof query !== 'object') {
    throw new WeftError('WEFT_ERR_URL_PARAMS', `a query must be an object or URLSearchParams, not ${query === null ? 'null' : typeof query}`);
  }
  const proto: unknown = Object.getPrototypeOf(query);
  if (proto !== Object.prototype && proto !== null) {
    // a Map's entries are no properties: it would give no query at all
    const kind = Array.isArray(query) ? 'an array' : `a ${(query as object).constructor?.name ?? 'object'}`;
    throw new WeftError('WEFT_ERR_URL_PARAMS', `a query must be a plain object or URLSearchParams, not ${kind}${query instanceof Map ? ' (use Object.fromEntries(map))' : ''}`);
  }
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value as readonly unknown[]) search.append(key, queryValue(key, item));
    else search.append(key, queryValue(key, value));
  }
  return search.toString();
}

/** A UTF-16 surrogate without its pair: URLSearchParams would silently write U+FFFD for it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function queryValue(key: string, value: unknown): string {
  if (LONE_SURROGATE.test(key)) throw new WeftError('WEFT_ERR_URL_PARAMS', `the query key ${JSON.stringify(key)} is not well-formed unicode (a lone surrogate)`);
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new WeftError('WEFT_ERR_URL_PARAMS', `the query value of ${JSON.stringify(key)} is not well-formed unicode (a lone surrogate)`);
    return value;
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const shown = typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
  throw new WeftError('WEFT_ERR_URL_PARAMS', `the query value of ${JSON.stringify(key)} must be a string, a finite number or a boolean (or an array of them), not ${shown}`);
}
