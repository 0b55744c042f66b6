import { CookieJar } from './cookie-jar.js';

describe('CookieJar', () => {
  test('stores what responses set and sends it to matching paths, longer paths first', () => {
    const jar = new CookieJar();
    jar.store(['sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax', 'pref=dark; Path=/account'], '/login');
    expect(jar.header('/account/settings?x=1')).toBe('pref=dark; sid=abc');
    expect(jar.header('/accounting')).toBe('sid=abc'); // /account does not path-match /accounting
    expect(jar.get('sid')).toBe('abc');
  });

  test('the default path is the request path up to its last slash (RFC 6265 5.1.4)', () => {
    const jar = new CookieJar();
    jar.store(['a=1'], '/shop/cart');
    jar.store(['b=2'], '/top');
    expect(jar.header('/shop/items')).toBe('a=1; b=2');
    expect(jar.header('/other')).toBe('b=2');
  });

  test('setting again replaces; Max-Age <= 0 or an Expires in the past deletes; Max-Age wins over Expires', () => {
    const jar = new CookieJar();
    jar.store(['sid=1; Path=/'], '/');
    jar.store(['sid=2; Path=/'], '/');
    expect(jar.header('/')).toBe('sid=2');
    jar.store(['sid=; Path=/; Max-Age=0'], '/');
    expect(jar.header('/')).toBeUndefined();
    jar.store(['t=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], '/');
    expect(jar.get('t')).toBeUndefined();
    jar.store(['u=1; Path=/; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], '/');
    expect(jar.get('u')).toBe('1');
    jar.store(['=nameless', 'novalue'], '/');
    expect(jar.header('/')).toBe('u=1');
    jar.clear();
    expect(jar.header('/')).toBeUndefined();
  });

  test('a cookie expires when its Max-Age or Expires comes, not only when set in the past', () => {
    const jar = new CookieJar();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    jar.store(['short=1; Path=/; Max-Age=1', `dated=1; Path=/; Expires=${new Date(t0 + 2000).toUTCString()}`, 'session=1; Path=/'], '/', t0);
    expect(jar.header('/', t0 + 999)).toBe('short=1; dated=1; session=1');
    expect(jar.header('/', t0 + 1000)).toBe('dated=1; session=1');
    expect(jar.get('dated', t0 + 1999)).toBe('1');
    expect(jar.get('dated', t0 + 2000)).toBeUndefined();
    expect(jar.header('/', t0 + 60_000)).toBe('session=1');
  });

  test('get() decodes the value as the server’s request.cookies does; the header sends it as it came', () => {
    const jar = new CookieJar();
    jar.store(['note=a%20b%3Bc; Path=/', 'odd=100%; Path=/'], '/');
    expect(jar.get('note')).toBe('a b;c');
    expect(jar.get('odd')).toBe('100%');
    expect(jar.header('/')).toBe('note=a%20b%3Bc; odd=100%');
  });
});
