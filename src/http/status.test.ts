import { WeftError } from '../errors.js';
import { checkReason, checkStatus, standardReason } from './status.js';

describe('status line', () => {
  it('accepts integer statuses from 200 to 599', () => {
    for (const status of [200, 204, 404, 599]) expect(checkStatus(status)).toBe(status);
  });

  it.each([99, 600, 999, 1000, 200.5, NaN, -1])('rejects status %p with WEFT_ERR_INVALID_STATUS', (status) => {
    expect(() => checkStatus(status)).toThrow(WeftError);
    expect(() => checkStatus(status)).toThrow(`WEFT_ERR_INVALID_STATUS: invalid status code ${status}: a response status is an integer from 200 to 599`);
  });

  it.each([100, 101, 103, 199])('rejects the interim status %p, saying why', (status) => {
    expect(() => checkStatus(status)).toThrow(`WEFT_ERR_INVALID_STATUS: invalid status code ${status}: a response status is an integer from 200 to 599 (1xx are interim responses, not answers)`);
  });

  it('accepts one-line reasons, Latin-1 included, and rejects control characters', () => {
    expect(checkReason('Gone Fishing\tà')).toBe('Gone Fishing\tà');
    for (const reason of ['a\r\nb', 'a\nb', 'a\u0000b', 'ü日本']) {
      expect(() => checkReason(reason)).toThrow(expect.objectContaining({ code: 'WEFT_ERR_INVALID_STATUS' }));
    }
  });

  it('knows the standard reasons', () => {
    expect(standardReason(404)).toBe('Not Found');
    expect(standardReason(299)).toBe('Unknown');
  });
});
