import { type CycleMode, type Framework } from './bench-options.js';
import { type LoadResult } from './load.js';
import { type FrameworkOutcome, type ScenarioRun, type SliceResult } from './measure-scenario.js';
import { allTargetsMet, decidingRatios, formatCpuTable, formatNotes, formatTable, ratioCell, summarise } from './report.js';
import { type ScenarioId } from './scenarios.js';

const MB = 1024 * 1024;

function load(requestsPerSec: number, extra: Partial<LoadResult> = {}): LoadResult {
  return { requestsPerSec, latencyP50Ms: 1, latencyP99Ms: 4, latencyMaxMs: 9, requests: requestsPerSec, seconds: 1, non2xx: 0, errors: 0, timeouts: 0, loaderCpu: 0.4, ...extra };
}

/**
 * One round of a scenario (rotate mode unless `options.mode` says otherwise) from each
 * framework's req/s per cycle (`undefined`: no slice in that cycle). Requests per
 * CPU-second equal req/s (server at 100%) unless `options.slice` says otherwise.
 */
function run(
  scenario: ScenarioId,
  perCycle: Partial<Record<Framework, Array<number | undefined>>>,
  options: {
    round?: number;
    mode?: CycleMode;
    outcomes?: Partial<Record<Framework, Partial<FrameworkOutcome>>>;
    slice?: (framework: Framework, cycle: number) => Partial<SliceResult>;
  } = {},
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
  return { scenario, round, mode: options.mode ?? 'rotate', outcomes, slices };
}

/**
 * One together-mode round: each framework's req/s and requests per CPU-second per cycle;
 * every server has a third of CPU 0, all of them together 99%, the load generators
 * together 60%, unless `cycleCpu` says otherwise.
 */
function togetherRun(
  scenario: ScenarioId,
  perCycle: Partial<Record<Framework, Array<[requestsPerSec: number, requestsPerCpuSec: number]>>>,
  cycleCpu: (cycle: number) => { servers: number; loaders: number } = () => ({ servers: 0.99, loaders: 0.6 }),
): ScenarioRun {
  const rates = Object.fromEntries(Object.entries(perCycle).map(([framework, cycles]) => [framework, cycles.map(([requestsPerSec]) => requestsPerSec)]));
  return run(scenario, rates, {
    mode: 'together',
    slice: (framework, cycle) => {
      const [requestsPerSec, requestsPerCpuSec] = perCycle[framework]![cycle - 1];
      // Each load generator's own reading overlaps the others': only the cycle's largest means anything.
      return { load: load(requestsPerSec, { loaderCpu: 0.25 }), serverCpu: 0.33, requestsPerCpuSec, cycleCpu: cycleCpu(cycle) };
    },
  });
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

  it('in together mode, lets the ratios per CPU-second decide, and counts a slice by the CPU use of all the cycle’s servers and load generators', () => {
    // req/s ratio 0.85 (misses 0.9), per CPU-second 0.95 (meets it); cycle 2: the servers together had 70% of CPU 0.
    const [s1] = summarise([
      togetherRun('S1', { weft: [[8500, 9500], [8500, 9500], [8500, 9500]], raw: [[10000, 10000], [10000, 10000], [10000, 10000]] }, (cycle) => ({
        servers: cycle === 2 ? 0.7 : 0.99,
        loaders: cycle === 3 ? 0.95 : 0.6,
      })),
    ]);
    expect(s1.mode).toBe('together');
    expect(decidingRatios(s1)).toBe(s1.cpuRatios);
    expect(s1.cpuRatios.raw).toMatchObject({ value: 0.95, met: true });
    expect(s1.ratios.raw).toMatchObject({ value: 0.85, met: false });
    expect(allTargetsMet([s1])).toBe(true);
    // Each server alone had 33%: by that every slice would count as contended.
    expect(s1.frameworks.weft).toMatchObject({ serverCpu: 0.33, loaderCpu: 0.6, contendedSlices: 1, loaderBoundSlices: 0 });

    const [s2] = summarise([togetherRun('S2', { weft: [[9500, 8500]], raw: [[10000, 10000]] }, () => ({ servers: 0.8, loaders: 0.95 }))]);
    expect(allTargetsMet([s2])).toBe(false);
    expect(s2.frameworks.weft).toMatchObject({ contendedSlices: 0, loaderBoundSlices: 1 });
  });

  it('in rotate mode, lets the ratios on req/s decide', () => {
    const [s1] = summarise([run('S1', { weft: [850], raw: [1000] }, { slice: (framework) => (framework === 'weft' ? { requestsPerCpuSec: 950 } : {}) })]);
    expect(decidingRatios(s1)).toBe(s1.ratios);
    expect(allTargetsMet([s1])).toBe(false);
  });

  it('refuses to pool runs of different modes', () => {
    expect(() => summarise([run('S1', { weft: [900] }), run('S2', { weft: [900] }, { mode: 'together' })])).toThrow(
      'runs of different modes (rotate, together) cannot be summarised together',
    );
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

describe('the tables in together mode', () => {
  it('name the targets in the per-CPU-second table, which decides, and not in the req/s table', () => {
    const runs = [togetherRun('S1', { weft: [[8500, 9500]], raw: [[10000, 10000]] })];
    expect(formatCpuTable(summarise(runs)).split('\n')).toEqual([
      '| scenario | weft req/CPU-s | CPU | loader | raw req/CPU-s | CPU | loader | weft/raw per CPU-s (≥0.9) |',
      '|----------|---------------:|----:|-------:|--------------:|----:|-------:|--------------------------:|',
      '| S1       |          9,500 | 33% |    60% |        10,000 | 33% |    60% |        0.95 ✓ (0.95–0.95) |',
    ]);
    expect(formatTable(summarise(runs)).split('\n')[0]).toBe('| scenario | weft req/s | p99 ms | RSS MB | raw req/s | p99 ms | RSS MB |     weft/raw req/s |');
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

  it('in together mode, names the misses per CPU-second and counts slices by all servers and all load generators together', () => {
    const notes = formatNotes(
      summarise([
        togetherRun('S1', { weft: [[9000, 8500], [9000, 8600]], raw: [[10000, 10000], [10000, 10000]] }, (cycle) => ({ servers: cycle === 1 ? 0.6 : 0.99, loaders: 0.5 })),
        togetherRun('S3', { weft: [[9000, 9500]], raw: [[10000, 10000]] }, () => ({ servers: 0.8, loaders: 0.97 })),
      ]),
    );
    expect(notes).toEqual([
      'S1: GET / -> text',
      'S3: five middlewares write request-scoped values -> JSON',
      'MISSED S1 weft/raw per CPU-second 0.85 < 0.9 (5% short; cycles 0.85–0.86, n=2; req/s 0.90)',
      'LOADER-BOUND slices (the load generators together above 90% of their CPU while the servers together were under 90% of theirs: their req/s is the loaders’ limit): S3 weft 1/1, S3 raw 1/1',
      'CONTENDED slices (the servers together under 90% of their CPU while the load generators had room: other processes took CPU time): S1 weft 1/2, S1 raw 1/2',
      'targets met: 1 of 2',
    ]);
  });
});
