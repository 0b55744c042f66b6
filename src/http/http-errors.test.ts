import * as errors from './http-errors.js';
import {
  HttpError,
  HTTPClientError,
  HTTPFound,
  HTTPMethodNotAllowed,
  HTTPMove,
  HTTPNotModified,
  HTTPRedirection,
  HTTPRequestEntityTooLarge,
  HTTPServerError,
  HTTPSuccessful,
  HTTPUnavailableForLegalReasons,
  type HttpErrorClass,
} from './http-errors.js';

const SUCCESSFUL: Record<string, number> = {
  HTTPOk: 200,
  HTTPCreated: 201,
  HTTPAccepted: 202,
  HTTPNonAuthoritativeInformation: 203,
  HTTPNoContent: 204,
  HTTPResetContent: 205,
  HTTPPartialContent: 206,
};
const MOVES: Record<string, number> = {
  HTTPMultipleChoices: 300,
  HTTPMovedPermanently: 301,
  HTTPFound: 302,
  HTTPSeeOther: 303,
  HTTPUseProxy: 305,
  HTTPTemporaryRedirect: 307,
  HTTPPermanentRedirect: 308,
};
const CLIENT: Record<string, number> = {
  HTTPBadRequest: 400,
  HTTPUnauthorized: 401,
  HTTPPaymentRequired: 402,
  HTTPForbidden: 403,
  HTTPNotFound: 404,
  HTTPNotAcceptable: 406,
  HTTPProxyAuthenticationRequired: 407,
  HTTPRequestTimeout: 408,
  HTTPConflict: 409,
  HTTPGone: 410,
  HTTPLengthRequired: 411,
  HTTPPreconditionFailed: 412,
  HTTPRequestURITooLong: 414,
  HTTPUnsupportedMediaType: 415,
  HTTPRequestRangeNotSatisfiable: 416,
  HTTPExpectationFailed: 417,
  HTTPMisdirectedRequest: 421,
  HTTPUnprocessableEntity: 422,
  HTTPFailedDependency: 424,
  HTTPUpgradeRequired: 426,
  HTTPPreconditionRequired: 428,
  HTTPTooManyRequests: 429,
  HTTPRequestHeaderFieldsTooLarge: 431,
};
const SERVER: Record<string, number> = {
  HTTPInternalServerError: 500,
  HTTPNotImplemented: 501,
  HTTPBadGateway: 502,
  HTTPServiceUnavailable: 503,
  HTTPGatewayTimeout: 504,
  HTTPVersionNotSupported: 505,
  HTTPVariantAlsoNegotiates: 506,
  HTTPInsufficientStorage: 507,
  HTTPNotExtended: 510,
  HTTPNetworkAuthenticationRequired: 511,
};

const exported = errors as unknown as Record<string, HttpErrorClass>;

describe('the aiohttp class table', () => {
  it.each([
    ...Object.entries(SUCCESSFUL).map(([name, status]) => [name, status, HTTPSuccessful] as const),
    ...Object.entries(CLIENT).map(([name, status]) => [name, status, HTTPClientError] as const),
    ...Object.entries(SERVER).map(([name, status]) => [name, status, HTTPServerError] as const),
    ['HTTPNotModified', 304, HTTPRedirection] as const,
  ])('%s is a real class with status %d', (name, status, group) => {
    const Class = exported[name];
    expect(typeof Class).toBe('function');
    expect(Class.name).toBe(name);
    expect(Class.status).toBe(status);
    const error = new Class();
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(group);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    const empty = status === 204 || status === 205 || status === 304;
    expect(error.text).toBe(empty ? null : `${status}: ${error.reason}`);
    expect(error.stack).toContain(name);
  });

  it.each(Object.entries(MOVES))('%s takes a location first (status %d)', (name, status) => {
    const Class = (errors as unknown as Record<string, errors.RedirectErrorClass>)[name];
    const error = new Class('/next');
    expect(Class.status).toBe(status);
    expect(error).toBeInstanceOf(HTTPMove);
    expect(error).toBeInstanceOf(HTTPRedirection);
    expect(error.status).toBe(status);
    expect(error.location).toBe('/next');
    expect(error.headers.get('Location')).toBe('/next');
  });

  it('takes a string as the body text, as NestJS exceptions take their message', () => {
    const error = new errors.HTTPNotFound('User not found');
    expect([error.status, error.message, error.text]).toEqual([404, 'User not found', 'User not found']);
    expect(new errors.HTTPBadRequest({ text: 'same as' }).text).toBe('same as');
  });

  it('has HTTPMethodNotAllowed, HTTPRequestEntityTooLarge and HTTPUnavailableForLegalReasons', () => {
    expect(new HTTPMethodNotAllowed('POST', ['GET']).status).toBe(405);
    expect(new HTTPRequestEntityTooLarge(1, 2).status).toBe(413);
    expect(new HTTPUnavailableForLegalReasons().status).toBe(451);
    expect(HTTPMethodNotAllowed.status).toBe(405);
  });
});

describe('redirect errors', () => {
  it('encode the location for the header', () => {
    const error = new HTTPFound('/café?q=a b');
    expect(error.location).toBe('/caf%C3%A9?q=a%20b');
    error.location = '/other';
    expect(error.headers.get('location')).toBe('/other');
  });

  it('HTTPNotModified has no location and no body', () => {
    const error = new HTTPNotModified({ headers: { ETag: '"x"' } });
    expect(error).toBeInstanceOf(HTTPRedirection);
    expect(error).not.toBeInstanceOf(HTTPMove);
    expect(error.body).toBeNull();
    const response = error.toResponse();
    expect(response.status).toBe(304);
    expect(response.body).toBeNull();
    expect(response.headers.get('etag')).toBe('"x"');
  });
});

describe('errors with extra constructor arguments', () => {
  it('HTTPMethodNotAllowed sets Allow, sorted, unique, comma-joined', () => {
    const error = new HTTPMethodNotAllowed('DELETE', ['POST', 'GET', 'HEAD', 'GET']);
    expect(error.method).toBe('DELETE');
    expect(error.allowedMethods).toEqual(['GET', 'HEAD', 'POST']);
    expect(error.headers.get('Allow')).toBe('GET,HEAD,POST');
    expect(error.text).toBe('405: Method Not Allowed');
  });

  it('HTTPMethodNotAllowed takes one method as a string (a string is iterable: it was split into letters, Allow: E,G,T)', () => {
    const error = new HTTPMethodNotAllowed('POST', 'GET');
    expect(error.allowedMethods).toEqual(['GET']);
    expect(error.headers.get('Allow')).toBe('GET');
  });

  it('HTTPRequestEntityTooLarge names both sizes, unless given a text', () => {
    const error = new HTTPRequestEntityTooLarge(1_048_576, 2_000_000);
    expect(error.text).toBe('Maximum request body size 1048576 exceeded, actual body size 2000000');
    expect(error.message).toBe(error.text);
    expect(error).toMatchObject({ maxSize: 1_048_576, actualSize: 2_000_000, status: 413 });
    expect(new HTTPRequestEntityTooLarge(1, 2, { text: 'too big' }).text).toBe('too big');
  });

  it('HTTPUnavailableForLegalReasons sets the Link header', () => {
    const error = new HTTPUnavailableForLegalReasons({ link: 'https://authority.test/orders/42', text: 'blocked' });
    expect(error.link).toBe('https://authority.test/orders/42');
    expect(error.headers.get('link')).toBe('<https://authority.test/orders/42>; rel="blocked-by"');
    expect(error.text).toBe('blocked');
    expect(new HTTPUnavailableForLegalReasons().headers.has('link')).toBe(false);
  });

  it("HTTPUnavailableForLegalReasons keeps the Link header's <...> whole and refuses a link that is not a string", () => {
    expect(new HTTPUnavailableForLegalReasons({ link: 'https://a.test/x>y<z' }).headers.get('link')).toBe('<https://a.test/x%3Ey%3Cz>; rel="blocked-by"');
    expect(() => new HTTPUnavailableForLegalReasons({ link: new URL('https://a.test/') as never })).toThrow(
      'WEFT_ERR_INVALID_OPTION: new HTTPUnavailableForLegalReasons(): link must be a URL string, got an object',
    );
  });

  it('HTTPUnavailableForLegalReasons given the link itself (aiohttp passes it first), or no object, says to give { link }', () => {
    // a string's own .link is String.prototype.link, a function: it said "link must be a URL string, got function"
    const message = 'WEFT_ERR_INVALID_OPTION: new HTTPUnavailableForLegalReasons(): options must be an object ({ link, text, ... }), got';
    expect(() => new HTTPUnavailableForLegalReasons('https://a.test/' as never)).toThrow(`${message} "https://a.test/": the link goes in { link }`);
    // a URL has no own keys: it was a 451 without its Link header
    expect(() => new HTTPUnavailableForLegalReasons(new URL('https://a.test/') as never)).toThrow(`${message} a URL: the link goes in { link }`);
    expect(() => new HTTPUnavailableForLegalReasons(null as never)).toThrow(`${message} null`);
  });
});

