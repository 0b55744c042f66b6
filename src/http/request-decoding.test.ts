import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { WeftError } from '../errors.js';
import { HTTPBadRequest, HTTPRequestEntityTooLarge, HTTPUnsupportedMediaType } from './http-errors.js';
import { RequestBody } from './request-body.js';
import { MAX_CODINGS, contentCodings, decodeBody as decodeWithLimit, isDecodable } from './request-decoding.js';

const decodeBody = (chunks: AsyncIterable<Buffer>, codings: string[], limit = 1 << 30) =>
  decodeWithLimit(chunks, codings, limit, (size) => new HTTPRequestEntityTooLarge(limit, size));

function fake(headers: Record<string, string>, decompress = true): { raw: PassThrough; res: { shouldKeepAlive: boolean }; body: RequestBody } {
  const raw = new PassThrough();
  Object.assign(raw, { headers, httpVersion: '1.1' });
  const res = { shouldKeepAlive: true, headersSent: false, writableEnded: false, destroyed: false, writeContinue: () => undefined };
  return { raw, res, body: new RequestBody(raw as unknown as IncomingMessage, res as unknown as ServerResponse, undefined, () => decompress) };
}

/** A fake body whose bytes are `encoded`, sent in pieces of `piece` bytes. */
function sent(coding: string, encoded: Buffer, piece = 7, decompress = true): ReturnType<typeof fake> {
  const request = fake({ 'transfer-encoding': 'chunked', 'content-encoding': coding }, decompress);
  for (let at = 0; at < encoded.length; at += piece) request.raw.write(encoded.subarray(at, at + piece));
  request.raw.end();
  return request;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

async function* chunksOf(...chunks: Buffer[]): AsyncGenerator<Buffer, void, undefined> {
  for (const chunk of chunks) yield chunk;
}

const TEXT = Buffer.from('{"greeting":"héllo","n":[1,2,3]}'.repeat(50));

describe('contentCodings', () => {
  it('lists the codings in the order applied, lowercase, without identity', () => {
    expect(contentCodings(undefined)).toEqual([]);
    expect(contentCodings('')).toEqual([]);
    expect(contentCodings('identity')).toEqual([]);
    expect(contentCodings('GZip')).toEqual(['gzip']);
    expect(contentCodings('gzip, identity,br')).toEqual(['gzip', 'br']);
    expect(contentCodings(' , deflate ,')).toEqual(['deflate']);
  });

  it('knows what it can decode', () => {
    for (const coding of ['gzip', 'x-gzip', 'deflate', 'br']) expect(isDecodable(coding)).toBe(true);
    expect(isDecodable('compress')).toBe(false);
    expect(isDecodable('GZIP')).toBe(false); // callers lowercase first
  });
});

describe('decodeBody', () => {
  it('undoes stacked codings, the last applied first', async () => {
    const encoded = brotliCompressSync(gzipSync(TEXT));
    const parts: Buffer[] = [];
    for await (const chunk of decodeBody(chunksOf(encoded.subarray(0, 5), encoded.subarray(5)), ['gzip', 'br'])) parts.push(chunk);
    expect(Buffer.concat(parts).equals(TEXT)).toBe(true);
  });

  it('gives nothing for no bytes', async () => {
    const parts: Buffer[] = [];
    for await (const chunk of decodeBody(chunksOf(), ['gzip'])) parts.push(chunk);
    expect(parts).toEqual([]);
  });

  it('passes the source error through as it is, and turns a decoding error into 400', async () => {
    const gone = new WeftError('WEFT_ERR_CLIENT_GONE', 'gone');
    async function* failing(): AsyncGenerator<Buffer, void, undefined> {
      yield gzipSync(TEXT).subarray(0, 20);
      throw gone;
    }
    const drain = async (chunks: AsyncIterable<Buffer>): Promise<unknown> => {
      try {
        for await (const chunk of chunks) void chunk;
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(await drain(decodeBody(failing(), ['gzip']))).toBe(gone);
    const corrupt = await drain(decodeBody(chunksOf(Buffer.from('not gzip at all')), ['gzip']));
    expect(corrupt).toBeInstanceOf(HTTPBadRequest);
    expect((corrupt as HTTPBadRequest).text).toMatch(/^Request body is not valid gzip \(Content-Encoding\): /);
    const truncated = await drain(decodeBody(chunksOf(gzipSync(TEXT).subarray(0, 30)), ['gzip']));
    expect(truncated).toBeInstanceOf(HTTPBadRequest);
  });

  it('bounds every layer: a bomb inside a bomb stops at the limit, though the outer content is small', async () => {
    // the middle layer decodes to 8 MiB of empty gzip members, the last to nothing at all
    const member = gzipSync(Buffer.alloc(0));
    const members = Buffer.concat(Array.from({ length: (8 << 20) / member.length }, () => member));
    const outer = gzipSync(gzipSync(members));
    let error: unknown;
    try {
      for await (const chunk of decodeBody(chunksOf(outer), ['gzip', 'gzip', 'gzip'], 1 << 20)) void chunk;
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HTTPRequestEntityTooLarge);
  });

  it('bytes after the end of the compressed data are 400 in every coding', async () => {
    for (const [coding, encoded] of [
      ['gzip', gzipSync(TEXT)],
      ['deflate', deflateSync(TEXT)],
      ['deflate', deflateRawSync(TEXT)],
      ['br', brotliCompressSync(TEXT)],
    ] as const) {
      for (const tail of ['garbage', '\0\0\0\0']) {
        let error: unknown;
        try {
          for await (const chunk of decodeBody(chunksOf(encoded, Buffer.from(tail)), [coding])) void chunk;
        } catch (err) {
          error = err;
        }
        expect([coding, tail, error]).toEqual([coding, tail, expect.any(HTTPBadRequest)]);
      }
    }
  });

  it('tells raw deflate from zlib by two bytes, however the body is split', async () => {
    // raw deflate whose first byte looks like a zlib header's: a non-final stored block of 3
    // bytes with a padding bit set (0x08), then the rest
    const raw = Buffer.concat([Buffer.from([0x08, 0x03, 0x00, 0xfc, 0xff]), Buffer.from('{"a'), deflateRawSync('":1}')]);
    const zlibbed = deflateSync(TEXT);
    for (const [encoded, content] of [
      [raw, '{"a":1}'],
      [zlibbed, TEXT.toString()],
    ] as const) {
      const parts: Buffer[] = [];
      const oneByteFirst = chunksOf(encoded.subarray(0, 1), encoded.subarray(1, 2), encoded.subarray(2));
      for await (const chunk of decodeBody(oneByteFirst, ['deflate'])) parts.push(chunk);
      expect(Buffer.concat(parts).toString()).toBe(content);
    }
  });

  it('stops reading its source when its reader stops', async () => {
    let finished = false;
    async function* endless(): AsyncGenerator<Buffer, void, undefined> {
      const encoded = gzipSync(Buffer.alloc(1 << 20, 'a'));
      try {
        for (;;) yield encoded; // a gzip body of concatenated members never ends
      } finally {
        finished = true;
      }
    }
    let total = 0;
    for await (const chunk of decodeBody(endless(), ['gzip'])) {
      total += chunk.length;
      if (total > 3 << 20) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(true);
  });
});

describe('RequestBody with a content coding', () => {
  it.each([
    ['gzip', gzipSync(TEXT)],
    ['x-gzip', gzipSync(TEXT)],
    ['deflate', deflateSync(TEXT)],
    ['deflate', deflateRawSync(TEXT)], // raw deflate, as some clients send it
    ['br', brotliCompressSync(TEXT)],
    ['GZIP, identity', gzipSync(TEXT)],
  ])('read() gives the decoded content of %s', async (coding, encoded) => {
    const { body } = sent(coding, encoded);
    expect((await body.read(1 << 20)).equals(TEXT)).toBe(true);
    expect((await body.read(1 << 20)).equals(TEXT)).toBe(true); // cached
    expect(body.identity).toBe(true);
  });

  it('stream() and readThen() give the decoded content', async () => {
    const streamed = sent('gzip', gzipSync(TEXT), 100);
    const parts: Buffer[] = [];
    for await (const chunk of streamed.body.stream(1 << 20)) parts.push(chunk);
    expect(Buffer.concat(parts).equals(TEXT)).toBe(true);
    expect(await sent('br', brotliCompressSync(TEXT)).body.readThen(1 << 20, (bytes) => bytes.toString())).toBe(TEXT.toString());
  });

  it('a read() while readThen() decodes gets the same bytes', async () => {
    const { body } = sent('gzip', gzipSync(TEXT));
    const [first, second] = await Promise.all([body.readThen(1 << 20, (bytes) => bytes.length), body.read(1 << 20)]);
    expect(first).toBe(TEXT.length);
    expect(second.equals(TEXT)).toBe(true);
  });

  it('413 once the decoded bytes cross the limit, though the encoded ones are few (a decompression bomb)', async () => {
    const bomb = gzipSync(Buffer.alloc(50 << 20)); // 50 MiB of zeros in about 50 KiB
    const { raw, res, body } = sent('gzip', bomb, 16384);
    const error = await failure(body.read(1 << 20));
    expect(error).toBeInstanceOf(HTTPRequestEntityTooLarge);
    expect((error as HTTPRequestEntityTooLarge).status).toBe(413);
    expect(res.shouldKeepAlive).toBe(false);
    expect(await failure(body.read(1 << 20))).toBe(error); // the failure is the body's state
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.readableLength).toBe(0); // the rest is drained, not buffered
  });

  it('413 for the encoded bytes too', async () => {
    const { body } = sent('gzip', gzipSync(Buffer.alloc(4096)), 100);
    expect(await failure(body.read(30))).toBeInstanceOf(HTTPRequestEntityTooLarge);
  });

  it('a corrupt or truncated body is 400; a client leaving is WEFT_ERR_CLIENT_GONE', async () => {
    expect(await failure(sent('gzip', Buffer.from('plain text')).body.read(1000))).toBeInstanceOf(HTTPBadRequest);
    expect(await failure(sent('br', gzipSync(TEXT)).body.read(1 << 20))).toBeInstanceOf(HTTPBadRequest);
    expect(await failure(sent('gzip', gzipSync(TEXT).subarray(0, 40)).body.read(1 << 20))).toBeInstanceOf(HTTPBadRequest);

    const leaving = fake({ 'transfer-encoding': 'chunked', 'content-encoding': 'gzip' });
    const reading = failure(leaving.body.read(1 << 20));
    leaving.raw.write(gzipSync(TEXT).subarray(0, 40));
    setImmediate(() => leaving.raw.destroy());
    expect(await reading).toMatchObject({ code: 'WEFT_ERR_CLIENT_GONE' });
  });

  it('a coding it cannot decode is 415 before a byte is read', async () => {
    const { raw, body } = fake({ 'content-length': '3', 'content-encoding': 'gzip, compress' });
    raw.write('abc');
    const error = await failure(body.read(100));
    expect(error).toBeInstanceOf(HTTPUnsupportedMediaType);
    expect((error as HTTPUnsupportedMediaType).text).toMatch(/^Unsupported Content-Encoding: compress \(weft decodes gzip, x-gzip, deflate, br/);
    expect(raw.readableLength).toBe(3);
  });

  it(`more than ${MAX_CODINGS} codings are 415 before a byte is read`, async () => {
    const { body } = fake({ 'content-length': '3', 'content-encoding': Array(MAX_CODINGS + 1).fill('gzip').join(', ') });
    const error = await failure(body.read(100));
    expect(error).toBeInstanceOf(HTTPUnsupportedMediaType);
    expect((error as HTTPUnsupportedMediaType).text).toBe(`Unsupported Content-Encoding: ${MAX_CODINGS + 1} codings (weft decodes at most ${MAX_CODINGS} in a row)`);
    const thousands = fake({ 'content-length': '3', 'content-encoding': Array(5000).fill('gzip').join(',') });
    expect(await failure(thousands.body.read(100))).toBeInstanceOf(HTTPUnsupportedMediaType);
  });

  it('a body that fails to decode closes the connection afterwards (its rest is not drained without a limit)', async () => {
    const { res, body } = sent('gzip', Buffer.from('not gzip'));
    expect(await failure(body.read(1000))).toBeInstanceOf(HTTPBadRequest);
    expect(res.shouldKeepAlive).toBe(false);
  });

  it('asks whether to decompress when reading begins, not when the body state was made', async () => {
    let decompress = true;
    const raw = new PassThrough();
    const encoded = gzipSync(TEXT);
    Object.assign(raw, { headers: { 'content-length': String(encoded.length), 'content-encoding': 'gzip' }, httpVersion: '1.1' });
    const res = { shouldKeepAlive: true, headersSent: false, writableEnded: false, destroyed: false, writeContinue: () => undefined };
    const body = new RequestBody(raw as unknown as IncomingMessage, res as unknown as ServerResponse, undefined, () => decompress);
    expect(body.exists).toBe(true); // a routing predicate asking hasBody, before the route is known
    decompress = false;
    raw.end(encoded);
    expect((await body.read(1 << 20)).equals(encoded)).toBe(true);
  });

  it('without decompress, gives the encoded bytes and is not identity', async () => {
    const encoded = gzipSync(TEXT);
    const { body } = sent('gzip', encoded, 7, false);
    expect((await body.read(1 << 20)).equals(encoded)).toBe(true);
    expect(body.identity).toBe(false);
    expect(fake({ 'content-encoding': 'identity' }, false).body.identity).toBe(true);
    expect((await sent('compress', Buffer.from('xyz'), 7, false).body.read(100)).toString()).toBe('xyz');
  });
});
