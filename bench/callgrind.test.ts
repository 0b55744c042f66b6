import { callgrindTotal } from './callgrind.js';

describe('callgrindTotal', () => {
  test('reads the summary line of a callgrind dump', () => {
    expect(callgrindTotal('# callgrind format\nevents: Ir\nsummary: 243997868\n\nfl=(1) x.c\n')).toBe(243997868);
  });

  test('falls back to the totals line', () => {
    expect(callgrindTotal('events: Ir\nfn=main\n5 10\ntotals: 57542162\n')).toBe(57542162);
  });

  test('text without a total is refused with a clear error', () => {
    expect(() => callgrindTotal('{"port":1}')).toThrow('not a callgrind output file: no "summary:" or "totals:" line');
  });
});
