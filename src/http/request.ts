/**
 * `Request`: what a handler receives. A thin, lazy view over node's `IncomingMessage`:
 * construction only stores references; every accessor parses on first use and caches.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { RequestScope } from '../../container/index.js';
import type { Application } from '../app/application.js';
import type { CompiledRoute } from '../compile/compile-app.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { TextDecoder } from 'node:util';
import { parseCookies } from './cookies.js';
import { checkFormDataOptions, parseFormData, type FormDataOptions } from './form-data.js';
import { RequestHeaders, type RequestHeadersInit } from './headers.js';
import { HTTPBadRequest, HTTPUnsupportedMediaType, type HttpError } from './http-errors.js';
import { parseJsonBody } from './json-body.js';
import { parseMediaType } from './media-type.js';
import { RequestBody } from './request-body.js';
import { WeftError } from '../errors.js';
import { checkClientMaxSize, checkKnownOptions, shownValue } from '../option-checks.js';
import type { StreamResponse } from './stream-response.js';

/**
 * The default `clientMaxSize`: 1 MiB, as aiohttp.
 *
 * @example
 * ```ts
 * request.clientMaxSize = 10 * DEFAULT_CLIENT_MAX_SIZE; // 10 MiB for an upload route
 * ```
 */
export const DEFAULT_CLIENT_MAX_SIZE = 1_048_576;

const CLONE_OPTIONS = ['host', 'scheme', 'remote', 'clientMaxSize', 'headers'];

function checkCloneOptions(overrides: RequestCloneOptions): void {
  checkKnownOptions(overrides, CLONE_OPTIONS, 'request.clone()');
  const { host, scheme, remote } = overrides as Record<string, unknown>;
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') throw new WeftError('WEFT_ERR_INVALID_OPTION', `request.clone(): scheme must be 'http' or 'https', got ${shownValue(scheme)}`);
  for (const [name, value] of [['host', host], ['remote', remote]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new WeftError('WEFT_ERR_INVALID_OPTION', `request.clone(): ${name} must be a non-empty string, got ${shownValue(value)}`);
  }
  checkClientMaxSize(overrides.clientMaxSize, 'request.clone()');
}

/**
 * Options of `new Request()`.
 *
 * @example
 * ```ts
 * const request = new Request(req, res, { clientMaxSize: 64 * 1024 });
 * ```
 */
export interface RequestOptions {
  /**
   * Largest body accepted, in bytes (inclusive); the route's limit (1 MiB by default) when
   * not given. Given here, it wins over the route's, as `request.clientMaxSize = n` does.
   */
  clientMaxSize?: number;
}

/**
 * What `request.clone()` may override (aiohttp's `request.clone(...)`).
 *
 * @example
 * ```ts
 * next(request.clone({ scheme: 'https', host: forwardedHost, remote: forwardedFor }));
 * ```
 */
export interface RequestCloneOptions {
  host?: string;
  scheme?: 'http' | 'https';
  remote?: string;
  clientMaxSize?: number;
  /** Replaces every header of the clone. */
  headers?: RequestHeadersInit;
}

/**
 * A hook run by `StreamResponse.prepare()` before the headers are written.
 *
 * @example
 * ```ts
 * request.prepareHook = (req, response) => {
 *   response.headers.set('X-Served-By', hostname);
 * };
 * ```
 */
export type PrepareHook = (request: Request, response: StreamResponse) => void | Promise<void>;

const FROZEN_EMPTY: Readonly<Record<string, string>> = Object.freeze({});
// RFC 3986 host (reg-name or IPv4, or an IP literal) with an optional port
const VALID_HOST = /^(?:[\w.~!$&'()*+,;=%-]+|\[[\da-fA-F:.]+\])(?::\d*)?$/;
const TEXT_DECODERS = new Map<string, TextDecoder>();
/**
 * Content types sent as is, without parameters, by most clients: known without parsing.
 * Compared directly: a Set lookup would hash the header's fresh string on every request.
 */
function isPlainType(value: string): boolean {
  return value === 'application/json' || value === 'application/x-www-form-urlencoded' || value === 'text/plain';
}

/** An absolute-form request-target: http or https with an authority, else a 400. */
function absoluteTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new HTTPBadRequest({ text: `Invalid request target: ${target}` });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
    throw new HTTPBadRequest({ text: `Invalid request target: ${target} (an absolute target is http or https with a host)` });
  }
  return url;
}

function pathAndQuery(url: URL): string {
  return url.pathname + url.search;
}

function decoderFor(charset: string): TextDecoder {
  let decoder = TEXT_DECODERS.get(charset);
  if (decoder === undefined) {
    try {
      // fatal: malformed bytes are a client error, not silently replaced
      decoder = new TextDecoder(charset, { fatal: true });
    } catch {
      throw new HTTPUnsupportedMediaType({ text: `Unsupported charset: ${charset}` });
    }
    TEXT_DECODERS.set(charset, decoder);
  }
  return decoder;
}

/**
 * An HTTP request with aiohttp's semantics. Path, query, headers, cookies and body are
 * parsed lazily, on first access, and cached.
 *
 * The body is read once and cached: `await request.text()` then `await request.json()`
 * works. It may not exceed `clientMaxSize` bytes (1 MiB by default; a body of exactly that
 * size is accepted, where aiohttp's limit is exclusive); beyond it, reading throws
 * `HTTPRequestEntityTooLarge` (413) — before reading a byte when `Content-Length` says so,
 * otherwise at the first chunk that crosses the limit — and the connection is closed after
 * the response.
 *
 * @example
 * ```ts
 * async function createUser(request: Request): Promise<Response> {
 *   const page = request.query.get('page') ?? '1';
 *   const token = request.cookies.session;
 *   const user = (await request.json()) as NewUser;
 *   return json(await users.create(user), { status: 201 });
 * }
 * ```
 */
export class Request {
  /** Path parameters of the matched route, set by the router (decoded strings). */
  params: Readonly<Record<string, string>> = FROZEN_EMPTY;
  /** What `clientMaxSize` was set to on this request; undefined: the route's. */
  #clientMaxSize: number | undefined;
  /** Runs in `StreamResponse.prepare()` before headers go out: the app's `onResponsePrepare` chain. */
  prepareHook: PrepareHook | null = null;
  /** @internal the compiled route handling this request (a miss route for 404/405/…); set by routing. */
  route: CompiledRoute | undefined = undefined;
  /**
   * The media type the route's `accept` negotiation chose for this request's `Accept`
   * header (undefined for routes without `accept`): what the handler should produce.
   */
  mediaType: string | undefined = undefined;
  /** @internal the 400/404/405/406 a router miss raises inside the middleware chain. */
  matchError: HttpError | undefined = undefined;

  /** Shared with clones, made on first use: the request scope, the abort controller, the id. */
  #shared: SharedState | undefined = undefined;

  #body: RequestBody | null = null;
  #headers: RequestHeaders | null = null;
  #rawPath: string | undefined = undefined;
  #path: string | undefined = undefined;
  #queryString: string | undefined = undefined;
  #query: URLSearchParams | undefined = undefined;
  #url: URL | undefined = undefined;
  #cookies: Readonly<Record<string, string>> | undefined = undefined;
  #contentType: string | undefined = undefined;
  #charset: string | undefined = undefined;
  #host: string | undefined = undefined;
  #scheme: 'http' | 'https' | undefined = undefined;
  #remote: string | undefined = undefined;

  /**
   * Cheap: stores references only.
   * @param raw node's request. @param rawResponse node's response for it.
   */
  constructor(
    readonly raw: IncomingMessage,
    readonly rawResponse: ServerResponse,
    options?: RequestOptions,
  ) {
    // hot path: one per request, field assignments only
    if (options?.clientMaxSize !== undefined) this.clientMaxSize = options.clientMaxSize;
  }

  /**
   * Largest body accepted, in bytes (inclusive): the route's `clientMaxSize` (1 MiB by
   * default) unless set on this request, e.g. by a middleware before the body is read.
   *
   * @example
   * ```ts
   * request.clientMaxSize = 50 * 1024 * 1024; // this upload may be 50 MiB
   * ```
   * @throws WeftError `WEFT_ERR_INVALID_OPTION` when set to anything but a non-negative
   *   integer or `Infinity` (`'10mb'` or `NaN` would compare smaller than no size: no limit at all).
   */
  get clientMaxSize(): number {
    return this.#clientMaxSize ?? this.route?.clientMaxSize ?? DEFAULT_CLIENT_MAX_SIZE;
  }

  set clientMaxSize(value: number) {
    checkClientMaxSize(value, 'request.clientMaxSize', { required: true });
    this.#clientMaxSize = value;
  }

  /** The method, uppercase: `GET`. */
  get method(): string {
    return this.raw.method!;
  }

  /** The request-target exactly as received: `/users/a%20b?page=2`. */
  get target(): string {
    return this.raw.url!;
  }

  /** The path as received, still percent-encoded, without the query: `/users/a%20b`. */
  get rawPath(): string {
    if (this.#rawPath === undefined) this.#splitTarget();
    return this.#rawPath!;
  }

  /**
   * The path, percent-decoded once as UTF-8: `/users/a b`. `%2F` becomes `/` here; routing
   * uses `rawPath` segment by segment.
   * @throws HTTPBadRequest when the path is not valid percent-encoded UTF-8.
   */
  get path(): string {
    // hot path: the router reads it for every request
    if (this.#path === undefined) {
      const raw = this.rawPath;
      if (!raw.includes('%')) this.#path = raw;
      else {
        try {
          this.#path = decodeURIComponent(raw);
        } catch {
          throw new HTTPBadRequest({ text: `Invalid percent-encoding in the request path: ${raw}` });
        }
      }
    }
    return this.#path;
  }

  /** The query string as received, without `?`; `''` when there is none. */
  get queryString(): string {
    if (this.#queryString === undefined) this.#splitTarget();
    return this.#queryString!;
  }

  /** The query parameters (`get`, `getAll`, `has`, iteration); `+` and `%XX` decoded. */
  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams(this.queryString));
  }

  /**
   * The full URL built from scheme, host and target, normalised by WHATWG rules (dot
   * segments removed): use it for absolute links, not for routing.
   * @throws HTTPBadRequest when the Host header or the target cannot form a URL.
   */
  get url(): URL {
    if (this.#url === undefined) {
      const target = this.target;
      const host = this.host;
      // a host given to clone() is checked here
      if (!VALID_HOST.test(host)) throw new HTTPBadRequest({ text: `Invalid Host header: ${host}` });
      try {
        // an absolute-form target gives its authority and path; the scheme is always the
        // connection's (an https:// target on a plain connection is not secure)
        this.#url = new URL(`${this.scheme}://${host}${target.startsWith('/') ? target : target === '*' ? '' : pathAndQuery(absoluteTarget(target))}`);
      } catch {
        // say which part cannot form a URL: `Host: example.com%2f` passes the character check
        throw new HTTPBadRequest({ text: URL.canParse(`${this.scheme}://${host}/`) ? `Invalid request target: ${target}` : `Invalid Host header: ${host}` });
      }
    }
    return this.#url;
  }

  /** The headers: case-insensitive, read-only, repeated fields kept. */
  get headers(): RequestHeaders {
    return (this.#headers ??= new RequestHeaders(this.raw));
  }

  /** The header lines as received: `[name, value]` with the client's spelling. */
  get rawHeaders(): Array<[string, string]> {
    return this.headers.rawPairs();
  }

  /** Cookies from the `Cookie` header, parsed on first access; `{}` without one. */
  get cookies(): Readonly<Record<string, string>> {
    return (this.#cookies ??= Object.freeze(parseCookies(this.headers.get('cookie'))));
  }

  /** The HTTP version: `'1.1'`. */
  get httpVersion(): string {
    return this.raw.httpVersion;
  }

  /** Whether the connection may be reused after this request (client's wish and protocol). */
  get keepAlive(): boolean {
    return this.rawResponse.shouldKeepAlive;
  }

  /** The media type of the body, lowercased, without parameters: `application/json`; `''` without one. */
  get contentType(): string {
    if (this.#contentType === undefined) this.#parseContentType();
    return this.#contentType!;
  }

  /** The `charset` parameter of `Content-Type`, or undefined. */
  get charset(): string | undefined {
    if (this.#contentType === undefined) this.#parseContentType();
    return this.#charset;
  }

  /** Reads `Content-Type` once for `contentType` and `charset` (a body read needs both). */
  #parseContentType(): void {
    const value = this.headers.get('content-type');
    if (value === undefined) this.#contentType = '';
    else if (isPlainType(value)) this.#contentType = value; // hot path: nothing to parse
    else {
      const parsed = parseMediaType(value);
      this.#contentType = parsed?.essence ?? value.split(';')[0].trim().toLowerCase();
      this.#charset = parsed?.params.charset;
    }
  }

  /** `Content-Length` as a number, or undefined. */
  get contentLength(): number | undefined {
    return this.#bodyState().declaredLength;
  }

  /**
   * The host the request is for: the authority of an absolute-form target
   * (`GET http://example.com/ HTTP/1.1`), else the `Host` header, else the local address
   * (HTTP/1.0 without one). RFC 9112 3.2.
   * @throws HTTPBadRequest for two `Host` headers or one that is not a valid host[:port].
   */
  get host(): string {
    if (this.#host === undefined) this.#host = this.#hostFromRequest();
    return this.#host;
  }

  #hostFromRequest(): string {
    const target = this.target;
    if (!target.startsWith('/') && target !== '*') {
      // absolute form: the target's authority, whatever the Host header says (3.2.2)
      return absoluteTarget(target).host;
    }
    const headers = this.raw.headersDistinct.host;
    if (headers === undefined) {
      const socket = this.raw.socket;
      const local = socket?.localAddress ?? 'localhost';
      return `${local.includes(':') ? `[${local}]` : local}:${socket?.localPort ?? 80}`;
    }
    if (headers.length > 1) throw new HTTPBadRequest({ text: 'Invalid Host header: sent more than once' });
    const host = headers[0];
    if (!VALID_HOST.test(host)) throw new HTTPBadRequest({ text: `Invalid Host header: ${host}` });
    return host;
  }

  /** `https` on a TLS socket, else `http`: from the socket, never from headers. */
  get scheme(): 'http' | 'https' {
    return (this.#scheme ??= (this.raw.socket as TLSSocket | null)?.encrypted === true ? 'https' : 'http');
  }

  /** Whether the request came over TLS (or a clone says so). */
  get secure(): boolean {
    return this.scheme === 'https';
  }

  /** The peer's IP address, or undefined once the socket is gone. */
  get remote(): string | undefined {
    return this.#remote ?? this.raw.socket?.remoteAddress;
  }

  /** Whether the request carries a body (chunked, or `Content-Length` above 0). */
  get hasBody(): boolean {
    return this.#bodyState().exists;
  }

  /** Whether the body can still be read from the socket (not read nor streamed yet). */
  get canReadBody(): boolean {
    return this.#bodyState().readable;
  }

  /** The whole body as bytes; read once, then cached. */
  read(): Promise<Buffer> {
    return this.#bodyState().read(this.clientMaxSize);
  }

  /**
   * @internal `read().then(then)` with `then` run in the read's own callback (one promise
   * less, and none resolved with the bytes): for `@Body()`.
   */
  readThen<R>(then: (buffer: Buffer) => R): Promise<Awaited<R>> {
    return this.#bodyState().readThen(this.clientMaxSize, then);
  }

  /** The body as an `ArrayBuffer` (a copy of the cached bytes). */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const buffer = await this.read();
    return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
  }

  /**
   * The body as text, decoded with the `charset` of `Content-Type` (UTF-8 by default).
   * @throws HTTPBadRequest for bytes invalid in that charset; HTTPUnsupportedMediaType for an unknown charset.
   */
  text(): Promise<string> {
    return this.read().then((buffer) => this.#decode(buffer));
  }

  #decode(buffer: Buffer): string {
    this.#checkNotEncoded();
    const charset = this.charset?.toLowerCase() ?? 'utf-8';
    const decoder = decoderFor(charset);
    try {
      return decoder.decode(buffer);
    } catch {
      throw new HTTPBadRequest({ text: `Request body is not valid ${charset}` });
    }
  }

  /**
   * The body parsed as JSON. The content type must be JSON (`application/json`, any
   * `+json` type) or absent.
   * @throws HTTPUnsupportedMediaType (415) for another content type; HTTPBadRequest (400)
   * for malformed JSON (`Invalid JSON body: ...`) or a `__proto__`/`constructor.prototype` key.
   */
  json<T = unknown>(): Promise<T> {
    const type = this.contentType;
    if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
      return Promise.reject(new HTTPUnsupportedMediaType({ text: `Unsupported Media Type: expected application/json, got ${type}` }));
    }
    // hot path: one promise from the socket to the parsed value
    return this.read().then((buffer) => this.parseJson(buffer) as T);
  }

  /**
   * @internal The body bytes `read()` gave, decoded and parsed as {@link Request.json} does
   * (for `@Body()`, which chains its handler call on the same promise).
   */
  parseJson(buffer: Buffer): unknown {
    return parseJsonBody(this.#decode(buffer));
  }

  /**
   * The body of an HTML form (`application/x-www-form-urlencoded` or `multipart/form-data`)
   * as a `FormData`; uploads are `File` entries.
   * @throws HTTPUnsupportedMediaType (415) for other content types; HTTPBadRequest (400) for
   * a malformed body; HTTPRequestEntityTooLarge (413) beyond a limit; WeftError
   * `WEFT_ERR_INVALID_OPTION` for an unknown option or limit (checked before the body is read).
   */
  async formData(options: FormDataOptions = {}): Promise<FormData> {
    checkFormDataOptions(options);
    const type = this.contentType;
    if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
      throw new HTTPUnsupportedMediaType({
        text: `Unsupported Media Type: expected application/x-www-form-urlencoded or multipart/form-data, got ${type || 'none'}`,
      });
    }
    const body = await this.read();
    this.#checkNotEncoded();
    return parseFormData(body, this.headers.get('content-type')!, options);
  }

  /**
   * With the app's `autoDecompress` off, a body with a `Content-Encoding` (gzip, br, ...)
   * cannot be read as text, JSON or a form: 415 (RFC 9110 8.4.1) rather than a misleading
   * 400 about its bytes. `read()` and `stream()` give the encoded bytes.
   */
  #checkNotEncoded(): void {
    if (this.#bodyState().identity) return;
    const coding = this.raw.headers['content-encoding'];
    throw new HTTPUnsupportedMediaType({ text: `Unsupported Content-Encoding: ${coding} (autoDecompress is off: read() gives the encoded bytes)` });
  }

  /**
   * The body as an async iterable of chunks, read as it is consumed (for uploads too large
   * to buffer). The limit applies while streaming. The body can be read one way only.
   */
  stream(): AsyncGenerator<Buffer, void, undefined> {
    return this.#bodyState().stream(this.clientMaxSize);
  }

  /** The body as an async iterable of chunks (`for await (const chunk of request.body)`). */
  get body(): AsyncIterable<Buffer> {
    return this.stream();
  }

  /**
   * The application owning the matched route; for a miss, the (sub-)application whose
   * prefix the path is under.
   */
  get app(): Application {
    return this.route!.app;
  }

  /**
   * This request's DI scope (aiohttp's `request[key]` storage), made on first use and
   * disposed when the response is sent. Lookups walk request → its app → parent apps.
   *
   * @example
   * ```ts
   * request.scope.provide(CurrentUser, user); // in a middleware
   * const current = request.scope.get(CurrentUser); // anywhere later in the request
   * ```
   */
  get scope(): RequestScope {
    const shared = (this.#shared ??= new SharedState());
    return (shared.scope ??= this.app.container.createScope());
  }

  /** Aborted when the handler is cancelled (client gone with `handlerCancellation`, or shutdown timeout). */
  get signal(): AbortSignal {
    const shared = (this.#shared ??= new SharedState());
    return (shared.abort ??= new AbortController()).signal;
  }

  /** A unique id for logs, made on first use. */
  get id(): string {
    const shared = (this.#shared ??= new SharedState());
    return (shared.id ??= randomUUID());
  }

  /** The logger of the request's application. */
  get log(): Logger {
    return this.route?.app.logger ?? (fallbackLogger ??= createLogger());
  }

  /** The `Expect` header, if any. */
  get expect(): string | undefined {
    return this.raw.headers.expect;
  }

  /** @internal aborts `signal` (made now if nobody asked for it yet, so late readers see it aborted). */
  abort(reason?: unknown): void {
    const shared = (this.#shared ??= new SharedState());
    (shared.abort ??= new AbortController()).abort(reason);
  }

  /** @internal ends the request scope, if one was made: disposes what it created. */
  disposeScope(): Promise<void> | undefined {
    return this.#shared?.scope?.dispose();
  }

  /** Sends `100 Continue` once, if the client expects it and it was not sent yet. */
  writeContinue(): void {
    this.#bodyState().writeContinue();
  }

  /**
   * A new request over the same connection and body, with some accessors overridden:
   * what a forwarded-headers middleware passes to `next()`.
   *
   * @example
   * ```ts
   * const forwarded = request.clone({ scheme: 'https', host: 'example.com', remote: clientIp });
   * return next(forwarded);
   * ```
   */
  clone(overrides: RequestCloneOptions = {}): Request {
    checkCloneOptions(overrides);
    const copy = new Request(this.raw, this.rawResponse, { clientMaxSize: overrides.clientMaxSize ?? this.clientMaxSize });
    copy.params = this.params;
    copy.prepareHook = this.prepareHook;
    copy.route = this.route;
    copy.mediaType = this.mediaType;
    copy.matchError = this.matchError;
    copy.#shared = this.#shared ??= new SharedState();
    copy.#body = this.#bodyState();
    copy.#host = overrides.host ?? this.#host;
    copy.#scheme = overrides.scheme ?? this.#scheme;
    copy.#remote = overrides.remote ?? this.#remote;
    copy.#headers = overrides.headers === undefined ? this.#headers : RequestHeaders.from(overrides.headers);
    if (overrides.headers !== undefined && overrides.host === undefined) copy.#host = copy.#headers!.get('host');
    return copy;
  }

  #bodyState(): RequestBody {
    return (this.#body ??= new RequestBody(
      this.raw,
      this.rawResponse,
      () => {
        const signal = this.#shared?.abort?.signal;
        return signal?.aborted === true ? (signal.reason as unknown) : undefined;
      },
      () => this.route?.app.autoDecompress ?? true,
    ));
  }

  #splitTarget(): void {
    let target = this.target;
    if (!target.startsWith('/')) {
      // absolute-form (`http://host/path?q`, to proxies) or `*` (OPTIONS)
      const scheme = target.indexOf('://');
      if (scheme !== -1) {
        const pathStart = target.indexOf('/', scheme + 3);
        const queryStart = target.indexOf('?', scheme + 3);
        target = pathStart === -1 || (queryStart !== -1 && queryStart < pathStart) ? `/${queryStart === -1 ? '' : target.slice(queryStart)}` : target.slice(pathStart);
      }
    }
    const hash = target.indexOf('#');
    if (hash !== -1) target = target.slice(0, hash);
    const question = target.indexOf('?');
    this.#rawPath = question === -1 ? target : target.slice(0, question);
    this.#queryString = question === -1 ? '' : target.slice(question + 1);
  }
}

/** What a request shares with its clones. */
class SharedState {
  scope: RequestScope | undefined = undefined;
  abort: AbortController | undefined = undefined;
  id: string | undefined = undefined;
}

/** For the rare log line of a request that was never routed. */
let fallbackLogger: Logger | undefined;
