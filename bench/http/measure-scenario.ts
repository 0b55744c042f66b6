import { join } from 'node:path';
import { type Framework } from './bench-options.js';
import { type LoadResult, type Loader, loadProblem } from './load.js';
import { SCENARIOS, type ScenarioId } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { verifyResponse } from './verify-response.js';

/** Where and how to run one scenario's servers in one round. */
export interface ScenarioSetup {
  scenario: ScenarioId;
  round: number;
  /** The frameworks compared, each with its own server. */
  frameworks: Framework[];
  /** The folder of the compiled servers (`dist/bench/http/servers`). */
  serversDir: string;
  /** The CPU for every server, or undefined when not pinning. */
  cpu?: number;
  /** Where `--cpu-prof` writes, when profiling. */
  profileDir?: string;
}

/** How long each step loads a server. */
export interface CycleSettings {
  /** Seconds per server before the first cycle, results dropped. */
  warmup: number;
  cycles: number;
  /** Seconds per server per cycle. */
  slice: number;
}

/** One server loaded for one slice of one cycle. */
export interface SliceResult {
  scenario: ScenarioId;
  round: number;
  /** 1-based within the round. */
  cycle: number;
  framework: Framework;
  /** Its place in the cycle's order, 0 = loaded first. */
  position: number;
  load: LoadResult;
  /** The server's CPU use during the slice, 1 = one full core. */
  serverCpu: number;
  /**
   * Requests completed per second of server CPU time: the server's efficiency, which
   * holds up better than req/s when other processes take CPU time from the server.
   */
  requestsPerCpuSec: number;
}

/** How one framework's server fared in one round of a scenario. */
export interface FrameworkOutcome {
  framework: Framework;
  /** Server RSS after the last cycle, bytes. */
  rssBytes?: number;
  /** Why its numbers are not valid (bad answer, errors, crash), if they are not. */
  problem?: string;
}

/** One round of one scenario: every server's outcome and every slice measured. */
export interface ScenarioRun {
  scenario: ScenarioId;
  round: number;
  outcomes: FrameworkOutcome[];
  slices: SliceResult[];
}

/**
 * Measures one scenario in one round with every framework's server running at once
 * (all on the same CPU; only the one under load does work): starts them, checks each
 * answer, warms each up, then runs the cycles. A cycle loads each server for one slice,
 * in an order rotated by one place per cycle so none always goes first. Slices of one
 * cycle lie seconds apart, so they meet the same machine weather, and their ratios
 * compare like with like. After the cycles: each server's RSS, its answer checked again,
 * and every server stopped by PID.
 *
 * Never throws: a framework whose server does not start, answers wrong, returns an
 * error, times out or crashes gets a `problem`, is stopped at once and loaded no more;
 * the others go on. `onCycle` sees each cycle's slices as they complete (progress lines).
 *
 * @example
 * ```ts
 * const run = await measureScenario({ scenario: 'S1', round: 1, frameworks: ['weft', 'raw'], serversDir, cpu: 0 }, { warmup: 2, cycles: 10, slice: 1 }, loader);
 * run.slices.length; // 20
 * ```
 */
export async function measureScenario(
  setup: ScenarioSetup,
  settings: CycleSettings,
  loader: Loader,
  onCycle: (cycle: number, slices: SliceResult[]) => void = () => undefined,
): Promise<ScenarioRun> {
  const spec = SCENARIOS[setup.scenario];
  const servers = new ServerGroup();
  const rss = new Map<Framework, number>();
  const slices: SliceResult[] = [];
  try {
    for (const framework of setup.frameworks) {
      await servers.step(framework, '', async () => {
        const server = await ServerProcess.start({ script: join(setup.serversDir, `${framework}.js`), scenario: setup.scenario, cpu: setup.cpu, nodeArgs: profileArgs(setup, framework) });
        servers.add(framework, server);
        await verifyResponse(server.port, spec, framework);
      });
    }
    if (settings.warmup > 0) {
      for (const [framework, server] of servers.healthy()) {
        await servers.step(framework, 'during the warm-up: ', async () => loadProblem(await loader.load(server.port, spec, settings.warmup)));
      }
    }
    for (let cycle = 1; cycle <= settings.cycles; cycle++) {
      const cycleSlices: SliceResult[] = [];
      for (const [position, framework] of rotate(setup.frameworks, cycle - 1).entries()) {
        const server = servers.healthy().get(framework);
        if (server === undefined) continue;
        await servers.step(framework, `cycle ${cycle}: `, async () => {
          const slice = await measureSlice(server, loader, settings.slice, { scenario: setup.scenario, round: setup.round, cycle, framework, position });
          cycleSlices.push(slice);
          return loadProblem(slice.load);
        });
      }
      slices.push(...cycleSlices);
      onCycle(cycle, cycleSlices);
    }
    for (const [framework, server] of servers.healthy()) {
      await servers.step(framework, '', async () => {
        rss.set(framework, (await server.stats()).rss);
        await verifyResponse(server.port, spec, `${framework} after the load`);
      });
    }
  } finally {
    await servers.stopAll();
  }
  const outcomes = setup.frameworks.map((framework): FrameworkOutcome => {
    const problem = servers.problem(framework);
    return { framework, ...(rss.has(framework) ? { rssBytes: rss.get(framework) } : {}), ...(problem === undefined ? {} : { problem }) };
  });
  return { scenario: setup.scenario, round: setup.round, outcomes, slices };
}

/**
 * The running servers of one scenario and what went wrong with each. A server that
 * fails is stopped at once: it takes no CPU from the others and is loaded no more.
 */
class ServerGroup {
  readonly #servers = new Map<Framework, ServerProcess>();
  readonly #problems = new Map<Framework, string[]>();

  add(framework: Framework, server: ServerProcess): void {
    this.#servers.set(framework, server);
  }

  /** The servers running with nothing wrong so far, in the order they were added. */
  healthy(): Map<Framework, ServerProcess> {
    return new Map([...this.#servers].filter(([framework]) => !this.#problems.has(framework)));
  }

  /**
   * Runs one step for a framework. An error thrown, or a problem returned, fails the
   * framework with `context` in front of the message.
   */
  async step(framework: Framework, context: string, run: () => Promise<string | undefined | void>): Promise<void> {
    let problem: string | undefined;
    try {
      problem = (await run()) ?? undefined;
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem !== undefined) await this.#fail(framework, `${context}${problem}`);
  }

  /** Every problem of the framework, joined, or undefined. */
  problem(framework: Framework): string | undefined {
    return this.#problems.get(framework)?.join('; ');
  }

  /** Stops every server still running by PID and checks it is gone. */
  async stopAll(): Promise<void> {
    for (const framework of [...this.#servers.keys()]) await this.#stop(framework);
  }

  async #fail(framework: Framework, problem: string): Promise<void> {
    this.#problems.set(framework, [...(this.#problems.get(framework) ?? []), problem]);
    await this.#stop(framework);
  }

  async #stop(framework: Framework): Promise<void> {
    const server = this.#servers.get(framework);
    if (server === undefined) return;
    this.#servers.delete(framework);
    const problem = await stopProblem(server);
    if (problem !== undefined) this.#problems.set(framework, [...(this.#problems.get(framework) ?? []), problem]);
  }
}

/** Loads one server for one slice, reading its CPU time just before and just after. */
async function measureSlice(
  server: ServerProcess,
  loader: Loader,
  seconds: number,
  where: Pick<SliceResult, 'scenario' | 'round' | 'cycle' | 'framework' | 'position'>,
): Promise<SliceResult> {
  const before = await server.stats();
  const started = process.hrtime.bigint();
  const load = await loader.load(server.port, SCENARIOS[where.scenario], seconds);
  const after = await server.stats();
  const wallMicros = Number(process.hrtime.bigint() - started) / 1000;
  const cpuMicros = after.cpu - before.cpu;
  return { ...where, load, serverCpu: cpuMicros / wallMicros, requestsPerCpuSec: load.requests / (cpuMicros / 1e6) };
}

/**
 * The list turned by `by` places: the order of one cycle.
 *
 * @example
 * ```ts
 * rotate(['weft', 'raw', 'fastify'], 1); // ['raw', 'fastify', 'weft']
 * ```
 */
export function rotate<T>(list: readonly T[], by: number): T[] {
  const start = list.length === 0 ? 0 : by % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
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

function profileArgs(setup: ScenarioSetup, framework: Framework): string[] {
  if (setup.profileDir === undefined) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${setup.profileDir}`, `--cpu-prof-name=${framework}-${setup.scenario}-round${setup.round}.cpuprofile`];
}

function tail(stderr: string): string {
  const text = stderr.trim();
  return text === '' ? '' : `: ${text.slice(-500)}`;
}
