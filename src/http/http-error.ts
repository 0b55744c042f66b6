/**
 * The base of the HttpError family (aiohttp's `web_exceptions`): `HttpError` and the
 * groups every status class extends. Throw an HttpError anywhere in a handler or middleware
 * and it becomes the response; middlewares see it on the way out and may change its
 * status, headers or body and rethrow.
 *
 * The hierarchy mirrors aiohttp: `HttpError` (aiohttp's `HTTPException`) → `HTTPSuccessful`
 * (2xx), `HTTPRedirection` (3xx, with `HTTPMove` for those that take a location),
 * `HTTPClientError` (4xx), `HTTPServerError` (5xx) → one class per status, in
 * `http-errors.ts`. The default body is `"<status>: <reason>"` as `text/plain;
 * charset=utf-8`, computed when sent, so changing the status changes it too.
 */
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { ResponseHeaders, encodeUrlForHeader, type ResponseHeadersInit } from './headers.js';
import { parseMediaType } from './media-type.js';
import { Response, type ResponseBody } from './response.js';
import { KNOWN_OPTIONS } from './stream-response.js';
import { checkReason, checkStatus, standardReason } from './status.js';

/**
 * What an HttpError can carry besides its status. Give at most one of `text`, `body`, `json`.
 *
 * @example
 * ```ts
 * throw new HTTPConflict({ json: { error: 'email taken' }, headers: { 'Retry-After': '0' } });
 * ```
 */
export interface HttpErrorOptions {
  /** The body as text (and the error's message). */
  text?: string;
  /** The body as given; null for none. */
  body?: ResponseBody;
  /** A JSON body (`application/json; charset=utf-8`, unless `headers` or `contentType` name another type). */
  json?: unknown;
  /** Extra response headers (copied). */
  headers?: ResponseHeadersInit;
  /** The reason phrase; the standard one by default. */
  reason?: string;
  /** The body's content type; `text/plain; charset=utf-8` by default. */
  contentType?: string;
  /** The error that caused this one (kept as `cause`, never sent). */
  cause?: unknown;
}

const DEFAULT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** The options every HttpError takes. */
const HTTP_ERROR_OPTIONS: readonly string[] = ['text', 'body', 'json', 'headers', 'reason', 'contentType', 'cause'];

function isEmptyStatus(status: number): boolean {
  return status < 200 || status === 204 || status === 205 || status === 304;
}

function initialBody(options: HttpErrorOptions, headers: ResponseHeaders): ResponseBody | undefined {
  const given = Number(options.text !== undefined) + Number(options.body !== undefined) + Number(options.json !== undefined);
  if (given > 1) throw new WeftError('WEFT_ERR_INVALID_BODY', 'give an HttpError at most one of text, body and json');
  if (options.json !== undefined) {
    let json: string | undefined;
    try {
      json = JSON.stringify(options.json);
    } catch (err) {
      throw new WeftError('WEFT_ERR_INVALID_BODY', `cannot serialise the error body as JSON: ${(err as Error).message}`, { cause: err });
    }
    if (json === undefined) throw new WeftError('WEFT_ERR_INVALID_BODY', `cannot serialise ${typeof options.json} as JSON`);
    // a Content-Type among the headers is kept, as json() keeps it; `contentType` overrides both
    if (options.contentType === undefined && !headers.has('content-type')) headers.set('Content-Type', 'application/json; charset=utf-8');
    return json;
  }
  if (options.text !== undefined && typeof options.text !== 'string') {
    throw new WeftError('WEFT_ERR_INVALID_BODY', `text must be a string, not ${typeof options.text}`);
  }
  return options.text ?? options.body;
}

function checkBody(body: ResponseBody): ResponseBody {
  if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new WeftError('WEFT_ERR_INVALID_BODY', `an HttpError body must be a string, a Uint8Array or null, not ${typeof body}`);
  }
  return body;
}

/**
 * The base of every HTTP error (aiohttp's `HTTPException`). Status, reason, headers and
 * body are mutable: a middleware may add a header and rethrow. Usually you throw a
 * subclass; `new HttpError(status)` serves codes without one.
 *
 * @example
 * ```ts
 * throw new HttpError(418, { text: "I'm a teapot" });
 *
 * // an error middleware turning every HttpError into JSON
 * try {
 *   return await next();
 * } catch (err) {
 *   if (!(err instanceof HttpError)) throw err;
 *   return json({ error: err.reason }, { status: err.status, headers: err.headers });
 * }
 * ```
 */
export class HttpError extends Error {
  /** The response headers this error will be sent with. */
  readonly headers: ResponseHeaders;
  #status: number;
  #reason: string | undefined;
  /** undefined: the default body, computed from the current status. */
  #body: ResponseBody | undefined;

  /** @param status the status code (200 to 599). */
  constructor(status: number, options: HttpErrorOptions = {}) {
    checkStatus(status);
    checkKnownOptions(options, HTTP_ERROR_OPTIONS, `new ${new.target.name}()`);
    const reason = options.reason === undefined ? undefined : checkReason(options.reason);
    super(typeof options.text === 'string' ? options.text : (reason ?? standardReason(status)), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.#status = status;
    this.#reason = reason;
    this.headers = new ResponseHeaders(options.headers);
    this.#body = initialBody(options, this.headers);
    if (this.#body !== undefined && this.#body !== null) checkBody(this.#body);
    if (options.contentType !== undefined) this.contentType = options.contentType;
  }

  /** The status code. */
  get status(): number {
    return this.#status;
  }

  set status(status: number) {
    this.#status = checkStatus(status);
  }

  /** The reason phrase: the one given, or the standard phrase of the current status. */
  get reason(): string {
    return this.#reason ?? standardReason(this.#status);
  }

  set reason(reason: string) {
    this.#reason = checkReason(reason);
  }

  /** The body: as set, or `"<status>: <reason>"` (null for 1xx, 204, 205 and 304). */
  get body(): ResponseBody {
    if (this.#body !== undefined) return this.#body;
    return isEmptyStatus(this.#status) ? null : `${this.#status}: ${this.reason}`;
  }

  set body(body: ResponseBody) {
    this.#body = checkBody(body);
  }

  /** The body as text (bytes decoded as UTF-8), or null without a body. */
  get text(): string | null {
    const body = this.body;
    return body === null || typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  }

  set text(text: string) {
    if (typeof text !== 'string') throw new WeftError('WEFT_ERR_INVALID_BODY', `text must be a string, not ${typeof text}`);
    this.#body = text;
  }

  /** The body's `Content-Type`: `text/plain; charset=utf-8` unless set. */
  get contentType(): string {
    return this.headers.get('content-type') ?? DEFAULT_CONTENT_TYPE;
  }

  set contentType(value: string) {
    if (parseMediaType(value) === null) throw new WeftError('WEFT_ERR_INVALID_HEADER', `invalid content type ${JSON.stringify(value)}`);
    this.headers.set('Content-Type', value);
  }

  /** The response this error stands for (a new one each call, with a copy of the headers). */
  toResponse(): Response {
    const body = this.body;
    const response = new Response({ status: this.#status, reason: this.#reason, headers: this.headers }, KNOWN_OPTIONS);
    if (body !== null && !isEmptyStatus(this.#status)) {
      if (!response.headers.has('content-type')) response.headers.set('Content-Type', DEFAULT_CONTENT_TYPE);
      response.body = body;
    }
    return response;
  }
}

function checkRange(status: number, low: number, high: number, name: string): number {
  if (checkStatus(status) < low || status > high) {
    throw new WeftError('WEFT_ERR_INVALID_STATUS', `${name} needs a status from ${low} to ${high}, not ${status}`);
  }
  return status;
}

/**
 * 2xx "errors" (aiohttp lets handlers raise `HTTPOk` and friends to answer at once).
 * @example
 * ```ts
 * throw new HTTPSuccessful(299, { text: 'custom success' });
 * ```
 */
export class HTTPSuccessful extends HttpError {
  constructor(status: number, options?: HttpErrorOptions) {
    super(checkRange(status, 200, 299, new.target.name), options);
  }
}

/**
 * 3xx responses. The ones that take a location extend `HTTPMove`.
 * @example
 * ```ts
 * if (err instanceof HTTPRedirection) log.info('redirecting', err.status);
 * ```
 */
export class HTTPRedirection extends HttpError {
  constructor(status: number, options?: HttpErrorOptions) {
    super(checkRange(status, 300, 399, new.target.name), options);
  }
}

/**
 * 4xx errors: the client's fault.
 * @example
 * ```ts
 * throw new HTTPClientError(499, { text: 'client closed request' });
 * ```
 */
export class HTTPClientError extends HttpError {
  constructor(status: number, options?: HttpErrorOptions) {
    super(checkRange(status, 400, 499, new.target.name), options);
  }
}

/**
 * 5xx errors: the server's fault.
 * @example
 * ```ts
 * if (err instanceof HTTPServerError) metrics.serverErrors++;
 * ```
 */
export class HTTPServerError extends HttpError {
  constructor(status: number, options?: HttpErrorOptions) {
    super(checkRange(status, 500, 599, new.target.name), options);
  }
}

/**
 * A redirect with a location (aiohttp's `HTTPMove`): sets the `Location` header, with
 * spaces and non-ASCII characters percent-encoded.
 *
 * @example
 * ```ts
 * throw new HTTPFound('/login?next=' + encodeURIComponent(request.path));
 * ```
 */
export class HTTPMove extends HTTPRedirection {
  /** @param location where to go; must not be empty. */
  constructor(status: number, location: string, options?: HttpErrorOptions) {
    super(status, options);
    this.location = location;
  }

  /** The `Location` header; setting it re-encodes it. */
  get location(): string {
    return this.headers.get('location') ?? '';
  }

  set location(location: string) {
    if (typeof location !== 'string' || location.length === 0) {
      throw new WeftError('WEFT_ERR_INVALID_HEADER', `${this.name} needs a location to redirect to`);
    }
    this.headers.set('Location', encodeUrlForHeader(location));
  }
}

/**
 * A class of the family with a fixed status: `new HTTPNotFound(options?)`.
 *
 * @example
 * ```ts
 * const NotFound: HttpErrorClass = HTTPNotFound;
 * NotFound.status; // 404
 * ```
 */
export interface HttpErrorClass<E extends HttpError = HttpError> {
  /** A string is the body text (NestJS's `new NotFoundException('User not found')`): `{ text }`. */
  new (options?: HttpErrorOptions | string): E;
  /** The status every instance starts with. */
  readonly status: number;
  readonly prototype: E;
}

/**
 * A redirect class with a fixed status: `new HTTPFound(location, options?)`.
 *
 * @example
 * ```ts
 * const Redirect: RedirectErrorClass = permanent ? HTTPMovedPermanently : HTTPFound;
 * throw new Redirect('/new-home');
 * ```
 */
export interface RedirectErrorClass {
  new (location: string, options?: HttpErrorOptions): HTTPMove;
  /** The status every instance starts with. */
  readonly status: number;
  readonly prototype: HTTPMove;
}
