/**
 * Decoding a request body's content codings (`Content-Encoding: gzip`), as aiohttp's
 * server does by default: streaming, chunk by chunk, so a body is never held encoded and
 * decoded at once and a decompression bomb stops at the size limit. Internal to `src/http`.
 */
import { Buffer } from 'node:buffer';
import { Readable, type Transform, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import { HTTPBadRequest } from './http-errors.js';

type DecoderFactory = (head: Buffer) => Transform;

/** zstd decoding arrived in node 22.15 / 23.8; on older nodes a zstd body is 415. */
const createZstdDecompress = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;

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
 * The content of a body with the given codings (as {@link contentCodings} gives them), from
 * its encoded chunks: each coding is undone in turn, the last applied first. A body that is
 * not valid in its coding (corrupt, truncated) throws HTTPBadRequest; an error of `encoded`
 * itself (the client left, 413) is thrown as it is.
 *
 * @example
 * ```ts
 * for await (const chunk of decodeBody(socketChunks, ['gzip'])) handle(chunk);
 * ```
 */
export function decodeBody(encoded: AsyncIterable<Buffer>, codings: readonly string[]): AsyncGenerator<Buffer, void, undefined> {
  let chunks = encoded as AsyncGenerator<Buffer, void, undefined>;
  for (let i = codings.length - 1; i >= 0; i--) chunks = undo(chunks, codings[i]!);
  return chunks;
}

async function* undo(encoded: AsyncIterable<Buffer>, coding: string): AsyncGenerator<Buffer, void, undefined> {
  const source = encoded[Symbol.asyncIterator]();
  const head = await source.next();
  if (head.done === true) return; // no bytes at all: no content
  let sourceError: unknown;
  async function* input(): AsyncGenerator<Buffer, void, undefined> {
    try {
      yield head.value as Buffer;
      for (;;) {
        let next: IteratorResult<Buffer, unknown>;
        try {
          next = await source.next();
        } catch (err) {
          sourceError = err; // only the source's own errors: the decoder's come here too, thrown in by its destruction
          throw err;
        }
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      // stopped early (the decoder failed or the reader left): let the source drop the rest
      await source.return?.();
    }
  }
  const decoder = DECODERS.get(coding)!(head.value);
  // pipeline: an error on either side destroys the other; it reaches us through the decoder
  pipeline(Readable.from(input(), { objectMode: false }), decoder, () => {});
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } catch (err) {
    if (err === sourceError) throw err;
    throw new HTTPBadRequest({ text: `Request body is not valid ${coding} (Content-Encoding): ${(err as Error).message}` });
  }
}

/** Whether a deflate body starts with a zlib header (RFC 1950: method 8, check bits). */
function hasZlibHeader(head: Buffer): boolean {
  if ((head[0]! & 0x0f) !== 8) return false;
  return head.length < 2 || ((head[0]! << 8) | head[1]!) % 31 === 0;
}
