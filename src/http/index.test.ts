import * as http from './index.js';

describe('src/http public API', () => {
  it('exports the contract the rest of weft relies on', () => {
    const names = [
      'Request',
      'RequestHeaders',
      'ResponseHeaders',
      'StreamResponse',
      'Response',
      'ResponseLocals',
      'json',
      'text',
      'html',
      'redirect',
      'sendResponse',
      'toResponse',
      'parseMediaType',
      'parseAccept',
      'negotiate',
      'parseCookies',
      'serializeCookie',
      'HttpError',
      'HTTPSuccessful',
      'HTTPRedirection',
      'HTTPClientError',
      'HTTPServerError',
      'HTTPFound',
      'HTTPNotFound',
      'HTTPMethodNotAllowed',
      'HTTPRequestEntityTooLarge',
      'HTTPInternalServerError',
    ];
    for (const name of names) expect(typeof (http as Record<string, unknown>)[name]).toBe('function');
    expect(http.DEFAULT_CLIENT_MAX_SIZE).toBe(1_048_576);
  });
});
