import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { Key } from '../../container/key.js';
import { WeftError } from '../errors.js';
import { Request } from './request.js';
import { StreamResponse } from './stream-response.js';

interface Exchange {
  /** Everything the client received, once the server closed the connection. */
  response: Promise<string>;
  /** What the handler returned or threw. */
  outcome: Promise<unknown>;
  socket: net.Socket;
  close(): void;
}

/** Starts a server running `handler` for one request sent raw; resolves what happened. */
async function exchange(
  handler: (request: Request) => Promise<unknown>,
  rawRequest = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  { pauseClient = false } = {},
): Promise<Exchange> {
  let settle: (value: unknown) => void = () => undefined;
  const outcome = new Promise<unknown>((resolve) => (settle = resolve));
  const server = http.createServer((req, res) => {
    handler(new Request(req, res)).then(settle, settle);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  if (pauseClient) socket.pause();
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  if (pauseClient) socket.pause();
  const response = new Promise<string>((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks).toString())));
  socket.write(rawRequest);
  return {
    response,
    outcome,
    socket,
    close: () => {
      socket.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

function headerBlock(raw: string): string {
  return raw.slice(0, raw.indexOf('\r\n\r\n'));
}

function codeOf(err: unknown): string | undefined {
  return err instanceof WeftError ? err.code : undefined;
}

describe('StreamResponse over a real socket', () => {
  it('sends status and headers at prepare(), then chunks, then ends', async () => {
    const run = await exchange(async (request) => {
      const response = new StreamResponse({ status: 201, headers: { 'X-Stream': 'yes' } });
      response.contentType = 'text/event-stream';
      expect(response.prepared).toBe(false);
      await response.prepare(request);
      expect(response.prepared).toBe(true);
      await response.write('data: 1\n\n');
      await response.write(Buffer.from('data: 2\n\n'));
      await response.end('data: end\n\n');
      expect(response.ended).toBe(true);
      await response.end();
    });
    const raw = await run.response;
    run.close();
    expect(await run.outcome).toBeUndefined();
    expect(raw).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
    expect(headerBlock(raw)).toMatch(/\r\nX-Stream: yes\r\n/);
    expect(headerBlock(raw)).toMatch(/\r\nContent-Type: text\/event-stream\r\n/);
    expect(headerBlock(raw)).toMatch(/\r\nTransfer-Encoding: chunked/);
    expect(raw).toContain('data: 1\n\n');
    expect(raw).toContain('data: 2\n\n');
    expect(raw).toContain('data: end\n\n');
  });

  it('runs the prepare hook first: headers changed there go out', async () => {
    const run = await exchange(async (request) => {
      const calls: string[] = [];
      request.prepareHook = async (req, response) => {
        calls.push(req.method);
        await new Promise((resolve) => setTimeout(resolve, 5));
        response.headers.set('X-Hook', 'ran');
        response.status = 202;
      };
      const response = new StreamResponse();
      const first = response.prepare(request);
      const second = response.prepare(request);
      await Promise.all([first, second]);
      await response.prepare(request);
      await response.end('x');
      return calls;
    });
    const raw = await run.response;
    run.close();
    expect(await run.outcome).toEqual(['GET']);
    expect(raw).toMatch(/^HTTP\/1\.1 202 Accepted\r\n/);
    expect(headerBlock(raw)).toMatch(/\r\nX-Hook: ran\r\n/);
    expect(headerBlock(raw)).toMatch(/\r\nContent-Type: application\/octet-stream\r\n/);
  });

  it('rejects prepare() when the hook throws, and can prepare again', async () => {
    const run = await exchange(async (request) => {
      let fail = true;
      request.prepareHook = () => {
        if (fail) throw new Error('hook failed');
      };
      const response = new StreamResponse();
      const error = await response.prepare(request).catch((err: Error) => err.message);
      expect(response.prepared).toBe(false);
      fail = false;
      await response.prepare(request);
      await response.end();
      return error;
    });
    await run.response;
    run.close();
    expect(await run.outcome).toBe('hook failed');
  });

  it('throws WEFT_ERR_HEADERS_SENT for every header or status change after prepare()', async () => {
    const run = await exchange(async (request) => {
      const response = new StreamResponse({ headers: { 'Content-Type': 'text/plain' } });
      await response.prepare(request);
      const changes: Array<() => unknown> = [
        () => (response.status = 500),
        () => (response.reason = 'Nope'),
        () => response.setStatus(500),
        () => response.headers.set('X-Late', '1'),
        () => response.headers.append('X-Late', '1'),
        () => response.headers.delete('content-type'),
        () => (response.contentType = 'text/html'),
        () => (response.charset = 'utf-8'),
        () => (response.contentLength = 3),
        () => response.setCookie('a', '1'),
        () => response.deleteCookie('a'),
        () => response.forceClose(),
      ];
      const codes = changes.map((change) => {
        try {
          change();
          return 'no error';
        } catch (err) {
          return codeOf(err);
        }
      });
      await response.end();
      return { codes, status: response.status };
    });
    const raw = await run.response;
    run.close();
    const { codes, status } = (await run.outcome) as { codes: string[]; status: number };
    expect(codes).toEqual(new Array(12).fill('WEFT_ERR_HEADERS_SENT'));
    expect(status).toBe(200);
    expect(raw).not.toContain('X-Late');
  });

  it('rejects write() before prepare() and after end(), with WEFT_ERR_RESPONSE_STATE', async () => {
    const run = await exchange(async (request) => {
      const response = new StreamResponse();
      const errorOf = (promise: Promise<void>): Promise<WeftError> => promise.then(() => Promise.reject(new Error('resolved')), (err: WeftError) => err);
      const before = await errorOf(response.write('x'));
      const endBefore = await errorOf(response.end());
      await response.prepare(request);
      await response.end();
      const after = await errorOf(response.write('x'));
      return [before, endBefore, after].map((err) => [err.code, err.message]);
    });
    await run.response;
    run.close();
    expect(await run.outcome).toEqual([
      ['WEFT_ERR_RESPONSE_STATE', 'WEFT_ERR_RESPONSE_STATE: cannot call write() before prepare(request) has finished'],
      ['WEFT_ERR_RESPONSE_STATE', 'WEFT_ERR_RESPONSE_STATE: cannot call end() before prepare(request) has finished'],
      ['WEFT_ERR_RESPONSE_STATE', 'WEFT_ERR_RESPONSE_STATE: cannot call write() after end()'],
    ]);
  });

  it('refuses to prepare when node already sent a response', async () => {
    const run = await exchange(async (request) => {
      request.rawResponse.end('raw');
      return new StreamResponse().prepare(request).catch((err: WeftError) => err.code);
    });
    await run.response;
    run.close();
    expect(await run.outcome).toBe('WEFT_ERR_RESPONSE_STATE');
  });

  it('sends no body for HEAD requests, though writes are accepted', async () => {
    const run = await exchange(async (request) => {
      const response = new StreamResponse();
      await response.prepare(request);
      await response.write('ignored');
      await response.end('also ignored');
    }, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const raw = await run.response;
    run.close();
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
    expect(raw).not.toContain('ignored');
  });

  it.each([204, 304])('sends no body for status %d, and no Content-Length for 204', async (status) => {
    const run = await exchange(async (request) => {
      const response = new StreamResponse({ status, headers: { 'Content-Length': '5' } });
      await response.prepare(request);
      await response.write('hello');
      await response.end();
    });
    const raw = await run.response;
    run.close();
    expect(raw).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
    expect(raw).not.toContain('hello');
    expect(/Content-Length/i.test(raw)).toBe(status === 304);
    expect(raw).not.toMatch(/Content-Type/i);
  });

  it('writes a custom reason phrase and Connection: close after forceClose()', async () => {
    const run = await exchange(async (request) => {
      const response = new StreamResponse({ status: 299, reason: 'Fine Enough' });
      response.forceClose();
      expect(response.keepAlive).toBe(false);
      await response.prepare(request);
      await response.end();
    }, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const raw = await run.response;
    run.close();
    expect(raw).toMatch(/^HTTP\/1\.1 299 Fine Enough\r\n/);
    expect(headerBlock(raw)).toMatch(/\r\nConnection: close/);
  });

  it('applies backpressure: write() waits for drain while the client does not read', async () => {
    let blockedAfter = 0;
    let resumed: () => void = () => undefined;
    const clientResumed = new Promise<void>((resolve) => (resumed = resolve));
    const run = await exchange(
      async (request) => {
        const response = new StreamResponse();
        await response.prepare(request);
        const chunk = Buffer.alloc(64 * 1024, 0x78);
        for (;;) {
          const write = response.write(chunk);
          const pending = await Promise.race([write.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 50))]);
          blockedAfter += chunk.length;
          if (pending) {
            resumed();
            await write;
            break;
          }
          if (blockedAfter > 256 * 1024 * 1024) throw new Error('write() never waited');
        }
        await response.end();
        return blockedAfter;
      },
      undefined,
      { pauseClient: true },
    );
    await clientResumed;
    run.socket.resume();
    const raw = await run.response;
    run.close();
    const written = (await run.outcome) as number;
    // stopped when the socket buffers were full, far below what an unbounded loop would queue
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expect(raw.length).toBeGreaterThanOrEqual(written);
  });

  it('rejects writes with WEFT_ERR_CLIENT_GONE once the client left, a pending drain too', async () => {
    let blocked: () => void = () => undefined;
    const writeBlocked = new Promise<void>((resolve) => (blocked = resolve));
    const run = await exchange(
      async (request) => {
        const response = new StreamResponse();
        await response.prepare(request);
        const chunk = Buffer.alloc(64 * 1024, 0x78);
        let write = response.write(chunk);
        while (!(await Promise.race([write.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 30))]))) {
          write = response.write(chunk);
        }
        blocked();
        const pending = await write.catch((err: WeftError) => err);
        const later = await response.write('more').catch((err: WeftError) => err);
        const last = await response.end('last').catch((err: WeftError) => err);
        return [pending, later, last].map(codeOf);
      },
      undefined,
      { pauseClient: true },
    );
    await writeBlocked;
    run.socket.destroy();
    await run.response;
    run.close();
    expect(await run.outcome).toEqual(['WEFT_ERR_CLIENT_GONE', 'WEFT_ERR_CLIENT_GONE', 'WEFT_ERR_CLIENT_GONE']);
  });
});

describe('StreamResponse headers, cookies and locals', () => {
  it('defaults to 200 OK with the standard reason, which follows the status', () => {
    const response = new StreamResponse();
    expect(response.status).toBe(200);
    expect(response.reason).toBe('OK');
    response.status = 404;
    expect(response.reason).toBe('Not Found');
    response.setStatus(418, 'Teapot');
    expect(response.reason).toBe('Teapot');
    response.setStatus(200);
    expect(response.reason).toBe('OK');
  });

  it('reads and writes content type and charset through the Content-Type header', () => {
    const response = new StreamResponse();
    expect(response.contentType).toBe('');
    expect(response.charset).toBeUndefined();
    response.contentType = 'Text/HTML';
    expect(response.contentType).toBe('text/html');
    response.charset = 'utf-8';
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    response.contentType = 'text/plain';
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    response.contentType = 'application/json; charset=latin1';
    expect(response.charset).toBe('latin1');
    response.charset = undefined;
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('reads and writes the content length', () => {
    const response = new StreamResponse();
    expect(response.contentLength).toBeUndefined();
    response.contentLength = 12;
    expect(response.headers.get('content-length')).toBe('12');
    expect(response.contentLength).toBe(12);
    response.contentLength = undefined;
    expect(response.headers.has('content-length')).toBe(false);
  });

  it.each<[string, (response: StreamResponse) => unknown, string, RegExp]>([
    ['an invalid content type', (r) => (r.contentType = 'nope'), 'WEFT_ERR_INVALID_HEADER', /invalid content type "nope"/],
    ['a charset without a content type', (r) => (r.charset = 'utf-8'), 'WEFT_ERR_RESPONSE_STATE', /set contentType before charset/],
    ['a negative content length', (r) => (r.contentLength = -1), 'WEFT_ERR_INVALID_HEADER', /invalid content length -1/],
    ['a fractional content length', (r) => (r.contentLength = 1.5), 'WEFT_ERR_INVALID_HEADER', /invalid content length 1.5/],
    ['a status below 100', (r) => (r.status = 42), 'WEFT_ERR_INVALID_STATUS', /invalid status code 42/],
    ['a reason with a newline', (r) => (r.reason = 'a\nb'), 'WEFT_ERR_INVALID_STATUS', /invalid reason phrase/],
    ['an invalid cookie', (r) => r.setCookie('bad name', 'v'), 'WEFT_ERR_INVALID_COOKIE', /invalid cookie name "bad name"/],
  ])('rejects %s with a coded error', (_what, change, code, message) => {
    const response = new StreamResponse();
    let error: unknown;
    try {
      change(response);
    } catch (err) {
      error = err;
    }
    expect(codeOf(error)).toBe(code);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects an invalid status in the constructor', () => {
    expect(() => new StreamResponse({ status: 1000 })).toThrow(expect.objectContaining({ code: 'WEFT_ERR_INVALID_STATUS' }));
  });

  it('replaces a cookie set twice with the same name, domain and path, and keeps others', () => {
    const response = new StreamResponse();
    response.setCookie('a', '1');
    response.setCookie('b', '2', { path: '/b' });
    response.setCookie('a', '3');
    response.setCookie('a', '4', { path: '/other' });
    expect(response.headers.getAll('set-cookie')).toEqual(['b=2; Path=/b', 'a=3; Path=/', 'a=4; Path=/other']);
    response.deleteCookie('a');
    expect(response.headers.getAll('set-cookie')).toEqual([
      'b=2; Path=/b',
      'a=4; Path=/other',
      'a=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
  });

  it('keeps typed locals keyed by Key<T>', () => {
    const Timing = new Key<number>('timing');
    const User = new Key<{ id: string }>('user');
    const response = new StreamResponse();
    expect(response.locals.get(Timing)).toBeUndefined();
    response.locals.set(Timing, 12).set(User, { id: '7' });
    const timing: number | undefined = response.locals.get(Timing);
    expect(timing).toBe(12);
    expect(response.locals.get(User)?.id).toBe('7');
    expect(response.locals.has(User)).toBe(true);
    expect(response.locals).toBe(response.locals);
  });
});
