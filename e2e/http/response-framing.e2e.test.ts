import { Response, StreamResponse, createApp, text, type Logger, type Request } from 'weft';
import { TestClient } from 'weft/testing';
import { exchange } from './raw-exchange.js';

const get = (path: string, close = false): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;

describe('a response is framed exactly as its headers say', () => {
  let client: TestClient;
  const errors: Array<{ obj: object; msg?: string }> = [];
  const logger: Logger = { error: (obj: object, msg?: string) => void errors.push({ obj, msg }), warn: () => undefined, info: () => undefined, debug: () => undefined };
  const writeOutcome: unknown[] = [];

  beforeAll(async () => {
    const app = createApp({ logger });
    /** A route streaming `send`'s writes under a declared Content-Length. */
    const declaring = (length: number, send: (response: StreamResponse) => Promise<void>) => async (request: Request) => {
      const response = new StreamResponse();
      response.contentLength = length;
      await response.prepare(request);
      await send(response);
      return response;
    };
    app.router.add(
      'GET',
      '/too-long',
      declaring(2, async (response) => {
        await response.write('ab');
        // a forged second response must never reach the client
        await response.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged').catch((err: unknown) => void writeOutcome.push(err));
        await response.end();
      }),
    );
    app.router.add('GET', '/last-too-long', declaring(2, (response) => response.end('abc')));
    app.router.add(
      'GET',
      '/too-short',
      declaring(10, async (response) => {
        await response.write('abc');
        await response.end();
      }),
    );
    app.router.add(
      'GET',
      '/exact',
      declaring(5, async (response) => {
        await response.write('he');
        await response.end(Buffer.from('llo'));
      }),
    );
    app.router.add('GET', '/te-and-cl', () => text('hello', { headers: { 'Transfer-Encoding': 'chunked' } }));
    // a StreamResponse with these headers writing `body`, then ending
    const streamed = (headers: Record<string, string>, body: string) => async (request: Request) => {
      const response = new StreamResponse({ headers });
      await response.prepare(request);
      await response.write(body);
      await response.end();
      return response;
    };
    app.router.add('GET', '/stream-te-and-cl', streamed({ 'Transfer-Encoding': 'chunked', 'Content-Length': '3' }, 'abcdef'));
    const streamWith = (coding: string) => streamed({ 'Content-Type': 'text/plain', 'Transfer-Encoding': coding }, 'HTTP/1.1 200 OK\r\n');
    app.router.add('GET', '/stream-te-gzip', streamWith('gzip'));
    app.router.add('GET', '/stream-te-gzip-chunked', streamWith('gzip, chunked'));
    app.router.add('GET', '/stream-te-chunked', streamWith('Chunked'));
    const streamDeclaring = (length: string) => streamed({ 'Content-Length': length }, 'abc');
    app.router.add('GET', '/stream-cl-abc', streamDeclaring('abc'));
    app.router.add('GET', '/stream-cl-negative', streamDeclaring('-1'));
    app.router.add('GET', '/stream-cl-list', streamDeclaring('3, 3'));
    app.router.add('GET', '/stream-cl-header', streamDeclaring('3'));
    app.router.add('GET', '/reset', () => new Response({ status: 205, text: 'ignored' }));
    app.router.add('GET', '/interim', () => new Response({ status: 100 }));
    app.router.add('GET', '/after', () => 'after');
    client = await new TestClient(app).start();
  });
  afterAll(() => client.close());

  test('a write past the declared Content-Length is refused with WEFT_ERR_CONTENT_LENGTH; the next response is intact', async () => {
    const received = await exchange(client, get('/too-long') + get('/after', true));
    expect(received).not.toContain('forged');
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/Content-Length: 2\r\n[\s\S]*\r\n\r\nab$/);
    expect(second).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nafter$/);
    expect(writeOutcome).toHaveLength(1);
    expect(writeOutcome[0]).toMatchObject({ code: 'WEFT_ERR_CONTENT_LENGTH' });
  });

  test('a last chunk past the declared length is not sent, and the connection is closed', async () => {
    const received = await exchange(client, get('/last-too-long') + get('/after'));
    expect(received).toMatch(/Content-Length: 2\r\n/);
    expect(received).not.toContain('abc');
    expect(received).not.toContain('after'); // the connection closed instead of answering the next request
  });

  test('a body ending short of its Content-Length closes the connection: the client sees it incomplete', async () => {
    errors.length = 0;
    const received = await exchange(client, get('/too-short') + get('/after'));
    expect(received).toMatch(/Content-Length: 10\r\n[\s\S]*\r\n\r\nabc$/);
    expect(received).not.toContain('after');
    expect(errors.some(({ obj }) => JSON.stringify(obj).includes('WEFT_ERR_CONTENT_LENGTH'))).toBe(true);
  });

  test('writes that add up to the declared length keep the connection', async () => {
    const received = await exchange(client, get('/exact') + get('/after', true));
    expect(received).toMatch(/\r\n\r\nhello(?=HTTP)/);
    expect(received).toMatch(/\r\n\r\nafter$/);
  });

  test('a StreamResponse with a Transfer-Encoding other than chunked fails prepare() (500): the coding would be announced, not applied', async () => {
    for (const path of ['/stream-te-gzip', '/stream-te-gzip-chunked']) {
      expect(await exchange(client, get(path, true))).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n(?![\s\S]*HTTP\/1\.1 200)/);
    }
    expect(errors.map((e) => (e.obj as { err?: { code?: string } }).err?.code)).toContain('WEFT_ERR_INVALID_HEADER');
  });

  test('Transfer-Encoding: chunked on a stream is framed by node: chunks on HTTP/1.1, until close on HTTP/1.0 (no chunked there)', async () => {
    const eleven = await exchange(client, get('/stream-te-chunked', true));
    expect(eleven).toMatch(/Transfer-Encoding: chunked\r\n/);
    expect(eleven).toMatch(/\r\n\r\n11\r\nHTTP\/1\.1 200 OK\r\n\r\n0\r\n\r\n$/);
    const ten = await exchange(client, 'GET /stream-te-chunked HTTP/1.0\r\n\r\n');
    expect(ten).not.toMatch(/Transfer-Encoding/i);
    expect(ten).toMatch(/Connection: close\r\n/);
    expect(ten).toMatch(/\r\n\r\nHTTP\/1\.1 200 OK\r\n$/);
  });

  test('a Content-Length header that is not one decimal number is refused where it is set (500): it would be sent as the framing', async () => {
    errors.length = 0;
    for (const path of ['/stream-cl-abc', '/stream-cl-negative', '/stream-cl-list']) {
      const received = await exchange(client, get(path) + get('/after', true));
      expect(received).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
      expect(received).not.toMatch(/Content-Length: (abc|-1|3, 3)/);
      expect(received).not.toContain('abc');
    }
    expect(errors.map((e) => (e.obj as { err?: { code?: string } }).err?.code)).toContain('WEFT_ERR_INVALID_HEADER');
    const valid = await exchange(client, get('/stream-cl-header') + get('/after', true));
    expect(valid).toMatch(/Content-Length: 3\r\n[\s\S]*\r\n\r\nabc(?=HTTP)/);
    expect(valid).toMatch(/\r\n\r\nafter$/);
  });

  test('205 Reset Content carries no content (RFC 9110 15.3.6): Content-Length: 0, and the connection goes on', async () => {
    const received = await exchange(client, get('/reset') + get('/after', true));
    expect(received).toMatch(/^HTTP\/1\.1 205 Reset Content\r\n/);
    expect(received).toMatch(/Content-Length: 0\r\n/);
    expect(received).not.toMatch(/ignored/);
    expect(received).toMatch(/\r\n\r\nHTTP\/1\.1 200 OK[\s\S]*\r\n\r\nafter$/);
  });

  test('a 1xx status is not a final answer: a Response with one is refused (500), not sent as an interim response', async () => {
    expect(await exchange(client, get('/interim', true))).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(errors.map((e) => (e.obj as { err?: { code?: string } }).err?.code)).toContain('WEFT_ERR_INVALID_STATUS');
  });

  test('Content-Length and Transfer-Encoding are never sent together (RFC 9112 6.2)', async () => {
    const fixed = await exchange(client, get('/te-and-cl', true));
    expect(fixed).toMatch(/Content-Length: 5\r\n/);
    expect(fixed).not.toMatch(/Transfer-Encoding/i);
    expect(fixed).toMatch(/\r\n\r\nhello$/);
    const streamed = await exchange(client, get('/stream-te-and-cl', true));
    expect(streamed).toMatch(/Transfer-Encoding: chunked\r\n/);
    expect(streamed).not.toMatch(/Content-Length/i);
    expect(streamed).toMatch(/\r\n\r\n6\r\nabcdef\r\n0\r\n\r\n$/);
  });
});
