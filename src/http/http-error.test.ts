import { WeftError } from '../errors.js';
import {
  HttpError,
  HTTPBadRequest,
  HTTPClientError,
  HTTPFound,
  HTTPNoContent,
  HTTPNotFound,
  HTTPRedirection,
  HTTPServerError,
  HTTPSuccessful,
} from './http-errors.js';

describe('HttpError', () => {
  it('has the default body "<status>: <reason>" as text/plain, and the reason as message', () => {
    const error = new HTTPNotFound();
    expect(error.message).toBe('Not Found');
    expect(error.reason).toBe('Not Found');
    expect(error.text).toBe('404: Not Found');
    expect(error.body).toBe('404: Not Found');
    expect(error.contentType).toBe('text/plain; charset=utf-8');
  });

  it('takes text, reason, headers, content type and cause', () => {
    const cause = new Error('db down');
    const error = new HTTPNotFound({ text: 'no such user', reason: 'Nobody Here', headers: { 'X-Hint': 'try /users' }, cause });
    expect(error.message).toBe('no such user');
    expect(error.text).toBe('no such user');
    expect(error.reason).toBe('Nobody Here');
    expect(error.headers.get('x-hint')).toBe('try /users');
    expect(error.cause).toBe(cause);
    const xml = new HTTPBadRequest({ body: '<error/>', contentType: 'application/xml' });
    expect(xml.contentType).toBe('application/xml');
  });

  it('takes a JSON body', () => {
    const error = new HTTPBadRequest({ json: { error: 'invalid', fields: ['name'] } });
    expect(error.text).toBe('{"error":"invalid","fields":["name"]}');
    expect(error.contentType).toBe('application/json; charset=utf-8');
  });

  it('keeps a Content-Type given among the headers with a JSON body, as json() does (contentType overrides both)', () => {
    const problem = new HTTPBadRequest({ json: { title: 'invalid' }, headers: { 'Content-Type': 'application/problem+json' } });
    expect(problem.contentType).toBe('application/problem+json');
    expect(problem.toResponse().headers.get('content-type')).toBe('application/problem+json');
    const both = new HTTPBadRequest({ json: {}, headers: { 'Content-Type': 'application/problem+json' }, contentType: 'application/vnd.api+json' });
    expect(both.contentType).toBe('application/vnd.api+json');
  });

  it('is mutable: status, reason, headers and body, with the default body following the status', () => {
    const error = new HTTPNotFound();
    error.status = 410;
    expect(error.text).toBe('410: Gone');
    error.reason = 'Long Gone';
    expect(error.text).toBe('410: Long Gone');
    error.headers.set('X-Extra', '1');
    error.text = 'custom';
    expect(error.body).toBe('custom');
    error.body = Buffer.from('bytes');
    expect(error.text).toBe('bytes');
    error.body = null;
    expect(error.text).toBeNull();
  });

  it('serves custom statuses through the base and group classes, within their range', () => {
    expect(new HttpError(418, { text: "I'm a teapot" }).toResponse().status).toBe(418);
    expect(new HTTPClientError(499).status).toBe(499);
    expect(() => new HTTPClientError(500)).toThrow('HTTPClientError needs a status from 400 to 499, not 500');
    expect(() => new HTTPServerError(404)).toThrow(/HTTPServerError needs a status from 500 to 599/);
    expect(() => new HTTPSuccessful(300)).toThrow(/HTTPSuccessful needs a status from 200 to 299/);
    expect(() => new HTTPRedirection(200)).toThrow(/HTTPRedirection needs a status from 300 to 399/);
  });

  it.each<[string, () => unknown, string, RegExp]>([
    ['two bodies', () => new HTTPNotFound({ text: 'a', json: {} }), 'WEFT_ERR_INVALID_BODY', /at most one of text, body and json/],
    ['a body of the wrong type', () => new HTTPNotFound({ body: 42 as unknown as string }), 'WEFT_ERR_INVALID_BODY', /must be a string, a Uint8Array or null, not number/],
    ['an unserialisable JSON body', () => new HTTPNotFound({ json: { n: 1n } }), 'WEFT_ERR_INVALID_BODY', /cannot serialise the error body as JSON/],
    ['an invalid status', () => new HttpError(99), 'WEFT_ERR_INVALID_STATUS', /invalid status code 99/],
    ['a fractional status', () => new HttpError(404.5), 'WEFT_ERR_INVALID_STATUS', /invalid status code 404.5/],
    ['a reason with CRLF', () => new HTTPNotFound({ reason: 'x\r\ny' }), 'WEFT_ERR_INVALID_STATUS', /invalid reason phrase/],
    ['an invalid content type', () => new HTTPNotFound({ contentType: 'nonsense' }), 'WEFT_ERR_INVALID_HEADER', /invalid content type "nonsense"/],
    ['an invalid header', () => new HTTPNotFound({ headers: { 'X-A': 'a\nb' } }), 'WEFT_ERR_INVALID_HEADER', /X-A/],
    ['an empty location', () => new HTTPFound(''), 'WEFT_ERR_INVALID_HEADER', /HTTPFound needs a location to redirect to/],
    ['a status set out of range', () => (new HTTPNotFound().status = 1000), 'WEFT_ERR_INVALID_STATUS', /invalid status code 1000/],
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

  it('can be subclassed, keeping instanceof and the name', () => {
    class UserNotFound extends HTTPNotFound {
      constructor(readonly id: string) {
        super({ text: `no user ${id}` });
      }
    }
    const error = new UserNotFound('7');
    expect(error).toBeInstanceOf(HTTPNotFound);
    expect(error).toBeInstanceOf(HTTPClientError);
    expect(error.name).toBe('UserNotFound');
    expect(error.status).toBe(404);
    expect(error.text).toBe('no user 7');
  });
});

describe('HttpError.toResponse', () => {
  it('builds a response with status, reason, a copy of the headers, and the body', () => {
    const error = new HTTPNotFound({ reason: 'Nope', headers: { 'X-A': '1' } });
    const response = error.toResponse();
    expect(response.status).toBe(404);
    expect(response.reason).toBe('Nope');
    expect(response.text).toBe('404: Nope');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-a')).toBe('1');
    response.headers.set('X-B', '2');
    expect(error.headers.has('x-b')).toBe(false);
    expect(error.toResponse()).not.toBe(response);
  });

  it('keeps bytes and a custom content type, and sends no body for 204', () => {
    const response = new HTTPBadRequest({ body: Buffer.from([1, 2]), contentType: 'application/octet-stream' }).toResponse();
    expect(response.body).toEqual(Buffer.from([1, 2]));
    expect(response.contentType).toBe('application/octet-stream');
    const empty = new HTTPNoContent().toResponse();
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(empty.headers.has('content-type')).toBe(false);
  });
});
