import { WeftError } from '../errors.js';
import { ResponseHeaders, encodeUrlForHeader } from './response-headers.js';

describe('ResponseHeaders', () => {
  it('sets, appends, gets and deletes case-insensitively', () => {
    const headers = new ResponseHeaders();
    headers.set('Content-Type', 'text/plain').append('X-A', '1').append('x-a', 2);
    expect(headers.get('content-type')).toBe('text/plain');
    expect(headers.get('X-A')).toBe('1, 2');
    expect(headers.getAll('x-a')).toEqual(['1', '2']);
    expect(headers.has('CONTENT-TYPE')).toBe(true);
    headers.set('x-a', '3');
    expect(headers.getAll('X-A')).toEqual(['3']);
    expect(headers.delete('X-A')).toBe(true);
    expect(headers.delete('X-A')).toBe(false);
    expect(headers.get('x-a')).toBeUndefined();
    expect(headers.size).toBe(1);
  });

  it('keeps several Set-Cookie lines apart and can remove one', () => {
    const headers = new ResponseHeaders();
    headers.append('Set-Cookie', 'a=1').append('Set-Cookie', 'b=2').append('Set-Cookie', 'c=3');
    expect(headers.getAll('set-cookie')).toEqual(['a=1', 'b=2', 'c=3']);
    expect(headers.deleteValue('set-cookie', 'b=2')).toBe(true);
    expect(headers.deleteValue('set-cookie', 'zzz')).toBe(false);
    expect(headers.getAll('set-cookie')).toEqual(['a=1', 'c=3']);
    expect(headers.toJSON()).toEqual({ 'set-cookie': ['a=1', 'c=3'] });
  });

  it('sets several values at once and replaces them all', () => {
    const headers = new ResponseHeaders({ Vary: 'Accept', 'X-Other': 'o' });
    headers.append('vary', 'Origin');
    headers.set('Vary', ['Cookie', 'Accept-Encoding']);
    expect(headers.getAll('vary')).toEqual(['Cookie', 'Accept-Encoding']);
    expect([...headers]).toEqual([
      ['x-other', 'o'],
      ['vary', 'Cookie'],
      ['vary', 'Accept-Encoding'],
    ]);
  });

  it('gives node the flat [name, value, ...] form, names as first spelled', () => {
    const headers = new ResponseHeaders([
      ['X-Request-Id', '42'],
      ['Cache-Control', 'no-store'],
    ]);
    headers.set('x-request-id', '43');
    expect(headers.rawPairs()).toEqual(['X-Request-Id', '43', 'Cache-Control', 'no-store']);
  });

  it('gives node exactly its lines, however many were set, removed and set again', () => {
    const headers = new ResponseHeaders();
    expect(headers.rawPairs()).toEqual([]);
    expect(headers.size).toBe(0);
    headers.setTrusted('Content-Type', 'content-type', 'text/plain');
    expect(headers.rawPairs()).toEqual(['Content-Type', 'text/plain']);
    for (let i = 0; i < 6; i++) headers.append('Set-Cookie', `c${i}=1`); // beyond the room made up front
    headers.set('X-A', '1');
    expect(headers.size).toBe(8);
    expect(headers.deleteValue('set-cookie', 'c0=1')).toBe(true);
    expect(headers.delete('set-cookie')).toBe(true);
    expect(headers.rawPairs()).toEqual(['Content-Type', 'text/plain', 'X-A', '1']);
    expect(headers.has('set-cookie')).toBe(false);
    expect(headers.getAll('set-cookie')).toEqual([]);
    expect([...headers.keys()]).toEqual(['content-type', 'x-a']);
    headers.append('Vary', 'Accept');
    headers.setTrusted('Content-Length', 'content-length', '5');
    expect(headers.rawPairs()).toEqual(['Content-Type', 'text/plain', 'X-A', '1', 'Vary', 'Accept', 'Content-Length', '5']);
    expect(headers.firstOf('content-length')).toBe('5');
    const copy = new ResponseHeaders(headers);
    expect(copy.rawPairs()).toEqual(headers.rawPairs());
    copy.delete('vary');
    expect(headers.get('vary')).toBe('Accept');
  });

  it('copies another ResponseHeaders without sharing it', () => {
    const original = new ResponseHeaders({ A: '1' });
    const copy = new ResponseHeaders(original);
    copy.set('A', '2');
    expect(original.get('a')).toBe('1');
    expect(copy.get('a')).toBe('2');
  });

  it.each([
    ['Bad Name', 'x', /invalid header name "Bad Name": it must be a token/],
    ['', 'x', /invalid header name "": it must be a token/],
    ['X-Injected', 'a\r\nSet-Cookie: evil=1', /invalid character in the value of header X-Injected/],
    ['X-Nul', 'a\u0000b', /invalid character in the value of header X-Nul/],
    ['X-Wide', '日本', /encode text beyond Latin-1/],
  ])('rejects %j: %j with WEFT_ERR_INVALID_HEADER', (name, value, message) => {
    const headers = new ResponseHeaders();
    for (const write of [() => headers.set(name, value), () => headers.append(name, value), () => new ResponseHeaders({ [name]: value })]) {
      expect(write).toThrow(WeftError);
      expect(write).toThrow(message);
      try {
        write();
      } catch (err) {
        expect((err as WeftError).code).toBe('WEFT_ERR_INVALID_HEADER');
      }
    }
    expect(headers.size).toBe(0);
  });

  it('takes Content-Length only as one decimal number, however it is set', () => {
    const headers = new ResponseHeaders({ 'Content-Length': 3 });
    headers.set('content-length', String(Number.MAX_SAFE_INTEGER)); // what the contentLength setter takes
    headers.set('content-length', '1024');
    expect(headers.getAll('content-length')).toEqual(['1024']);
    const refusals: Array<[() => unknown, string]> = [
      [() => new ResponseHeaders({ 'Content-Length': 'abc' }), 'WEFT_ERR_INVALID_HEADER: invalid Content-Length "abc": one non-negative integer (or set response.contentLength)'],
      [() => headers.set('Content-Length', '-1'), 'invalid Content-Length "-1"'],
      [() => headers.set('Content-Length', '1e1'), 'invalid Content-Length "1e1"'],
      [() => headers.set('Content-Length', ' 3'), 'invalid Content-Length " 3"'],
      [() => headers.set('Content-Length', '3, 3'), 'invalid Content-Length "3, 3"'],
      [() => headers.set('content-length', ['3', '3']), 'invalid content-length "3, 3"'],
      [() => headers.set('Content-Length', 1.5), 'invalid Content-Length "1.5"'],
      [() => headers.set('Content-Length', '9007199254740992'), 'invalid Content-Length "9007199254740992"'],
      [() => headers.set('Content-Length', '12345678901234567'), 'invalid Content-Length "12345678901234567"'],
      [() => headers.append('Content-Length', '1024'), 'invalid Content-Length "1024, 1024"'],
    ];
    for (const [change, message] of refusals) expect(change).toThrow(message);
    expect(headers.getAll('content-length')).toEqual(['1024']);
    headers.delete('content-length');
    headers.append('Content-Length', '7');
    expect(headers.get('content-length')).toBe('7');
  });

  it('accepts Latin-1 text and tabs, as node does', () => {
    const headers = new ResponseHeaders({ 'X-Name': 'café\tbar' });
    expect(headers.get('x-name')).toBe('café\tbar');
  });

  it('throws WEFT_ERR_HEADERS_SENT for every change once sealed, and keeps its values', () => {
    const headers = new ResponseHeaders({ A: '1' });
    headers.seal();
    expect(headers.sealed).toBe(true);
    for (const change of [() => headers.set('A', '2'), () => headers.append('B', '1'), () => headers.delete('A'), () => headers.deleteValue('A', '1')]) {
      expect(change).toThrow(expect.objectContaining({ code: 'WEFT_ERR_HEADERS_SENT' }));
    }
    expect(headers.get('a')).toBe('1');
  });
});

describe('ResponseHeaders, the internal trusted path', () => {
  it('setTrusted replaces every value of the field, keeping the first spelling and position', () => {
    const headers = new ResponseHeaders([
      ['Content-Type', 'text/html'],
      ['X-A', '1'],
      ['content-type', 'text/css'],
    ]);
    headers.setTrusted('Content-Type', 'content-type', 'text/plain; charset=utf-8');
    expect(headers.rawPairs()).toEqual(['Content-Type', 'text/plain; charset=utf-8', 'X-A', '1']);
    headers.setTrusted('Content-Length', 'content-length', '5');
    expect(headers.get('CONTENT-LENGTH')).toBe('5');
    expect(headers.firstOf('content-type')).toBe('text/plain; charset=utf-8');
    expect(headers.firstOf('x-missing')).toBeUndefined();
  });

  it('setTrusted still refuses changes once sealed', () => {
    const headers = new ResponseHeaders();
    headers.seal();
    expect(() => headers.setTrusted('Content-Length', 'content-length', '0')).toThrow(expect.objectContaining({ code: 'WEFT_ERR_HEADERS_SENT' }));
  });
});

describe('encodeUrlForHeader', () => {
  it('percent-encodes spaces, controls and non-ASCII, leaving existing escapes alone', () => {
    expect(encodeUrlForHeader('/café?q=a b&x=%20')).toBe('/caf%C3%A9?q=a%20b&x=%20');
    expect(encodeUrlForHeader('/a\r\nSet-Cookie: x')).toBe('/a%0D%0ASet-Cookie:%20x');
    expect(encodeUrlForHeader('https://example.test/ok')).toBe('https://example.test/ok');
  });

  it('rejects a lone surrogate with WEFT_ERR_INVALID_HEADER', () => {
    expect(() => encodeUrlForHeader('/\ud800')).toThrow(expect.objectContaining({ code: 'WEFT_ERR_INVALID_HEADER' }));
  });
});
