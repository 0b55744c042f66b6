/**
 * `StreamResponse`: aiohttp's streaming response. Set status and headers, `prepare(request)`
 * to send them (after the app's `onResponsePrepare` hooks), then `write()` chunks with
 * backpressure and `end()`. `Response` (response.ts) is the subclass with a body in memory.
 */
import { Buffer } from 'node:buffer';
import type { ServerResponse } from 'node:http';
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { serializeCookie, serializeExpiredCookie, type CookieOptions, type DeleteCookieOptions } from './cookies.js';
import { ResponseHeaders, type ResponseHeadersInit } from './headers.js';
import { formatMediaType, parseMediaType } from './media-type.js';
import type { Request } from './request.js';
import { ResponseLocals } from './response-locals.js';
import { checkReason, checkStatus, standardReason } from './status.js';

/**
 * What a response starts with.
 *
 * @example
 * ```ts
 * new StreamResponse({ status: 200, headers: { 'Content-Type': 'text/event-stream' } });
 * ```
 */
export interface StreamResponseInit {
  /** Status code, 200 by default. */
  status?: number;
  /** Reason phrase; the standard one for the status by default. */
  reason?: string;
  /** Initial headers (copied). */
  headers?: ResponseHeadersInit;
}

const IDLE = 0;
const PREPARING = 1;
const PREPARED = 2;
const ENDED = 3;

/**
 * @internal A resolved promise shared by every call that has nothing to wait for: the
 * request path compares against it to finish a response sent synchronously without an `await`.
 */
export const RESOLVED: Promise<void> = Promise.resolve();

/** `WEFT_ERR_CLIENT_GONE`, the error of a write after the peer left. */
function clientGone(detail = 'the client closed the connection before the response was complete'): WeftError {
  return new WeftError('WEFT_ERR_CLIENT_GONE', detail);
}

/** `WEFT_ERR_CONTENT_LENGTH`: a streamed body that does not fit its declared length. */
function lengthMismatch(what: string, declared: number): WeftError {
  return new WeftError('WEFT_ERR_CONTENT_LENGTH', `${what}, but the response declared Content-Length: ${declared}`);
}

function byteLength(chunk: string | Uint8Array): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      res.off('drain', onDrain);
      reject(clientGone());
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * @internal What weft's own code passes as a response constructor's second argument when it
 * wrote the options itself: the check for unknown ones is skipped (it costs about 1,000
 * instructions per request, 2% of a hello-world's).
 */
export const KNOWN_OPTIONS: unique symbol = Symbol('weft.knownOptions');

/**
 * A response whose body is written in chunks: server-sent events, downloads, proxies.
 *
 * Status, reason and headers can change until `prepare()`; afterwards every change throws
 * `WEFT_ERR_HEADERS_SENT` instead of being silently dropped. HEAD requests and 1xx, 204
 * and 304 responses never send a body: writes are accepted and discarded.
 *
 * @example
 * ```ts
 * async function events(request: Request): Promise<StreamResponse> {
 *   const response = new StreamResponse({ headers: { 'Cache-Control': 'no-cache' } });
 *   response.contentType = 'text/event-stream';
 *   await response.prepare(request);
 *   for await (const event of feed()) await response.write(`data: ${JSON.stringify(event)}\n\n`);
 *   await response.end();
 *   return response;
 * }
 * ```
 */
export class StreamResponse {
  /** @internal the options the constructor of this kind of response takes. */
  protected static readonly optionNames: readonly string[] = ['status', 'reason', 'headers'];
  /** The outgoing headers; sealed by `prepare()`. */
  readonly headers: ResponseHeaders;
  #status: number;
  #reason: string | undefined;
  #state = IDLE;
  #preparing: Promise<void> | null = null;
  #res: ServerResponse | null = null;
  #bodyless = false;
  #forceClose = false;
  #locals: ResponseLocals | null = null;
  /** `name \0 domain \0 path` → the Set-Cookie line, so setting a cookie twice replaces it. */
  #cookies: Map<string, string> | null = null;
  /** Bytes `write()` sent so far, counted against a declared `Content-Length`. */
  #written = 0;

  /** @param known internal: weft's own code passes {@link KNOWN_OPTIONS} for options it wrote itself. */
  constructor(init: StreamResponseInit = {}, known?: typeof KNOWN_OPTIONS) {
    // a misspelt `stauts` would send a 200: StreamResponse, Response and FileResponse name the
    // options they take. A subclass of yours passes on what it was given (its own options
    // too): not checked. Nor are the responses weft makes on the request path (text(), json()).
    if (known !== KNOWN_OPTIONS && Object.hasOwn(new.target, 'optionNames')) {
      checkKnownOptions(init, (new.target as typeof StreamResponse).optionNames, `new ${new.target.name}()`);
    }
    this.#status = init.status === undefined ? 200 : this.checkedStatus(init.status);
    this.#reason = init.reason === undefined ? undefined : checkReason(init.reason);
    this.headers = new ResponseHeaders(init.headers);
  }

  /** The status code. */
  get status(): number {
    return this.#status;
  }

  set status(status: number) {
    this.checkUnsent();
    this.#status = this.checkedStatus(status);
  }

  /**
   * @internal a status this response may have: 200 to 599 (`checkStatus`); a
   * `WebSocketResponse` is the one 101.
   */
  protected checkedStatus(status: number): number {
    return checkStatus(status);
  }

  /** The reason phrase: the one set, or the standard phrase of the current status. */
  get reason(): string {
    return this.#reason ?? standardReason(this.#status);
  }

  set reason(reason: string) {
    this.checkUnsent();
    this.#reason = checkReason(reason);
  }

  /** Sets status and, optionally, reason (aiohttp's `set_status`); a new status resets the reason. */
  setStatus(status: number, reason?: string): void {
    this.checkUnsent();
    this.#status = this.checkedStatus(status);
    this.#reason = reason === undefined ? undefined : checkReason(reason);
  }

  /**
   * The media type of `Content-Type` without parameters, lowercased; `''` when unset.
   * Setting a bare type keeps the current `charset`; a value with parameters is used as is.
   */
  get contentType(): string {
    const value = this.headers.get('content-type');
    if (value === undefined) return '';
    return parseMediaType(value)?.essence ?? value.split(';')[0].trim().toLowerCase();
  }

  set contentType(value: string) {
    this.checkUnsent();
    const parsed = parseMediaType(value);
    if (parsed === null) throw new WeftError('WEFT_ERR_INVALID_HEADER', `invalid content type ${JSON.stringify(value)}`);
    const charset = value.includes(';') ? undefined : this.charset;
    this.headers.set('Content-Type', charset === undefined ? value : formatMediaType(value, { charset }));
  }

  /** The `charset` parameter of `Content-Type`, or undefined. Setting it needs a content type. */
  get charset(): string | undefined {
    const value = this.headers.get('content-type');
    return value === undefined ? undefined : parseMediaType(value)?.params.charset;
  }

  set charset(charset: string | undefined) {
    this.checkUnsent();
    const current = this.headers.get('content-type');
    const parsed = current === undefined ? null : parseMediaType(current);
    if (parsed === null) {
      throw new WeftError('WEFT_ERR_RESPONSE_STATE', 'set contentType before charset: a charset needs a media type');
    }
    const params = { ...parsed.params };
    if (charset === undefined) delete params.charset;
    else params.charset = charset;
    this.headers.set('Content-Type', formatMediaType(parsed.essence, params));
  }

  /** `Content-Length` as a number, or undefined (then the body is sent chunked). */
  get contentLength(): number | undefined {
    const value = this.headers.get('content-length');
    return value === undefined ? undefined : Number(value);
  }

  set contentLength(length: number | undefined) {
    this.checkUnsent();
    if (length === undefined) {
      this.headers.delete('content-length');
      return;
    }
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new WeftError('WEFT_ERR_INVALID_HEADER', `invalid content length ${String(length)}: a non-negative integer`);
    }
    this.headers.set('Content-Length', String(length));
  }

  /**
   * Adds a `Set-Cookie`; setting the same name, domain and path again replaces it.
   * The value is percent-encoded unless `options.encode` says otherwise.
   */
  setCookie(name: string, value: string, options: CookieOptions = {}): void {
    this.checkUnsent();
    this.#putCookie(name, options, serializeCookie(name, value, options));
  }

  /** Tells the client to delete a cookie; path and domain must match the ones it was set with. */
  deleteCookie(name: string, options: DeleteCookieOptions = {}): void {
    this.checkUnsent();
    this.#putCookie(name, options, serializeExpiredCookie(name, options));
  }

  #putCookie(name: string, options: DeleteCookieOptions, line: string): void {
    const key = `${name}\0${options.domain ?? ''}\0${options.path ?? '/'}`;
    this.#cookies ??= new Map();
    const previous = this.#cookies.get(key);
    if (previous !== undefined) this.headers.deleteValue('set-cookie', previous);
    this.headers.append('Set-Cookie', line);
    this.#cookies.set(key, line);
  }

  /** Typed values for middlewares and signal handlers, created on first use. */
  get locals(): ResponseLocals {
    return (this.#locals ??= new ResponseLocals());
  }

  /** Whether the status line and headers were written. */
  get prepared(): boolean {
    return this.#state >= PREPARED;
  }

  /** Whether `end()` was called. */
  get ended(): boolean {
    return this.#state === ENDED;
  }

  /** Whether the connection will close after this response. */
  get keepAlive(): boolean {
    return !this.#forceClose && (this.#res === null || this.#res.shouldKeepAlive);
  }

  /** Closes the connection after this response (`Connection: close`); call before `prepare()`. */
  forceClose(): void {
    this.checkUnsent();
    this.#forceClose = true;
  }

  /**
   * Runs the request's `prepareHook` (the app's `onResponsePrepare` handlers), which may
   * still change status and headers, then writes the status line and headers and seals
   * them. A second call, or a call while the first is running, waits for the first.
   */
  prepare(request: Request): Promise<void> {
    if (this.#state !== IDLE) return this.#preparing ?? RESOLVED;
    const hook = request.prepareHook;
    try {
      if (hook === null) {
        // hot path: no hook, nothing to await
        this.#start(request);
        return RESOLVED;
      }
    } catch (err) {
      return Promise.reject(err);
    }
    this.#state = PREPARING;
    this.#preparing = this.#prepareWithHook(request, hook);
    return this.#preparing;
  }

  async #prepareWithHook(request: Request, hook: NonNullable<Request['prepareHook']>): Promise<void> {
    try {
      // the hook sees the default headers (Content-Length of a Response, a default
      // Content-Type), as aiohttp computes them before on_response_prepare; #start computes
      // them again from what the hook left
      this.finalizeHeaders(isEmptyStatus(this.#status));
      await hook(request, this);
      this.#start(request);
    } catch (err) {
      this.#state = IDLE;
      this.#preparing = null;
      throw err;
    }
  }

  #start(request: Request): void {
    const res = request.rawResponse;
    if (res.headersSent) {
      throw new WeftError('WEFT_ERR_RESPONSE_STATE', 'a response was already sent for this request');
    }
    const status = this.#status;
    const empty = isEmptyStatus(status);
    // 205 Reset Content has no content either, but says so with Content-Length: 0 (RFC 9110 15.3.6)
    this.#bodyless = request.method === 'HEAD' || empty || status === 205;
    this.finalizeHeaders(empty);
    if (status < 200 || status === 204) {
      this.headers.delete('content-length');
      this.headers.delete('transfer-encoding');
    } else if (status === 205) {
      this.headers.delete('transfer-encoding');
      this.headers.setTrusted('Content-Length', 'content-length', '0');
    }
    if (this.#forceClose) res.shouldKeepAlive = false;
    this.headers.seal();
    this.#res = res;
    this.#state = PREPARED;
    // node takes [name, value, name, value, ...] as is; it does not modify the array
    const headers = this.headers.rawPairs() as string[];
    if (this.#reason === undefined) res.writeHead(status, headers);
    else res.writeHead(status, this.#reason, headers);
    if (this.flushesHeaders) res.flushHeaders();
  }

  /**
   * Sets the default headers just before they are written; `Response` adds Content-Length.
   * @param emptyStatus the status never has a body (1xx, 204, 304).
   */
  protected finalizeHeaders(emptyStatus: boolean): void {
    if (!emptyStatus && this.headers.firstOf('content-type') === undefined) this.headers.setTrusted('Content-Type', 'content-type', 'application/octet-stream');
    const coding = this.headers.get('transfer-encoding');
    if (coding === undefined) return;
    // node frames a body of unknown length itself: chunked on HTTP/1.1, until the connection
    // closes on HTTP/1.0 (which has no chunked: RFC 9112 6.1); any other coding would be
    // announced but not applied, and the client would misread where the body ends
    if (coding.trim().toLowerCase() !== 'chunked') {
      throw new WeftError(
        'WEFT_ERR_INVALID_HEADER',
        `Transfer-Encoding: ${coding} is not supported on a StreamResponse: weft frames a streamed body itself (chunked on HTTP/1.1); to send compressed bytes, set Content-Encoding`,
      );
    }
    // never both (RFC 9112 6.2): the header asked for framing by chunks, so the length goes
    this.headers.delete('transfer-encoding');
    this.headers.delete('content-length');
  }

  /** Whether `prepare()` sends the headers at once (streams) or with the body (`Response`). */
  protected get flushesHeaders(): boolean {
    return true;
  }

  /** Whether the body is discarded (HEAD request, 1xx/204/304 status); known after `prepare()`. */
  protected get bodyless(): boolean {
    return this.#bodyless;
  }

  /**
   * Writes a chunk. Resolves at once while the socket buffer has room; when it is full,
   * resolves on `drain`, so a loop of `await write()` never buffers more than that.
   * Rejects with `WEFT_ERR_CLIENT_GONE` when the peer left, `WEFT_ERR_RESPONSE_STATE`
   * before `prepare()` or after `end()`.
   */
  write(chunk: string | Uint8Array): Promise<void> {
    if (this.#state !== PREPARED) return Promise.reject(this.#stateError('write()'));
    if (this.#bodyless) return RESOLVED;
    const res = this.#res!;
    if (res.destroyed) return Promise.reject(clientGone());
    const declared = this.contentLength;
    if (declared !== undefined) {
      const total = this.#written + byteLength(chunk);
      if (total > declared) return Promise.reject(lengthMismatch(`writing ${byteLength(chunk)} more bytes would make ${total}`, declared));
      this.#written = total;
    }
    // hot path
    try {
      if (res.write(chunk)) return RESOLVED;
    } catch (err) {
      return Promise.reject(err);
    }
    return waitForDrain(res);
  }

  /**
   * Finishes the response (aiohttp's `write_eof`), with an optional last chunk. A second
   * call does nothing. Rejects with `WEFT_ERR_CLIENT_GONE` if a last chunk cannot be
   * delivered because the peer left.
   */
  end(chunk?: string | Uint8Array): Promise<void> {
    if (this.#state === ENDED) return RESOLVED;
    if (this.#state !== PREPARED) return Promise.reject(this.#stateError('end()'));
    this.#state = ENDED;
    const res = this.#res!;
    if (res.destroyed) return chunk === undefined ? RESOLVED : Promise.reject(clientGone());
    try {
      this.writeLast(res, this.#bodyless ? undefined : chunk);
    } catch (err) {
      return Promise.reject(err);
    }
    return RESOLVED;
  }

  /**
   * Writes the last chunk and ends node's response; `Response` writes its body here. With
   * a declared `Content-Length`, a last chunk that would pass it is refused (nothing more is
   * sent), and a body that ends short is sent, then its connection closed, so the client
   * sees an incomplete body instead of taking the next response for the rest of this one.
   */
  protected writeLast(res: ServerResponse, chunk: string | Uint8Array | undefined): void {
    const declared = this.bodyless ? undefined : this.contentLength;
    if (declared !== undefined) {
      const total = this.#written + (chunk === undefined ? 0 : byteLength(chunk));
      if (total > declared) throw lengthMismatch(`the last chunk would make ${total} bytes`, declared);
      if (total < declared) {
        // node detaches the socket from the response when it finishes: take it now
        const socket = res.socket;
        res.once('finish', () => socket?.destroy());
        if (chunk === undefined) res.end();
        else res.end(chunk);
        throw lengthMismatch(`the body ended after ${total} bytes; the connection was closed`, declared);
      }
    }
    if (chunk === undefined) res.end();
    else res.end(chunk);
  }

  /** Throws `WEFT_ERR_HEADERS_SENT` once the headers are out. */
  protected checkUnsent(): void {
    if (this.#state >= PREPARED) {
      throw new WeftError('WEFT_ERR_HEADERS_SENT', 'the response headers were already sent; change them before prepare()');
    }
  }

  #stateError(call: string): WeftError {
    const why = this.#state === ENDED ? 'after end()' : 'before prepare(request) has finished';
    return new WeftError('WEFT_ERR_RESPONSE_STATE', `cannot call ${call} ${why}`);
  }
}

/** A status whose response has no content (RFC 9110 6.4.1): 1xx, 204, 304. */
function isEmptyStatus(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}
