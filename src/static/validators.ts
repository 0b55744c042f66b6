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
  /** Whole seconds: HTTP dates have no finer resolution. */
  lastModified: number;
}

/** The validators of a file from its stats. */
export function fileValidators(stats: BigIntStats | Stats): FileValidators {
  const mtimeNs = typeof stats.mtimeMs === 'bigint' ? (stats as BigIntStats).mtimeNs : BigInt(Math.floor((stats as Stats).mtimeMs * 1e6));
  const size = BigInt(stats.size);
  return { etag: `"${mtimeNs.toString(16)}-${size.toString(16)}"`, lastModified: Math.floor(Number(stats.mtimeMs) / 1000) };
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

/** Seconds since the epoch of an HTTP date, or undefined when it does not parse. */
function httpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Evaluates `If-Match`, `If-Unmodified-Since`, `If-None-Match` and `If-Modified-Since`
 * (RFC 9110 13.2.2): If-Match uses the strong comparison, If-None-Match the weak one
 * (aiohttp compares strongly; weak is what the RFC asks), and a date is ignored when the
 * matching ETag header is present or the date does not parse.
 *
 * @example
 * ```ts
 * evaluatePreconditions((n) => request.headers.get(n), validators); // 'ok' | 304 | 412
 * ```
 */
export function evaluatePreconditions(header: HeaderGetter, validators: FileValidators): Precondition {
  const ifMatch = header('if-match');
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    if (!tags.includes('*') && !tags.some((tag) => !tag.startsWith('W/') && tag === validators.etag)) return 412;
  } else {
    const since = httpDate(header('if-unmodified-since'));
    if (since !== undefined && validators.lastModified > since) return 412;
  }
  const ifNoneMatch = header('if-none-match');
  if (ifNoneMatch !== undefined) {
    const tags = etagList(ifNoneMatch);
    if (tags.includes('*') || tags.some((tag) => opaque(tag) === validators.etag)) return 304;
  } else {
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
