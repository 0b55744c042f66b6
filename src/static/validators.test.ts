import { evaluatePreconditions, fileValidators, httpDate, ifRangeHolds, type FileValidators } from './validators.js';

const v: FileValidators = { etag: '"abc-10"', lastModified: Date.parse('2024-01-02T03:04:05Z') / 1000 };
const headers = (h: Record<string, string>) => (name: string) => h[name];
const LAST = 'Tue, 02 Jan 2024 03:04:05 GMT';

describe('fileValidators', () => {
  test('ETag is "<mtime ns hex>-<size hex>" (aiohttp), Last-Modified whole seconds', () => {
    const stats = { mtimeMs: 1000n, mtimeNs: 1_000_500_000n, size: 255n } as never;
    expect(fileValidators(stats)).toEqual({ etag: '"3ba26b20-ff"', lastModified: 1 });
  });

  test('a modification time in the future is Last-Modified now (RFC 9110 8.8.2.1); the ETag keeps it', () => {
    const tomorrow = Date.now() + 86_400_000;
    const stats = { mtimeMs: BigInt(tomorrow), mtimeNs: BigInt(tomorrow) * 1_000_000n, size: 1n } as never;
    const { etag, lastModified } = fileValidators(stats);
    expect(lastModified).toBeLessThanOrEqual(Date.now() / 1000);
    expect(lastModified).toBeGreaterThan(Date.now() / 1000 - 5);
    expect(etag).toBe(`"${(BigInt(tomorrow) * 1_000_000n).toString(16)}-1"`);
  });
});

describe('evaluatePreconditions', () => {
  test.each([
    [{}, 'ok'],
    [{ 'if-none-match': '"abc-10"' }, 304],
    [{ 'if-none-match': 'W/"abc-10"' }, 304],
    [{ 'if-none-match': '"x", "abc-10"' }, 304],
    [{ 'if-none-match': '*' }, 304],
    [{ 'if-none-match': '"x"' }, 'ok'],
    [{ 'if-modified-since': LAST }, 304],
    [{ 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }, 'ok'],
    [{ 'if-modified-since': 'not a date' }, 'ok'],
    [{ 'if-none-match': '"x"', 'if-modified-since': LAST }, 'ok'],
    [{ 'if-match': '"abc-10"' }, 'ok'],
    [{ 'if-match': '*' }, 'ok'],
    [{ 'if-match': 'W/"abc-10"' }, 412],
    [{ 'if-match': '"x"' }, 412],
    [{ 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }, 412],
    [{ 'if-unmodified-since': LAST }, 'ok'],
    [{ 'if-match': '"abc-10"', 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }, 'ok'],
  ] as const)('%j → %s', (h, outcome) => {
    expect(evaluatePreconditions(headers(h), v, 'GET')).toBe(outcome);
    expect(evaluatePreconditions(headers(h), v, 'HEAD')).toBe(outcome);
  });

  test('other methods: a failed If-None-Match is 412, If-Modified-Since does not count (RFC 9110 13.1.2, 13.1.3)', () => {
    expect(evaluatePreconditions(headers({ 'if-none-match': '*' }), v, 'POST')).toBe(412);
    expect(evaluatePreconditions(headers({ 'if-none-match': '"abc-10"' }), v, 'PUT')).toBe(412);
    expect(evaluatePreconditions(headers({ 'if-none-match': '"x"' }), v, 'POST')).toBe('ok');
    expect(evaluatePreconditions(headers({ 'if-modified-since': LAST }), v, 'POST')).toBe('ok');
    expect(evaluatePreconditions(headers({ 'if-match': '"x"' }), v, 'DELETE')).toBe(412);
  });

  test('values that are not HTTP-dates are ignored, whatever Date.parse makes of them', () => {
    for (const garbage of ['2025', '3000', '2030-01-01', '1', 'Tue, 02 Jan 2024 03:04:05 +0900', 'Tue, 02 Jan 2024 03:04:05']) {
      expect(evaluatePreconditions(headers({ 'if-modified-since': garbage }), v, 'GET')).toBe('ok');
      expect(evaluatePreconditions(headers({ 'if-unmodified-since': garbage }), v, 'GET')).toBe('ok');
    }
  });
});

describe('httpDate', () => {
  test.each([
    ['Tue, 02 Jan 2024 03:04:05 GMT', 1704164645],
    ['Tuesday, 02-Jan-24 03:04:05 GMT', 1704164645],
    ['Tue Jan  2 03:04:05 2024', 1704164645],
    [' Tue, 02 Jan 2024 03:04:05 GMT ', 1704164645],
    ['Sun, 06 Nov 1994 08:49:37 GMT', 784111777],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 784111777],
    ['Sun Nov  6 08:49:37 1994', 784111777],
  ])('%s → %d, in GMT whatever the local time zone', (text, seconds) => {
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo'; // node applies a changed TZ at once
    try {
      expect(httpDate(text)).toBe(seconds);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  test.each(['2030-01-01', '1', '3000', 'Tue, 31 Feb 2024 00:00:00 GMT', 'Tue, 02 Foo 2024 03:04:05 GMT', 'Tue, 02 Jan 2024 24:00:00 GMT', 'tue, 02 jan 2024 03:04:05 gmt', ''])(
    '%j is not an HTTP-date',
    (text) => {
      expect(httpDate(text)).toBeUndefined();
    },
  );

  test('an RFC 850 year more than 50 years ahead is the previous century', () => {
    const now = new Date().getUTCFullYear();
    const ahead = (now + 51) % 100;
    const twoDigits = String(ahead).padStart(2, '0');
    expect(new Date(httpDate(`Monday, 01-Jan-${twoDigits} 00:00:00 GMT`)! * 1000).getUTCFullYear()).toBe(now + 51 - 100);
  });
});

describe('ifRangeHolds', () => {
  test('absent, exact strong ETag or exact date hold; anything else does not', () => {
    expect(ifRangeHolds(undefined, v)).toBe(true);
    expect(ifRangeHolds('"abc-10"', v)).toBe(true);
    expect(ifRangeHolds(LAST, v)).toBe(true);
    expect(ifRangeHolds('W/"abc-10"', v)).toBe(false);
    expect(ifRangeHolds('"other"', v)).toBe(false);
    expect(ifRangeHolds('Mon, 01 Jan 2024 00:00:00 GMT', v)).toBe(false);
  });
});
