import { acceptedEncodings } from './accept-encoding.js';

const names = (header: string | undefined): string[] => acceptedEncodings(header).map((e) => e.encoding);

describe('acceptedEncodings', () => {
  test.each([
    [undefined, []],
    ['', []],
    ['gzip', ['gzip']],
    ['gzip, br', ['br', 'gzip']],
    ['br;q=0, gzip', ['gzip']],
    ['gzip;q=0', []],
    ['gzip; q=0.0', []],
    ['GZIP;Q=0.5', ['gzip']],
    ['x-gzip', ['gzip']],
    ['*', ['br', 'gzip']],
    ['*;q=0, gzip', ['gzip']],
    ['identity', []],
    ['deflate, gzip;q=garbage', ['gzip']], // a malformed q is ignored, as other parameters are
  ])('%j → %j', (header, expected) => {
    expect(names(header)).toEqual(expected);
  });
});
