import { type Framework } from './bench-options.js';
import { type LoadResult } from './load.js';
import { type PairResult, allTargetsMet, formatCpuTable, formatNotes, formatTable, summarise } from './report.js';
import { type ScenarioId } from './scenarios.js';

function load(requestsPerSec: number, extra: Partial<LoadResult> = {}): LoadResult {
  const requests = requestsPerSec * 5;
  return { requestsPerSec, latencyP50Ms: 1, latencyP99Ms: 4, latencyMaxMs: 9, requests, seconds: 5, non2xx: 0, errors: 0, timeouts: 0, loaderCpu: 0.7, ...extra };
}

function pair(scenario: ScenarioId, framework: Framework, requestsPerSec: number, extra: Partial<PairResult> = {}, round = 1): PairResult {
  return { scenario, framework, round, load: load(requestsPerSec), rssBytes: 64 * 1024 * 1024, serverCpu: 1, requestsPerCpuSec: requestsPerSec, ...extra };
}

describe('summarise', () => {
  it('keeps the best round of each pair and divides weft by each peer', () => {
    const [s1] = summarise([
      pair('S1', 'weft', 9000, {}, 1),
      pair('S1', 'raw', 10000, {}, 1),
      pair('S1', 'fastify', 9500, {}, 1),
      pair('S1', 'weft', 9600, {}, 2),
      pair('S1', 'raw', 9900, {}, 2),
      pair('S1', 'fastify', 9000, {}, 2),
    ]);
    expect(s1.frameworks.weft).toMatchObject({ ok: true, best: { round: 2 } });
    expect(s1.frameworks.raw).toMatchObject({ ok: true, best: { round: 1 } });
    expect(s1.ratios.raw).toEqual({ value: 0.96, target: 0.9, met: true });
    expect(s1.ratios.fastify!.value).toBeCloseTo(9600 / 9500);
    expect(s1.ratios.fastify!.met).toBe(true);
  });

  it('fails a pair if any round failed, and computes no ratio with it', () => {
    const [s2] = summarise([pair('S2', 'weft', 9000), pair('S2', 'raw', 10000), pair('S2', 'raw', 11000, { problem: '3 non-2xx responses' }, 2)]);
    expect(s2.frameworks.raw).toEqual({ ok: false, problem: '3 non-2xx responses' });
    expect(s2.ratios).toEqual({});
    expect(allTargetsMet([s2])).toBe(false);
  });

  it('computes the per-CPU-second ratios separately', () => {
    const [s3] = summarise([pair('S3', 'weft', 9000, { requestsPerCpuSec: 20000 }), pair('S3', 'raw', 10000, { requestsPerCpuSec: 20000 })]);
    expect(s3.ratios.raw!.met).toBe(true);
    expect(s3.cpuRatios.raw).toEqual({ value: 1, target: 0.9, met: true });
  });

  it('says whether every target was met', () => {
    expect(allTargetsMet(summarise([pair('S1', 'weft', 9000), pair('S1', 'raw', 10000), pair('S1', 'fastify', 9000)]))).toBe(true);
    expect(allTargetsMet(summarise([pair('S1', 'weft', 8900), pair('S1', 'raw', 10000)]))).toBe(false);
  });
});

describe('formatTable', () => {
  it('prints one Markdown row per scenario and marks a missed ratio', () => {
    const table = formatTable(summarise([pair('S1', 'weft', 8000), pair('S1', 'raw', 10000), pair('S1', 'fastify', 7000, { problem: 'crashed' })]));
    expect(table.split('\n')).toEqual([
      '| scenario | weft req/s | p99 ms | RSS MB | raw req/s | p99 ms | RSS MB | fastify req/s | p99 ms | RSS MB | weft/raw (≥0.9) |',
      '|----------|-----------:|-------:|-------:|----------:|-------:|-------:|--------------:|-------:|-------:|----------------:|',
      '| S1       |      8,000 |      4 |   64.0 |    10,000 |      4 |   64.0 |        FAILED |      - |      - |          0.80 ✗ |',
    ]);
  });

  it('prints the per-CPU-second table with each server’s CPU use', () => {
    const table = formatCpuTable(summarise([pair('S1', 'weft', 8000, { serverCpu: 0.97, requestsPerCpuSec: 8200 }), pair('S1', 'raw', 10000)]));
    expect(table.split('\n')).toEqual([
      '| scenario | weft req/CPU-s | CPU | raw req/CPU-s |  CPU | weft/raw per CPU-s |',
      '|----------|---------------:|----:|--------------:|-----:|-------------------:|',
      '| S1       |          8,200 | 97% |        10,000 | 100% |             0.82 ✗ |',
    ]);
  });
});

describe('formatNotes', () => {
  it('never prints a ratio just under its target as the target', () => {
    const [s1] = summarise([pair('S1', 'weft', 8995), pair('S1', 'raw', 10000)]);
    expect(formatTable([s1])).toContain('0.89 ✗');
    expect(formatNotes([s1])).toContain('MISSED S1 weft/raw 0.89 < 0.9 (0% short; per CPU-second 0.89)');
  });

  it('names failures, misses by how much, servers that did not get a full CPU, and counts targets met', () => {
    const notes = formatNotes(
      summarise([
        pair('S1', 'weft', 8000, { requestsPerCpuSec: 9000 }),
        pair('S1', 'raw', 10000),
        pair('S1', 'fastify', 7000, { serverCpu: 0.6, load: load(7000, { loaderCpu: 0.99 }) }),
        pair('S2', 'weft', 9000, { serverCpu: 0.5 }),
        pair('S2', 'raw', 1, { problem: 'weft S2: status 404' }),
      ]),
    );
    expect(notes).toEqual([
      'S1: GET / -> text',
      'S2: GET /users/{id} among 25 routes -> JSON',
      'MISSED S1 weft/raw 0.80 < 0.9 (11% short; per CPU-second 0.90)',
      'FAILED S2 raw: weft S2: status 404',
      'LOADER-BOUND (server under 90% CPU while the load generator was at its limit; their req/s is a lower bound): S1 fastify 60%',
      'CONTENDED (server under 90% CPU while the load generator had room: other processes took CPU time; compare per CPU-second): S2 weft 50%',
      'targets met: 1 of 2',
    ]);
  });
});
