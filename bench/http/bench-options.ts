import { parseFlags } from '../flags.js';
import { SCENARIO_IDS, type ScenarioId, parseScenarioId } from './scenarios.js';

/** The frameworks compared, in run order within a scenario. */
export const FRAMEWORKS = ['weft', 'raw', 'fastify'] as const;

/** One of {@link FRAMEWORKS}. */
export type Framework = (typeof FRAMEWORKS)[number];

/** The HTTP benchmark's settings, from the command line. */
export interface BenchOptions {
  /** Seconds measured per (scenario, framework). */
  duration: number;
  /** Seconds of load before measuring. */
  warmup: number;
  connections: number;
  pipelining: number;
  /** Interleaved rounds; the best req/s of each pair is reported. */
  rounds: number;
  scenarios: ScenarioId[];
  frameworks: Framework[];
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
  --duration SECONDS     measured time per scenario and framework (default 5)
  --warmup SECONDS       load before measuring, results dropped (default 2)
  --connections N        concurrent connections (default 50)
  --pipelining N         requests in flight per connection (default 1)
  --rounds N             interleaved rounds, best req/s kept (default 1)
  --scenarios S1,S2,...  scenarios to run (default ${SCENARIO_IDS.join(',')})
  --frameworks a,b,...   frameworks to run (default ${FRAMEWORKS.join(',')})
  --no-pin               do not pin servers to CPU 0 and the load generator to CPU 1
  --profile              run the servers under node --cpu-prof and summarise the profiles
  --check                exit 1 when a ratio misses its target
  --out DIR              results directory, relative to the repository (default .bench-results)
  --help                 this text`;

/**
 * Reads the command line. A bad option or value throws an Error whose message says which
 * and what is expected.
 *
 * @example
 * ```ts
 * parseBenchOptions(['--duration', '3', '--scenarios', 's1,s5']).scenarios; // ['S1', 'S5']
 * ```
 */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const values = parseFlags(argv, {
    duration: { type: 'string' },
    warmup: { type: 'string' },
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
  });
  return {
    duration: wholeNumberOption('--duration', values.duration, 5, 1, 600),
    warmup: wholeNumberOption('--warmup', values.warmup, 2, 0, 60),
    connections: wholeNumberOption('--connections', values.connections, 50, 1, 10_000),
    pipelining: wholeNumberOption('--pipelining', values.pipelining, 1, 1, 100),
    rounds: wholeNumberOption('--rounds', values.rounds, 1, 1, 10),
    scenarios: listOption('--scenarios', values.scenarios, SCENARIO_IDS, parseScenarioId),
    frameworks: listOption('--frameworks', values.frameworks, FRAMEWORKS, parseFramework),
    pin: values['no-pin'] !== true,
    profile: values.profile === true,
    check: values.check === true,
    outDir: values.out ?? '.bench-results',
    help: values.help === true,
  };
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
