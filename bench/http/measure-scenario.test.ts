import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Framework } from './bench-options.js';
import { type LoadResult, type Loader } from './load.js';
import { type ScenarioSetup, type SliceResult, measureScenario, rotate } from './measure-scenario.js';
import { type Scenario } from './scenarios.js';

// Plain-JS servers speaking the protocol of servers/serve.ts for S1 (GET / -> text 'hello').
// Each writes its PID to <name>.pid beside it, so a test can check it is gone afterwards.
const server = (answer: string, extra = '') => `
  require('node:fs').writeFileSync(__filename.replace(/\\.js$/, '.pid'), String(process.pid));
  const server = require('node:http').createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end(${JSON.stringify(answer)}); });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port, pid: process.pid })));
  let asked = 0;
  require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
    asked++;
    ${extra}
    const { user, system } = process.cpuUsage();
    if (line === 'stats') console.log(JSON.stringify({ rss: process.memoryUsage().rss, cpu: user + system }));
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));`;

const GOOD = server('hello');
const WRONG = server('hola');
/** Exits on its fourth `stats` line: during the second cycle's slice (two lines per slice). */
const CRASHES = server('hello', 'if (asked === 4) process.exit(7);');

/** One load the fake loader was asked for, with when it started and ended (ms, `performance.now()`). */
interface FakeLoad {
  port: number;
  seconds: number;
  start: number;
  end: number;
}

/**
 * A loader that sends nothing: it records which port it was asked to load, waits
 * `delayMs` (so loads run at once can be seen to overlap) and answers `result(port, call)`,
 * `call` counting from 1 in the order the loads started.
 */
function fakeLoader(result: (port: number, call: number) => Partial<LoadResult> = () => ({}), delayMs = 0): Loader & { calls: FakeLoad[] } {
  const calls: FakeLoad[] = [];
  return {
    name: 'wrk',
    version: 'fake',
    calls,
    async load(port: number, _scenario: Scenario, seconds: number) {
      const call: FakeLoad = { port, seconds, start: performance.now(), end: Number.NaN };
      calls.push(call);
      const answer = result(port, calls.length);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      call.end = performance.now();
      const base = { requestsPerSec: 1000, latencyP50Ms: 1, latencyP99Ms: 2, latencyMaxMs: 3, requests: 1000, seconds, non2xx: 0, errors: 0, timeouts: 0, loaderCpu: 0.3 };
      return { ...base, ...answer };
    },
  };
}

/** True when every load of `group` was running at one moment: the last to start started before the first to end ended. */
function allOverlap(group: FakeLoad[]): boolean {
  return Math.max(...group.map((call) => call.start)) < Math.min(...group.map((call) => call.end));
}

/** True when each load started after the one before it had ended. */
function oneAfterAnother(calls: FakeLoad[]): boolean {
  return calls.every((call, i) => i === 0 || call.start >= calls[i - 1].end);
}

describe('measureScenario', () => {
  const dirs: string[] = [];

  function serversDir(sources: Partial<Record<Framework, string>>): string {
    const dir = mkdtempSync(join(tmpdir(), 'weft-measure-'));
    dirs.push(dir);
    for (const [framework, source] of Object.entries(sources)) writeFileSync(join(dir, `${framework}.js`), source);
    return dir;
  }

  function expectStopped(dir: string, frameworks: Framework[]): void {
    for (const framework of frameworks) {
      const pidFile = join(dir, `${framework}.pid`);
      expect(existsSync(pidFile)).toBe(true);
      expect(() => process.kill(Number(readFileSync(pidFile, 'utf8')), 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    }
  }

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const setup = (serversDir: string, frameworks: Framework[] = ['weft', 'raw', 'fastify']): ScenarioSetup => ({ scenario: 'S1', round: 1, frameworks, serversDir });

  it('rotate mode: warms every server up, then loads each once per cycle, one after another in a rotating order, and stops them all', async () => {
    const dir = serversDir({ weft: GOOD, raw: GOOD, fastify: GOOD });
    const loader = fakeLoader(() => ({}), 5);
    const cycles: Array<{ cycle: number; order: Framework[] }> = [];
    const run = await measureScenario(setup(dir), { warmup: 2, cycles: 3, slice: 1, mode: 'rotate' }, loader, (cycle, slices) => cycles.push({ cycle, order: slices.map((s) => s.framework) }));

    expect(run.outcomes.map((outcome) => outcome.problem)).toEqual([undefined, undefined, undefined]);
    expect(run.outcomes.every((outcome) => outcome.rssBytes! > 1024 * 1024)).toBe(true);
    expect(loader.calls.slice(0, 3).map((call) => call.seconds)).toEqual([2, 2, 2]);
    expect(new Set(loader.calls.slice(0, 3).map((call) => call.port)).size).toBe(3);
    expect(loader.calls.slice(3).map((call) => call.seconds)).toEqual(Array(9).fill(1));
    expect(oneAfterAnother(loader.calls)).toBe(true);
    expect(run.mode).toBe('rotate');
    expect(cycles).toEqual([
      { cycle: 1, order: ['weft', 'raw', 'fastify'] },
      { cycle: 2, order: ['raw', 'fastify', 'weft'] },
      { cycle: 3, order: ['fastify', 'weft', 'raw'] },
    ]);
    expect(run.slices).toHaveLength(9);
    for (const slice of run.slices) {
      expect(slice).toMatchObject({ scenario: 'S1', round: 1 });
      expect(slice.serverCpu).toBeGreaterThanOrEqual(0);
      expect(slice.requestsPerCpuSec).toBeGreaterThan(0);
    }
    expect(run.slices.find((slice) => slice.cycle === 2 && slice.framework === 'weft')!.position).toBe(2);
    expect(run.slices.some((slice) => slice.cycleCpu !== undefined)).toBe(false);
    expectStopped(dir, ['weft', 'raw', 'fastify']);
  }, 30_000);

  it('together mode: warms the servers up one at a time, then loads all of them at once in each cycle, and stops them all', async () => {
    const dir = serversDir({ weft: GOOD, raw: GOOD, fastify: GOOD });
    const ports: number[] = [];
    // Each server's load generator reports its own CPU use: 0.2, 0.6, 0.4 in warm-up order (weft, raw, fastify).
    const loader = fakeLoader((port, call) => {
      if (call <= 3) ports.push(port);
      return { loaderCpu: [0.2, 0.6, 0.4][ports.indexOf(port)] };
    }, 40);
    const cycles: Array<{ cycle: number; slices: SliceResult[] }> = [];
    const run = await measureScenario(setup(dir), { warmup: 2, cycles: 3, slice: 1, mode: 'together' }, loader, (cycle, slices) => cycles.push({ cycle, slices }));

    expect(run.mode).toBe('together');
    expect(run.outcomes.map((outcome) => outcome.problem)).toEqual([undefined, undefined, undefined]);
    const warmups = loader.calls.slice(0, 3);
    expect(warmups.map((call) => call.seconds)).toEqual([2, 2, 2]);
    expect(oneAfterAnother(warmups)).toBe(true);
    const sliceLoads = loader.calls.slice(3);
    expect(sliceLoads.map((call) => call.seconds)).toEqual(Array(9).fill(1));
    const byCycle = [sliceLoads.slice(0, 3), sliceLoads.slice(3, 6), sliceLoads.slice(6, 9)];
    for (const [i, group] of byCycle.entries()) {
      expect(new Set(group.map((call) => call.port))).toEqual(new Set(ports));
      expect(allOverlap(group)).toBe(true);
      if (i > 0) expect(Math.min(...group.map((call) => call.start))).toBeGreaterThanOrEqual(Math.max(...byCycle[i - 1].map((call) => call.end)));
    }

    expect(cycles.map(({ cycle, slices }) => ({ cycle, frameworks: slices.map((slice) => slice.framework) }))).toEqual([
      { cycle: 1, frameworks: ['weft', 'raw', 'fastify'] },
      { cycle: 2, frameworks: ['weft', 'raw', 'fastify'] },
      { cycle: 3, frameworks: ['weft', 'raw', 'fastify'] },
    ]);
    expect(run.slices).toEqual(cycles.flatMap(({ slices }) => slices));
    // the loads start in an order turned by one place per cycle; the slices keep the frameworks' order
    expect(cycles.map(({ slices }) => slices.map((slice) => slice.position))).toEqual([
      [0, 1, 2],
      [2, 0, 1],
      [1, 2, 0],
    ]);
    for (const { slices } of cycles) {
      const servers = slices.reduce((sum, slice) => sum + slice.serverCpu, 0);
      for (const slice of slices) {
        expect(slice.cycleCpu!.servers).toBeCloseTo(servers, 12);
        expect(slice.cycleCpu!.loaders).toBe(0.6);
      }
    }
    expectStopped(dir, ['weft', 'raw', 'fastify']);
  }, 30_000);

  it('together mode: the loads start in the order the slices record, even when a server answers its stats late', async () => {
    // weft's server answers each stats line 100 ms late: a load started on its own reply would start last
    const dir = serversDir({ weft: server('hello', "if (line === 'stats') { const t = Date.now(); while (Date.now() - t < 100); }"), raw: GOOD, fastify: GOOD });
    const loader = fakeLoader(() => ({}), 20);
    const cycles: SliceResult[][] = [];
    await measureScenario(setup(dir), { warmup: 1, cycles: 3, slice: 1, mode: 'together' }, loader, (_cycle, slices) => cycles.push(slices));
    const warmupPorts = loader.calls.slice(0, 3).map((call) => call.port); // one at a time, in the frameworks' order
    const frameworkOf = (port: number): Framework => (['weft', 'raw', 'fastify'] as const)[warmupPorts.indexOf(port)];
    for (const [i, slices] of cycles.entries()) {
      const startedInOrder = loader.calls.slice(3 + 3 * i, 6 + 3 * i).map((call) => frameworkOf(call.port));
      const recorded = [...slices].sort((a, b) => a.position! - b.position!).map((slice) => slice.framework);
      expect({ cycle: i + 1, started: startedInOrder }).toEqual({ cycle: i + 1, started: recorded });
      expect(recorded).toEqual(rotate(['weft', 'raw', 'fastify'], i));
    }
  }, 30_000);

  it('together mode: fails a framework on error answers mid-run, keeps every slice of that cycle, and loads it no more', async () => {
    const dir = serversDir({ weft: GOOD, raw: GOOD, fastify: GOOD });
    let rawPort = 0;
    let rawLoads = 0;
    // Call 2 is raw's warm-up; raw's third load (its slice in cycle 2) gets error answers.
    const loader = fakeLoader((port, call) => {
      if (call === 2) rawPort = port;
      if (port === rawPort) rawLoads++;
      return port === rawPort && rawLoads === 3 ? { non2xx: 5 } : {};
    }, 20);
    const run = await measureScenario(setup(dir), { warmup: 1, cycles: 3, slice: 1, mode: 'together' }, loader);
    expect(run.outcomes.map((outcome) => outcome.problem)).toEqual([undefined, 'cycle 2: 5 non-2xx responses', undefined]);
    expect(run.slices.map((slice) => `${slice.cycle} ${slice.framework}`)).toEqual(['1 weft', '1 raw', '1 fastify', '2 weft', '2 raw', '2 fastify', '3 weft', '3 fastify']);
    const cycle3 = run.slices.filter((slice) => slice.cycle === 3);
    expect(cycle3[0].cycleCpu!.servers).toBeCloseTo(cycle3[0].serverCpu + cycle3[1].serverCpu, 12);
    expect(loader.calls.filter((call) => call.port === rawPort)).toHaveLength(3);
    expectStopped(dir, ['weft', 'raw', 'fastify']);
  }, 30_000);

  it('together mode: a server crashing before its slice fails alone; the others of that cycle are measured', async () => {
    const dir = serversDir({ weft: GOOD, raw: CRASHES });
    const run = await measureScenario(setup(dir, ['weft', 'raw']), { warmup: 0, cycles: 3, slice: 1, mode: 'together' }, fakeLoader(() => ({}), 20));
    expect(run.outcomes.find((outcome) => outcome.framework === 'raw')!.problem).toMatch(/^cycle 2: .*exited \(code 7, signal null\).*; the server exited by itself \(code 7, signal null\)$/);
    expect(run.outcomes.find((outcome) => outcome.framework === 'weft')!.problem).toBeUndefined();
    expect(run.slices.map((slice) => `${slice.cycle} ${slice.framework}`)).toEqual(['1 weft', '1 raw', '2 weft', '3 weft']);
    const weftInCycle2 = run.slices[2];
    expect(weftInCycle2.cycleCpu!.servers).toBe(weftInCycle2.serverCpu);
    expectStopped(dir, ['weft', 'raw']);
  }, 30_000);

  it('fails a server with a wrong answer before loading it, and measures the others', async () => {
    const dir = serversDir({ weft: GOOD, raw: GOOD, fastify: WRONG });
    const run = await measureScenario(setup(dir), { warmup: 1, cycles: 2, slice: 1, mode: 'rotate' }, fakeLoader());
    expect(run.outcomes.find((outcome) => outcome.framework === 'fastify')!.problem).toBe('fastify S1 (GET /): body "hola", expected "hello"');
    expect(run.slices.map((slice) => slice.framework)).toEqual(['weft', 'raw', 'raw', 'weft']);
    expectStopped(dir, ['weft', 'raw', 'fastify']);
  }, 30_000);

  it('fails a server on error answers in a slice, keeps that slice, and loads it no more', async () => {
    const dir = serversDir({ weft: GOOD, raw: GOOD });
    let rawPort = 0;
    // Calls 1 and 2 are the warm-ups (weft, then raw); call 4 is raw's slice in cycle 1.
    const loader = fakeLoader((port, call) => {
      if (call === 2) rawPort = port;
      return port === rawPort && call === 4 ? { non2xx: 5 } : {};
    });
    const run = await measureScenario(setup(dir, ['weft', 'raw']), { warmup: 1, cycles: 3, slice: 1, mode: 'rotate' }, loader);
    expect(run.outcomes.find((outcome) => outcome.framework === 'raw')).toEqual({ framework: 'raw', problem: 'cycle 1: 5 non-2xx responses' });
    expect(run.slices.map((slice) => `${slice.cycle} ${slice.framework}`)).toEqual(['1 weft', '1 raw', '2 weft', '3 weft']);
    expectStopped(dir, ['weft', 'raw']);
  }, 30_000);

  it('reports a server that crashes under load, with how it ended', async () => {
    const dir = serversDir({ weft: GOOD, raw: CRASHES });
    const run = await measureScenario(setup(dir, ['weft', 'raw']), { warmup: 0, cycles: 3, slice: 1, mode: 'rotate' }, fakeLoader());
    const problem = run.outcomes.find((outcome) => outcome.framework === 'raw')!.problem!;
    expect(problem).toMatch(/^cycle 2: .*exited \(code 7, signal null\).*; the server exited by itself \(code 7, signal null\)$/);
    expect(run.outcomes.find((outcome) => outcome.framework === 'weft')!.problem).toBeUndefined();
    expect(run.slices.filter((slice) => slice.framework === 'weft')).toHaveLength(3);
    expectStopped(dir, ['weft', 'raw']);
  }, 30_000);

  it('fails a framework whose server does not start', async () => {
    const dir = serversDir({ weft: GOOD });
    const run = await measureScenario(setup(dir, ['weft', 'raw']), { warmup: 0, cycles: 1, slice: 1, mode: 'together' }, fakeLoader());
    expect(run.outcomes.find((outcome) => outcome.framework === 'raw')!.problem).toMatch(/^server .*raw\.js S1 did not start/);
    expect(run.slices.map((slice) => slice.framework)).toEqual(['weft']);
  }, 30_000);
});

describe('rotate', () => {
  it('turns the list by one place per step, wrapping around', () => {
    expect(rotate(['weft', 'raw', 'fastify'], 0)).toEqual(['weft', 'raw', 'fastify']);
    expect(rotate(['weft', 'raw', 'fastify'], 1)).toEqual(['raw', 'fastify', 'weft']);
    expect(rotate(['weft', 'raw', 'fastify'], 5)).toEqual(['fastify', 'weft', 'raw']);
    expect(rotate([], 3)).toEqual([]);
  });
});
