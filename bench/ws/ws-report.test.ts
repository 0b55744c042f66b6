import { type EchoLoadResult } from './echo-load.js';
import { WS_TARGET, type WsRunResult, formatWsReport, summariseWs } from './ws-report.js';

function load(roundTripsPerSec: number): EchoLoadResult {
  return { roundTripsPerSec, roundTrips: roundTripsPerSec * 5, seconds: 5, latencyP50Ms: 2.5, latencyP99Ms: 7.25, wrongEchoes: 0, errors: 0, loaderCpu: 0.8 };
}

function run(server: 'weft' | 'plain', round: number, rate: number, extra: Partial<WsRunResult> = {}): WsRunResult {
  return { server, round, load: load(rate), serverCpu: 1, roundTripsPerCpuSec: rate, rssBytes: 50 * 1024 * 1024, ...extra };
}

describe('summariseWs', () => {
  test('keeps each server’s best round and divides weft by plain', () => {
    const summary = summariseWs([run('weft', 1, 18_000), run('plain', 1, 20_000), run('weft', 2, 19_000), run('plain', 2, 19_500)]);
    expect(summary.best.weft?.round).toBe(2);
    expect(summary.best.plain?.round).toBe(1);
    expect(summary.ratio).toBeCloseTo(0.95);
    expect(summary.cpuRatio).toBeCloseTo(0.95);
    expect(summary.met).toBe(true);
  });

  test('a ratio under the target is not met', () => {
    const summary = summariseWs([run('weft', 1, 17_000), run('plain', 1, 20_000)]);
    expect(summary.ratio).toBeCloseTo(0.85);
    expect(summary.ratio! < WS_TARGET).toBe(true);
    expect(summary.met).toBe(false);
  });

  test('a failed round fails the server: no ratio, not met, the failure listed', () => {
    const summary = summariseWs([run('weft', 1, 30_000), run('weft', 2, 0, { load: undefined, problem: '3 wrong echoes' }), run('plain', 1, 20_000)]);
    expect(summary.best.weft).toBeUndefined();
    expect(summary.ratio).toBeUndefined();
    expect(summary.met).toBe(false);
    expect(summary.failures).toEqual([{ server: 'weft', round: 2, problem: '3 wrong echoes' }]);
  });
});

describe('formatWsReport', () => {
  test('a table row per server, then the ratio with its mark', () => {
    const text = formatWsReport(summariseWs([run('weft', 1, 18_800), run('plain', 1, 20_000)]));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\| server \| round trips\/s \| p50 ms \| p99 ms \| server CPU \| per CPU-s \| client CPU \| RSS MB \|$/);
    expect(lines[2]).toMatch(/^\| weft +\| +18,800 \| +2\.50 \| +7\.25 \| +100% \| +18,800 \| +80% \| +50\.0 \|$/);
    expect(lines[3]).toContain('20,000');
    expect(text).toContain('weft/plain: 0.94 ✓ (target ≥ 0.9; per server CPU-second 0.94)');
  });

  test('a ratio just under the target is printed rounded down and marked', () => {
    const text = formatWsReport(summariseWs([run('weft', 1, 17_999), run('plain', 1, 20_000)]));
    expect(text).toContain('weft/plain: 0.89 ✗');
  });

  test('a server the clients could not saturate is named as client-bound', () => {
    const plain = run('plain', 1, 20_000, { serverCpu: 0.8 });
    const text = formatWsReport(summariseWs([run('weft', 1, 18_000), { ...plain, load: { ...plain.load!, loaderCpu: 0.98 } }]));
    expect(text).toContain('CLIENT-BOUND (server under 90% CPU while the clients were at their limit; round trips/s is a lower bound, compare per CPU-second): plain');
    expect(formatWsReport(summariseWs([run('weft', 1, 18_000), run('plain', 1, 20_000)]))).not.toContain('CLIENT-BOUND');
  });

  test('a failed server shows FAILED and why', () => {
    const text = formatWsReport(summariseWs([run('weft', 1, 0, { load: undefined, problem: 'server exited early' }), run('plain', 1, 20_000)]));
    expect(text).toMatch(/\| weft +\| +FAILED \|/);
    expect(text).toContain('weft/plain: n/a (target ≥ 0.9)');
    expect(text).toContain('FAILED weft round 1: server exited early');
  });
});
