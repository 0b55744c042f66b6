/**
 * `Response`: a response whose body is in memory, sent with its `Content-Length` in one
 * `writeHead` + `end` (the fastest way through `node:http`), and the factories handlers
 * use most: `json()`, `text()`, `html()`, `redirect()`.
 */
// node's Buffer module binding: the global `Buffer` is an accessor, a getter call on every use
import { Buffer } from 'node:buffer';
import type { ServerResponse } from 'node:http';
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { encodeUrlForHeader, type ResponseHeadersInit } from './headers.js';
import { parseMediaType } from './media-type.js';
import { isValidHeaderValue } from './response-headers.js';
import { checkStatus } from './status.js';
import { KNOWN_OPTIONS, StreamResponse, type StreamResponseInit } from './stream-response.js';

/**
 * What a `Response` can carry: text, bytes, or nothing.
 *
 * @example
 * ```ts
 * const body: ResponseBody = await renderPdf(); // a Uint8Array
 * ```
 */
export type ResponseBody = string | Uint8Array | null;

/**
 * What a `Response` starts with (aiohttp's `Response(...)` arguments).
 *
 * @example
 * ```ts
 * new Response({ body: png, contentType: 'image/png', headers: { 'Cache-Control': 'max-age=3600' } });
 * ```
 */
export interface ResponseInit extends StreamResponseInit {
  /** The body; strings default to `text/plain; charset=utf-8`, bytes to `application/octet-stream`. */
  body?: ResponseBody;
  /** A text body (the same as a string `body`). */
  text?: string;
  /** `Content-Type`; a string body adds `charset=utf-8` when it names no charset. */
  contentType?: string;
  /** The `charset` parameter of the content type; strings are encoded with it. */
  charset?: string;
}

/**
 * The options of `json()`, `text()` and `html()`.
 *
 * @example
 * ```ts
 * return json(problem, { status: 422, contentType: 'application/problem+json' });
 * ```
 */
export interface ResponseOptions {
  status?: number;
  reason?: string;
  headers?: ResponseHeadersInit;
  /** Overrides the factory's content type. */
  contentType?: string;
}

const TEXT_PLAIN = 'text/plain; charset=utf-8';
const TEXT_HTML = 'text/html; charset=utf-8';
const APPLICATION_JSON = 'application/json; charset=utf-8';
const OCTET_STREAM = 'application/octet-stream';
/**
 * Whether a content type is one of the four weft writes itself: known valid (UTF-8 or
 * bytes), so the hot path skips parsing them.
 * Compared with `===`: these are interned literals, so a hit is a pointer comparison, where
 * a Set lookup probed a hash table on every response.
 */
function isKnownType(type: string): boolean {
  return type === APPLICATION_JSON || type === TEXT_PLAIN || type === TEXT_HTML || type === OCTET_STREAM;
}
/** Charsets a string body can be encoded with (node's encoders). */
const ENCODINGS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'us-ascii': 'latin1',
  ascii: 'latin1',
  'utf-16le': 'utf16le',
};

/** A content type a response was given, parsed and checked once. */
interface ParsedType {
  /** Its `charset` parameter, if any. */
  readonly charset: string | undefined;
  /** The header value for a string body: the type itself, with `; charset=utf-8` added when it has no charset. */
  readonly forText: string;
  /** Whether the type and `forText` are valid header values (else `headers.set` throws the usual error). */
  readonly valid: boolean;
}

/**
 * Content types responses were given, by the exact string: a route that answers
 * `text/csv` parses and checks it once, not on every response (about 5,000 instructions
 * each). Bounded, so types built per response cannot grow it without limit.
 */
const PARSED_TYPES = new Map<string, ParsedType>();
const PARSED_TYPES_MAX = 256;

/** `value` parsed as a media type (from the cache when seen before), or `null` if invalid. */
function parsedType(value: string): ParsedType | null {
  const known = PARSED_TYPES.get(value);
  if (known !== undefined) return known;
  const parsed = parseMediaType(value);
  if (parsed === null) return null;
  const charset = parsed.params.charset;
  const forText = charset === undefined ? `${value}; charset=utf-8` : value;
  const entry: ParsedType = { charset, forText, valid: isValidHeaderValue(value) && isValidHeaderValue(forText) };
  if (PARSED_TYPES.size < PARSED_TYPES_MAX) PARSED_TYPES.set(value, entry);
  return entry;
}

function invalidBody(detail: string, cause?: unknown): WeftError {
  return new WeftError('WEFT_ERR_INVALID_BODY', detail, cause === undefined ? undefined : { cause });
}

/**
 * A response with its whole body in memory. `Content-Length` is computed from the body when
 * the headers are written, so the body may change until then (in middlewares and
 * `onResponsePrepare` handlers too).
 *
 * @example
 * ```ts
 * const response = new Response({ text: 'created', status: 201, headers: { Location: '/items/7' } });
 * response.text;        // 'created'
 * response.contentType; // 'text/plain'
 * ```
 */
export class Response extends StreamResponse {
  /** @internal */
  protected static override readonly optionNames: readonly string[] = [...StreamResponse.optionNames, 'body', 'text', 'contentType', 'charset'];
  #body: ResponseBody = null;
  /** The encoded body, fixed when the headers are written. */
  #payload: string | Uint8Array | undefined;

  /** @param known internal: see {@link StreamResponse}'s constructor. */
  constructor(init: ResponseInit = {}, known?: typeof KNOWN_OPTIONS) {
    super(init, known);
    const contentType = init.contentType;
    if (typeof init.body === 'string' && contentType !== undefined && init.text === undefined && init.charset === undefined && isKnownType(contentType)) {
      // hot path: json(), text(), html() and toResponse() come here; what the setter would check holds
      this.headers.setTrusted('Content-Type', 'content-type', contentType);
      this.#body = init.body;
      return;
    }
    this.#init(init);
  }

  /** The rest of the constructor: bodies given as text or bytes, other content types, charsets. */
  #init(init: ResponseInit): void {
    if (init.body !== undefined && init.text !== undefined) throw invalidBody('give a Response either body or text, not both');
    const body = init.text ?? init.body ?? null;
    if (init.contentType !== undefined) {
      let contentType = init.contentType;
      if (isKnownType(contentType)) {
        this.headers.setTrusted('Content-Type', 'content-type', contentType);
      } else {
        const parsed = parsedType(contentType);
        if (parsed === null) throw new WeftError('WEFT_ERR_INVALID_HEADER', `invalid content type ${JSON.stringify(contentType)}`);
        if (typeof body === 'string' && init.charset === undefined) contentType = parsed.forText;
        if (parsed.valid) this.headers.setTrusted('Content-Type', 'content-type', contentType);
        else this.headers.set('Content-Type', contentType);
      }
    } else if (init.charset !== undefined && body !== null && !this.headers.has('content-type')) {
      this.headers.set('Content-Type', typeof body === 'string' ? 'text/plain' : OCTET_STREAM);
    }
    if (init.charset !== undefined) this.charset = init.charset;
    if (body !== null) this.body = body;
  }

  /** The body as given: a string, bytes, or null. */
  get body(): ResponseBody {
    return this.#body;
  }

  set body(body: ResponseBody) {
    this.checkUnsent();
    if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw invalidBody(`a Response body must be a string, a Uint8Array or null, not ${typeof body}; use json() for data`);
    }
    this.#body = body;
    if (body !== null && this.headers.firstOf('content-type') === undefined) {
      this.headers.setTrusted('Content-Type', 'content-type', typeof body === 'string' ? TEXT_PLAIN : OCTET_STREAM);
    }
  }

  /** The body as text (bytes decoded as UTF-8), or null without a body. Setting it sets the body. */
  get text(): string | null {
    const body = this.#body;
    return body === null || typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  }

  set text(text: string) {
    if (typeof text !== 'string') throw invalidBody(`text must be a string, not ${typeof text}`);
    this.body = text;
  }

  /** `Content-Length`: as set in the headers, or else the byte length of the body. */
  override get contentLength(): number | undefined {
    const set = super.contentLength;
    if (set !== undefined) return set;
    const body = this.#body;
    if (body === null) return 0;
    return typeof body === 'string' ? Buffer.byteLength(body, this.#encoding()) : body.byteLength;
  }

  override set contentLength(_length: number | undefined) {
    throw new WeftError('WEFT_ERR_RESPONSE_STATE', 'a Response sets Content-Length from its body; use a StreamResponse to set it yourself');
  }

  /** A `Response` sends its own body: use a `StreamResponse` to write chunks. */
  override write(_chunk: string | Uint8Array): Promise<void> {
    return Promise.reject(
      new WeftError('WEFT_ERR_RESPONSE_STATE', 'a Response sends its body itself; set body, or use a StreamResponse to write chunks'),
    );
  }

  /** Sends the body and finishes the response; a second call does nothing. */
  override end(chunk?: string | Uint8Array): Promise<void> {
    if (chunk !== undefined) {
      return Promise.reject(new WeftError('WEFT_ERR_RESPONSE_STATE', 'a Response sends its body itself: set body instead of end(chunk)'));
    }
    return super.end();
  }

  protected override finalizeHeaders(emptyStatus: boolean): void {
    const body = this.#body;
    // the length is known: a Transfer-Encoding copied from elsewhere (a proxied upstream's
    // headers) would be sent beside Content-Length, which RFC 9112 6.2 forbids
    if (this.headers.firstOf('transfer-encoding') !== undefined) this.headers.delete('transfer-encoding');
    if (emptyStatus) {
      this.#payload = undefined;
      return;
    }
    if (body === null) {
      this.#payload = undefined;
      this.headers.setTrusted('Content-Length', 'content-length', '0');
      return;
    }
    let length: number;
    if (typeof body === 'string') {
      const encoding = this.#encoding();
      // node encodes UTF-8 strings itself on end(): no Buffer needed
      this.#payload = encoding === 'utf8' ? body : Buffer.from(body, encoding);
      length = encoding === 'utf8' ? Buffer.byteLength(body) : this.#payload.length;
    } else {
      this.#payload = body;
      length = body.byteLength;
    }
    this.headers.setTrusted('Content-Length', 'content-length', String(length));
  }

  protected override get flushesHeaders(): boolean {
    return false;
  }

  protected override writeLast(res: ServerResponse): void {
    // hot path: the headers were stored by writeHead and leave with the body in one write
    const payload = this.#payload;
    if (payload === undefined || this.bodyless) res.end();
    else res.end(payload);
  }

  #encoding(): BufferEncoding {
    const first = this.headers.firstOf('content-type');
    if (first === undefined || isKnownType(first)) return 'utf8'; // hot path
    const contentType = this.headers.get('content-type')!;
    const charset = parsedType(contentType)?.charset;
    if (charset === undefined) return 'utf8';
    const encoding = ENCODINGS[charset.toLowerCase()];
    if (encoding === undefined) {
      throw invalidBody(`cannot encode a string body as ${charset}: give the body as bytes, or use utf-8`);
    }
    return encoding;
  }
}

/** The options `json()`, `text()` and `html()` take. */
const FACTORY_OPTIONS: readonly string[] = ['status', 'reason', 'headers', 'contentType'];

function withContentType(body: string, contentType: string, init: ResponseOptions | undefined, where: string): Response {
  // hot path: text(), json() and a handler's string or object come here
  if (init === undefined) return new Response({ body, contentType }, KNOWN_OPTIONS);
  checkKnownOptions(init, FACTORY_OPTIONS, where);
  if (init.contentType === undefined && init.headers !== undefined) {
    // a Content-Type among the headers is kept, as `new Response()` keeps it
    const response = new Response({ status: init.status, reason: init.reason, headers: init.headers }, KNOWN_OPTIONS);
    if (!response.headers.has('content-type')) response.headers.setTrusted('Content-Type', 'content-type', contentType);
    response.body = body;
    return response;
  }
  return new Response(
    {
      body,
      status: init.status,
      reason: init.reason,
      headers: init.headers,
      contentType: init.contentType ?? contentType,
    },
    KNOWN_OPTIONS,
  );
}

/**
 * A JSON response (`application/json; charset=utf-8`), serialised at once.
 *
 * @throws WeftError `WEFT_ERR_INVALID_BODY` when `data` cannot be serialised (a BigInt, a
 * cycle, `undefined` or a function).
 * @example
 * ```ts
 * return json({ id: 7, name: 'Ada' }, { status: 201, headers: { Location: '/users/7' } });
 * ```
 */
export function json(data: unknown, init?: ResponseOptions): Response {
  // hot path
  let body: string | undefined;
  try {
    body = JSON.stringify(data);
  } catch (err) {
    throw invalidBody(`cannot serialise the response as JSON: ${(err as Error).message}`, err);
  }
  if (body === undefined) throw invalidBody(`cannot serialise ${typeof data} as JSON`);
  return withContentType(body, APPLICATION_JSON, init, 'json()');
}

/**
 * The JSON response of a route with a `serializer` option: the serialiser's text, sent as
 * {@link json} sends. Internal: the request path calls it through `toResponse`.
 *
 * @throws WeftError `WEFT_ERR_INVALID_BODY` when the serialiser throws or returns no string.
 * @example
 * ```ts
 * serializedJson({ id: '42' }, (data: { id: string }) => `{"id":${JSON.stringify(data.id)}}`);
 * ```
 */
export function serializedJson(data: unknown, serialize: (data: never) => string): Response {
  let body: unknown;
  try {
    body = serialize(data as never);
  } catch (err) {
    throw invalidBody(`the route's serializer failed: ${(err as Error).message}`, err);
  }
  if (typeof body !== 'string') throw invalidBody(`the route's serializer returned ${body === null ? 'null' : typeof body}, not a string`);
  return withContentType(body, APPLICATION_JSON, undefined, 'json()');
}

/**
 * A plain-text response (`text/plain; charset=utf-8`).
 *
 * @example
 * ```ts
 * return text('pong');
 * ```
 */
export function text(body: string, init?: ResponseOptions): Response {
  return withContentType(body, TEXT_PLAIN, init, 'text()');
}

/**
 * An HTML response (`text/html; charset=utf-8`).
 *
 * @example
 * ```ts
 * return html('<h1>Hello</h1>');
 * ```
 */
export function html(body: string, init?: ResponseOptions): Response {
  return withContentType(body, TEXT_HTML, init, 'html()');
}

/**
 * A redirect without a body. Non-ASCII characters and spaces in the location are
 * percent-encoded. To redirect from deep inside a call, throw `HTTPFound` and friends.
 *
 * @throws WeftError `WEFT_ERR_INVALID_STATUS` when `status` is not 3xx, `WEFT_ERR_INVALID_HEADER`
 * when the location is empty.
 * @example
 * ```ts
 * return redirect('/login', 303);
 * ```
 */
export function redirect(location: string, status = 302): Response {
  if (checkStatus(status) < 300 || status > 399) {
    throw new WeftError('WEFT_ERR_INVALID_STATUS', `a redirect needs a 3xx status, not ${status}`);
  }
  if (typeof location !== 'string' || location.length === 0) {
    throw new WeftError('WEFT_ERR_INVALID_HEADER', 'a redirect needs a location to redirect to');
  }
  return new Response({ status, headers: { Location: encodeUrlForHeader(location) } }, KNOWN_OPTIONS);
}

// `sendResponse` and `toResponse` live in their own files; they are re-exported here, last
// (to-response.ts imports this module), so `import { toResponse } from './response.js'` works.
export { sendResponse } from './send-response.js';
export { toResponse } from './to-response.js';
