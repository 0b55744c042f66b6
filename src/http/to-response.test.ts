import { Readable } from 'node:stream';
import { WeftError } from '../errors.js';
import { HTTPNotFound } from './http-errors.js';
import { Response, json } from './response.js';
import { StreamResponse } from './stream-response.js';
import { toResponse } from './to-response.js';

describe('toResponse', () => {
  it('returns responses as they are', () => {
    const stream = new StreamResponse();
    const response = json({ a: 1 });
    expect(toResponse(stream)).toBe(stream);
    expect(toResponse(response)).toBe(response);
  });

  it('turns undefined into 204 without a body', () => {
    const response = toResponse(undefined) as Response;
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('turns strings into text/plain', () => {
    const response = toResponse('hello') as Response;
    expect(response.status).toBe(200);
    expect(response.body).toBe('hello');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('turns bytes into application/octet-stream', () => {
    for (const bytes of [Buffer.from('ab'), new Uint8Array([1, 2]), new Uint8Array([1, 2]).buffer]) {
      const response = toResponse(bytes) as Response;
      expect(response.contentType).toBe('application/octet-stream');
      expect(response.contentLength).toBe(2);
    }
  });

  it('turns objects, arrays, null, numbers and booleans into JSON', () => {
    const cases: Array<[unknown, string]> = [
      [{ a: [1, { b: null }] }, '{"a":[1,{"b":null}]}'],
      [[1, 'two'], '[1,"two"]'],
      [null, 'null'],
      [42, '42'],
      [false, 'false'],
      [new Date(0), '"1970-01-01T00:00:00.000Z"'],
    ];
    for (const [value, body] of cases) {
      const response = toResponse(value) as Response;
      expect(response.body).toBe(body);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });

  it('turns a returned HttpError into its response', () => {
    const response = toResponse(new HTTPNotFound({ text: 'gone' })) as Response;
    expect(response.status).toBe(404);
    expect(response.text).toBe('gone');
  });

  it.each<[string, unknown, RegExp]>([
    ['a function', () => 1, /a handler returned a function/],
    ['a symbol', Symbol('s'), /a handler returned a symbol/],
    ['a BigInt', 10n, /Do not know how to serialize a BigInt/],
    ['a stream', Readable.from(['a']), /returned a stream or async iterable; write it to a StreamResponse/],
  ])('rejects %s with WEFT_ERR_INVALID_BODY', (_what, value, message) => {
    let error: unknown;
    try {
      toResponse(value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WeftError);
    expect((error as WeftError).code).toBe('WEFT_ERR_INVALID_BODY');
    expect((error as WeftError).message).toMatch(message);
  });
});
