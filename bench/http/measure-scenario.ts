import { join } from 'node:path';
import { type CycleMode, type Framework } from './bench-options.js';
import { type LoadResult, type Loader, loadProblem } from './load.js';
import { SCENARIOS, type ScenarioId } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { type StatsLine } from './servers/serve.js';
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

/** How long each step loads a server, and how a cycle loads them. */
export interface CycleSettings {
  /** Seconds per server before the first cycle, one server at a time, results dropped. */
  warmup: number;
  cycles: number;
  /** Seconds per server per cycle. */
  slice: number;
  /** `together`: a cycle loads every server at once; `rotate`: one after another. */
  mode: CycleMode;
}

/** One server loaded for one slice of one cycle. */
export interface SliceResult {
  scenario: ScenarioId;
  round: number;
  /** 1-based within the round. */
  cycle: number;
  framework: Framework;
  /**
   * Its place in the cycle's order, 0 = loaded first: in rotate mode one after another, in
   * together mode the order the loads were started in (one right after another).
   */
  position?: number;
  /**
   * What the load generator measured. In together mode `load.loaderCpu` is not this
   * server's load generator's alone (see {@link CycleCpu.loaders}).
   */
  load: LoadResult;
  /**
   * The server's CPU use during the slice, 1 = one full core. In together mode this is
   * its share of the CPU the servers share (about 1/N each).
   */
  serverCpu: number;
  /**
   * Requests completed per second of server CPU time: the server's efficiency, which
   * holds up better than req/s when other processes take CPU time from the server.
   */
  requestsPerCpuSec: number;
  /** Together mode only: the CPU use of all the cycle's servers and load generators. */
  cycleCpu?: CycleCpu;
}

/** The CPU use of one together-mode cycle, the same on each of its slices. */
export interface CycleCpu {
  /**
   * Every server loaded in the cycle together: the sum of their slices' `serverCpu`.
   * Near 1 when pinned: the servers' CPU was fully theirs.
   */
  servers: number;
  /**
   * Every load generator of the cycle together: the largest `load.loaderCpu` of its
   * slices. The load generators run at once, and each one's reading (the CPU time of
   * the runner's children reaped, or of the runner itself for autocannon, during its own
   * run) also takes in the others that ended during its run; the one that ends last has
   * seen them all, so the largest reading is their sum, and the smaller ones mean nothing alone.
   */
  loaders: number;
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
  /** How its cycles loaded the servers. */
  mode: CycleMode;
  outcomes: FrameworkOutcome[];
  slices: SliceResult[];
}

/**
 * Measures one scenario in one round with every framework's server running at once
 * (all on the same CPU): starts them, checks each answer, warms each up (one at a time),
 * then runs the cycles, each loading every server for one slice:
 *
 * - `together` mode: all servers at once, each by its own load generator. The kernel's
 *   fair scheduler gives each server an equal share of their CPU, so within a slice every
 *   server meets exactly the same machine weather; their requests per CPU-second compare
 *   like with like.
 * - `rotate` mode: one server after the other, in an order rotated by one place per
 *   cycle so none always goes first (only the one under load does work). Slices of one
 *   cycle lie seconds apart, so they meet nearly the same weather.
 *
 * After the cycles: each server's RSS, its answer checked again, and every server
 * stopped by PID.
 *
 * Never throws: a framework whose server does not start, answers wrong, returns an
 * error, times out or crashes gets a `problem`, is stopped at once and loaded no more;
 * the others go on. `onCycle` sees each cycle's slices as they complete (progress lines).
 *
 * @example
 * ```ts
 * const run = await measureScenario({ scenario: 'S1', round: 1, frameworks: ['weft', 'raw'], serversDir, cpu: 0 }, { warmup: 2, cycles: 10, slice: 1, mode: 'together' }, loader);
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
    const runCycle = settings.mode === 'together' ? togetherCycle : rotateCycle;
    for (let cycle = 1; cycle <= settings.cycles; cycle++) {
      const cycleSlices = await runCycle(servers, loader, settings.slice, { scenario: setup.scenario, round: setup.round, cycle }, setup.frameworks);
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
  return { scenario: setup.scenario, round: setup.round, mode: settings.mode, outcomes, slices };
}

/** Which cycle of which round and scenario. */
type CycleWhere = Pick<SliceResult, 'scenario' | 'round' | 'cycle'>;

/**
 * Rotate mode: loads each healthy server for one slice, one after another, in the
 * frameworks' order turned by one place per cycle. A framework failing in its slice is
 * failed and stopped; its slice is kept.
 */
async function rotateCycle(servers: ServerGroup, loader: Loader, seconds: number, where: CycleWhere, frameworks: Framework[]): Promise<SliceResult[]> {
  const cycleSlices: SliceResult[] = [];
  for (const [position, framework] of rotate(frameworks, where.cycle - 1).entries()) {
    const server = servers.healthy().get(framework);
    if (server === undefined) continue;
    await servers.step(framework, `cycle ${where.cycle}: `, async () => {
      const slice = await measureSlice(server, loader, seconds, { ...where, framework, position });
      cycleSlices.push(slice);
      return loadProblem(slice.load);
    });
  }
  return cycleSlices;
}

/**
 * Together mode: loads every healthy server for one slice at the same time, each by its
 * own run of the load generator, and waits for all. Every server's CPU time is read
 * first; then the loads start one right after another, in the frameworks' order turned by
 * one place per cycle, so no server always starts first (an A/A run, the same server in
 * every place, read 0.97-1.00 for the first place when it always started first). The
 * slices come back in the frameworks' order. A framework failing in its slice is failed
 * and stopped; its slice is kept, and so are the others'. Each slice gets the cycle's
 * {@link CycleCpu}.
 */
async function togetherCycle(servers: ServerGroup, loader: Loader, seconds: number, where: CycleWhere): Promise<SliceResult[]> {
  const healthy = [...servers.healthy()];
  const order = rotate(healthy, where.cycle - 1);
  // the replies come back in any order: a load started on its own reply would not start in `order`
  const befores = order.map(([, server]) => server.stats());
  const allRead = Promise.allSettled(befores);
  const started = new Map(
    order.map(([framework, server], position) => {
      const measuring = (async () => {
        let slice: SliceResult | undefined;
        await servers.step(framework, `cycle ${where.cycle}: `, async () => {
          await allRead;
          slice = await measureSlice(server, loader, seconds, { ...where, framework, position }, befores[position]);
          return loadProblem(slice.load);
        });
        return slice;
      })();
      return [framework, measuring] as const;
    }),
  );
  const measured = await Promise.all(healthy.map(([framework]) => started.get(framework)!));
  const cycleSlices = measured.filter((slice) => slice !== undefined);
  const cycleCpu: CycleCpu = {
    servers: cycleSlices.reduce((sum, slice) => sum + slice.serverCpu, 0),
    loaders: Math.max(...cycleSlices.map((slice) => slice.load.loaderCpu)),
  };
  return cycleSlices.map((slice) => ({ ...slice, cycleCpu }));
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

/** Loads one server for one slice, reading its CPU time just before (or taking `reading`) and just after. */
async function measureSlice(
  server: ServerProcess,
  loader: Loader,
  seconds: number,
  where: Pick<SliceResult, 'scenario' | 'round' | 'cycle' | 'framework' | 'position'>,
  reading: Promise<StatsLine> = server.stats(),
): Promise<SliceResult> {
  const before = await reading;
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
