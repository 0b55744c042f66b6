import { evaluatePreconditions, fileValidators, ifRangeHolds, type FileValidators } from './validators.js';

const v: FileValidators = { etag: '"abc-10"', lastModified: Date.parse('2024-01-02T03:04:05Z') / 1000 };
const headers = (h: Record<string, string>) => (name: string) => h[name];
const LAST = 'Tue, 02 Jan 2024 03:04:05 GMT';

describe('fileValidators', () => {
  test('ETag is "<mtime ns hex>-<size hex>" (aiohttp), Last-Modified whole seconds', () => {
    const stats = { mtimeMs: 1000n, mtimeNs: 1_000_500_000n, size: 255n } as never;
    expect(fileValidators(stats)).toEqual({ etag: '"3ba26b20-ff"', lastModified: 1 });
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
    expect(evaluatePreconditions(headers(h), v)).toBe(outcome);
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
