import { HTTPBadRequest } from './http-errors.js';
import { parseJsonBody } from './json-body.js';

function errorOf(text: string): HTTPBadRequest {
  try {
    parseJsonBody(text);
  } catch (err) {
    return err as HTTPBadRequest;
  }
  throw new Error('expected an error');
}

describe('parseJsonBody', () => {
  it('parses ordinary JSON', () => {
    expect(parseJsonBody('{"a":[1,2,{"b":"c"}]}')).toEqual({ a: [1, 2, { b: 'c' }] });
    expect(parseJsonBody('null')).toBeNull();
    expect(parseJsonBody('"constructor"')).toBe('constructor');
  });

  it('answers 400 with the parser message for malformed JSON', () => {
    const error = errorOf('{"a":');
    expect(error).toBeInstanceOf(HTTPBadRequest);
    expect(error.status).toBe(400);
    expect(error.text).toBe('Invalid JSON body: Unexpected end of JSON input');
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(errorOf('').text).toBe('Invalid JSON body: the body is empty');
    expect(errorOf('{a:1}').text).toMatch(/^Invalid JSON body: Expected property name/);
  });

  it.each([
    '{"__proto__":{"admin":true}}',
    '{"a":{"b":[{"__proto__":{}}]}}',
    '{"\\u005f\\u005fproto\\u005f\\u005f":{}}',
  ])('rejects __proto__ keys: %s', (text) => {
    const error = errorOf(text);
    expect(error.status).toBe(400);
    expect(error.text).toBe('Invalid JSON body: "__proto__" is not allowed');
  });

  it.each(['{"constructor":{"prototype":{"admin":true}}}', '[[{"x":{"constructor":{"prototype":1}}}]]', '{"\\u0063onstructor":{"prototype":{}}}'])(
    'rejects constructor.prototype: %s',
    (text) => {
      expect(errorOf(text).text).toBe('Invalid JSON body: "constructor.prototype" is not allowed');
    },
  );

  it('allows constructor keys without prototype, and unicode escapes elsewhere', () => {
    expect(parseJsonBody('{"constructor":{"name":"x"},"s":"\\u00e9"}')).toEqual({ constructor: { name: 'x' }, s: 'é' });
  });

  it('walks deeply nested payloads without overflowing the stack', () => {
    const deep = '['.repeat(5000) + '{"__proto__":1}' + ']'.repeat(5000);
    expect(errorOf(deep).text).toBe('Invalid JSON body: "__proto__" is not allowed');
  });
});
