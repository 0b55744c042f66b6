import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { type Scenario } from './scenarios.js';

/** What one load run gives. */
export interface LoadResult {
  /** Completed requests per second over the run. */
  requestsPerSec: number;
  /**
   * Latency percentiles in milliseconds (wrk: microsecond resolution; autocannon: 1 ms,
   * 2xx responses only).
   */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  /** Seconds the run lasted, as the load generator measured it. */
  seconds: number;
  /** Error responses, connection errors and timeouts: all must be 0. */
  non2xx: number;
  errors: number;
  timeouts: number;
  /**
   * CPU use of the load generator during the run, 1 = one full core: wrk's process, or
   * this process for autocannon. Near 1 the load generator, not the server, was the limit.
   * While other loads run at the same time (together mode) the reading also takes in
   * theirs, in part: see `SliceResult.cycleCpu` in measure-scenario.ts.
   */
  loaderCpu: number;
}

/**
 * A load generator: sends one scenario's request to `127.0.0.1:port` over its
 * connections, as fast as answers come, for a number of seconds. Two implement it: wrk
 * (wrk.ts, the default) and autocannon ({@link autocannonLoader}).
 *
 * @example
 * ```ts
 * const loader: Loader = autocannonLoader({ connections: 50, pipelining: 1 });
 * const result = await loader.load(port, SCENARIOS.S1, 1);
 * ```
 */
export interface Loader {
  readonly name: 'wrk' | 'autocannon';
  /** For the report's header line. */
  readonly version: string;
  load(port: number, scenario: Scenario, seconds: number): Promise<LoadResult>;
}

/**
 * A {@link Loader} running autocannon's API in this process. autocannon is JavaScript: on
 * this machine it needs a full core to keep up with one server, so its req/s may measure
 * itself rather than the server (the report's loader CPU shows it). Unlike wrk it can
 * pipeline.
 *
 * @example
 * ```ts
 * const result = await autocannonLoader({ connections: 50, pipelining: 1 }).load(port, SCENARIOS.S1, 5);
 * result.requestsPerSec; // 31250.4
 * ```
 */
export function autocannonLoader(settings: { connections: number; pipelining: number }): Loader {
  return {
    name: 'autocannon',
    version: (JSON.parse(readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string }).version,
    load: (port, scenario, seconds) => runAutocannon(port, scenario, seconds, settings),
  };
}

async function runAutocannon(port: number, scenario: Scenario, seconds: number, settings: { connections: number; pipelining: number }): Promise<LoadResult> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${scenario.path}`,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
    connections: settings.connections,
    pipelining: settings.pipelining,
    timeout: 10,
    duration: seconds,
  });
  const wallMicros = Number(process.hrtime.bigint() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requestsPerSec: result.requests.total / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    requests: result.requests.total,
    seconds: result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    loaderCpu: (cpu.user + cpu.system) / wallMicros,
  };
}

/**
 * Why a load result cannot be trusted, or undefined: any error response, connection
 * error or timeout means the server did not do the scenario's work every time.
 *
 * @example
 * ```ts
 * loadProblem({ ...result, non2xx: 3 }); // '3 non-2xx responses'
 * ```
 */
export function loadProblem(result: Pick<LoadResult, 'non2xx' | 'errors' | 'timeouts' | 'requests'>): string | undefined {
  const problems = [
    result.requests === 0 ? 'no completed request' : '',
    result.non2xx > 0 ? `${result.non2xx} non-2xx responses` : '',
    result.errors > 0 ? `${result.errors} connection errors` : '',
    result.timeouts > 0 ? `${result.timeouts} timeouts` : '',
  ].filter((text) => text !== '');
  return problems.length === 0 ? undefined : problems.join(', ');
}
