import { decodePathValue, encodePathValue, normalizeRawPath, requoteLiteral } from './percent-encoding.js';

describe('normalizeRawPath', () => {
  it.each([
    ['/a%20b', '/a%20b'],
    ['/h%c3%a9llo', '/h%C3%A9llo'],
    ['/h%C3%a9', '/h%C3%A9'],
    ['/%2f%2F', '/%2F%2F'],
    ['/%F0%9F%98%80', '/%F0%9F%98%80'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeRawPath(raw)).toBe(expected);
  });

  it('returns the same string when nothing changes', () => {
    const raw = '/a%20b/%C3%A9';
    expect(normalizeRawPath(raw)).toBe(raw);
  });

  it.each(['/%', '/%z1', '/%1', '/a%zz', '/%C0%AF', '/%ED%A0%80', '/%FF', '/%E2%82', '/%80', '/%F4%90%80%80'])('rejects %s', (raw) => {
    expect(normalizeRawPath(raw)).toBeNull();
  });
});

describe('decodePathValue', () => {
  it.each([
    ['plain', 'plain'],
    ['A%20b', 'A b'],
    ['a%2Fb', 'a/b'],
    ['%2541', '%41'],
    ['a+b', 'a+b'],
    ['%C3%A9', 'é'],
  ])('%s → %s', (raw, expected) => {
    expect(decodePathValue(raw)).toBe(expected);
  });

  it('returns null for an escape cut in two', () => {
    expect(decodePathValue('%4')).toBeNull();
    expect(decodePathValue('%C3')).toBeNull();
  });
});

describe('requoteLiteral', () => {
  it.each([
    ['/users', '/users'],
    ['/héllo wörld', '/h%C3%A9llo%20w%C3%B6rld'],
    ['/a%2fb', '/a%2Fb'],
    ['/100%', '/100%25'],
    ['/%zz', '/%25zz'],
    ['/😀', '/%F0%9F%98%80'],
    ["/a:b@c!$&'()*+,;=-._~", "/a:b@c!$&'()*+,;=-._~"],
    ['/"<>[]^`|\\', '/%22%3C%3E%5B%5D%5E%60%7C%5C'],
  ])('%s → %s', (text, expected) => {
    expect(requoteLiteral(text)).toBe(expected);
  });

  it('throws a URIError for a lone surrogate', () => {
    expect(() => requoteLiteral('/\uD800')).toThrow(URIError);
  });
});

describe('encodePathValue', () => {
  it.each<[string, 'encode' | 'keep', 'needed' | 'punctuation' | 'all', string]>([
    ['a/b c', 'encode', 'needed', 'a%2Fb%20c'],
    ['a/b c', 'keep', 'needed', 'a/b%20c'],
    ['100%', 'encode', 'needed', '100%25'],
    ["a:b@!$&'()*+,;=", 'encode', 'needed', "a:b@!$&'()*+,;="],
    ['?#{}', 'encode', 'needed', '%3F%23%7B%7D'],
    ['x.y-z', 'encode', 'punctuation', 'x%2Ey%2Dz'],
    ['x.y', 'encode', 'all', '%78%2E%79'],
    ['é', 'encode', 'all', '%C3%A9'],
  ])('%j (slash %s, %s) → %s', (value, slash, escape, expected) => {
    expect(encodePathValue(value, slash, escape)).toBe(expected);
    expect(decodeURIComponent(expected)).toBe(value);
  });
});
