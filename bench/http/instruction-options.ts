import { parseFlags } from '../flags.js';
import { FRAMEWORKS, type Framework, listOption, parseFramework, wholeNumberOption } from './bench-options.js';
import { SCENARIO_IDS, type ScenarioId, parseScenarioId } from './scenarios.js';

/** The instruction-count harness's settings, from the command line. */
export interface InstructionOptions {
  /** Requests sent before counting starts (not counted). */
  warm: number;
  /** Requests counted; the totals are divided by this. */
  requests: number;
  scenarios: ScenarioId[];
  frameworks: Framework[];
  /** Where the JSON results go, relative to the repository. */
  outDir: string;
  /** Also simulate the caches and branch prediction (callgrind `--cache-sim=yes --branch-sim=yes`). */
  cacheSim: boolean;
  help: boolean;
}

/** Keep-alive connections the requests are spread over; also the smallest `--warm` and `--requests`. */
export const INSTRUCTION_CONNECTIONS = 10;

/** The usage text printed by `--help` and after a bad option. */
export const INSTRUCTION_USAGE = `usage: node dist/bench/http/count-instructions.js [options]
  --warm N               requests before counting starts (default 20000)
  --requests N           requests counted (default 10000)
  --scenarios S1,S2,...  scenarios to run (default ${SCENARIO_IDS.join(',')})
  --frameworks a,b,...   frameworks to run (default ${FRAMEWORKS.join(',')})
  --out DIR              results directory, relative to the repository (default .bench-results)
  --cache-sim            also count simulated cache misses and branch mispredictions (about 2x slower)
  --help                 this text`;

/**
 * Reads the command line of `count-instructions.js`, with the same rules and messages as
 * the req/s benchmark's (bench-options.ts). A bad option or value throws an Error whose
 * message says which and what is expected.
 *
 * @example
 * ```ts
 * parseInstructionOptions(['--scenarios', 's3,s1', '--requests', '2000']); // { scenarios: ['S1', 'S3'], requests: 2000, warm: 20000, ... }
 * ```
 */
export function parseInstructionOptions(argv: string[]): InstructionOptions {
  const values = parseFlags(argv, {
    warm: { type: 'string' },
    requests: { type: 'string' },
    scenarios: { type: 'string' },
    frameworks: { type: 'string' },
    out: { type: 'string' },
    'cache-sim': { type: 'boolean' },
    help: { type: 'boolean' },
  });
  return {
    warm: wholeNumberOption('--warm', values.warm, 20_000, INSTRUCTION_CONNECTIONS, 1_000_000),
    requests: wholeNumberOption('--requests', values.requests, 10_000, INSTRUCTION_CONNECTIONS, 1_000_000),
    scenarios: listOption('--scenarios', values.scenarios, SCENARIO_IDS, parseScenarioId),
    frameworks: listOption('--frameworks', values.frameworks, FRAMEWORKS, parseFramework),
    outDir: values.out ?? '.bench-results',
    cacheSim: values['cache-sim'] === true,
    help: values.help === true,
  };
}
