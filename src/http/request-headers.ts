/**
 * The request's headers: a read-only, lazy, case-insensitive view over node's parsed
 * headers that keeps repeated fields.
 */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Where request headers come from: node's `IncomingMessage` has exactly this shape
 * (`headers` joins repeated fields, `headersDistinct` keeps them, `rawHeaders` is the wire order).
 *
 * @example
 * ```ts
 * const headers = new RequestHeaders(req); // req: http.IncomingMessage
 * ```
 */
export interface RequestHeaderSource {
  readonly headers: IncomingHttpHeaders;
  readonly headersDistinct: NodeJS.Dict<string[]>;
  readonly rawHeaders: string[];
}

/**
 * Anything request headers can be built from, e.g. in `request.clone({ headers })`.
 *
 * @example
 * ```ts
 * request.clone({ headers: { host: 'example.com', accept: ['text/html', 'text/plain'] } });
 * ```
 */
export type RequestHeadersInit =
  | RequestHeaders
  | Iterable<readonly [string, string]>
  | Readonly<Record<string, string | readonly string[]>>;

/**
 * The request's headers: case-insensitive and read-only. A thin wrapper over node's parsed
 * headers: nothing is copied until asked.
 *
 * `get` returns repeated fields joined with `, ` as node does (`cookie` with `; `; for
 * fields that must not repeat, such as `Host` or `Content-Type`, node keeps the first);
 * `getAll` returns each received field line separately. Iteration yields every field line as
 * `[lowercased name, value]`, repeated fields included, in the order received.
 *
 * @example
 * ```ts
 * request.headers.get('content-type');   // 'application/json' or undefined
 * request.headers.getAll('x-forwarded-for'); // ['1.2.3.4', '5.6.7.8']
 * for (const [name, value] of request.headers) console.log(name, value);
 * ```
 */
export class RequestHeaders implements Iterable<[string, string]> {
  readonly #source: RequestHeaderSource;

  /** @param source node's `IncomingMessage`, or any object of the same shape. */
  constructor(source: RequestHeaderSource) {
    this.#source = source;
  }

  /**
   * Builds headers that do not come from a socket (tests, `request.clone({ headers })`).
   *
   * @example
   * ```ts
   * const headers = RequestHeaders.from({ host: 'example.com', accept: ['text/html', 'text/plain'] });
   * headers.get('Accept'); // 'text/html, text/plain'
   * ```
   */
  static from(init: RequestHeadersInit): RequestHeaders {
    if (init instanceof RequestHeaders) return init;
    const rawHeaders: string[] = [];
    const pairs: Iterable<readonly [string, string | readonly string[]]> =
      Symbol.iterator in init ? (init as Iterable<readonly [string, string]>) : Object.entries(init);
    for (const [name, value] of pairs) {
      if (typeof value === 'string') rawHeaders.push(name, value);
      else for (const item of value) rawHeaders.push(name, item);
    }
    const headers: IncomingHttpHeaders = {};
    const headersDistinct: NodeJS.Dict<string[]> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i].toLowerCase();
      const value = rawHeaders[i + 1];
      (headersDistinct[name] ??= []).push(value);
      const previous = headers[name];
      if (name === 'set-cookie') headers[name] = [...((previous as string[] | undefined) ?? []), value];
      else headers[name] = previous === undefined ? value : `${previous}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
    return new RequestHeaders({ headers, headersDistinct, rawHeaders });
  }

  /** The field's value (repeated lines joined), or undefined when absent. */
  get(name: string): string | undefined {
    const value = this.#source.headers[name.toLowerCase()];
    return value === undefined || typeof value === 'string' ? value : value.join(', ');
  }

  /** Every line received for the field, in order; `[]` when absent. */
  getAll(name: string): string[] {
    return this.#source.headersDistinct[name.toLowerCase()] ?? [];
  }

  /** Whether the field was received. */
  has(name: string): boolean {
    return this.#source.headers[name.toLowerCase()] !== undefined;
  }

  /** The distinct field names, lowercased. */
  keys(): IterableIterator<string> {
    return Object.keys(this.#source.headersDistinct)[Symbol.iterator]();
  }

  /** Every field line as `[lowercased name, value]`, in the order received. */
  *entries(): IterableIterator<[string, string]> {
    const raw = this.#source.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) yield [raw[i].toLowerCase(), raw[i + 1]];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** The field lines as received, `[name, value]` with the client's spelling. */
  rawPairs(): Array<[string, string]> {
    const raw = this.#source.rawHeaders;
    const pairs: Array<[string, string]> = new Array(raw.length / 2);
    for (let i = 0; i < raw.length; i += 2) pairs[i / 2] = [raw[i], raw[i + 1]];
    return pairs;
  }

  /** A plain object, `name → value` as `get` returns it (for logging and JSON). */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of Object.keys(this.#source.headers)) out[name] = this.get(name)!;
    return out;
  }
}
