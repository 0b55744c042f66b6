import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Framework } from './bench-options.js';
import { type LoadResult, type Loader } from './load.js';
import { type ScenarioSetup, measureScenario, rotate } from './measure-scenario.js';
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

/** A loader that sends nothing: it records which port it was asked to load and answers `result(port)`. */
function fakeLoader(result: (port: number, call: number) => Partial<LoadResult> = () => ({})): Loader & { calls: Array<{ port: number; seconds: number }> } {
  const calls: Array<{ port: number; seconds: number }> = [];
  return {
    name: 'wrk',
    version: 'fake',
    calls,
    async load(port: number, _scenario: Scenario, seconds: number) {
      calls.push({ port, seconds });
      const base = { requestsPerSec: 1000, latencyP50Ms: 1, latencyP99Ms: 2, latencyMaxMs: 3, requests: 1000, seconds, non2xx: 0, errors: 0, timeouts: 0, loaderCpu: 0.3 };
      return { ...base, ...result(port, calls.length) };
    },
  };
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

  it('warms every server up, then loads each once per cycle in a rotating order, and stops them all', async () => {
    const dir = serversDir({ weft: GOOD, raw: GOOD, fastify: GOOD });
    const loader = fakeLoader();
    const cycles: Array<{ cycle: number; order: Framework[] }> = [];
    const run = await measureScenario(setup(dir), { warmup: 2, cycles: 3, slice: 1 }, loader, (cycle, slices) => cycles.push({ cycle, order: slices.map((s) => s.framework) }));

    expect(run.outcomes.map((outcome) => outcome.problem)).toEqual([undefined, undefined, undefined]);
    expect(run.outcomes.every((outcome) => outcome.rssBytes! > 1024 * 1024)).toBe(true);
    expect(loader.calls.slice(0, 3).map((call) => call.seconds)).toEqual([2, 2, 2]);
    expect(new Set(loader.calls.slice(0, 3).map((call) => call.port)).size).toBe(3);
    expect(loader.calls.slice(3).map((call) => call.seconds)).toEqual(Array(9).fill(1));
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
    expectStopped(dir, ['weft', 'raw', 'fastify']);
  }, 30_000);

  it('fails a server with a wrong answer before loading it, and measures the others', async () => {
    const dir = serversDir({ weft: GOOD, raw: GOOD, fastify: WRONG });
    const run = await measureScenario(setup(dir), { warmup: 1, cycles: 2, slice: 1 }, fakeLoader());
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
    const run = await measureScenario(setup(dir, ['weft', 'raw']), { warmup: 1, cycles: 3, slice: 1 }, loader);
    expect(run.outcomes.find((outcome) => outcome.framework === 'raw')).toEqual({ framework: 'raw', problem: 'cycle 1: 5 non-2xx responses' });
    expect(run.slices.map((slice) => `${slice.cycle} ${slice.framework}`)).toEqual(['1 weft', '1 raw', '2 weft', '3 weft']);
    expectStopped(dir, ['weft', 'raw']);
  }, 30_000);

  it('reports a server that crashes under load, with how it ended', async () => {
    const dir = serversDir({ weft: GOOD, raw: CRASHES });
    const run = await measureScenario(setup(dir, ['weft', 'raw']), { warmup: 0, cycles: 3, slice: 1 }, fakeLoader());
    const problem = run.outcomes.find((outcome) => outcome.framework === 'raw')!.problem!;
    expect(problem).toMatch(/^cycle 2: .*exited \(code 7, signal null\).*; the server exited by itself \(code 7, signal null\)$/);
    expect(run.outcomes.find((outcome) => outcome.framework === 'weft')!.problem).toBeUndefined();
    expect(run.slices.filter((slice) => slice.framework === 'weft')).toHaveLength(3);
    expectStopped(dir, ['weft', 'raw']);
  }, 30_000);

  it('fails a framework whose server does not start', async () => {
    const dir = serversDir({ weft: GOOD });
    const run = await measureScenario(setup(dir, ['weft', 'raw']), { warmup: 0, cycles: 1, slice: 1 }, fakeLoader());
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
