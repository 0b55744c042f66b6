import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { WeftError } from '../errors.js';
import { parseCookies, serializeCookie, serializeExpiredCookie, type CookieOptions } from './cookies.js';
import { Request } from './request.js';
import { Response } from './response.js';
import { sendResponse } from './send-response.js';

describe('parseCookies', () => {
  it('parses pairs, trims, unquotes and decodes', () => {
    expect({ ...parseCookies(' a=1 ;b = two; q="quoted value"; enc=J%C3%BCrgen%3B; empty=') }).toEqual({
      a: '1',
      b: 'two',
      q: 'quoted value',
      enc: 'Jürgen;',
      empty: '',
    });
  });

  it('keeps the first of repeated names, skips pairs without "=", keeps bad escapes raw', () => {
    expect({ ...parseCookies('a=1; junk; a=2; =x; bad=%E0%A4%A') }).toEqual({ a: '1', bad: '%E0%A4%A' });
  });

  it('returns an empty record without a header, and keeps __proto__ a plain key', () => {
    expect({ ...parseCookies(undefined) }).toEqual({});
    expect({ ...parseCookies('') }).toEqual({});
    const cookies = parseCookies('__proto__=x; constructor=y');
    expect(cookies.__proto__).toBe('x');
    expect(cookies.constructor).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('stays linear on a long header without "="', () => {
    const header = 'a;'.repeat(50_000) + 'b=1';
    const started = performance.now();
    expect({ ...parseCookies(header) }).toEqual({ b: '1' });
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('serializeCookie', () => {
  it('writes every attribute, Path=/ by default', () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    expect(serializeCookie('sid', 'abc')).toBe('sid=abc; Path=/');
    expect(
      serializeCookie('sid', 'a b;c', {
        maxAge: 3600.7,
        expires,
        path: '/app',
        domain: 'example.test',
        secure: true,
        httpOnly: true,
        sameSite: 'lax',
        partitioned: true,
      }),
    ).toBe('sid=a%20b%3Bc; Max-Age=3600; Domain=example.test; Path=/app; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; Partitioned; SameSite=Lax');
  });

  it('lets a custom encode pass pre-encoded values, still validated', () => {
    expect(serializeCookie('t', '"abc"', { encode: (v) => v })).toBe('t="abc"; Path=/');
    expect(() => serializeCookie('t', 'a b', { encode: (v) => v })).toThrow(/invalid value for cookie t: "a b"/);
  });

  it('writes a deleting cookie', () => {
    expect(serializeExpiredCookie('sid', { path: '/app', domain: 'example.test' })).toBe(
      'sid=; Max-Age=0; Domain=example.test; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
  });

  it.each<[string, string, CookieOptions, RegExp | string]>([
    ['bad name', 'v', {}, /invalid cookie name "bad name": it must be a token/],
    ['a=b', 'v', {}, /invalid cookie name "a=b"/],
    ['', 'v', {}, /invalid cookie name ""/],
    ['n', 'v', { maxAge: Infinity }, /maxAge of cookie n must be a finite number of seconds/],
    ['n', 'v', { maxAge: 1e300 }, /maxAge of cookie n must be a finite number of seconds up to 9007199254740991/],
    ['n', 'v', { expires: new Date('nope') }, /expires of cookie n must be a valid Date/],
    ['n', 'v', { path: '/a;b' }, /invalid path for cookie n: "\/a;b"/],
    ['n', 'v', { path: '/a\nb' }, /invalid path for cookie n/],
    // RFC 6265 path-value is ASCII: the raw bytes would never match the request's encoded path
    ['n', 'v', { path: '/caf\u00e9' }, /invalid path for cookie n: "\/café" \(printable ASCII but ";"; percent-encode the rest\)/],
    ['n', 'v', { path: '/\u20ac' }, /invalid path for cookie n/],
    ['n', 'v', { domain: 'exa mple.test' }, /invalid domain for cookie n: "exa mple.test"/],
    ['n', 'v', { sameSite: 'sideways' as 'Lax' }, /sameSite of cookie n must be Strict, Lax or None, not "sideways"/],
    ['n', 'v', { sameSite: 'None' }, /cookie n has SameSite=None: it must also be secure/],
    ['n', 'v', { partitioned: true }, /cookie n is partitioned: it must also be secure/],
    ['__Secure-id', 'v', {}, /cookie __Secure-id has the __Secure- prefix: it must be secure/],
    ['__Host-id', 'v', { secure: true, domain: 'example.test' }, /cookie __Host-id has the __Host- prefix: it must be secure, with path \/ and no domain/],
    ['__Host-id', 'v', { secure: true, path: '/app' }, /__Host- prefix/],
    // browsers match the prefixes case-insensitively (RFC 6265bis 5.7) and drop these too
    ['__secure-id', 'v', {}, /cookie __secure-id has the __Secure- prefix: it must be secure/],
    ['__HOST-id', 'v', { secure: true, domain: 'example.test' }, /cookie __HOST-id has the __Host- prefix/],
    ['__host-id', 'v', {}, /cookie __host-id has the __Host- prefix/],
    // Fastify's habit: weft signs nothing, and an ignored `signed` would be a silent security gap
    ['n', 'v', { signed: true } as CookieOptions, 'cookie n: unknown option "signed" (known: maxAge, expires, path, domain, secure, httpOnly, sameSite, partitioned, encode)'],
    ['n', 'v', { priority: 'High', maxage: 5 } as CookieOptions, 'cookie n: unknown options "priority", "maxage" (known: '],
    ['n', { id: 1 } as unknown as string, {}, /the value of cookie n must be a string, got an object/],
  ])('rejects %j=%j %j with WEFT_ERR_INVALID_COOKIE', (name, value, options, message) => {
    let error: unknown;
    try {
      serializeCookie(name, value, options);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WeftError);
    expect((error as WeftError).code).toBe('WEFT_ERR_INVALID_COOKIE');
    expect((error as WeftError).message).toMatch(message);
  });

  it('accepts the valid forms of those attributes', () => {
    expect(serializeCookie('__Host-id', 'v', { secure: true })).toBe('__Host-id=v; Path=/; Secure');
    expect(serializeCookie('__Secure-id', 'v', { secure: true, sameSite: 'None' })).toBe('__Secure-id=v; Path=/; Secure; SameSite=None');
    expect(serializeCookie('n', 'v', { domain: '.example.test' })).toBe('n=v; Domain=.example.test; Path=/');
    expect(serializeCookie('__host-id', 'v', { secure: true })).toBe('__host-id=v; Path=/; Secure');
    expect(serializeCookie('n', 'v', { path: '/caf%C3%A9/a,b' })).toBe('n=v; Path=/caf%C3%A9/a,b');
  });
});

describe('cookies round trip through a server', () => {
  it('sets cookies on a response and reads them back from the next request', async () => {
    const values = { plain: 'abc', spaced: 'hello world; 100% = "yes"', unicode: 'Jürgen ✓' };
    const server = http.createServer((req, res) => {
      const request = new Request(req, res);
      const response = new Response({ text: JSON.stringify(request.cookies) });
      if (request.path === '/set') for (const [name, value] of Object.entries(values)) response.setCookie(name, value, { httpOnly: true });
      void sendResponse(request, response);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const setting = await fetch(`${url}/set`);
      const lines = setting.headers.getSetCookie();
      expect(lines).toHaveLength(3);
      expect(lines[1]).toBe('spaced=hello%20world%3B%20100%25%20%3D%20%22yes%22; Path=/; HttpOnly');
      const cookieHeader = lines.map((line) => line.split(';')[0]).join('; ');
      const reading = await fetch(`${url}/get`, { headers: { Cookie: cookieHeader } });
      expect(await reading.json()).toEqual(values);
    } finally {
      server.close();
    }
  });
});
