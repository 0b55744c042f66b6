/**
 * Validators of a file representation (ETag, Last-Modified) and the preconditions of
 * RFC 9110 section 13 evaluated against them, in the RFC's order.
 */
import type { Stats, BigIntStats } from 'node:fs';

/**
 * A file's validators. The ETag is strong, as aiohttp's: `"<mtime ns hex>-<size hex>"`;
 * a precompressed sibling is another file, so its ETag differs from the original's.
 *
 * @example
 * ```ts
 * const v = fileValidators(await handle.stat({ bigint: true }));
 * response.headers.set('ETag', v.etag);
 * ```
 */
export interface FileValidators {
  etag: string;
  /** Whole seconds: HTTP dates have no finer resolution. Never later than now. */
  lastModified: number;
}

/**
 * The validators of a file from its stats. A modification time in the future (a clock
 * set wrong, an archive from another machine) is taken as now, as RFC 9110 8.8.2.1 asks:
 * a client given tomorrow's date would send it back in `If-Modified-Since` and get 304s
 * for every change made before tomorrow.
 */
export function fileValidators(stats: BigIntStats | Stats): FileValidators {
  const mtimeNs = typeof stats.mtimeMs === 'bigint' ? (stats as BigIntStats).mtimeNs : BigInt(Math.floor((stats as Stats).mtimeMs * 1e6));
  const size = BigInt(stats.size);
  const lastModified = Math.min(Math.floor(Number(stats.mtimeMs) / 1000), Math.floor(Date.now() / 1000));
  return { etag: `"${mtimeNs.toString(16)}-${size.toString(16)}"`, lastModified };
}

/** The outcome of the preconditions: go on, or answer 304 / 412 at once. */
export type Precondition = 'ok' | 304 | 412;

/** Header access as both the request and tests give it. */
export type HeaderGetter = (name: string) => string | undefined;

/** Splits an `If-Match` / `If-None-Match` list; `*` stays a single element. */
function etagList(value: string): string[] {
  return value.match(/(?:W\/)?"[^"]*"|\*/g) ?? [];
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `Sun, 06 Nov 1994 08:49:37 GMT`: the preferred form. */
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** `Sunday, 06-Nov-94 08:49:37 GMT`: obsolete, still accepted. */
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** `Sun Nov  6 08:49:37 1994`: C's asctime(), obsolete, in GMT. */
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Seconds since the epoch of an HTTP-date (RFC 9110 5.6.7: IMF-fixdate, or the obsolete
 * RFC 850 and asctime forms, all in GMT), or undefined for anything else: a value that is
 * not a valid HTTP-date is ignored (13.1.3, 13.1.4). `Date.parse` would read `2030`, `1`
 * or a date in the local time zone as dates.
 *
 * @example
 * ```ts
 * httpDate('Sun, 06 Nov 1994 08:49:37 GMT'); // 784111777
 * httpDate('2030-01-01');                    // undefined
 * ```
 */
export function httpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match !== null) return utcSeconds(Number(match[3]), match[2], Number(match[1]), match[4], match[5], match[6]);
  match = RFC850_DATE.exec(text);
  if (match !== null) return utcSeconds(fullYear(Number(match[3])), match[2], Number(match[1]), match[4], match[5], match[6]);
  match = ASCTIME_DATE.exec(text);
  if (match !== null) return utcSeconds(Number(match[6]), match[1], Number(match[2].trim()), match[3], match[4], match[5]);
  return undefined;
}

/** RFC 850's two-digit year: the most recent year with those digits not more than 50 years ahead. */
function fullYear(twoDigits: number): number {
  const now = new Date().getUTCFullYear();
  let year = now - (now % 100) + twoDigits;
  if (year > now + 50) year -= 100;
  return year;
}

function utcSeconds(year: number, monthName: string, day: number, hours: string, minutes: string, seconds: string): number | undefined {
  const month = MONTHS.indexOf(monthName);
  const [h, m, s] = [Number(hours), Number(minutes), Number(seconds)];
  // 60: a leap second, which Date.UTC carries into the next minute
  if (month === -1 || day < 1 || h > 23 || m > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, month, day, h, m, s);
  // a day the month does not have (31 Feb) would roll over into the next month
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return undefined;
  return Math.floor(ms / 1000);
}

/**
 * Evaluates `If-Match`, `If-Unmodified-Since`, `If-None-Match` and `If-Modified-Since`
 * (RFC 9110 13.2.2): If-Match uses the strong comparison, If-None-Match the weak one
 * (aiohttp compares strongly; weak is what the RFC asks), and a date is ignored when the
 * matching ETag header is present or the date is not a valid HTTP-date. A failed
 * If-None-Match is 304 for GET and HEAD and 412 for other methods (13.1.2);
 * If-Modified-Since counts for GET and HEAD only (13.1.3). The caller skips all of them
 * when the response would not be 2xx anyway (13.2.1).
 *
 * @example
 * ```ts
 * evaluatePreconditions((n) => request.headers.get(n), validators, request.method); // 'ok' | 304 | 412
 * ```
 */
export function evaluatePreconditions(header: HeaderGetter, validators: FileValidators, method: string): Precondition {
  const ifMatch = header('if-match');
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    if (!tags.includes('*') && !tags.some((tag) => !tag.startsWith('W/') && tag === validators.etag)) return 412;
  } else {
    const since = httpDate(header('if-unmodified-since'));
    if (since !== undefined && validators.lastModified > since) return 412;
  }
  const safe = method === 'GET' || method === 'HEAD';
  const ifNoneMatch = header('if-none-match');
  if (ifNoneMatch !== undefined) {
    const tags = etagList(ifNoneMatch);
    if (tags.includes('*') || tags.some((tag) => opaque(tag) === validators.etag)) return safe ? 304 : 412;
  } else if (safe) {
    const since = httpDate(header('if-modified-since'));
    if (since !== undefined && validators.lastModified <= since) return 304;
  }
  return 'ok';
}

/**
 * Whether `If-Range` lets a `Range` apply: absent, or an exact strong ETag match, or the
 * exact Last-Modified date (RFC 9110 13.1.5). Otherwise the full file is sent.
 *
 * @example
 * ```ts
 * if (!ifRangeHolds(request.headers.get('if-range'), validators)) sendWholeFile();
 * ```
 */
export function ifRangeHolds(ifRange: string | undefined, validators: FileValidators): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"')) return value === validators.etag;
  if (value.startsWith('W/')) return false;
  return httpDate(value) === validators.lastModified;
}
