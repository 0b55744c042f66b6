import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { WeftError } from '../errors.js';
import { HTTPRequestEntityTooLarge } from './http-errors.js';
import { ChunkList, RequestBody } from './request-body.js';

interface FakeResponse {
  shouldKeepAlive: boolean;
  headersSent: boolean;
  writableEnded: boolean;
  destroyed: boolean;
  _sent100?: boolean;
  continues: number;
  writeContinue(): void;
}

function fake(headers: Record<string, string>, httpVersion = '1.1'): { raw: PassThrough; res: FakeResponse; body: RequestBody } {
  const raw = new PassThrough();
  Object.assign(raw, { headers, httpVersion });
  const res: FakeResponse = {
    shouldKeepAlive: true,
    headersSent: false,
    writableEnded: false,
    destroyed: false,
    continues: 0,
    writeContinue() {
      this.continues++;
    },
  };
  return { raw, res, body: new RequestBody(raw as unknown as IncomingMessage, res as unknown as ServerResponse) };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('RequestBody', () => {
  it('knows whether a body exists from Content-Length and Transfer-Encoding', () => {
    expect(fake({}).body.exists).toBe(false);
    expect(fake({ 'content-length': '0' }).body.exists).toBe(false);
    expect(fake({ 'content-length': '3' }).body.exists).toBe(true);
    expect(fake({ 'transfer-encoding': 'chunked' }).body.exists).toBe(true);
    expect(fake({ 'content-length': '3' }).body.declaredLength).toBe(3);
  });

  it('resolves an empty buffer at once without a body', async () => {
    const { body } = fake({});
    expect((await body.read(10)).length).toBe(0);
    const chunks: Buffer[] = [];
    for await (const chunk of body.stream(10)) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it('a body arriving a byte per packet is read whole, in order, between larger chunks', async () => {
    const { raw, body } = fake({ 'transfer-encoding': 'chunked' });
    const reading = body.read(1_000_000);
    const expected: Buffer[] = [];
    const send = (chunk: Buffer): void => {
      expected.push(chunk);
      raw.write(chunk);
    };
    for (let i = 0; i < 20_000; i++) send(Buffer.from([i % 251]));
    send(Buffer.alloc(5_000, 7));
    for (let i = 0; i < 300; i++) send(Buffer.from('xy'));
    raw.end();
    expect((await reading).equals(Buffer.concat(expected))).toBe(true);
  });

  it('keeps small chunks copied together, not one Buffer each (each costs ~190 bytes of heap)', () => {
    const chunks = new ChunkList(Buffer.from('a'));
    for (let i = 0; i < 40_000; i++) chunks.push(Buffer.from('b'));
    expect(chunks.held).toBe(4); // the first, then 16 KiB buffers: 16384 + 16384 + 7232 bytes
    chunks.push(Buffer.alloc(4096, 'c'));
    chunks.push(Buffer.from('d'));
    expect(chunks.held).toBe(6);
    const all = chunks.concat(1 + 40_000 + 4096 + 1);
    expect(all.toString()).toBe(`a${'b'.repeat(40_000)}${'c'.repeat(4096)}d`);
  });

  it('reads once: concurrent and later reads share the result', async () => {
    const { raw, body } = fake({ 'content-length': '6' });
    const first = body.read(10);
    const second = body.read(10);
    expect(second).toBe(first);
    expect(body.readable).toBe(false);
    raw.write('abc');
    raw.end('def');
    expect((await first).toString()).toBe('abcdef');
    expect(await body.read(10)).toBe(await first);
  });

  it('refuses before reading when Content-Length exceeds the limit, and marks the connection to close', async () => {
    const { raw, res, body } = fake({ 'content-length': '11' });
    raw.write('x'.repeat(11));
    const error = (await failure(body.read(10))) as HTTPRequestEntityTooLarge;
    expect(error).toBeInstanceOf(HTTPRequestEntityTooLarge);
    expect(error.text).toBe('Maximum request body size 10 exceeded, actual body size 11');
    expect(res.shouldKeepAlive).toBe(false);
    // the same error for every later read
    expect(await failure(body.read(100))).toBe(error);
  });

  it('stops at the first chunk crossing the limit and drops the rest', async () => {
    const { raw, res, body } = fake({ 'transfer-encoding': 'chunked' });
    const reading = failure(body.read(10));
    raw.write('123456');
    raw.write('7890ab');
    const error = (await reading) as HTTPRequestEntityTooLarge;
    expect(error.actualSize).toBe(12);
    expect(res.shouldKeepAlive).toBe(false);
    raw.write('more data that nobody keeps');
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.readableLength).toBe(0);
  });

  it('accepts exactly the limit', async () => {
    const { raw, body } = fake({ 'transfer-encoding': 'chunked' });
    const reading = body.read(10);
    raw.end('0123456789');
    expect((await reading).length).toBe(10);
  });

  it('applies a smaller limit of a clone to an already buffered body', async () => {
    const { raw, body } = fake({ 'content-length': '5' });
    raw.end('hello');
    await body.read(10);
    expect(await failure(body.read(4))).toBeInstanceOf(HTTPRequestEntityTooLarge);
  });

  it('streams chunks, refuses to read afterwards, and yields the buffer after read()', async () => {
    const streamed = fake({ 'transfer-encoding': 'chunked' });
    streamed.raw.write('ab');
    setTimeout(() => streamed.raw.end('cd'), 5);
    let text = '';
    for await (const chunk of streamed.body.stream(10)) text += chunk.toString();
    expect(text).toBe('abcd');
    const error = (await failure(streamed.body.read(10))) as WeftError;
    expect(error.code).toBe('WEFT_ERR_BODY_CONSUMED');
    expect(error.message).toMatch(/already read as a stream/);
    await expect(streamed.body.stream(10).next()).rejects.toMatchObject({ code: 'WEFT_ERR_BODY_CONSUMED' });

    const buffered = fake({ 'content-length': '2' });
    buffered.raw.end('xy');
    await buffered.body.read(10);
    const chunks: string[] = [];
    for await (const chunk of buffered.body.stream(10)) chunks.push(chunk.toString());
    expect(chunks).toEqual(['xy']);
  });

  it('throws 413 from the stream at the crossing chunk', async () => {
    const { raw, res, body } = fake({ 'transfer-encoding': 'chunked' });
    raw.write('12345');
    setTimeout(() => raw.write('67890ab'), 5);
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of body.stream(10)) seen.push(chunk.toString());
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(seen).toEqual(['12345']);
    expect(error).toBeInstanceOf(HTTPRequestEntityTooLarge);
    expect(res.shouldKeepAlive).toBe(false);
  });

  it('drains the rest when a stream consumer stops early', async () => {
    const { raw, body } = fake({ 'transfer-encoding': 'chunked' });
    raw.write('first');
    for await (const chunk of body.stream(100)) {
      expect(chunk.toString()).toBe('first');
      break;
    }
    raw.write('ignored');
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.readableLength).toBe(0);
  });

  it('rejects with WEFT_ERR_CLIENT_GONE when the stream is destroyed mid-body, or already was', async () => {
    const during = fake({ 'content-length': '100' });
    const reading = failure(during.body.read(1000));
    during.raw.write('partial');
    during.raw.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    const error = (await reading) as WeftError;
    expect(error.code).toBe('WEFT_ERR_CLIENT_GONE');
    expect(error.message).toBe('WEFT_ERR_CLIENT_GONE: the client closed the connection before the request body was received');
    expect((error.cause as Error).message).toBe('aborted');

    const before = fake({ 'content-length': '100' });
    before.raw.destroy();
    expect(await failure(before.body.read(1000))).toMatchObject({ code: 'WEFT_ERR_CLIENT_GONE' });

    const streaming = fake({ 'transfer-encoding': 'chunked' });
    const iterator = streaming.body.stream(1000);
    const next = iterator.next();
    streaming.raw.destroy();
    await expect(next).rejects.toMatchObject({ code: 'WEFT_ERR_CLIENT_GONE' });
  });

  it('reports a raw stream someone else consumed', async () => {
    const { raw, body } = fake({ 'content-length': '2' });
    raw.end('ab');
    raw.resume();
    await new Promise((resolve) => raw.on('end', resolve));
    expect(await failure(body.read(10))).toMatchObject({ code: 'WEFT_ERR_BODY_CONSUMED' });
  });

  it('sends 100 Continue once, only for HTTP/1.1 clients that expect it and only if nobody did', () => {
    const expecting = fake({ expect: '100-Continue' });
    expecting.body.writeContinue();
    expecting.body.writeContinue();
    expect(expecting.res.continues).toBe(1);

    const old = fake({ expect: '100-continue' }, '1.0');
    old.body.writeContinue();
    expect(old.res.continues).toBe(0);

    const other = fake({ expect: 'something-else' });
    other.body.writeContinue();
    expect(other.res.continues).toBe(0);

    const byNode = fake({ expect: '100-continue' });
    byNode.res._sent100 = true;
    byNode.body.writeContinue();
    expect(byNode.res.continues).toBe(0);

    const answered = fake({ expect: '100-continue' });
    answered.res.headersSent = true;
    answered.body.writeContinue();
    expect(answered.res.continues).toBe(0);
  });

  it('sends 100 Continue when reading starts', async () => {
    const { raw, res, body } = fake({ expect: '100-continue', 'content-length': '2' });
    const reading = body.read(10);
    expect(res.continues).toBe(1);
    raw.end('ok');
    expect((await reading).toString()).toBe('ok');
  });

  it('a complete body stays read when the stream closes or errors afterwards', async () => {
    const { raw, body } = fake({ 'content-length': '2' });
    const reading = body.read(10);
    raw.end('ok');
    expect((await reading).toString()).toBe('ok');
    raw.emit('error', new Error('socket reset after the body'));
    raw.emit('close');
    expect(body.readable).toBe(false);
    expect((await body.read(10)).toString()).toBe('ok');
  });

  it('a read cut by 413 ignores the close and error that follow', async () => {
    const { raw, body } = fake({ 'transfer-encoding': 'chunked' });
    const reading = body.read(2);
    raw.write('abc');
    const err = await failure(reading);
    expect(err).toBeInstanceOf(HTTPRequestEntityTooLarge);
    raw.emit('error', new Error('late'));
    raw.emit('close');
    expect(await failure(body.read(2))).toBe(err);
  });

  describe('readThen', () => {
    it('runs then on the bytes and resolves with its result; reads during it get the bytes', async () => {
      const { raw, body } = fake({ 'content-length': '6' });
      const parsed = body.readThen(10, (bytes) => ({ text: bytes.toString() }));
      const during = body.read(10); // while collecting
      raw.write('abc');
      raw.end('def');
      expect(await parsed).toEqual({ text: 'abcdef' });
      expect((await during).toString()).toBe('abcdef');
      expect((await body.read(10)).toString()).toBe('abcdef'); // cached
      expect(await body.readThen(10, (bytes) => bytes.length)).toBe(6); // after the read: read().then
    });

    it('a throw in then rejects with it, and the body stays read', async () => {
      const { raw, body } = fake({ 'content-length': '2' });
      const boom = new Error('bad json');
      const parsed = body.readThen(10, () => {
        throw boom;
      });
      raw.end('{]');
      expect(await failure(parsed)).toBe(boom);
      expect((await body.read(10)).toString()).toBe('{]');
    });

    it('413 beyond the limit, for it and for a read waiting on it, without calling then', async () => {
      const { raw, res, body } = fake({ 'transfer-encoding': 'chunked' });
      const then = jest.fn();
      const parsed = body.readThen(4, then);
      const during = body.read(4);
      raw.write('abc');
      raw.write('def');
      expect(await failure(parsed)).toBeInstanceOf(HTTPRequestEntityTooLarge);
      expect(await failure(during)).toBeInstanceOf(HTTPRequestEntityTooLarge);
      expect(then).not.toHaveBeenCalled();
      expect(res.shouldKeepAlive).toBe(false);
    });

    it('a client gone before the end rejects it and a waiting read with WEFT_ERR_CLIENT_GONE', async () => {
      const { raw, body } = fake({ 'content-length': '10' });
      const parsed = body.readThen(100, (bytes) => bytes.length);
      const during = body.read(100);
      raw.write('abc');
      raw.destroy();
      expect(await failure(parsed)).toMatchObject({ code: 'WEFT_ERR_CLIENT_GONE' });
      expect(await failure(during)).toMatchObject({ code: 'WEFT_ERR_CLIENT_GONE' });
    });

    it('one chunk is kept as is, several are joined; a declared size over the limit is refused unread', async () => {
      const one = fake({ 'content-length': '3' });
      const bytes = Buffer.from('xyz');
      const same = one.body.readThen(10, (b) => b);
      one.raw.end(bytes);
      expect((await same).toString()).toBe('xyz');
      const big = fake({ 'content-length': '100' });
      expect(await failure(big.body.readThen(10, () => 'never'))).toBeInstanceOf(HTTPRequestEntityTooLarge);
    });
  });
});
