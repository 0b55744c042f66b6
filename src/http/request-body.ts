/**
 * Reading a request body from the socket, once: whole (`read`) or chunk by chunk
 * (`stream`), with the size limit enforced while the bytes arrive. A request and its
 * clones share one `RequestBody`, so the body is read once whichever of them asks.
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { WeftError } from '../errors.js';
import { HTTPNotImplemented, HTTPRequestEntityTooLarge } from './http-errors.js';
import { contentCodings, decodeBody, refuseCodings } from './request-decoding.js';
import { isUpgrade, upgradedBodyOf } from './upgraded-body.js';

const EMPTY = Buffer.alloc(0);
/** No content coding: the bytes are the content. */
const IDENTITY: readonly string[] = Object.freeze([]);

const UNREAD = 0;
const READING = 1;
const BUFFERED = 2;
const STREAMED = 3;
const FAILED = 4;

function consumedAsStream(): WeftError {
  return new WeftError('WEFT_ERR_BODY_CONSUMED', 'the request body was already read as a stream; read it one way only');
}

function gone(cause?: unknown): WeftError {
  return new WeftError(
    'WEFT_ERR_CLIENT_GONE',
    'the client closed the connection before the request body was received',
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The body of one request: its state, and the bytes once read. Created by `Request` on
 * first use; internal to `src/http`.
 *
 * @example
 * ```ts
 * const body = new RequestBody(req, res);
 * const bytes = await body.read(1_048_576); // rejects with 413 beyond 1 MiB
 * ```
 */
export class RequestBody {
  #state = UNREAD;
  #buffer: Buffer | null = null;
  #pending: Promise<Buffer> | null = null;
  /** Settles `#pending` when a `readThen()` is collecting and `read()` asked meanwhile. */
  #waiter: { resolve: (buffer: Buffer) => void; reject: (err: unknown) => void } | null = null;
  #error: unknown = null;
  #continueSent = false;
  /** The body's content codings in the order they were applied, once reading began (none: identity). */
  #codings: readonly string[] = IDENTITY;

  /**
   * @param abortReason why the request was aborted, if it was (`request.signal.reason`): a
   * read cut by the server (the shutdown timeout destroys the connection) rejects with that
   * reason rather than "the client closed the connection".
   * @param decompress whether a body with a `Content-Encoding` (gzip, deflate, br) is
   * decoded while it is read (the app's `autoDecompress`, on by default); when off, the
   * encoded bytes are given as they came. Asked when reading begins, once the route (and
   * with it the app) is known: a routing predicate may create the body state before.
   */
  constructor(
    readonly raw: IncomingMessage,
    readonly res: ServerResponse,
    readonly abortReason: () => unknown = () => undefined,
    readonly decompress: () => boolean = () => true,
  ) {}

  /** The declared `Content-Length`, or undefined (chunked, or no body). */
  get declaredLength(): number | undefined {
    const value = this.raw.headers['content-length'];
    return value === undefined ? undefined : Number(value);
  }

  /** Whether the request carries a body: chunked, or a `Content-Length` above 0. */
  get exists(): boolean {
    if (this.raw.headers['transfer-encoding'] !== undefined) return true;
    const length = this.declaredLength;
    return length !== undefined && length > 0;
  }

  /** Whether there are still unread bytes (aiohttp's `can_read_body`). */
  get readable(): boolean {
    return this.#state === UNREAD && this.exists;
  }

  /**
   * Sends `100 Continue` if the client asked for it and it was not sent yet (by weft or by
   * node, which sends it itself when the server has no `checkContinue` listener).
   */
  writeContinue(): void {
    if (this.#continueSent) return;
    const raw = this.raw;
    const expect = raw.headers.expect;
    if (expect === undefined || expect.toLowerCase() !== '100-continue' || raw.httpVersion !== '1.1') return;
    const res = this.res as ServerResponse & { _sent100?: boolean };
    this.#continueSent = true;
    if (res._sent100 === true || res.headersSent || res.writableEnded || res.destroyed) return;
    res.writeContinue();
  }

  /** The whole body, read once and cached; 413 as soon as more than `limit` bytes arrive. */
  read(limit: number): Promise<Buffer> {
    // hot path: most requests have no body
    if (!this.exists) return Promise.resolve(EMPTY);
    switch (this.#state) {
      case BUFFERED:
        return this.#buffer!.length > limit ? Promise.reject(this.#tooLarge(limit, this.#buffer!.length)) : Promise.resolve(this.#buffer!);
      case READING:
        // a readThen() collects without a Promise<Buffer>: make one for this reader
        return (this.#pending ??= new Promise<Buffer>((resolve, reject) => (this.#waiter = { resolve, reject })));
      case STREAMED:
        return Promise.reject(consumedAsStream());
      case FAILED:
        return Promise.reject(this.#error);
    }
    const refusal = this.#begin(limit, READING);
    if (refusal !== null) return Promise.reject(refusal);
    this.#pending = this.#codings.length === 0 ? this.#collect(limit, undefined) : this.#collectDecoded(limit, undefined);
    return this.#pending;
  }

  /**
   * Whether the bytes `read()` and `stream()` give are the content itself: the body has no
   * content coding other than `identity`, or it is decoded while read (`decompress`).
   */
  get identity(): boolean {
    if (this.decompress()) return true;
    return contentCodings(this.raw.headers['content-encoding']).length === 0;
  }

  /**
   * `read(limit).then(then)` in one step: `then` runs in the read's own callback, so no
   * promise is resolved with the bytes (resolving with a Buffer looks up `then` along its
   * four prototypes) and the result takes one promise and one microtask less (bench/http
   * S5). Falls back to exactly that chain when the body is not read for the first time.
   * Internal to `src/http` (`Request.readThen`).
   *
   * @example
   * ```ts
   * const size = await body.readThen(1_048_576, (bytes) => bytes.length);
   * ```
   */
  readThen<R>(limit: number, then: (buffer: Buffer) => R): Promise<Awaited<R>> {
    if (this.#state !== UNREAD || !this.exists) return this.read(limit).then(then) as Promise<Awaited<R>>;
    const refusal = this.#begin(limit, READING);
    if (refusal !== null) return Promise.reject(refusal);
    return this.#codings.length === 0 ? this.#collect(limit, then) : this.#collectDecoded(limit, then);
  }

  /**
   * Starts reading an unread body, whole (`READING`) or as a stream (`STREAMED`), and sends
   * `100 Continue` if asked for; or gives the failure that refuses it (recorded as the state).
   */
  #begin(limit: number, state: typeof READING | typeof STREAMED): unknown {
    const refusal = this.#refuse(limit);
    if (refusal !== null) return this.#failed(refusal);
    this.#state = state;
    this.writeContinue();
    return null;
  }

  /**
   * The body chunk by chunk, as it arrives and no faster than it is consumed; throws 413
   * at the chunk that crosses `limit`. After `read()`, yields the buffered body.
   */
  async *stream(limit: number): AsyncGenerator<Buffer, void, undefined> {
    if (!this.exists) return;
    if (this.#state === BUFFERED || this.#state === READING) {
      const buffer = await this.read(limit);
      if (buffer.length > 0) yield buffer;
      return;
    }
    if (this.#state === STREAMED) throw consumedAsStream();
    if (this.#state === FAILED) throw this.#error;
    const refusal = this.#begin(limit, STREAMED);
    if (refusal !== null) throw refusal;
    try {
      yield* this.#codings.length === 0 ? this.#rawChunks(limit) : this.#decodedChunks(limit);
    } catch (err) {
      throw this.#failed(err);
    }
  }

  /** The bytes from the socket as they arrive; throws 413 at the chunk that crosses `limit`. */
  async *#rawChunks(limit: number): AsyncGenerator<Buffer, void, undefined> {
    const raw = this.#source();
    let received = 0;
    let done = false;
    try {
      for (;;) {
        const chunk = raw.read() as Buffer | null;
        if (chunk !== null) {
          received += chunk.length;
          if (received > limit) throw this.#tooLarge(limit, received);
          yield chunk;
          continue;
        }
        if (raw.readableEnded) break;
        await waitReadable(raw);
      }
      done = true;
    } finally {
      // stopped early (break, error, 413): drop the rest, so it never piles up in memory
      if (!done && !raw.destroyed) raw.resume();
    }
  }

  /**
   * The decoded content as it is decoded, no faster than it is consumed; `limit` bounds the
   * bytes received and every layer's decoded bytes alike (a small compressed body can decode
   * to gigabytes). A failure closes the connection afterwards: the rest of the body, unread,
   * is not drained without a limit.
   */
  async *#decodedChunks(limit: number): AsyncGenerator<Buffer, void, undefined> {
    try {
      yield* decodeBody(this.#rawChunks(limit), this.#codings, limit, (size) => this.#tooLarge(limit, size));
    } catch (err) {
      this.res.shouldKeepAlive = false;
      throw err;
    }
  }

  /**
   * Where the body's bytes come from: the request itself, or for a request node handed to
   * its `upgrade` event (h2c) the body kept from the socket (see upgraded-body.ts).
   */
  #source(): Readable {
    const raw = this.raw;
    return isUpgrade(raw) ? (upgradedBodyOf(raw) ?? raw) : raw;
  }

  /** Checks what can be refused before reading: a consumed stream, a gone client, a too large Content-Length. */
  #refuse(limit: number): unknown {
    const headers = this.raw.headers;
    const raw = this.#source();
    // an upgrade request whose body was not kept (chunked): node parsed none of it, so an
    // error, never an empty body (the connection closes after the answer, as on that whole path)
    if (raw === this.raw && isUpgrade(this.raw)) {
      // a websocket handshake's body is never kept, whatever its framing
      const chunked = headers['transfer-encoding'] !== undefined;
      return new HTTPNotImplemented({
        text: `501: Not Implemented: ${chunked ? 'the chunked body' : 'the body'} of a request with "Upgrade: ${headers.upgrade ?? ''}" cannot be read; send it without the Upgrade header${chunked ? ' or with a Content-Length' : ''}`,
      });
    }
    if (raw.readableEnded) {
      return new WeftError('WEFT_ERR_BODY_CONSUMED', 'the request body was already consumed from the raw IncomingMessage');
    }
    if (raw.destroyed && !raw.readableEnded) return gone();
    // node frames by the last transfer coding (chunked) but applies none before it: the
    // bytes would be gzip, say, taken for content (RFC 9112 6.1: 501 for a coding not understood)
    const transfer = headers['transfer-encoding'];
    if (transfer !== undefined && transfer.trim().toLowerCase() !== 'chunked') {
      this.res.shouldKeepAlive = false;
      raw.resume();
      return new HTTPNotImplemented({ text: `501: Not Implemented: Transfer-Encoding ${JSON.stringify(transfer)}: only chunked is understood (send a compressed body with Content-Encoding)` });
    }
    const coding = headers['content-encoding'];
    if (coding !== undefined && this.decompress()) {
      const codings = contentCodings(coding);
      const refusal = refuseCodings(codings);
      if (refusal !== null) return refusal;
      this.#codings = codings;
    }
    const declared = this.declaredLength;
    if (declared !== undefined && declared > limit) {
      // refuse before reading a byte; the unread body means this connection must close
      const error = this.#tooLarge(limit, declared);
      raw.resume();
      return error;
    }
    return null;
  }

  /** Records a failure: every later read rejects with the same error. */
  #failed(err: unknown): unknown {
    if (err instanceof WeftError && err.code === 'WEFT_ERR_CLIENT_GONE') {
      // the connection closed: say why, when the server closed it (not the client)
      const reason = this.abortReason();
      if (reason !== undefined && !(reason instanceof WeftError && reason.code === 'WEFT_ERR_CLIENT_GONE')) err = reason;
    }
    this.#state = FAILED;
    this.#error = err;
    this.#pending = null;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(err);
    return err;
  }

  #tooLarge(limit: number, size: number): HTTPRequestEntityTooLarge {
    // the rest of the body stays unread: the connection cannot be reused
    this.res.shouldKeepAlive = false;
    return new HTTPRequestEntityTooLarge(limit, size);
  }

  /**
   * Reads the whole body; settles the state itself, so a read costs one promise. The
   * promise resolves with `then(buffer)`, or with the buffer without `then`.
   */
  #collect<R>(limit: number, then: (buffer: Buffer) => R): Promise<Awaited<R>>;
  #collect(limit: number, then: undefined): Promise<Buffer>;
  #collect<R>(limit: number, then: ((buffer: Buffer) => R) | undefined): Promise<Awaited<R> | Buffer> {
    const raw = this.#source();
    // hot path: three listener closures per read ('error' and 'close' share one). After a
    // complete body they stay attached: 'data' and 'error' cannot come, 'close' finds the
    // read settled; taking four listeners off cost more than the one call at 'close'.
    return new Promise((resolve, reject) => {
      let first: Buffer | undefined;
      let chunks: ChunkList | undefined;
      let received = 0;
      let settled = false;
      const onData = (chunk: Buffer): void => {
        if (settled) return;
        received += chunk.length;
        if (received > limit) {
          settled = true;
          raw.off('data', onData);
          reject(this.#failed(this.#tooLarge(limit, received)));
          // keep the stream flowing with no listener: the rest is discarded, never buffered
          raw.resume();
          return;
        }
        if (first === undefined) first = chunk;
        else (chunks ??= new ChunkList(first)).push(chunk);
      };
      const onEnd = (): void => {
        if (settled) return;
        settled = true;
        const buffer = this.#buffered(chunks !== undefined ? chunks.concat(received) : (first ?? EMPTY));
        if (then === undefined) resolve(buffer);
        else {
          try {
            resolve(then(buffer) as Awaited<R>);
          } catch (err) {
            reject(err);
          }
        }
      };
      // 'error' gives the cause; 'close' (before 'end': the client left) gives none
      const onGone = (err?: Error): void => {
        if (settled) return;
        settled = true;
        reject(this.#failed(gone(err)));
      };
      raw.on('data', onData);
      raw.on('end', onEnd);
      raw.on('error', onGone);
      raw.on('close', onGone);
    });
  }

  /** {@link RequestBody.#collect} for a body with a content coding: collects the decoded chunks. */
  #collectDecoded<R>(limit: number, then: (buffer: Buffer) => R): Promise<Awaited<R>>;
  #collectDecoded(limit: number, then: undefined): Promise<Buffer>;
  async #collectDecoded<R>(limit: number, then: ((buffer: Buffer) => R) | undefined): Promise<Awaited<R> | Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of this.#decodedChunks(limit)) {
        chunks.push(chunk);
        size += chunk.length;
      }
    } catch (err) {
      throw this.#failed(err);
    }
    const buffer = this.#buffered(Buffer.concat(chunks, size));
    return then === undefined ? buffer : await then(buffer);
  }

  /** Records the whole body as read and hands it to a `read()` waiting meanwhile. */
  #buffered(buffer: Buffer): Buffer {
    this.#state = BUFFERED;
    this.#buffer = buffer;
    this.#pending = null;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.resolve(buffer);
    return buffer;
  }
}

function waitReadable(raw: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      raw.off('readable', onReadable);
      raw.off('end', onReadable);
      raw.off('error', onError);
      raw.off('close', onClose);
    };
    const onReadable = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(gone(err));
    };
    const onClose = (): void => {
      cleanup();
      if (raw.readableEnded) resolve();
      else reject(gone());
    };
    raw.on('readable', onReadable);
    raw.on('end', onReadable);
    raw.on('error', onError);
    raw.on('close', onClose);
  });
}

/** Below this size a chunk is copied into a shared buffer rather than kept as is. */
const SMALL_CHUNK = 2048;
/** The size of the buffers small chunks are copied into. */
const SMALL_CHUNKS_BUFFER = 16 * 1024;

/**
 * The chunks of a body being collected. Each `Buffer` kept costs about 190 bytes of heap
 * beside its bytes, so a body sent a byte per packet (a client can) would cost ~190 times
 * its size before `clientMaxSize` stops it: small chunks are copied together into 16 KiB
 * buffers instead, in order with the large ones kept as they are. Internal to `src/http`.
 *
 * @example
 * ```ts
 * const chunks = new ChunkList(first);
 * chunks.push(next);
 * const body = chunks.concat(first.length + next.length);
 * ```
 */
export class ChunkList {
  readonly #chunks: Buffer[];
  #small: Buffer | null = null;
  #smallUsed = 0;

  constructor(first: Buffer) {
    this.#chunks = [first];
  }

  push(chunk: Buffer): void {
    if (chunk.length >= SMALL_CHUNK) {
      this.#flushSmall();
      this.#chunks.push(chunk);
      return;
    }
    if (this.#small !== null && this.#smallUsed + chunk.length > this.#small.length) this.#flushSmall();
    this.#small ??= Buffer.allocUnsafe(SMALL_CHUNKS_BUFFER);
    this.#smallUsed += chunk.copy(this.#small, this.#smallUsed);
  }

  /** @internal how many Buffers it holds (for tests). */
  get held(): number {
    return this.#chunks.length + (this.#small === null ? 0 : 1);
  }

  /** All the bytes, in order, as one Buffer of `size` bytes. */
  concat(size: number): Buffer {
    this.#flushSmall();
    return Buffer.concat(this.#chunks, size);
  }

  #flushSmall(): void {
    if (this.#small === null) return;
    this.#chunks.push(this.#small.subarray(0, this.#smallUsed));
    this.#small = null;
    this.#smallUsed = 0;
  }
}
