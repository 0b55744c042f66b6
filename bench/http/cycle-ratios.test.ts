import { type Framework } from './bench-options.js';
import { cycleRatio, median, perCycleRatios } from './cycle-ratios.js';
import { type SliceResult } from './measure-scenario.js';

function slice(framework: Framework, cycle: number, requestsPerSec: number, round = 1): SliceResult {
  const load = { requestsPerSec, latencyP50Ms: 1, latencyP99Ms: 2, latencyMaxMs: 5, requests: requestsPerSec, seconds: 1, non2xx: 0, errors: 0, timeouts: 0, loaderCpu: 0.4 };
  return { scenario: 'S1', round, cycle, framework, position: 0, load, serverCpu: 1, requestsPerCpuSec: requestsPerSec * 2 };
}

const rate = (s: SliceResult) => s.load.requestsPerSec;

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([0.97, 1.01, 0.93, 0.95, 2.5])).toBe(0.97);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 20])).toBe(15);
  });

  it('is NaN for no values and leaves its input unsorted', () => {
    expect(median([])).toBeNaN();
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('perCycleRatios', () => {
  it('divides within each cycle, not across cycles', () => {
    // The machine doubles its speed in cycle 2: the ratios stay put.
    const slices = [slice('weft', 1, 900), slice('raw', 1, 1000), slice('raw', 2, 2000), slice('weft', 2, 1800)];
    expect(perCycleRatios(slices, 'weft', 'raw', rate)).toEqual([0.9, 0.9]);
    expect(perCycleRatios(slices, 'raw', 'weft', rate)).toEqual([1000 / 900, 2000 / 1800]);
  });

  it('skips cycles in which either framework has no slice', () => {
    const slices = [slice('weft', 1, 900), slice('raw', 1, 1000), slice('weft', 2, 800), slice('raw', 3, 700)];
    expect(perCycleRatios(slices, 'weft', 'raw', rate)).toEqual([0.9]);
    expect(perCycleRatios(slices, 'weft', 'fastify', rate)).toEqual([]);
  });

  it('pools the cycles of every round, keeping rounds apart', () => {
    const slices = [slice('weft', 1, 500, 2), slice('raw', 1, 1000, 2), slice('weft', 1, 900, 1), slice('raw', 1, 1000, 1)];
    expect(perCycleRatios(slices, 'weft', 'raw', rate)).toEqual([0.9, 0.5]);
  });

  it('divides whatever measure it is given', () => {
    const slices = [slice('weft', 1, 900), { ...slice('raw', 1, 1000), requestsPerCpuSec: 900 }];
    expect(perCycleRatios(slices, 'weft', 'raw', (s) => s.requestsPerCpuSec)).toEqual([2]);
  });
});

describe('cycleRatio', () => {
  it('is the median of the per-cycle ratios with their range and count (odd count)', () => {
    const weft = [930, 1010, 970, 950, 990];
    const slices = weft.flatMap((value, i) => [slice('weft', i + 1, value), slice('raw', i + 1, 1000)]);
    const ratio = cycleRatio(slices, 'weft', 'raw', rate)!;
    expect(ratio.value).toBeCloseTo(0.97, 10);
    expect(ratio.min).toBeCloseTo(0.93, 10);
    expect(ratio.max).toBeCloseTo(1.01, 10);
    expect(ratio.cycles).toBe(5);
  });

  it('averages the two middle ratios for an even count, and one wild cycle does not move it', () => {
    const weft = [900, 950, 400, 1000];
    const slices = weft.flatMap((value, i) => [slice('weft', i + 1, value), slice('fastify', i + 1, 1000)]);
    const ratio = cycleRatio(slices, 'weft', 'fastify', rate)!;
    expect(ratio.value).toBeCloseTo(0.925, 10);
    expect(ratio.min).toBeCloseTo(0.4, 10);
    expect(ratio.cycles).toBe(4);
  });

  it('is undefined when the peer was not measured', () => {
    expect(cycleRatio([slice('weft', 1, 900)], 'weft', 'raw', rate)).toBeUndefined();
  });
});
