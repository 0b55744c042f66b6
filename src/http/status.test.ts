import { WeftError } from '../errors.js';
import { checkReason, checkStatus, standardReason } from './status.js';

describe('status line', () => {
  it('accepts integer statuses from 100 to 999', () => {
    for (const status of [100, 200, 404, 599, 999]) expect(checkStatus(status)).toBe(status);
  });

  it.each([99, 1000, 200.5, NaN, -1])('rejects status %p with WEFT_ERR_INVALID_STATUS', (status) => {
    expect(() => checkStatus(status)).toThrow(WeftError);
    expect(() => checkStatus(status)).toThrow(`WEFT_ERR_INVALID_STATUS: invalid status code ${status}: it must be an integer from 100 to 999`);
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
