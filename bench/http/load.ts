import autocannon from 'autocannon';
import { type Scenario } from './scenarios.js';

/** Load settings for one measurement. */
export interface LoadOptions {
  /** Seconds of load whose results are thrown away (JIT warm-up, connection setup). */
  warmup: number;
  /** Seconds measured. */
  duration: number;
  connections: number;
  pipelining: number;
}

/** What one measured load run gives. */
export interface LoadResult {
  /** Completed requests per second over the measured time. */
  requestsPerSec: number;
  /** Latency percentiles in milliseconds (2xx responses; autocannon's 1 ms resolution). */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  /** Seconds actually measured. */
  seconds: number;
  /** Responses other than 2xx, connection errors and timeouts: all must be 0. */
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU use of this process (the load generator) while measuring, 1 = one full core. */
  loaderCpu: number;
}

/**
 * Loads `127.0.0.1:port` with the scenario's request: a warm-up run whose results are
 * dropped, then the measured run. `beforeMeasure` runs between the two (the runner reads
 * the server's CPU time there).
 *
 * @example
 * ```ts
 * const result = await loadServer(port, SCENARIOS.S1, { warmup: 2, duration: 5, connections: 50, pipelining: 1 });
 * result.requestsPerSec; // 31250.4
 * ```
 */
export async function loadServer(port: number, scenario: Scenario, options: LoadOptions, beforeMeasure: () => Promise<void> = async () => undefined): Promise<LoadResult> {
  const request: autocannon.Options = {
    url: `http://127.0.0.1:${port}${scenario.path}`,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
    connections: options.connections,
    pipelining: options.pipelining,
    timeout: 10,
  };
  if (options.warmup > 0) await autocannon({ ...request, duration: options.warmup });
  await beforeMeasure();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon({ ...request, duration: options.duration });
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
 * Why a load result cannot be trusted, or undefined: any non-2xx response, connection
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
