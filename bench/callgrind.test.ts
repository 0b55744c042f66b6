import { callgrindEvents } from './callgrind.js';

describe('callgrindEvents', () => {
  test('reads the summary line of a callgrind dump', () => {
    expect(callgrindEvents('# callgrind format\nevents: Ir\nsummary: 243997868\n\nfl=(1) x.c\n')).toEqual({ Ir: 243997868 });
  });

  test('falls back to the totals line', () => {
    expect(callgrindEvents('events: Ir\nfn=main\n5 10\ntotals: 57542162\n')).toEqual({ Ir: 57542162 });
  });

  test('names every event of a dump with cache and branch simulation', () => {
    const dump = 'events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim\nsummary: 260329334 75588919 43304606 14216225 5172708 927323 8685 5717 218372 42567473 4046090 1845141 541111\n';
    expect(callgrindEvents(dump)).toEqual({
      Ir: 260329334,
      Dr: 75588919,
      Dw: 43304606,
      I1mr: 14216225,
      D1mr: 5172708,
      D1mw: 927323,
      ILmr: 8685,
      DLmr: 5717,
      DLmw: 218372,
      Bc: 42567473,
      Bcm: 4046090,
      Bi: 1845141,
      Bim: 541111,
    });
  });

  test('counts callgrind leaves off the end of the line are zero', () => {
    expect(callgrindEvents('events: Ir Dr Bim\nsummary: 5000\n')).toEqual({ Ir: 5000, Dr: 0, Bim: 0 });
  });

  test.each([
    ['{"port":1}', 'not a callgrind output file: no "events:" line or no "summary:"/"totals:" line'],
    ['events: Ir\n', 'not a callgrind output file'],
    ['events: Ir\nsummary: 5000 12\n', 'callgrind totals "5000 12" do not match its events Ir'],
    ['events: Ir\nsummary: 5x\n', 'callgrind totals "5x" do not match its events Ir'],
    ['events: I1mr\nsummary: 12\n', 'callgrind counted no instructions (Ir): its events are I1mr'],
  ])('%j is refused with a clear error', (text, message) => {
    expect(() => callgrindEvents(text)).toThrow(message);
  });
});
