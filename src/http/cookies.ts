/**
 * Cookies (RFC 6265): parsing the request's `Cookie` header and writing `Set-Cookie`.
 *
 * Values are percent-encoded when set (`encodeURIComponent`, like Express and the `cookie`
 * package) and decoded when parsed, so any string round-trips. Names, values and
 * attributes are validated: a cookie the browser would silently drop (a `__Host-` cookie
 * with a Domain, `SameSite=None` without `Secure`, ...) is a coded error where it is set.
 */
import { WeftError } from '../errors.js';
import { checkKnownOptions, shownValue } from '../option-checks.js';
import { isTokenString } from './media-type.js';

/**
 * The attributes of a `Set-Cookie`.
 *
 * @example
 * ```ts
 * response.setCookie('sid', token, { httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 86_400 });
 * ```
 */
export interface CookieOptions {
  /** Lifetime in seconds (`Max-Age`); 0 or less expires the cookie at once. */
  maxAge?: number;
  /** Expiry date (`Expires`). */
  expires?: Date;
  /** `Path`; `/` when not given. */
  path?: string;
  /** `Domain`; host-only when not given. */
  domain?: string;
  /** Send only over HTTPS. */
  secure?: boolean;
  /** Hide from `document.cookie`. */
  httpOnly?: boolean;
  /** Cross-site policy; `None` requires `secure`. */
  sameSite?: 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none';
  /** CHIPS partitioned cookie; requires `secure`. */
  partitioned?: boolean;
  /** Encodes the value; `encodeURIComponent` by default. Pass `(v) => v` for pre-encoded values. */
  encode?: (value: string) => string;
}

/**
 * The attributes that identify a cookie when deleting it.
 *
 * @example
 * ```ts
 * response.deleteCookie('sid', { path: '/app' });
 * ```
 */
export type DeleteCookieOptions = Pick<CookieOptions, 'path' | 'domain' | 'secure' | 'httpOnly' | 'sameSite' | 'partitioned'>;

/**
 * Parses a `Cookie` header into `name → value`. Quoted values are unquoted and
 * percent-encoded values decoded (a value that is not valid percent-encoding is kept as
 * is). When a name repeats, the first wins: browsers send the most specific path first.
 * Pairs without `=` are ignored. The record has no prototype, so any name is just a key.
 *
 * @example
 * ```ts
 * parseCookies('sid=abc; theme="dark"; name=J%C3%BCrgen');
 * // { sid: 'abc', theme: 'dark', name: 'Jürgen' }
 * ```
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  if (header === undefined || header.length === 0) return cookies;
  let start = 0;
  let eq = -1;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    // search for "=" only past the last one found: linear even for "a;a;a;...;b=1"
    if (eq < start) eq = header.indexOf('=', start);
    if (eq === -1) break;
    if (eq < end) {
      const name = header.slice(start, eq).trim();
      if (name.length > 0 && !(name in cookies)) {
        let value = header.slice(eq + 1, end).trim();
        if (value.length > 1 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22) {
          value = value.slice(1, -1);
        }
        cookies[name] = value.includes('%') ? decode(value) : value;
      }
    }
    start = end + 1;
  }
  return cookies;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// RFC 6265 cookie-octet, optionally in double quotes
const COOKIE_VALUE = /^("?)[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*\1$/;
// an attribute value (Path): RFC 6265's av-octet, printable US-ASCII but ";" (a non-ASCII
// path would never match a request's percent-encoded path: encode it)
const ATTRIBUTE_VALUE = /^[\x20-\x3a\x3c-\x7e]*$/;
// a host name, optionally with the historical leading dot
const DOMAIN = /^\.?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const SAME_SITE: Record<string, string> = { strict: 'Strict', lax: 'Lax', none: 'None' };

const COOKIE_OPTIONS = ['maxAge', 'expires', 'path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'encode'];

function invalid(detail: string): WeftError {
  return new WeftError('WEFT_ERR_INVALID_COOKIE', detail);
}

/**
 * Serialises a `Set-Cookie` value. The path defaults to `/`.
 *
 * @throws WeftError `WEFT_ERR_INVALID_COOKIE` for a name that is not a token, a value or
 * attribute with forbidden characters, a non-finite `maxAge`, an invalid date, or attribute
 * combinations browsers reject (`SameSite=None` or `Partitioned` without `Secure`;
 * `__Secure-` without `Secure`; `__Host-` without `Secure`, with a Domain or a path other than `/`).
 *
 * @example
 * ```ts
 * serializeCookie('sid', 'abc', { httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 3600 });
 * // 'sid=abc; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax'
 * ```
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!isTokenString(name)) throw invalid(`invalid cookie name ${JSON.stringify(name)}: it must be a token`);
  if (typeof value !== 'string') throw invalid(`the value of cookie ${name} must be a string, got ${shownValue(value)}`);
  checkKnownOptions(options, COOKIE_OPTIONS, `cookie ${name}`, 'WEFT_ERR_INVALID_COOKIE');
  const encoded = (options.encode ?? encodeURIComponent)(value);
  if (!COOKIE_VALUE.test(encoded)) {
    throw invalid(`invalid value for cookie ${name}: ${JSON.stringify(encoded)} (no spaces, quotes, commas, semicolons or backslashes)`);
  }
  let out = `${name}=${encoded}`;
  if (options.maxAge !== undefined) {
    // past the safe integers a number prints with an exponent (1e+300), which Max-Age may not hold
    if (!Number.isFinite(options.maxAge) || Math.abs(options.maxAge) > Number.MAX_SAFE_INTEGER) {
      throw invalid(`maxAge of cookie ${name} must be a finite number of seconds up to ${Number.MAX_SAFE_INTEGER}`);
    }
    out += `; Max-Age=${Math.floor(options.maxAge)}`;
  }
  if (options.domain !== undefined) {
    if (!DOMAIN.test(options.domain)) throw invalid(`invalid domain for cookie ${name}: ${JSON.stringify(options.domain)}`);
    out += `; Domain=${options.domain}`;
  }
  const path = options.path ?? '/';
  if (!ATTRIBUTE_VALUE.test(path)) throw invalid(`invalid path for cookie ${name}: ${JSON.stringify(path)} (printable ASCII but ";"; percent-encode the rest)`);
  out += `; Path=${path}`;
  if (options.expires !== undefined) {
    if (!(options.expires instanceof Date) || Number.isNaN(options.expires.getTime())) {
      throw invalid(`expires of cookie ${name} must be a valid Date`);
    }
    out += `; Expires=${options.expires.toUTCString()}`;
  }
  if (options.httpOnly) out += '; HttpOnly';
  if (options.secure) out += '; Secure';
  if (options.partitioned) {
    if (!options.secure) throw invalid(`cookie ${name} is partitioned: it must also be secure`);
    out += '; Partitioned';
  }
  if (options.sameSite !== undefined) {
    const sameSite = SAME_SITE[String(options.sameSite).toLowerCase()];
    if (sameSite === undefined) throw invalid(`sameSite of cookie ${name} must be Strict, Lax or None, not ${JSON.stringify(options.sameSite)}`);
    if (sameSite === 'None' && !options.secure) throw invalid(`cookie ${name} has SameSite=None: it must also be secure`);
    out += `; SameSite=${sameSite}`;
  }
  checkPrefix(name, options, path);
  return out;
}

// browsers match the prefixes case-insensitively (RFC 6265bis 5.7): `__host-id` is held to `__Host-`'s rules
function checkPrefix(name: string, options: CookieOptions, path: string): void {
  const lower = name.toLowerCase();
  if (lower.startsWith('__secure-') && !options.secure) throw invalid(`cookie ${name} has the __Secure- prefix: it must be secure`);
  if (lower.startsWith('__host-') && (!options.secure || options.domain !== undefined || path !== '/')) {
    throw invalid(`cookie ${name} has the __Host- prefix: it must be secure, with path / and no domain`);
  }
}

const EPOCH = new Date(0);

/**
 * Serialises a `Set-Cookie` that deletes a cookie: empty value, `Max-Age=0` and an expiry in
 * 1970. Path and domain must be the ones it was set with.
 *
 * @example
 * ```ts
 * serializeExpiredCookie('sid', { path: '/app' });
 * // 'sid=; Max-Age=0; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
 * ```
 */
export function serializeExpiredCookie(name: string, options: DeleteCookieOptions = {}): string {
  return serializeCookie(name, '', { ...options, maxAge: 0, expires: EPOCH });
}
