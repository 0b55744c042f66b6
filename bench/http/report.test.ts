import { type Framework } from './bench-options.js';
import { type LoadResult } from './load.js';
import { type FrameworkOutcome, type ScenarioRun, type SliceResult } from './measure-scenario.js';
import { allTargetsMet, formatCpuTable, formatNotes, formatTable, ratioCell, summarise } from './report.js';
import { type ScenarioId } from './scenarios.js';

const MB = 1024 * 1024;

function load(requestsPerSec: number, extra: Partial<LoadResult> = {}): LoadResult {
  return { requestsPerSec, latencyP50Ms: 1, latencyP99Ms: 4, latencyMaxMs: 9, requests: requestsPerSec, seconds: 1, non2xx: 0, errors: 0, timeouts: 0, loaderCpu: 0.4, ...extra };
}

/**
 * One round of a scenario from each framework's req/s per cycle (`undefined`: no slice in
 * that cycle). Requests per CPU-second equal req/s (server at 100%) unless `extra` says otherwise.
 */
function run(
  scenario: ScenarioId,
  perCycle: Partial<Record<Framework, Array<number | undefined>>>,
  options: { round?: number; outcomes?: Partial<Record<Framework, Partial<FrameworkOutcome>>>; slice?: (framework: Framework, cycle: number) => Partial<SliceResult> } = {},
): ScenarioRun {
  const round = options.round ?? 1;
  const frameworks = Object.keys(perCycle) as Framework[];
  const slices: SliceResult[] = frameworks.flatMap((framework) =>
    perCycle[framework]!.flatMap((requestsPerSec, i) =>
      requestsPerSec === undefined
        ? []
        : [{ scenario, round, cycle: i + 1, framework, position: 0, load: load(requestsPerSec), serverCpu: 1, requestsPerCpuSec: requestsPerSec, ...options.slice?.(framework, i + 1) }],
    ),
  );
  const outcomes = frameworks.map((framework) => ({ framework, rssBytes: 64 * MB, ...options.outcomes?.[framework] }));
  return { scenario, round, outcomes, slices };
}

describe('summarise', () => {
  it('gives each framework the medians of its slices and weft the medians of its per-cycle ratios', () => {
    // The machine halves its speed in cycle 3: each framework's req/s swings, the ratios do not.
    const [s1] = summarise([run('S1', { weft: [900, 950, 450], raw: [1000, 1000, 500], fastify: [1000, 900, 500] })]);
    expect(s1.frameworks.weft).toMatchObject({ ok: true, slices: 3, requestsPerSec: 900, latencyP99Ms: 4, serverCpu: 1, rssBytes: 64 * MB });
    expect(s1.ratios.raw).toEqual({ value: 0.9, min: 0.9, max: 0.95, cycles: 3, target: 0.9, met: true });
    // Per cycle 0.9, 1.0556, 0.9: the median is 0.9, although the medians of req/s give 900 / 900 = 1.
    expect(s1.ratios.fastify).toMatchObject({ value: 0.9, cycles: 3, target: 1, met: false });
    expect(s1.cpuRatios.raw).toMatchObject({ value: 0.9, met: true });
  });

  it('pools the cycles of every round and reports the last round’s RSS', () => {
    const [s2] = summarise([
      run('S2', { weft: [800, 1000], raw: [1000, 1000] }, { round: 2, outcomes: { weft: { rssBytes: 80 * MB } } }),
      run('S2', { weft: [900, 950], raw: [1000, 1000] }, { round: 1 }),
    ]);
    expect(s2.ratios.raw).toMatchObject({ value: 0.925, min: 0.8, max: 1, cycles: 4 });
    expect(s2.frameworks.weft).toMatchObject({ ok: true, slices: 4, requestsPerSec: 925, rssBytes: 80 * MB });
  });

  it('fails a framework that failed in any round, and computes no ratio with it', () => {
    const [s3] = summarise([
      run('S3', { weft: [900], raw: [1000], fastify: [900] }, { round: 1 }),
      run('S3', { weft: [900], raw: [1000], fastify: [900] }, { round: 2, outcomes: { raw: { problem: 'cycle 1: 3 non-2xx responses' } } }),
    ]);
    expect(s3.frameworks.raw).toEqual({ ok: false, problem: 'round 2: cycle 1: 3 non-2xx responses' });
    expect(s3.ratios.raw).toBeUndefined();
    expect(s3.cpuRatios.raw).toBeUndefined();
    expect(s3.ratios.fastify).toMatchObject({ value: 1, met: true });
    expect(allTargetsMet([s3])).toBe(false);
  });

  it('computes no ratio for a peer not run, nor any when weft was not run', () => {
    const [s4] = summarise([run('S4', { weft: [900], fastify: [900] })]);
    expect(Object.keys(s4.ratios)).toEqual(['fastify']);
    const [s5] = summarise([run('S5', { raw: [1000], fastify: [900] })]);
    expect(s5.ratios).toEqual({});
  });

  it('counts the slices whose server did not get 90% of a core, by whether the loader was at its limit', () => {
    const [s1] = summarise([
      run('S1', { weft: [900, 900, 900, 900] }, { slice: (_f, cycle) => ({ serverCpu: cycle === 4 ? 0.95 : 0.7, load: load(900, { loaderCpu: cycle === 1 ? 0.97 : 0.5 }) }) }),
    ]);
    expect(s1.frameworks.weft).toMatchObject({ loaderBoundSlices: 1, contendedSlices: 2, serverCpu: 0.7, loaderCpu: 0.5 });
  });

  it('says whether every target was met', () => {
    expect(allTargetsMet(summarise([run('S1', { weft: [900], raw: [1000], fastify: [900] })]))).toBe(true);
    expect(allTargetsMet(summarise([run('S1', { weft: [890], raw: [1000] })]))).toBe(false);
  });
});

describe('formatTable', () => {
  it('prints one Markdown row per scenario with medians, the ratio ranges, and marks a miss', () => {
    const runs = [run('S1', { weft: [800, 850, 900], raw: [1000, 1000, 1000], fastify: [700, 700, 700] }, { outcomes: { fastify: { problem: 'crashed' } } })];
    expect(formatTable(summarise(runs)).split('\n')).toEqual([
      '| scenario | weft req/s | p99 ms | RSS MB | raw req/s | p99 ms | RSS MB | fastify req/s | p99 ms | RSS MB |    weft/raw (≥0.9) |',
      '|----------|-----------:|-------:|-------:|----------:|-------:|-------:|--------------:|-------:|-------:|-------------------:|',
      '| S1       |        850 |    4.0 |   64.0 |     1,000 |    4.0 |   64.0 |        FAILED |      - |      - | 0.85 ✗ (0.80–0.90) |',
    ]);
  });

  it('prints the per-CPU-second table with the server’s and the loader’s CPU use', () => {
    const runs = [run('S1', { weft: [8000], raw: [10000] }, { slice: (framework) => (framework === 'weft' ? { serverCpu: 0.97, requestsPerCpuSec: 8200 } : {}) })];
    expect(formatCpuTable(summarise(runs)).split('\n')).toEqual([
      '| scenario | weft req/CPU-s | CPU | loader | raw req/CPU-s |  CPU | loader | weft/raw per CPU-s |',
      '|----------|---------------:|----:|-------:|--------------:|-----:|-------:|-------------------:|',
      '| S1       |          8,200 | 97% |    40% |        10,000 | 100% |    40% | 0.82 ✗ (0.82–0.82) |',
    ]);
  });
});

describe('ratioCell', () => {
  it('never prints a ratio just under its target as the target, and prints a range when it has one', () => {
    expect(ratioCell({ value: 0.8999, target: 0.9, met: false })).toBe('0.89 ✗');
    expect(ratioCell({ value: 0.969, min: 0.93, max: 1.01, cycles: 10, target: 0.9, met: true })).toBe('0.96 ✓ (0.93–1.01)');
    expect(ratioCell(undefined)).toBe('n/a');
  });
});

describe('formatNotes', () => {
  it('names failures, misses by how much, slices whose server did not get a core, and counts targets met', () => {
    const notes = formatNotes(
      summarise([
        run('S1', { weft: [800, 900], raw: [1000, 1000], fastify: [700, 700] }, { slice: (framework) => (framework === 'fastify' ? { serverCpu: 0.6, load: load(700, { loaderCpu: 0.99 }) } : {}) }),
        run('S2', { weft: [900], raw: [1000] }, { outcomes: { raw: { problem: 'weft S2: status 404' } }, slice: () => ({ serverCpu: 0.5 }) }),
      ]),
    );
    expect(notes).toEqual([
      'S1: GET / -> text',
      'S2: GET /users/{id} among 25 routes -> JSON',
      'MISSED S1 weft/raw 0.85 < 0.9 (6% short; cycles 0.80–0.90, n=2; per CPU-second 0.85)',
      'FAILED S2 raw: weft S2: status 404',
      'LOADER-BOUND slices (load generator above 90% CPU while the server was under 90%: their req/s is the loader’s limit): S1 fastify 2/2',
      'CONTENDED slices (server under 90% CPU while the load generator had room: other processes took CPU time): S2 weft 1/1',
      'targets met: 1 of 2',
    ]);
  });
});
