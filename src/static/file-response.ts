/**
 * `FileResponse`: aiohttp's `web.FileResponse`. Sends a file from disk with validators,
 * conditional requests, single byte ranges and precompressed siblings, streamed with
 * backpressure: memory stays flat whatever the file size.
 */
import type { FileHandle } from 'node:fs/promises';
import parseRange from 'range-parser';
import { WeftError } from '../errors.js';
import { shownValue } from '../option-checks.js';
import { HTTPNotFound } from '../http/http-errors.js';
import type { Request } from '../http/request.js';
import { StreamResponse, type StreamResponseInit } from '../http/stream-response.js';
import { fileContentType } from './file-content-type.js';
import { openRepresentation, type FileRepresentation } from './open-representation.js';
import { evaluatePreconditions, fileValidators, ifRangeHolds } from './validators.js';

/** Chunk size of streamed bodies. */
const STREAM_CHUNK = 64 * 1024;

/** Bodies up to this size are read in one call instead of streamed. */
export const SMALL_FILE = 64 * 1024;

/** Options of {@link FileResponse}. */
export interface FileResponseOptions extends StreamResponseInit {
  /** Adds `Cache-Control: public, max-age=<seconds>`. */
  maxAge?: number;
  /**
   * Serves `<file>.br` / `<file>.gz` instead when they exist as regular files (not
   * symlinks) and the client accepts the encoding (`q=0` refuses). Default false.
   */
  precompressed?: boolean;
}

/**
 * A response that sends a file. Status 200, 206 (a single range), 304 (`If-None-Match`,
 * `If-Modified-Since`), 412 (`If-Match`, `If-Unmodified-Since`) or 416 (an unsatisfiable,
 * malformed or multiple range: aiohttp answers 416 to a multi-range too), decided in
 * `prepare()` from the file as opened. A missing or non-regular file raises `HTTPNotFound`.
 * Conditional headers count only when the response would be a 2xx, and `Range` only for a
 * GET answered 200: `new FileResponse(page, { status: 404 })` stays a 404 (RFC 9110 13.2.1);
 * for methods other than GET and HEAD a matching `If-None-Match` is 412, not 304.
 *
 * @example
 * ```ts
 * app.router.add('GET', '/report', () => new FileResponse('/var/reports/latest.pdf', { maxAge: 60 }));
 * ```
 */
export class FileResponse extends StreamResponse {
  /** @internal */
  protected static override readonly optionNames: readonly string[] = [...StreamResponse.optionNames, 'maxAge', 'precompressed'];
  readonly path: string;
  readonly #maxAge: number | undefined;
  readonly #precompressed: boolean;
  #sending: Promise<void> | null = null;

  constructor(path: string, options: FileResponseOptions = {}) {
    super(options);
    checkFileOptions(path, options);
    this.path = path;
    this.#maxAge = options.maxAge;
    this.#precompressed = options.precompressed ?? false;
  }

  /** Decides status and headers from the file, sends them, then streams the body and ends. */
  override prepare(request: Request): Promise<void> {
    return (this.#sending ??= this.#send(request));
  }

  /**
   * The headers leave with the first chunk of the body, which always follows at once: one
   * write instead of two for a small file.
   */
  protected override get flushesHeaders(): boolean {
    return false;
  }

  /**
   * Opens what this response sends: the file itself or a precompressed sibling the client
   * accepts; null when there is no regular file. A subclass may give content already read.
   */
  protected openRepresentation(request: Request): Promise<FileRepresentation | null> {
    return openRepresentation(this.path, this.#precompressed ? request.headers.get('accept-encoding') : undefined, this.#precompressed);
  }

  async #send(request: Request): Promise<void> {
    const representation = await this.openRepresentation(request);
    if (representation === null) throw new HTTPNotFound();
    try {
      await this.#respond(request, representation);
    } finally {
      await representation.handle?.close().catch(() => undefined);
    }
  }

  // hot path
  async #respond(request: Request, representation: FileRepresentation): Promise<void> {
    const { stats, encoding, body } = representation;
    const size = Number(stats.size);
    const validators = fileValidators(stats);
    const header = (name: string): string | undefined => request.headers.get(name);
    // weft writes these values itself, known valid: no per-character check
    this.headers.setTrusted('ETag', 'etag', validators.etag);
    this.headers.setTrusted('Last-Modified', 'last-modified', new Date(validators.lastModified * 1000).toUTCString());
    if (this.#maxAge !== undefined) this.headers.set('Cache-Control', `public, max-age=${Math.floor(this.#maxAge)}`);
    if (representation.vary) this.headers.append('Vary', 'Accept-Encoding');

    // Preconditions and ranges apply to what would be a 2xx (a 200 for ranges): a
    // FileResponse sent as a 404 page stays a 404 (RFC 9110 13.2.1, 14.2).
    const status = this.status;
    const successful = status >= 200 && status <= 299;
    const outcome = successful ? evaluatePreconditions(header, validators, request.method) : 'ok';
    if (outcome !== 'ok') {
      this.status = outcome;
      // a 412 is this client's answer: a shared cache must not serve it to others
      if (outcome === 412) {
        this.contentLength = 0;
        this.#uncached();
      }
      await super.prepare(request);
      await this.end();
      return;
    }

    if (!this.headers.has('content-type')) this.headers.setTrusted('Content-Type', 'content-type', fileContentType(this.path));
    if (encoding !== undefined) this.headers.set('Content-Encoding', encoding);
    this.headers.setTrusted('Accept-Ranges', 'accept-ranges', 'bytes');

    let start = 0;
    let end = size - 1;
    const range = status === 200 && request.method === 'GET' ? bytesRange(header('range'), size) : undefined;
    if (range !== undefined && ifRangeHolds(header('if-range'), validators)) {
      const ranges = parseRange(size, range, { combine: true });
      if (ranges === -1 || ranges === -2 || ranges.length !== 1) {
        this.status = 416;
        this.#uncached();
        this.headers.set('Content-Range', `bytes */${size}`);
        this.headers.delete('content-encoding');
        this.contentLength = 0;
        await super.prepare(request);
        await this.end();
        return;
      }
      start = ranges[0].start;
      end = ranges[0].end;
      this.status = 206;
      this.headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
    }
    this.contentLength = end - start + 1;
    await super.prepare(request);
    if (request.method === 'HEAD' || size === 0) {
      await this.end();
      return;
    }
    try {
      // content already read goes out with the headers in one write
      if (body !== undefined) await this.end(start === 0 && end === size - 1 ? body : body.subarray(start, end + 1));
      else await this.#stream(representation.handle!, start, end, request);
    } catch (err) {
      // A client that leaves mid-download is routine, not a server error: stop reading.
      if (err instanceof WeftError && err.code === 'WEFT_ERR_CLIENT_GONE') return;
      throw err;
    }
    await this.end();
  }

  /** An answer about this request only (412, 416): the `maxAge` caching is taken back. */
  #uncached(): void {
    if (this.#maxAge !== undefined) this.headers.set('Cache-Control', 'no-store');
  }

  /** hot path: copies bytes [start, end] with backpressure; a gone client stops the read. */
  async #stream(handle: FileHandle, start: number, end: number, request: Request): Promise<void> {
    const res = request.rawResponse;
    const length = end - start + 1;
    if (length <= SMALL_FILE) {
      // One read and one write: a stream's machinery costs more than the bytes here.
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      if (bytesRead < length) return this.#cutShort(request, buffer.subarray(0, bytesRead), length - bytesRead);
      await this.end(buffer);
      return;
    }
    // One buffer, reused: a read stream allocates a new 64 KiB Buffer per chunk, and V8
    // collects those only when external memory has grown by tens of MB, so a 1 GiB
    // download peaked at 60+ MB above the baseline. A chunk is reused only once node no
    // longer holds it (the write drained: nothing left in the response's buffer).
    let buffer = Buffer.allocUnsafe(Math.min(STREAM_CHUNK, length));
    let position = start;
    let remaining = length;
    while (remaining > 0) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, remaining), position);
      if (bytesRead === 0) return this.#cutShort(request, null, remaining);
      await this.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      position += bytesRead;
      remaining -= bytesRead;
      if (res.writableLength > 0 && remaining > 0) buffer = Buffer.allocUnsafe(Math.min(STREAM_CHUNK, remaining));
    }
  }

  /**
   * The file shrank after its size went out as `Content-Length`: sends what there is, then
   * closes the connection. Ending normally would leave the client waiting for the missing
   * bytes and, on a kept-alive connection, reading the next response as the rest of this
   * body; a closed connection tells it the body is incomplete. Logged as a warning.
   */
  async #cutShort(request: Request, last: Buffer | null, missing: number): Promise<void> {
    request.log.warn({ path: this.path, missing, requestId: request.id }, 'the file shrank while it was sent: closing the connection');
    const res = request.rawResponse;
    // once node has handed the bytes on, close the socket, kept alive or not (the socket
    // itself: by then node has detached it from the response)
    const socket = res.socket;
    res.once('finish', () => socket?.destroy());
    await this.end(last !== null && last.length > 0 ? last : undefined).catch(() => undefined);
  }
}

/**
 * Refuses what `FileResponse` could not send: a path that is no string (undefined was a 404
 * only once prepared), a `maxAge` that would print as `max-age=NaN`, `Infinity` or `1e+300`
 * (or a negative one), a `precompressed` that is no boolean.
 */
function checkFileOptions(path: unknown, options: FileResponseOptions): void {
  const invalid = (what: string, value: unknown): WeftError =>
    new WeftError('WEFT_ERR_INVALID_OPTION', `new FileResponse(): ${what}, got ${shownValue(value)}`);
  if (typeof path !== 'string' || path === '') throw invalid('path must be a non-empty string', path);
  const { maxAge, precompressed } = options;
  // past the safe integers a number prints with an exponent (1e+300), which max-age may not hold
  if (maxAge !== undefined && !(typeof maxAge === 'number' && maxAge >= 0 && maxAge <= Number.MAX_SAFE_INTEGER)) {
    throw invalid(`maxAge must be a non-negative number of seconds up to ${Number.MAX_SAFE_INTEGER}`, maxAge);
  }
  if (precompressed !== undefined && typeof precompressed !== 'boolean') throw invalid('precompressed must be a boolean', precompressed);
}

/**
 * The `Range` header to apply, or undefined to ignore it: a unit other than `bytes`
 * (compared case-insensitively) is ignored (RFC 9110 14.2). A suffix range longer than the
 * file asks for all of it (14.1.3: `bytes=-1000` of a 200-byte file is bytes 0-199), where
 * range-parser would drop it as unsatisfiable.
 */
function bytesRange(range: string | undefined, size: number): string | undefined {
  if (range === undefined) return undefined;
  const equals = range.indexOf('=');
  // no unit at all is malformed: left to range-parser, which answers -2 (416)
  if (equals !== -1 && range.slice(0, equals).trim().toLowerCase() !== 'bytes') return undefined;
  // a list's empty elements are ignored (RFC 9110 5.6.1.2): `bytes=0-1, ` is `bytes=0-1`;
  // range-parser would take them as malformed (416). With nothing else left, it still is.
  if (equals !== -1) {
    const specs = range.slice(equals + 1).split(',').filter((spec) => spec.trim() !== '');
    if (specs.length > 0) range = `${range.slice(0, equals + 1)}${specs.join(',')}`;
  }
  if (size === 0) return range;
  return range.replace(/([=,]\s*)-(\d+)/g, (spec: string, before: string, digits: string) => (Number(digits) > size ? `${before}-${size}` : spec));
}
