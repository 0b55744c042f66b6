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
    ['br;q=0.5, gzip', ['gzip', 'br']], // the client's preference first
    ['gzip;q=0.8, br;q=0.9', ['br', 'gzip']],
    ['gzip;q=0.5, br;q=0.5', ['br', 'gzip']], // equal: ours
    ['*;q=0.2, gzip;q=0.3', ['gzip', 'br']],
    ['gzip;q=0.1, identity', []], // the plain file is preferred
    ['gzip;q=0.5, br, identity;q=0.8', ['br']],
    ['gzip, identity', ['gzip']], // equal: ours, an encoding
    ['gzip;q=0.5, *;q=0.8', ['br']], // * covers br and identity: br at 0.8 ties identity
    ['identity;q=0, gzip', ['gzip']],
  ])('%j → %j', (header, expected) => {
    expect(names(header)).toEqual(expected);
  });
});
