/**
 * The headers of an outgoing response: mutable, case-insensitive, repeated fields kept,
 * validated when set, sealed once sent.
 */
import { WeftError } from '../errors.js';
import { isTokenString } from './media-type.js';

/**
 * Anything response headers can be built from.
 *
 * @example
 * ```ts
 * json(data, { headers: { 'Cache-Control': 'no-store', Vary: ['Accept', 'Cookie'] } });
 * ```
 */
export type ResponseHeadersInit =
  | ResponseHeaders
  | Iterable<readonly [string, string]>
  | Readonly<Record<string, string | number | readonly string[]>>;

/** node's own rule (checkInvalidHeaderChar): only HTAB, visible ASCII and obs-text 0x80-0xff. */
function hasInvalidChar(value: string): boolean {
  // a loop beats the equivalent regex on the short values headers hold
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return true;
  }
  return false;
}

/** Header names already validated, with their lowercase form: apps use a few dozen names. */
const KNOWN_NAMES = new Map<string, string>();
const KNOWN_NAMES_LIMIT = 1024;

/** The lowercase form of a valid header name; throws for an invalid one. */
function validName(name: string): string {
  let lower = KNOWN_NAMES.get(name);
  if (lower === undefined) {
    if (!isTokenString(name)) {
      throw new WeftError('WEFT_ERR_INVALID_HEADER', `invalid header name ${JSON.stringify(name)}: it must be a token`);
    }
    lower = name.toLowerCase();
    if (KNOWN_NAMES.size < KNOWN_NAMES_LIMIT) KNOWN_NAMES.set(name, lower);
  }
  return lower;
}

function lowerName(name: string): string {
  return KNOWN_NAMES.get(name) ?? name.toLowerCase();
}

/**
 * Whether `value` may be sent as a header value (no CR, LF or NUL; Latin-1 only).
 *
 * @example
 * ```ts
 * isValidHeaderValue('text/csv');      // true
 * isValidHeaderValue('a\r\nX-Evil: 1'); // false
 * ```
 */
export function isValidHeaderValue(value: string): boolean {
  return !hasInvalidChar(value);
}

function checkValue(name: string, value: string): void {
  if (hasInvalidChar(value)) {
    throw new WeftError(
      'WEFT_ERR_INVALID_HEADER',
      `invalid character in the value of header ${name}: ${JSON.stringify(value)}` +
        ' (no CR, LF or NUL; encode text beyond Latin-1, e.g. with encodeURIComponent)',
    );
  }
}

// Content-Length is the body's framing: one decimal number (RFC 9110 8.6), small enough to
// count exactly (as the contentLength setter takes it); anything else would make the client
// misread where the body ends
const DECIMAL = /^\d{1,16}$/;

function checkContentLength(name: string, values: readonly string[]): void {
  if (values.length !== 1 || !DECIMAL.test(values[0]) || !Number.isSafeInteger(Number(values[0]))) {
    throw new WeftError('WEFT_ERR_INVALID_HEADER', `invalid ${name} ${JSON.stringify(values.join(', '))}: one non-negative integer (or set response.contentLength)`);
  }
}

/**
 * An outgoing response's headers: case-insensitive, ordered, repeated fields kept (several
 * `Set-Cookie` lines stay separate). Names keep the spelling first given. Names and values
 * are validated when set, so a bad header fails where it is written, with a coded error.
 * Once the response is prepared the headers are sealed and any change throws
 * `WEFT_ERR_HEADERS_SENT`.
 *
 * @example
 * ```ts
 * const headers = new ResponseHeaders({ 'Cache-Control': 'no-store' });
 * headers.set('Content-Type', 'text/plain').append('Set-Cookie', 'a=1').append('Set-Cookie', 'b=2');
 * headers.get('content-type');     // 'text/plain'
 * headers.getAll('set-cookie');    // ['a=1', 'b=2']
 * ```
 */
export class ResponseHeaders implements Iterable<[string, string]> {
  /**
   * `[name, value, name, value, ...]`: the form `res.writeHead(status, headers)` takes. Made
   * with room for two fields (a response's usual Content-Type and Content-Length), so the
   * hot path never grows it; only the first `2 * #size` entries count, and `rawPairs()`
   * trims the rest before it is handed to node.
   */
  #flat: string[] = new Array<string>(4);
  /** Lowercased names, one per pair of `#flat`; the first `#size` count. */
  #lower: string[] = new Array<string>(2);
  /** The number of field lines. */
  #size = 0;
  #sealed = false;

  constructor(init?: ResponseHeadersInit) {
    // hot path: kept this small so the optimizing compiler inlines it into a response's constructor
    if (init !== undefined) this.#fill(init);
  }

  #fill(init: ResponseHeadersInit): void {
    if (init instanceof ResponseHeaders) {
      this.#flat = init.#flat.slice(0, 2 * init.#size);
      this.#lower = init.#lower.slice(0, init.#size);
      this.#size = init.#size;
    } else if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
    } else {
      const record = init as Readonly<Record<string, string | number | readonly string[]>>;
      for (const name of Object.keys(record)) this.append(name, record[name]);
    }
  }

  /** The field's values joined with `, `, or undefined when absent. Use `getAll` for `Set-Cookie`. */
  get(name: string): string | undefined {
    const lower = lowerName(name);
    let found: string | undefined;
    for (let i = 0; i < this.#size; i++) {
      if (this.#lower[i] === lower) found = found === undefined ? this.#flat[2 * i + 1] : `${found}, ${this.#flat[2 * i + 1]}`;
    }
    return found;
  }

  /** Every value of the field, in order; `[]` when absent. */
  getAll(name: string): string[] {
    const lower = lowerName(name);
    const values: string[] = [];
    for (let i = 0; i < this.#size; i++) if (this.#lower[i] === lower) values.push(this.#flat[2 * i + 1]);
    return values;
  }

  /** Whether the field is set. */
  has(name: string): boolean {
    return this.#indexOf(lowerName(name), 0) !== -1;
  }

  /** Replaces every value of the field (an array sets several lines). */
  set(name: string, value: string | number | readonly string[]): this {
    this.#checkOpen();
    const lower = validName(name);
    const first = this.#indexOf(lower, 0);
    if (typeof value !== 'object') {
      // hot path: one value
      const item = typeof value === 'string' ? value : String(value);
      checkValue(name, item);
      if (lower === 'content-length') checkContentLength(name, [item]);
      if (first === -1) this.#push(name, lower, item);
      else {
        this.#flat[2 * first + 1] = item;
        if (this.#indexOf(lower, first + 1) !== -1) this.#remove(lower, first + 1);
      }
      return this;
    }
    const values = value;
    for (const item of values) checkValue(name, item);
    if (lower === 'content-length') checkContentLength(name, values);
    if (first !== -1) this.#remove(lower, first);
    for (const item of values) this.#push(name, lower, item);
    return this;
  }

  /**
   * @internal `set` for a field weft itself writes (`Content-Type`, `Content-Length`):
   * name and value are known valid, so the hot path skips validating them again.
   * @param lower the lowercase form of `name`.
   */
  setTrusted(name: string, lower: string, value: string): void {
    this.#checkOpen();
    const first = this.#indexOf(lower, 0);
    if (first === -1) this.#push(name, lower, value);
    else {
      this.#flat[2 * first + 1] = value;
      if (this.#indexOf(lower, first + 1) !== -1) this.#remove(lower, first + 1);
    }
  }

  /** @internal the first value of a field given by its lowercase name, or undefined (no lookup of the name). */
  firstOf(lower: string): string | undefined {
    const index = this.#indexOf(lower, 0);
    return index === -1 ? undefined : this.#flat[2 * index + 1];
  }

  /** Adds a value, keeping the existing ones (an array adds several lines). */
  append(name: string, value: string | number | readonly string[]): this {
    this.#checkOpen();
    const lower = validName(name);
    const values = typeof value === 'object' ? value : [String(value)];
    for (const item of values) checkValue(name, item);
    if (lower === 'content-length') checkContentLength(name, [...this.getAll(lower), ...values]);
    for (const item of values) this.#push(name, lower, item);
    return this;
  }

  /** Removes the field; returns whether it was set. */
  delete(name: string): boolean {
    this.#checkOpen();
    const lower = lowerName(name);
    const first = this.#indexOf(lower, 0);
    if (first === -1) return false;
    this.#remove(lower, first);
    return true;
  }

  /** Removes one value of a field (e.g. one `Set-Cookie` line); returns whether it was there. */
  deleteValue(name: string, value: string): boolean {
    this.#checkOpen();
    const lower = lowerName(name);
    for (let i = 0; i < this.#size; i++) {
      if (this.#lower[i] === lower && this.#flat[2 * i + 1] === value) {
        this.#removeAt(i);
        return true;
      }
    }
    return false;
  }

  /** The number of field lines. */
  get size(): number {
    return this.#size;
  }

  /** Whether the headers were sent: every change now throws `WEFT_ERR_HEADERS_SENT`. */
  get sealed(): boolean {
    return this.#sealed;
  }

  /** Seals the headers; called by `StreamResponse.prepare()` as they are written. */
  seal(): void {
    this.#sealed = true;
  }

  /** The distinct field names, lowercased, in order of first appearance. */
  keys(): IterableIterator<string> {
    return new Set(this.#lower.slice(0, this.#size))[Symbol.iterator]();
  }

  /** Every field line as `[lowercased name, value]`, in order. */
  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.#size; i++) yield [this.#lower[i], this.#flat[2 * i + 1]];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /**
   * The headers as node's `res.writeHead(status, headers)` takes them:
   * `[name, value, name, value, ...]` with names as first spelled. Do not modify it.
   */
  rawPairs(): readonly string[] {
    const flat = this.#flat;
    // drops the unused room (shrinking an array allocates nothing)
    if (flat.length !== 2 * this.#size) flat.length = 2 * this.#size;
    return flat;
  }

  /** A plain object, `lowercased name → value` (arrays for `set-cookie`), for logging and JSON. */
  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const name of this.keys()) out[name] = name === 'set-cookie' ? this.getAll(name) : this.get(name)!;
    return out;
  }

  /** The index of the first line named `lower` at or after `from`, or -1. */
  #indexOf(lower: string, from: number): number {
    for (let i = from; i < this.#size; i++) if (this.#lower[i] === lower) return i;
    return -1;
  }

  #push(name: string, lower: string, value: string): void {
    const size = this.#size;
    this.#flat[2 * size] = name;
    this.#flat[2 * size + 1] = value;
    this.#lower[size] = lower;
    this.#size = size + 1;
  }

  /** Removes every line named `lower` from index `from` on, keeping the order of the rest. */
  #remove(lower: string, from: number): void {
    let write = from;
    for (let read = from; read < this.#size; read++) {
      if (this.#lower[read] === lower) continue;
      this.#lower[write] = this.#lower[read];
      this.#flat[2 * write] = this.#flat[2 * read];
      this.#flat[2 * write + 1] = this.#flat[2 * read + 1];
      write++;
    }
    this.#truncate(write);
  }

  /** Removes the line at `index`, keeping the order of the rest. */
  #removeAt(index: number): void {
    for (let i = index + 1; i < this.#size; i++) {
      this.#lower[i - 1] = this.#lower[i];
      this.#flat[2 * i - 2] = this.#flat[2 * i];
      this.#flat[2 * i - 1] = this.#flat[2 * i + 1];
    }
    this.#truncate(this.#size - 1);
  }

  /** Keeps the first `size` lines; the arrays keep their room. */
  #truncate(size: number): void {
    this.#lower.length = size;
    this.#flat.length = 2 * size;
    this.#size = size;
  }

  #checkOpen(): void {
    if (this.#sealed) {
      throw new WeftError('WEFT_ERR_HEADERS_SENT', 'the response headers were already sent; change them before prepare()');
    }
  }
}

/**
 * Makes a URL safe for a header such as `Location`: spaces, control characters and
 * non-ASCII text are percent-encoded as UTF-8; existing `%XX` escapes are left alone.
 *
 * @example
 * ```ts
 * encodeUrlForHeader('/café?q=a b'); // '/caf%C3%A9?q=a%20b'
 * ```
 */
export function encodeUrlForHeader(url: string): string {
  try {
    return url.replace(/[^\x21-\x7e]+/g, encodeURI);
  } catch {
    throw new WeftError('WEFT_ERR_INVALID_HEADER', `cannot encode URL ${JSON.stringify(url)} for a header (lone surrogate)`);
  }
}
