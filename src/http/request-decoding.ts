/**
 * Decoding a request body's content codings (`Content-Encoding: gzip`), as aiohttp's
 * server does by default: streaming, chunk by chunk, so a body is never held encoded and
 * decoded at once and a decompression bomb stops at the size limit. Internal to `src/http`.
 */
import { Buffer } from 'node:buffer';
import { Readable, type Transform, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import { HTTPBadRequest, HTTPUnsupportedMediaType } from './http-errors.js';

/** A decompressor: a Transform that counts the input it consumed (`bytesWritten`). */
type Decoder = Transform & zlib.Zlib;
type DecoderFactory = (head: Buffer) => Decoder;

const EMPTY: Buffer = Buffer.alloc(0);

/** zstd decoding arrived in node 22.15 / 23.8; on older nodes a zstd body is 415. */
const createZstdDecompress = (zlib as { createZstdDecompress?: () => Decoder }).createZstdDecompress;

const DECODERS = new Map<string, DecoderFactory>([
  ['gzip', () => zlib.createGunzip()],
  ['x-gzip', () => zlib.createGunzip()],
  // "deflate" is the zlib format (RFC 9110 8.4.1.2), but some clients send raw deflate:
  // the first two bytes tell them apart, as in aiohttp and browsers
  ['deflate', (head) => (hasZlibHeader(head) ? zlib.createInflate() : zlib.createInflateRaw())],
  ['br', () => zlib.createBrotliDecompress()],
  ...(createZstdDecompress === undefined ? [] : [['zstd', () => createZstdDecompress()] as const]),
]);

/** The content codings weft decodes, for error messages. */
export const DECODABLE: readonly string[] = [...DECODERS.keys()];

/**
 * The content codings of a `Content-Encoding` header, lowercase, in the order they were
 * applied; `identity` and empty members are dropped.
 *
 * @example
 * ```ts
 * contentCodings('gzip, br'); // ['gzip', 'br']: decode br first, then gzip
 * contentCodings('identity'); // []
 * ```
 */
export function contentCodings(header: string | undefined): string[] {
  if (header === undefined || header === '') return [];
  const codings: string[] = [];
  for (const member of header.split(',')) {
    const coding = member.trim().toLowerCase();
    if (coding !== '' && coding !== 'identity') codings.push(coding);
  }
  return codings;
}

/** Whether weft can decode the content coding `coding` (lowercase). */
export function isDecodable(coding: string): boolean {
  return DECODERS.has(coding);
}

/**
 * The most content codings one body may list: every layer is a decompressor, and a chain of
 * them multiplies work (curl allows 5; aiohttp decodes one).
 */
export const MAX_CODINGS = 3;

/**
 * The 415 for codings weft will not decode (one it does not know, or more than
 * {@link MAX_CODINGS}), or null when it decodes them all.
 *
 * @example
 * ```ts
 * refuseCodings(['gzip']);     // null
 * refuseCodings(['compress']); // HTTPUnsupportedMediaType naming compress
 * ```
 */
export function refuseCodings(codings: readonly string[]): HTTPUnsupportedMediaType | null {
  const unknown = codings.find((name) => !isDecodable(name));
  if (unknown !== undefined) {
    return new HTTPUnsupportedMediaType({ text: `Unsupported Content-Encoding: ${unknown} (weft decodes ${DECODABLE.join(', ')})` });
  }
  if (codings.length > MAX_CODINGS) {
    return new HTTPUnsupportedMediaType({ text: `Unsupported Content-Encoding: ${codings.length} codings (weft decodes at most ${MAX_CODINGS} in a row)` });
  }
  return null;
}

/**
 * The content of a body with the given codings (as {@link contentCodings} gives them), from
 * its encoded chunks: each coding is undone in turn, the last applied first. Every layer's
 * output is bounded by `limit`: past it `tooLarge(size)` is thrown, so a bomb inside a bomb
 * stops too. A body not valid in its coding (corrupt, truncated, bytes after its end) throws
 * HTTPBadRequest; an error of `encoded` itself (the client left, 413) is thrown as it is.
 *
 * @example
 * ```ts
 * for await (const chunk of decodeBody(socketChunks, ['gzip'], 1 << 20, (size) => new HTTPRequestEntityTooLarge(1 << 20, size))) handle(chunk);
 * ```
 */
export function decodeBody(
  encoded: AsyncIterable<Buffer>,
  codings: readonly string[],
  limit: number,
  tooLarge: (size: number) => Error,
): AsyncGenerator<Buffer, void, undefined> {
  let chunks = encoded as AsyncGenerator<Buffer, void, undefined>;
  for (let i = codings.length - 1; i >= 0; i--) chunks = undo(chunks, codings[i]!, limit, tooLarge);
  return chunks;
}

async function* undo(encoded: AsyncIterable<Buffer>, coding: string, limit: number, tooLarge: (size: number) => Error): AsyncGenerator<Buffer, void, undefined> {
  const source = encoded[Symbol.asyncIterator]();
  // the head decides between zlib and raw deflate: two bytes of it, unless the body is shorter
  let head: Buffer = EMPTY;
  let sourceDone = false;
  while (head.length < 2) {
    const next = await source.next();
    if (next.done === true) {
      sourceDone = true;
      break;
    }
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head.length === 0) return; // no bytes at all: no content
  let sourceError: unknown;
  let fed = 0;
  async function* input(): AsyncGenerator<Buffer, void, undefined> {
    try {
      fed += head.length;
      yield head;
      while (!sourceDone) {
        let next: IteratorResult<Buffer, unknown>;
        try {
          next = await source.next();
        } catch (err) {
          sourceError = err; // only the source's own errors: the decoder's come here too, thrown in by its destruction
          throw err;
        }
        if (next.done === true) return;
        fed += next.value.length;
        yield next.value;
      }
    } finally {
      // stopped early (the decoder failed or the reader left): let the source drop the rest
      await source.return?.();
    }
  }
  const decoder = DECODERS.get(coding)!(head);
  // pipeline: an error on either side destroys the other; it reaches us through the decoder
  pipeline(Readable.from(input(), { objectMode: false }), decoder, () => {});
  let decoded = 0;
  try {
    for await (const chunk of decoder) {
      decoded += (chunk as Buffer).length;
      if (decoded > limit) break;
      yield chunk as Buffer;
    }
  } catch (err) {
    if (err === sourceError) throw err;
    throw invalid(coding, (err as Error).message);
  }
  if (decoded > limit) throw tooLarge(decoded);
  // zlib and brotli stop at the end of their stream and drop what follows; gzip fails on it
  // (but for zero padding): bytes after the end are the same error in every coding
  if (fed > decoder.bytesWritten) throw invalid(coding, 'bytes after the end of the compressed data');
}

function invalid(coding: string, why: string): HTTPBadRequest {
  return new HTTPBadRequest({ text: `Request body is not valid ${coding} (Content-Encoding): ${why}` });
}

/** Whether a deflate body starts with a zlib header (RFC 1950: method 8, check bits); a one-byte body cannot. */
function hasZlibHeader(head: Buffer): boolean {
  return head.length >= 2 && (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0;
}
