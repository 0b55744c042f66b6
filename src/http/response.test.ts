import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { WeftError } from '../errors.js';
import { Request } from './request.js';
import { Response, html, json, redirect, text } from './response.js';
import { sendResponse } from './send-response.js';

/** Serves one raw request with the response `make` builds; returns the raw bytes received. */
async function sendOnce(
  make: (request: Request) => Response,
  rawRequest = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  spy?: (res: http.ServerResponse) => void,
): Promise<{ raw: Buffer; error: unknown }> {
  let error: unknown;
  const server = http.createServer((req, res) => {
    spy?.(res);
    const request = new Request(req, res);
    sendResponse(request, make(request)).catch((err: unknown) => {
      error = err;
      res.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(rawRequest);
  await once(socket, 'close');
  server.close();
  return { raw: Buffer.concat(chunks), error };
}

function split(raw: Buffer): { head: string; body: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  return { head: raw.subarray(0, end).toString('latin1'), body: raw.subarray(end + 4) };
}

describe('Response', () => {
  it('defaults string bodies to text/plain; charset=utf-8 and bytes to application/octet-stream', () => {
    expect(new Response({ body: 'hi' }).headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(new Response({ text: 'hi' }).contentType).toBe('text/plain');
    expect(new Response({ body: Buffer.from('hi') }).contentType).toBe('application/octet-stream');
    expect(new Response().headers.has('content-type')).toBe(false);
  });

  it('adds charset=utf-8 to a given content type for string bodies, not for bytes', () => {
    expect(new Response({ text: '# hi', contentType: 'text/markdown' }).headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(new Response({ body: Buffer.from('x'), contentType: 'image/png' }).headers.get('content-type')).toBe('image/png');
    expect(new Response({ text: 'x', contentType: 'text/plain; charset=latin1' }).charset).toBe('latin1');
    expect(new Response({ text: 'x', charset: 'latin1' }).headers.get('content-type')).toBe('text/plain; charset=latin1');
  });

  it('gives a content type seen before the same header, and checks its value every time', () => {
    // the second and later responses of a type come from the parsed-type cache
    for (let i = 0; i < 3; i++) {
      expect(new Response({ text: 'a,b', contentType: 'text/csv' }).headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(new Response({ body: Buffer.from('a,b'), contentType: 'text/csv' }).headers.get('content-type')).toBe('text/csv');
      expect(new Response({ text: 'x', contentType: 'text/plain; charset=latin1' }).charset).toBe('latin1');
      // parses as a media type, but a quoted CR LF is no header value
      expect(() => new Response({ text: 'x', contentType: 'text/plain; a="x\r\nX-Evil: 1"' })).toThrow(/WEFT_ERR_INVALID_HEADER: invalid character in the value of header Content-Type/);
      expect(() => new Response({ text: 'x', contentType: 'nope' })).toThrow(/invalid content type "nope"/);
    }
  });

  it('exposes text for string and byte bodies, and null without a body', () => {
    expect(new Response({ body: Buffer.from('héllo') }).text).toBe('héllo');
    expect(new Response().text).toBeNull();
    const response = new Response();
    response.text = 'now';
    expect(response.body).toBe('now');
    expect(response.contentType).toBe('text/plain');
  });

  it('computes contentLength from the body until a header says otherwise', () => {
    expect(new Response({ text: 'héllo' }).contentLength).toBe(6);
    expect(new Response({ body: new Uint8Array(3) }).contentLength).toBe(3);
    expect(new Response().contentLength).toBe(0);
    expect(new Response({ text: 'é', charset: 'latin1' }).contentLength).toBe(1);
  });

  it.each<[string, () => unknown, string, RegExp]>([
    ['body and text together', () => new Response({ body: 'a', text: 'b' }), 'WEFT_ERR_INVALID_BODY', /either body or text, not both/],
    ['an object body', () => new Response({ body: { a: 1 } as unknown as string }), 'WEFT_ERR_INVALID_BODY', /must be a string, a Uint8Array or null, not object; use json\(\)/],
    ['a non-string text', () => (new Response().text = 5 as unknown as string), 'WEFT_ERR_INVALID_BODY', /text must be a string, not number/],
    ['an invalid content type', () => new Response({ text: 'x', contentType: 'nope' }), 'WEFT_ERR_INVALID_HEADER', /invalid content type "nope"/],
    ['setting contentLength', () => (new Response({ text: 'x' }).contentLength = 3), 'WEFT_ERR_RESPONSE_STATE', /sets Content-Length from its body/],
    ['json of a BigInt', () => json({ n: 1n }), 'WEFT_ERR_INVALID_BODY', /cannot serialise the response as JSON: Do not know how to serialize a BigInt/],
    ['json of undefined', () => json(undefined), 'WEFT_ERR_INVALID_BODY', /cannot serialise undefined as JSON/],
    ['a redirect with a 2xx status', () => redirect('/x', 200), 'WEFT_ERR_INVALID_STATUS', /a redirect needs a 3xx status, not 200/],
    ['a redirect without location', () => redirect(''), 'WEFT_ERR_INVALID_HEADER', /a redirect needs a location/],
  ])('rejects %s with a coded error', (_what, make, code, message) => {
    let error: unknown;
    try {
      make();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WeftError);
    expect((error as WeftError).code).toBe(code);
    expect((error as WeftError).message).toMatch(message);
  });

  it('rejects a cyclic json() body with a coded error keeping the cause', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => json(cyclic)).toThrow(expect.objectContaining({ code: 'WEFT_ERR_INVALID_BODY', cause: expect.any(TypeError) }));
  });

  it('refuses write() and end(chunk): a Response sends its own body', async () => {
    const response = new Response({ text: 'x' });
    await expect(response.write('y')).rejects.toMatchObject({ code: 'WEFT_ERR_RESPONSE_STATE' });
    await expect(response.end('y')).rejects.toMatchObject({ code: 'WEFT_ERR_RESPONSE_STATE' });
  });
});

describe('factories', () => {
  it('json() serialises at once, with status, headers and content type options', () => {
    const response = json({ id: 7 }, { status: 201, headers: { Location: '/items/7' } });
    expect(response.status).toBe(201);
    expect(response.body).toBe('{"id":7}');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('location')).toBe('/items/7');
    expect(json(null).body).toBe('null');
    expect(json([1], { contentType: 'application/vnd.api+json' }).headers.get('content-type')).toBe('application/vnd.api+json; charset=utf-8');
  });

  it('a Content-Type given among the headers is kept (as new Response() keeps it); the contentType option still wins', () => {
    expect(json({ a: 1 }, { headers: { 'Content-Type': 'application/vnd.api+json' } }).headers.get('content-type')).toBe('application/vnd.api+json');
    expect(text('<b>hi</b>', { headers: [['content-type', 'text/html']] }).headers.get('content-type')).toBe('text/html');
    const both = json({ a: 1 }, { headers: { 'Content-Type': 'text/plain' }, contentType: 'application/problem+json' });
    expect(both.headers.getAll('content-type')).toEqual(['application/problem+json; charset=utf-8']);
    const other = json({ a: 1 }, { status: 201, headers: { Location: '/a' } });
    expect([other.status, other.body, other.headers.get('content-type'), other.headers.get('location')]).toEqual([201, '{"a":1}', 'application/json; charset=utf-8', '/a']);
  });

  it('text() and html() set their content types', () => {
    expect(text('pong').headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(html('<p>hi</p>', { status: 404, reason: 'Gone Fishing' }).headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html('<p>hi</p>', { status: 404, reason: 'Gone Fishing' }).reason).toBe('Gone Fishing');
  });

  it('redirect() sets an encoded Location and a 3xx status, 302 by default', () => {
    const response = redirect('/café');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/caf%C3%A9');
    expect(redirect('/x', 308).status).toBe(308);
    expect(response.body).toBeNull();
  });
});

describe('Response over a real socket', () => {
  it('writes status, headers and body with one writeHead and one end, never write()', async () => {
    const calls: string[] = [];
    const { raw } = await sendOnce(
      () => json({ hello: 'wörld' }),
      undefined,
      (res) => {
        const writeHead = res.writeHead.bind(res);
        const end = res.end.bind(res);
        const write = res.write.bind(res);
        res.writeHead = ((...args: Parameters<typeof writeHead>) => {
          calls.push(`writeHead:${Array.isArray(args[1]) ? 'array' : typeof args[1]}`);
          return writeHead(...args);
        }) as typeof res.writeHead;
        res.end = ((...args: unknown[]) => {
          calls.push(`end:${typeof args[0]}`);
          return (end as (...a: unknown[]) => http.ServerResponse)(...args);
        }) as typeof res.end;
        res.write = ((...args: unknown[]) => {
          calls.push('write');
          return (write as (...a: unknown[]) => boolean)(...args);
        }) as typeof res.write;
      },
    );
    expect(calls).toEqual(['writeHead:array', 'end:string']);
    const { head, body } = split(raw);
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('\r\nContent-Length: 18\r\n');
    expect(body.toString()).toBe('{"hello":"wörld"}');
  });

  it('sends Content-Length but no body for HEAD', async () => {
    const { raw } = await sendOnce(() => text('hello'), 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const { head, body } = split(raw);
    expect(head).toContain('\r\nContent-Length: 5\r\n');
    expect(body.length).toBe(0);
  });

  it('sends no body and no Content-Length for 204, even with a body set', async () => {
    const { raw } = await sendOnce(() => new Response({ status: 204, text: 'dropped' }));
    const { head, body } = split(raw);
    expect(head).toMatch(/^HTTP\/1\.1 204 No Content/);
    expect(head).not.toMatch(/Content-Length/i);
    expect(body.length).toBe(0);
  });

  it('sends Content-Length: 0 for an empty response', async () => {
    const { raw } = await sendOnce(() => redirect('/next', 303));
    const { head } = split(raw);
    expect(head).toMatch(/^HTTP\/1\.1 303 See Other\r\n/);
    expect(head).toContain('\r\nLocation: /next\r\n');
    expect(head).toContain('\r\nContent-Length: 0\r\n');
  });

  it('encodes string bodies with a latin1 charset', async () => {
    const { raw } = await sendOnce(() => new Response({ text: 'café', charset: 'iso-8859-1' }));
    const { head, body } = split(raw);
    expect(head).toContain('\r\nContent-Length: 4\r\n');
    expect([...body]).toEqual([0x63, 0x61, 0x66, 0xe9]);
  });

  it('fails to send a string body in a charset node cannot encode, with WEFT_ERR_INVALID_BODY', async () => {
    const { error } = await sendOnce(() => new Response({ text: 'x', contentType: 'text/plain; charset=shift_jis' }));
    expect(error).toMatchObject({ code: 'WEFT_ERR_INVALID_BODY' });
    expect((error as Error).message).toMatch(/cannot encode a string body as shift_jis/);
  });

  it('recomputes Content-Length after a prepare hook changed the body', async () => {
    const { raw } = await sendOnce((request) => {
      request.prepareHook = (_req, response) => {
        (response as Response).text = `${(response as Response).text} wink`;
      };
      return text('hello');
    });
    const { head, body } = split(raw);
    expect(head).toContain('\r\nContent-Length: 10\r\n');
    expect(body.toString()).toBe('hello wink');
  });

  it('forbids changing the body after prepare()', async () => {
    let caught: unknown;
    await sendOnce((request) => {
      const response = text('a');
      void response.prepare(request).then(() => {
        try {
          response.body = 'b';
        } catch (err) {
          caught = err;
        }
      });
      return response;
    });
    expect(caught).toMatchObject({ code: 'WEFT_ERR_HEADERS_SENT' });
  });
});
