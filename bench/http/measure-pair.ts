import { join } from 'node:path';
import { type BenchOptions, type Framework } from './bench-options.js';
import { loadProblem, loadServer } from './load.js';
import { type PairResult } from './report.js';
import { SCENARIOS, type ScenarioId } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { verifyResponse } from './verify-response.js';

/** Where and how to run one pair. */
export interface PairSetup {
  scenario: ScenarioId;
  framework: Framework;
  round: number;
  /** The folder of the compiled servers (`dist/bench/http/servers`). */
  serversDir: string;
  /** The CPU for the server, or undefined when not pinning. */
  cpu?: number;
  /** Where `--cpu-prof` writes, when profiling. */
  profileDir?: string;
}

/**
 * Measures one (scenario, framework) pair: starts its server, checks its answer, loads it
 * (warm-up, then measured), reads its RSS and CPU time at the end of the measurement,
 * checks its answer again, and stops it by PID. Never throws: a failure at any step is
 * the result's `problem`, so one broken server does not end the run.
 *
 * @example
 * ```ts
 * const pair = await measurePair({ scenario: 'S1', framework: 'raw', round: 1, serversDir, cpu: 0 }, options);
 * pair.load?.requestsPerSec; // 33210.8
 * ```
 */
export async function measurePair(setup: PairSetup, options: Pick<BenchOptions, 'warmup' | 'duration' | 'connections' | 'pipelining'>): Promise<PairResult> {
  const { scenario, framework, round } = setup;
  const result: PairResult = { scenario, framework, round };
  const spec = SCENARIOS[scenario];
  let server: ServerProcess | undefined;
  try {
    server = await ServerProcess.start({ script: join(setup.serversDir, `${framework}.js`), scenario, cpu: setup.cpu, nodeArgs: profileArgs(setup) });
    await verifyResponse(server.port, spec, framework);
    let cpuAtStart = 0;
    let startedAt = 0n;
    const load = await loadServer(server.port, spec, options, async () => {
      cpuAtStart = (await server!.stats()).cpu;
      startedAt = process.hrtime.bigint();
    });
    const end = await server.stats();
    const wallMicros = Number(process.hrtime.bigint() - startedAt) / 1000;
    result.load = load;
    result.rssBytes = end.rss;
    result.serverCpu = (end.cpu - cpuAtStart) / wallMicros;
    result.requestsPerCpuSec = load.requests / ((end.cpu - cpuAtStart) / 1e6);
    result.problem = loadProblem(load);
    await verifyResponse(server.port, spec, `${framework} after the load`);
  } catch (err) {
    result.problem = (err as Error).message;
  } finally {
    if (server !== undefined) result.problem ??= await stopProblem(server);
  }
  return result;
}

/** Stops the server; says what went wrong if it crashed, failed to close, or would not stop. */
async function stopProblem(server: ServerProcess): Promise<string | undefined> {
  const crashed = server.exitedEarly;
  try {
    const exit = await server.stop();
    if (crashed) return `the server exited by itself (code ${exit.code}, signal ${exit.signal})${tail(server.stderr)}`;
    if (!exit.killed && exit.code !== 0) return `the server exited with code ${exit.code} on SIGTERM${tail(server.stderr)}`;
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function profileArgs(setup: PairSetup): string[] {
  if (setup.profileDir === undefined) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${setup.profileDir}`, `--cpu-prof-name=${setup.framework}-${setup.scenario}-round${setup.round}.cpuprofile`];
}

function tail(stderr: string): string {
  const text = stderr.trim();
  return text === '' ? '' : `: ${text.slice(-500)}`;
}
