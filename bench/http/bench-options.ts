import { parseFlags } from '../flags.js';
import { SCENARIO_IDS, type ScenarioId, parseScenarioId } from './scenarios.js';
import { WRK_DEFAULT_PATH, findWrk } from './wrk.js';

/** The frameworks compared, in run order within a scenario. */
export const FRAMEWORKS = ['weft', 'raw', 'fastify'] as const;

/** One of {@link FRAMEWORKS}. */
export type Framework = (typeof FRAMEWORKS)[number];

/** The load generators the benchmark can drive. */
export const LOADERS = ['wrk', 'autocannon'] as const;

/** One of {@link LOADERS}. */
export type LoaderName = (typeof LOADERS)[number];

/**
 * How a cycle loads the servers: `together` loads every server at once (one load
 * generator each), so all meet the same moment of the machine; `rotate` loads them one
 * after another, in an order rotated per cycle.
 */
export const CYCLE_MODES = ['together', 'rotate'] as const;

/** One of {@link CYCLE_MODES}. */
export type CycleMode = (typeof CYCLE_MODES)[number];

/** The HTTP benchmark's settings, from the command line. */
export interface BenchOptions {
  /** Seconds of load per server before its first cycle, results dropped. */
  warmup: number;
  /** Cycles per round and scenario; each loads every server for one slice. */
  cycles: number;
  /** Seconds each server is loaded per cycle. */
  slice: number;
  /** Whether a cycle loads the servers all at once or one after another. */
  mode: CycleMode;
  connections: number;
  pipelining: number;
  /** Rounds (each starts fresh servers); the cycles of all rounds are pooled. */
  rounds: number;
  scenarios: ScenarioId[];
  frameworks: Framework[];
  loader: LoaderName;
  /** The wrk executable, when the loader is wrk. */
  wrkPath?: string;
  /** Pin servers to CPU 0 and the load generator to CPU 1 when possible. */
  pin: boolean;
  /** Run servers under `node --cpu-prof` and summarise the profiles. */
  profile: boolean;
  /** Exit 1 when a ratio misses its target. */
  check: boolean;
  /** Where the JSON results (and profiles) go. */
  outDir: string;
  help: boolean;
}

/** The usage text printed by `--help` and after a bad option. */
export const USAGE = `usage: node dist/bench/http/run.js [options]
  --cycles N             cycles per round and scenario, each loads every server once (default 10)
  --slice SECONDS        load per server per cycle (default 1)
  --mode together|rotate together: each cycle loads every server at once, the per-CPU-second
                         ratio decides; rotate: one server after another (default together)
  --warmup SECONDS       load per server before the cycles, results dropped (default 2)
  --loader wrk|autocannon  load generator (default wrk if ${WRK_DEFAULT_PATH} or wrk on PATH exists)
  --connections N        concurrent connections (default 50)
  --pipelining N         requests in flight per connection (default 1; above 1 needs autocannon)
  --rounds N             rounds, each with fresh servers; their cycles are pooled (default 1)
  --scenarios S1,S2,...  scenarios to run (default ${SCENARIO_IDS.join(',')})
  --frameworks a,b,...   frameworks to run (default ${FRAMEWORKS.join(',')})
  --no-pin               do not pin servers to CPU 0 and the load generator to CPU 1
  --profile              run the servers under node --cpu-prof and summarise the profiles
  --check                exit 1 when a ratio misses its target
  --out DIR              results directory, relative to the repository (default .bench-results)
  --help                 this text`;

/**
 * Reads the command line. A bad option or value throws an Error whose message says which
 * and what is expected. `found.wrkPath` is where wrk is (undefined: not installed; by
 * default it is looked for); it makes wrk the default loader.
 *
 * @example
 * ```ts
 * parseBenchOptions(['--cycles', '20', '--scenarios', 's1,s5']).scenarios; // ['S1', 'S5']
 * parseBenchOptions([], { wrkPath: undefined }).loader; // 'autocannon'
 * ```
 */
export function parseBenchOptions(argv: string[], found: { wrkPath: string | undefined } = { wrkPath: findWrk() }): BenchOptions {
  const { wrkPath } = found;
  const values = parseFlags(argv, {
    cycles: { type: 'string' },
    slice: { type: 'string' },
    mode: { type: 'string' },
    warmup: { type: 'string' },
    loader: { type: 'string' },
    connections: { type: 'string' },
    pipelining: { type: 'string' },
    rounds: { type: 'string' },
    scenarios: { type: 'string' },
    frameworks: { type: 'string' },
    'no-pin': { type: 'boolean' },
    profile: { type: 'boolean' },
    check: { type: 'boolean' },
    out: { type: 'string' },
    help: { type: 'boolean' },
    // Gone, but named so its error can say what replaced it.
    duration: { type: 'string' },
  });
  if (values.duration !== undefined) throw new Error('--duration was replaced by --cycles N and --slice SECONDS (see --help)');
  const pipelining = wholeNumberOption('--pipelining', values.pipelining, 1, 1, 100);
  const loader = loaderOption(values.loader, wrkPath);
  if (loader === 'wrk' && pipelining > 1) {
    throw new Error(`--pipelining ${pipelining}: wrk sends one request at a time per connection; pipelining needs --loader autocannon`);
  }
  return {
    warmup: wholeNumberOption('--warmup', values.warmup, 2, 0, 60),
    cycles: wholeNumberOption('--cycles', values.cycles, 10, 1, 1000),
    slice: wholeNumberOption('--slice', values.slice, 1, 1, 60),
    mode: modeOption(values.mode),
    connections: wholeNumberOption('--connections', values.connections, 50, 1, 10_000),
    pipelining,
    rounds: wholeNumberOption('--rounds', values.rounds, 1, 1, 10),
    scenarios: listOption('--scenarios', values.scenarios, SCENARIO_IDS, parseScenarioId),
    frameworks: listOption('--frameworks', values.frameworks, FRAMEWORKS, parseFramework),
    loader,
    ...(loader === 'wrk' ? { wrkPath } : {}),
    pin: values['no-pin'] !== true,
    profile: values.profile === true,
    check: values.check === true,
    outDir: values.out ?? '.bench-results',
    help: values.help === true,
  };
}

/** `--loader`: wrk by default when it was found; wrk asked for but not found is an error. */
function loaderOption(value: string | undefined, wrkPath: string | undefined): LoaderName {
  if (value === undefined) return wrkPath === undefined ? 'autocannon' : 'wrk';
  const loader = choiceOption('--loader', value, LOADERS);
  if (loader === 'wrk' && wrkPath === undefined) throw new Error(`--loader wrk: wrk is neither at ${WRK_DEFAULT_PATH} nor on PATH (apt-get install wrk)`);
  return loader;
}

/** `--mode`: together by default. */
function modeOption(value: string | undefined): CycleMode {
  return value === undefined ? 'together' : choiceOption('--mode', value, CYCLE_MODES);
}

/** One of `choices`, given in any case; else an error naming the flag and the choices. */
function choiceOption<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  const choice = value.toLowerCase();
  if (!(choices as readonly string[]).includes(choice)) throw new Error(`${flag} ${JSON.stringify(value)}: expected one of ${choices.join(', ')}`);
  return choice as T;
}

/**
 * A whole-number option: `fallback` when absent, else a number from `min` to `max`. Shared
 * with the other HTTP harnesses (count-instructions) so their options read alike.
 *
 * @example
 * ```ts
 * wholeNumberOption('--rounds', '3', 1, 1, 10); // 3
 * wholeNumberOption('--rounds', 'x', 1, 1, 10); // throws '--rounds "x": expected a whole number from 1 to 10'
 * ```
 */
export function wholeNumberOption(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new Error(`${flag} ${JSON.stringify(value)}: expected a whole number from ${min} to ${max}`);
  }
  return parsed;
}

/**
 * A comma-separated list option: every item of `all` when absent, else the items given,
 * each read by `parse`, in `all`'s order and without duplicates.
 *
 * @example
 * ```ts
 * listOption('--frameworks', 'raw,weft', FRAMEWORKS, parseFramework); // ['weft', 'raw']
 * ```
 */
export function listOption<T>(flag: string, value: string | undefined, all: readonly T[], parse: (item: string) => T): T[] {
  if (value === undefined) return [...all];
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new Error(`${flag} ${JSON.stringify(value)}: expected a comma-separated list without empty items`);
  let parsed: T[];
  try {
    parsed = items.map(parse);
  } catch (err) {
    throw new Error(`${flag}: ${(err as Error).message}`);
  }
  // Run order stays the canonical one, whatever order the list was given in.
  return all.filter((item) => parsed.includes(item));
}

/**
 * Reads a framework name given on a command line, in any case; a bad one is an error
 * listing the choices.
 *
 * @example
 * ```ts
 * parseFramework('Fastify'); // 'fastify'
 * ```
 */
export function parseFramework(value: string): Framework {
  const framework = value.toLowerCase();
  if (!(FRAMEWORKS as readonly string[]).includes(framework)) {
    throw new Error(`unknown framework ${JSON.stringify(value)}: expected one of ${FRAMEWORKS.join(', ')}`);
  }
  return framework as Framework;
}
