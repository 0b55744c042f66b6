import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { WeftError } from '../errors.js';
import { HttpError, HTTPRequestEntityTooLarge } from './http-errors.js';
import { Request } from './request.js';
import { Response, json } from './response.js';
import { sendResponse } from './send-response.js';
import { toResponse } from './to-response.js';

type Handler = (request: Request) => unknown;

interface TestServer {
  port: number;
  url: string;
  server: http.Server;
  errors: unknown[];
  close(): Promise<void>;
}

/** A real node:http server on 127.0.0.1:0 answering with `handler`, errors as their responses. */
async function serve(handler: Handler, options?: { clientMaxSize?: number; checkContinue?: boolean }): Promise<TestServer> {
  const errors: unknown[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const request = new Request(req, res, options);
    void (async () => {
      let response;
      try {
        response = toResponse(await handler(request));
      } catch (err) {
        errors.push(err);
        response = err instanceof HttpError ? err.toResponse() : new Response({ status: 500, text: String(err) });
      }
      await sendResponse(request, response).catch((err: unknown) => errors.push(err));
    })();
  };
  const server = http.createServer(onRequest);
  if (options?.checkContinue) server.on('checkContinue', onRequest);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    server,
    errors,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Sends raw bytes and collects everything until the server closes the connection. */
async function rawExchange(port: number, data: string | Buffer): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(data);
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('utf8');
}

function statusOf(rawResponse: string): number {
  return Number(rawResponse.split(' ')[1]);
}

function bodyOf(rawResponse: string): string {
  return rawResponse.slice(rawResponse.indexOf('\r\n\r\n') + 4);
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Request accessors', () => {
  it('exposes method, target, paths, query, headers, cookies and connection facts', async () => {
    server = await serve((r) => ({
      method: r.method,
      target: r.target,
      rawPath: r.rawPath,
      path: r.path,
      queryString: r.queryString,
      a: r.query.getAll('a'),
      b: r.query.get('b'),
      url: r.url.href,
      host: r.host,
      scheme: r.scheme,
      secure: r.secure,
      remote: r.remote,
      httpVersion: r.httpVersion,
      keepAlive: r.keepAlive,
      accept: r.headers.get('ACCEPT'),
      xAll: r.headers.getAll('x-multi'),
      hasX: r.headers.has('X-Multi'),
      lines: [...r.headers].filter(([name]) => name === 'x-multi'),
      rawFirst: r.rawHeaders[0],
      cookies: r.cookies,
      contentType: r.contentType,
      charset: r.charset,
      contentLength: r.contentLength ?? null,
      params: r.params,
    }));
    const response = await rawExchange(
      server.port,
      'GET /users/a%20b%2Fc?a=1&a=2&b=x+y%21 HTTP/1.1\r\nHost: example.test:8080\r\nAccept: text/html\r\n' +
        'X-Multi: one\r\nx-multi: two\r\nCookie: sid=abc; name=J%C3%BCrgen\r\nContent-Type: Text/Plain; Charset=latin1\r\n' +
        'Connection: close\r\n\r\n',
    );
    expect(statusOf(response)).toBe(200);
    expect(JSON.parse(bodyOf(response))).toEqual({
      method: 'GET',
      target: '/users/a%20b%2Fc?a=1&a=2&b=x+y%21',
      rawPath: '/users/a%20b%2Fc',
      path: '/users/a b/c',
      queryString: 'a=1&a=2&b=x+y%21',
      a: ['1', '2'],
      b: 'x y!',
      url: 'http://example.test:8080/users/a%20b%2Fc?a=1&a=2&b=x+y%21',
      host: 'example.test:8080',
      scheme: 'http',
      secure: false,
      remote: '127.0.0.1',
      httpVersion: '1.1',
      keepAlive: false,
      accept: 'text/html',
      xAll: ['one', 'two'],
      hasX: true,
      lines: [
        ['x-multi', 'one'],
        ['x-multi', 'two'],
      ],
      rawFirst: ['Host', 'example.test:8080'],
      cookies: { sid: 'abc', name: 'Jürgen' },
      contentType: 'text/plain',
      charset: 'latin1',
      contentLength: null,
      params: {},
    });
  });

  it('keeps the connection alive for HTTP/1.1 clients that do not ask to close', async () => {
    server = await serve((r) => ({ keepAlive: r.keepAlive }));
    const response = await fetch(`${server.url}/`);
    expect(await response.json()).toEqual({ keepAlive: true });
  });

  it('answers 400 for invalid percent-encoding or invalid UTF-8 in the path', async () => {
    server = await serve((r) => r.path);
    for (const target of ['/a%ZZ', '/a%C3%28', '/%']) {
      const response = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(statusOf(response)).toBe(400);
      expect(bodyOf(response)).toBe(`Invalid percent-encoding in the request path: ${target}`);
    }
    expect(server.errors).toHaveLength(3);
  });

  it('splits absolute-form targets and asterisk targets', async () => {
    server = await serve((r) => ({ rawPath: r.rawPath, queryString: r.queryString, url: r.url.href }));
    let response = await rawExchange(server.port, 'GET http://example.test/x/y?z=1 HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(bodyOf(response))).toEqual({ rawPath: '/x/y', queryString: 'z=1', url: 'http://example.test/x/y?z=1' });
    response = await rawExchange(server.port, 'GET http://example.test?z=2 HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(bodyOf(response))).toMatchObject({ rawPath: '/', queryString: 'z=2' });
    response = await rawExchange(server.port, 'OPTIONS * HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(bodyOf(response))).toMatchObject({ rawPath: '*', queryString: '', url: 'http://example.test/' });
  });

  it('normalises url but not rawPath, and keeps // paths as paths', async () => {
    server = await serve((r) => ({ rawPath: r.rawPath, pathname: r.url.pathname, host: r.url.host }));
    let response = await rawExchange(server.port, 'GET /a/../b HTTP/1.1\r\nHost: h.test\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(bodyOf(response))).toEqual({ rawPath: '/a/../b', pathname: '/b', host: 'h.test' });
    response = await rawExchange(server.port, 'GET //users/42 HTTP/1.1\r\nHost: h.test\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(bodyOf(response))).toEqual({ rawPath: '//users/42', pathname: '//users/42', host: 'h.test' });
  });

  it('answers 400 for a Host header that cannot form a URL', async () => {
    server = await serve((r) => r.url.href);
    const response = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: evil.test/x@y\r\nConnection: close\r\n\r\n');
    expect(statusOf(response)).toBe(400);
    expect(bodyOf(response)).toBe('Invalid Host header: evil.test/x@y');
    // characters a host may hold, which still cannot form one, are blamed on the Host header too
    const encoded = await rawExchange(server.port, 'GET /fine HTTP/1.1\r\nHost: evil.test%2f\r\nConnection: close\r\n\r\n');
    expect([statusOf(encoded), bodyOf(encoded)]).toEqual([400, 'Invalid Host header: evil.test%2f']);
  });

  it('request.host answers 400 for two Host headers or an invalid one, as request.url does (RFC 9112 3.2)', async () => {
    server = await serve((r) => r.host);
    for (const hosts of [['a.test', 'b.test'], ['a b'], ['user@evil.test'], ['evil.test/path'], ['']]) {
      const lines = hosts.map((host) => `Host: ${host}\r\n`).join('');
      const response = await rawExchange(server.port, `GET / HTTP/1.1\r\n${lines}Connection: close\r\n\r\n`);
      expect({ hosts, status: statusOf(response) }).toEqual({ hosts, status: 400 });
    }
    const ok = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n');
    expect(bodyOf(ok)).toBe('[::1]:8080');
  });

  it('an absolute-form target gives host and url their authority, whatever the Host header says (RFC 9112 3.2.2)', async () => {
    server = await serve((r) => ({ host: r.host, url: r.url.href }));
    const response = await rawExchange(server.port, 'GET http://api.test:8443/a?b=1 HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(bodyOf(response))).toEqual({ host: 'api.test:8443', url: 'http://api.test:8443/a?b=1' });
  });

  it('an absolute-form target must be http or https; the url keeps the connection\'s scheme', async () => {
    server = await serve((r) => ({ host: r.host, url: r.url.href, secure: r.secure }));
    for (const target of ['javascript://evil.test/x', 'file:///etc/passwd', 'mailto:a@b.test']) {
      const response = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: h.test\r\nConnection: close\r\n\r\n`);
      expect({ target, status: statusOf(response) }).toEqual({ target, status: 400 });
    }
    const https = await rawExchange(server.port, 'GET https://api.test/a?b=1 HTTP/1.1\r\nHost: h.test\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(bodyOf(https))).toEqual({ host: 'api.test', url: 'http://api.test/a?b=1', secure: false });
  });

  it('falls back to the local address when there is no Host header (HTTP/1.0)', async () => {
    server = await serve((r) => r.host);
    const response = await rawExchange(server.port, 'GET / HTTP/1.0\r\n\r\n');
    expect(bodyOf(response)).toBe(`127.0.0.1:${server.port}`);
  });

  it('has no body for a GET, and a body for POSTs with a length or chunked', async () => {
    server = await serve(async (r) => ({ hasBody: r.hasBody, canReadBody: r.canReadBody, body: (await r.read()).length, after: r.canReadBody }));
    expect(await (await fetch(server.url)).json()).toEqual({ hasBody: false, canReadBody: false, body: 0, after: false });
    expect(await (await fetch(server.url, { method: 'POST', body: 'abc' })).json()).toEqual({ hasBody: true, canReadBody: true, body: 3, after: false });
  });
});

describe('Request bodies', () => {
  it('reads the body once and caches it: text() then json() then read() then arrayBuffer()', async () => {
    server = await serve(async (r) => {
      const text = await r.text();
      const data = await r.json();
      const bytes = await r.read();
      const buffer = await r.arrayBuffer();
      return { text, data, bytes: bytes.length, buffer: buffer.byteLength, isArrayBuffer: buffer instanceof ArrayBuffer };
    });
    const response = await fetch(server.url, { method: 'POST', body: '{"a":[1,2]}', headers: { 'Content-Type': 'application/json' } });
    expect(await response.json()).toEqual({ text: '{"a":[1,2]}', data: { a: [1, 2] }, bytes: 11, buffer: 11, isArrayBuffer: true });
  });

  it('decodes text with the charset of Content-Type, and rejects invalid bytes or unknown charsets', async () => {
    server = await serve((r) => r.text());
    let response = await fetch(server.url, { method: 'POST', body: Buffer.from([0x63, 0x61, 0x66, 0xe9]), headers: { 'Content-Type': 'text/plain; charset=ISO-8859-1' } });
    expect(await response.text()).toBe('café');
    response = await fetch(server.url, { method: 'POST', body: Buffer.from([0xff, 0xfe, 0xfd]), headers: { 'Content-Type': 'text/plain' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Request body is not valid utf-8');
    response = await fetch(server.url, { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain; charset=klingon' } });
    expect(response.status).toBe(415);
    expect(await response.text()).toBe('Unsupported charset: klingon');
  });

  it('UTF-8: a BOM is dropped, a real U+FFFD kept, malformed bytes anywhere refused, non-Latin-1 text kept', async () => {
    server = await serve(async (r) => ({ text: await r.text() }));
    const url = server.url;
    const post = (bytes: number[] | Buffer, type = 'text/plain; charset=utf-8') => fetch(url, { method: 'POST', body: Buffer.from(bytes), headers: { 'Content-Type': type } });
    expect(await (await post([0xef, 0xbb, 0xbf, 0x68, 0x69])).json()).toEqual({ text: 'hi' });
    expect(await (await post(Buffer.from('a\uFFFDb'))).json()).toEqual({ text: 'a\uFFFDb' });
    expect(await (await post(Buffer.from('żółw 🐢', 'utf8'), 'text/plain')).json()).toEqual({ text: 'żółw 🐢' });
    for (const bytes of [[0x61, 0xc3], [0xc3, 0x28, 0x61], [0x61, 0xed, 0xa0, 0x80], Buffer.concat([Buffer.from('ok \uFFFD '), Buffer.from([0xff])])]) {
      const response = await post(bytes as number[]);
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('Request body is not valid utf-8');
    }
    await server.close();
    server = await serve((r) => r.json());
    const json = await fetch(server.url, { method: 'POST', body: Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('{"a":1}')]), headers: { 'Content-Type': 'application/json' } });
    expect(await json.json()).toEqual({ a: 1 });
  });

  it('answers 400 naming the problem for invalid JSON, and for an empty body', async () => {
    server = await serve((r) => r.json());
    let response = await fetch(server.url, { method: 'POST', body: '{"a": nope}', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^Invalid JSON body: Unexpected token/);
    response = await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Invalid JSON body: the body is empty');
  });

  it('answers 400 for prototype pollution attempts, escaped ones too', async () => {
    server = await serve((r) => r.json());
    const attempts = [
      ['{"a":{"__proto__":{"admin":true}}}', '"__proto__"'],
      ['{"\\u005f_proto__":{"admin":true}}', '"__proto__"'],
      ['[{"constructor":{"prototype":{"admin":true}}}]', '"constructor.prototype"'],
    ];
    for (const [body, key] of attempts) {
      const response = await fetch(server.url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(await response.text()).toBe(`Invalid JSON body: ${key} is not allowed`);
    }
    const harmless = await fetch(server.url, {
      method: 'POST',
      body: '{"constructor":"Ada","note":"caf\\u00e9"}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(await harmless.json()).toEqual({ constructor: 'Ada', note: 'café' });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('answers 415 for json() with a non-JSON content type, accepts +json and a missing type', async () => {
    server = await serve((r) => r.json());
    let response = await fetch(server.url, { method: 'POST', body: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(await response.text()).toBe('Unsupported Media Type: expected application/json, got text/plain');
    response = await fetch(server.url, { method: 'POST', body: '{"ok":1}', headers: { 'Content-Type': 'application/vnd.api+json; charset=utf-8' } });
    expect(await response.json()).toEqual({ ok: 1 });
    response = await rawExchange(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{"ok":2}').then(
      (raw) => new globalThis.Response(bodyOf(raw)),
    );
    expect(await response.json()).toEqual({ ok: 2 });
  });

  it('rejects (never throws) from json() for a wrong type, and reads a bare type as utf-8 without a charset', async () => {
    server = await serve((r) => {
      const call = r.json();
      const settled = call.then(
        () => 'resolved',
        (err: HttpError) => `${err.status}`,
      );
      return settled.then(async (outcome) => ({ promise: call instanceof Promise, outcome, type: r.contentType, charset: r.charset ?? null, text: await r.text() }));
    });
    const response = await fetch(server.url, { method: 'POST', body: Buffer.from('café'), headers: { 'Content-Type': 'text/plain' } });
    expect(await response.json()).toEqual({ promise: true, outcome: '415', type: 'text/plain', charset: null, text: 'café' });
  });
});

describe('Request body limit (clientMaxSize)', () => {
  it('accepts a body of exactly clientMaxSize bytes, with Content-Length or chunked', async () => {
    server = await serve(async (r) => (await r.read()).length, { clientMaxSize: 1024 });
    const body = Buffer.alloc(1024, 0x61);
    expect(await (await fetch(server.url, { method: 'POST', body })).text()).toBe('1024');
    const chunked = await rawExchange(
      server.port,
      Buffer.concat([Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n400\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]),
    );
    expect(bodyOf(chunked)).toBe('1024');
  });

  it('answers 413 before reading a byte when Content-Length exceeds the limit, and closes the connection', async () => {
    let sawError: unknown;
    server = await serve(
      async (r) => {
        try {
          return await r.read();
        } catch (err) {
          sawError = err;
          expect(r.raw.readableLength).toBe(0);
          throw err;
        }
      },
      { clientMaxSize: 1024 },
    );
    // headers only: a server that waited for the body would never answer
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n');
    const [data] = (await once(socket, 'data')) as [Buffer];
    const response = data.toString();
    socket.destroy();
    expect(statusOf(response)).toBe(413);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(bodyOf(response)).toBe('Maximum request body size 1024 exceeded, actual body size 1025');
    expect(sawError).toBeInstanceOf(HTTPRequestEntityTooLarge);
    expect(sawError).toMatchObject({ status: 413, maxSize: 1024, actualSize: 1025 });
  });

  it('answers 413 while a chunked body streams in, without buffering it', async () => {
    const limit = 1_048_576;
    const total = 64 * 1_048_576;
    let error: HTTPRequestEntityTooLarge | undefined;
    server = await serve(
      async (r) => {
        try {
          return await r.read();
        } catch (err) {
          error = err as HTTPRequestEntityTooLarge;
          throw err;
        }
      },
      { clientMaxSize: limit },
    );
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    const request = http.request({ port: server.port, host: '127.0.0.1', method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } });
    request.on('error', () => undefined);
    const responded = once(request, 'response') as Promise<[http.IncomingMessage]>;
    let sent = 0;
    let answered = false;
    void responded.then(() => (answered = true));
    while (sent < total && !answered && !request.destroyed) {
      sent += chunk.length;
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      if (!request.write(chunk)) await Promise.race([once(request, 'drain'), responded, once(request, 'close')]);
    }
    const [response] = await responded;
    const text = await new Promise<string>((resolve) => {
      let out = '';
      response.on('data', (d: Buffer) => (out += d.toString()));
      response.on('end', () => resolve(out));
      response.on('error', () => resolve(out));
    });
    request.destroy();
    expect(response.statusCode).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(text).toMatch(/^Maximum request body size 1048576 exceeded, actual body size \d+$/);
    // stopped at the first chunk that crossed the limit
    expect(error!.actualSize).toBeGreaterThan(limit);
    expect(error!.actualSize).toBeLessThan(limit + 128 * 1024);
    // the client was still sending when the answer came, and memory never grew by the body size
    expect(sent).toBeLessThan(total);
    expect(peak - before).toBeLessThan(total / 2);
  });

  it('applies the limit to stream() too, at the chunk that crosses it', async () => {
    server = await serve(
      async (r) => {
        let seen = 0;
        for await (const chunk of r.body) seen += chunk.length;
        return seen;
      },
      { clientMaxSize: 10 },
    );
    const ok = await rawExchange(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n');
    expect(bodyOf(ok)).toBe('10');
    const tooBig = await rawExchange(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n');
    expect(statusOf(tooBig)).toBe(413);
    expect(tooBig).toMatch(/\r\nConnection: close\r\n/i);
  });

  it('uses the clientMaxSize set on the request before reading (per route)', async () => {
    server = await serve(async (r) => {
      r.clientMaxSize = 4;
      return r.text();
    });
    const response = await fetch(server.url, { method: 'POST', body: 'hello' });
    expect(response.status).toBe(413);
  });

  it.each([['10mb'], [Number.NaN], [-1], [1.5], [undefined], [null]])('refuses clientMaxSize = %p where it is set (it would mean no limit)', (value) => {
    const request = new Request({} as http.IncomingMessage, {} as http.ServerResponse);
    let thrown: unknown;
    try {
      request.clientMaxSize = value as number;
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(WeftError);
    expect((thrown as WeftError).code).toBe('WEFT_ERR_INVALID_OPTION');
    expect((thrown as WeftError).message).toMatch(/request\.clientMaxSize: clientMaxSize must be a non-negative integer number of bytes \(or Infinity\), got /);
    expect(request.clientMaxSize).toBe(1_048_576);
    const construct = () => new Request({} as http.IncomingMessage, {} as http.ServerResponse, { clientMaxSize: value as number });
    // the constructor's option, like every option, may be left undefined
    if (value === undefined) expect(construct().clientMaxSize).toBe(1_048_576);
    else expect(construct).toThrow(/clientMaxSize must be/);
  });

  it('gives the route\'s limit until one is set on the request, then that one (Infinity too)', () => {
    const request = new Request({} as http.IncomingMessage, {} as http.ServerResponse);
    expect(request.clientMaxSize).toBe(1_048_576);
    request.route = { clientMaxSize: 10 } as NonNullable<Request['route']>;
    expect(request.clientMaxSize).toBe(10);
    request.clientMaxSize = Infinity;
    expect(request.clientMaxSize).toBe(Infinity);
    expect(request.clone().clientMaxSize).toBe(Infinity);
    expect(request.clone({ clientMaxSize: 3 }).clientMaxSize).toBe(3);
  });
});

describe('Request streaming', () => {
  it('yields chunks as they arrive and refuses a second way of reading', async () => {
    let second: unknown;
    server = await serve(async (r) => {
      const parts: string[] = [];
      for await (const chunk of r.stream()) parts.push(chunk.toString());
      second = await r.text().catch((err: unknown) => err);
      return parts.join('|');
    });
    const response = await rawExchange(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n');
    expect(bodyOf(response).replace(/\|/g, '')).toBe('abcdef');
    expect(second).toBeInstanceOf(WeftError);
    expect((second as WeftError).code).toBe('WEFT_ERR_BODY_CONSUMED');
  });

  it('streams the cached body after read()', async () => {
    server = await serve(async (r) => {
      await r.read();
      const chunks: Buffer[] = [];
      for await (const chunk of r.stream()) chunks.push(chunk);
      return Buffer.concat(chunks).toString();
    });
    expect(await (await fetch(server.url, { method: 'POST', body: 'cached' })).text()).toBe('cached');
  });
});

describe('Request and a client that leaves', () => {
  it('rejects a pending read with WEFT_ERR_CLIENT_GONE', async () => {
    let settled: (value: unknown) => void = () => undefined;
    const outcome = new Promise((resolve) => (settled = resolve));
    let started: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => (started = resolve));
    server = await serve((r) => {
      const read = r.read();
      started();
      return read.then(settled, settled);
    });
    const socket = net.connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789');
    await reading;
    socket.destroy();
    const error = (await outcome) as WeftError;
    expect(error).toBeInstanceOf(WeftError);
    expect(error.code).toBe('WEFT_ERR_CLIENT_GONE');
    expect(error.message).toMatch(/^WEFT_ERR_CLIENT_GONE: the client closed the connection/);
  });

  it('rejects a read started after the client left', async () => {
    let result: unknown;
    const done = new Promise<void>((resolve) => {
      void serve(async (r) => {
        // not events.once: its 'error' listener would turn the abort into a rejection here
        await new Promise((resolve) => r.raw.on('close', resolve));
        result = await r.text().catch((err: unknown) => err);
        resolve();
      }).then((s) => {
        server = s;
        const socket = net.connect(s.port, '127.0.0.1', () => {
          socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
          setTimeout(() => socket.destroy(), 50);
        });
      });
    });
    await done;
    expect((result as WeftError).code).toBe('WEFT_ERR_CLIENT_GONE');
  });
});

describe('Request.writeContinue', () => {
  it('sends 100 Continue once when the client expects it, and on first body read', async () => {
    server = await serve(
      async (r) => {
        r.writeContinue();
        r.writeContinue();
        return r.text();
      },
      { checkContinue: true },
    );
    const socket = net.connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    const received: string[] = [];
    socket.on('data', (d: Buffer) => {
      received.push(d.toString());
      if (d.toString().startsWith('HTTP/1.1 100')) socket.write('hello');
    });
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    await once(socket, 'close');
    const all = received.join('');
    expect(all.match(/100 Continue/g)).toHaveLength(1);
    expect(all.endsWith('hello')).toBe(true);
  });

  it('sends 100 Continue by itself when the body is read', async () => {
    server = await serve((r) => r.text(), { checkContinue: true });
    const socket = net.connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    let all = '';
    socket.on('data', (d: Buffer) => {
      all += d.toString();
      if (d.toString().startsWith('HTTP/1.1 100')) socket.write('12345');
    });
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    await once(socket, 'close');
    expect(all.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200')).toBe(true);
  });

  it('does nothing when the client does not expect it', async () => {
    server = await serve((r) => {
      r.writeContinue();
      return 'ok';
    });
    const response = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(response.startsWith('HTTP/1.1 200')).toBe(true);
  });
});

describe('Request.clone', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ clientMaxSize: '10mb' }, 'request.clone(): clientMaxSize must be a non-negative integer number of bytes (or Infinity), got "10mb"'],
    [{ clientMaxSize: -1 }, 'got -1'],
    [{ scheme: 'ftp' }, "request.clone(): scheme must be 'http' or 'https', got \"ftp\""],
    [{ host: 5 }, 'request.clone(): host must be a non-empty string, got 5'],
    [{ remote: '' }, 'request.clone(): remote must be a non-empty string, got ""'],
    [{ hots: 'x' }, 'request.clone(): unknown option "hots" (known: host, scheme, remote, clientMaxSize, headers)'],
  ])('refuses %p', (overrides, message) => {
    const request = new Request({} as http.IncomingMessage, {} as http.ServerResponse);
    expect(() => request.clone(overrides)).toThrow(message);
    expect(() => request.clone(overrides)).toThrow(WeftError);
  });

  it('overrides host, scheme, remote, clientMaxSize and headers, and shares the body', async () => {
    server = await serve(async (r) => {
      r.params = Object.freeze({ id: '7' });
      const first = await r.text();
      const clone = r.clone({ host: 'public.test', scheme: 'https', remote: '203.0.113.9', clientMaxSize: 99 });
      const replaced = r.clone({ headers: { Host: 'other.test', 'Content-Type': 'application/json', Cookie: 'a=1' } });
      return {
        first,
        again: await clone.text(),
        json: await replaced.json(),
        host: clone.host,
        scheme: clone.scheme,
        secure: clone.secure,
        remote: clone.remote,
        url: clone.url.href,
        clientMaxSize: clone.clientMaxSize,
        params: clone.params,
        originalHost: r.host,
        originalScheme: r.scheme,
        replacedHost: replaced.host,
        replacedCookies: replaced.cookies,
        replacedType: replaced.contentType,
        originalType: r.contentType,
      };
    });
    const response = await fetch(`${server.url}/p?q=1`, { method: 'POST', body: '{"v":1}', headers: { 'Content-Type': 'text/plain' } });
    expect(await response.json()).toEqual({
      first: '{"v":1}',
      again: '{"v":1}',
      json: { v: 1 },
      host: 'public.test',
      scheme: 'https',
      secure: true,
      remote: '203.0.113.9',
      url: 'https://public.test/p?q=1',
      clientMaxSize: 99,
      params: { id: '7' },
      originalHost: `127.0.0.1:${server.port}`,
      originalScheme: 'http',
      replacedHost: 'other.test',
      replacedCookies: { a: '1' },
      replacedType: 'application/json',
      originalType: 'text/plain',
    });
  });
});

describe('Request construction', () => {
  it('stores references only: nothing is parsed until asked', () => {
    const raw = {
      get url(): string {
        throw new Error('url read too early');
      },
      get headers(): never {
        throw new Error('headers read too early');
      },
    } as unknown as http.IncomingMessage;
    const request = new Request(raw, {} as http.ServerResponse);
    expect(request.clientMaxSize).toBe(1_048_576);
    expect(request.params).toEqual({});
    expect(Object.isFrozen(request.params)).toBe(true);
    expect(request.prepareHook).toBeNull();
    expect(() => request.target).toThrow('url read too early');
  });

  it('sends JSON built by json() through sendResponse', async () => {
    server = await serve(() => json({ ok: true }, { status: 201 }));
    const response = await fetch(server.url);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
  });
});
