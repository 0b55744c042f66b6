import { FRAMEWORKS, type Framework } from './bench-options.js';
import { type Peer, type Ratio, TARGETS, makeRatio, markdownTable, ratioCell } from './report.js';
import { SCENARIOS, type ScenarioId } from './scenarios.js';

/** One (scenario, framework) count: the server's instructions per request. */
export interface InstructionCount {
  scenario: ScenarioId;
  framework: Framework;
  /** The dump's total divided by the requests counted. */
  instructionsPerRequest: number;
  /** The dump's total. */
  instructions: number;
  requests: number;
  /** With `--cache-sim`: every event total of the dump (`Ir`, `I1mr`, `D1mr`, `Bcm`, ...). */
  events?: Record<string, number>;
}

/** One scenario's row of the report. */
export interface InstructionSummary {
  scenario: ScenarioId;
  title: string;
  perRequest: Partial<Record<Framework, number>>;
  /**
   * The peer's instructions per request over weft's: weft's speed-up over the peer if
   * instructions were all the time spent, so the same targets as the req/s ratios apply.
   */
  ratios: Partial<Record<Peer, Ratio>>;
}

/** What the counts include and leave out, printed under the table. */
export const INSTRUCTION_NOTE =
  'These are user-space instructions of the server process, counted by callgrind (each system call counts as one); ' +
  "the kernel's socket work, equal for all three, is left out, so the ratios are stricter than req/s ratios.";

/**
 * Groups the counts by scenario (in the order first seen) and computes raw/weft and
 * fastify/weft against the targets (bench/http/report.ts `TARGETS`).
 *
 * @example
 * ```ts
 * const [s1] = summariseInstructions(counts);
 * s1.ratios.raw; // { value: 0.93, target: 0.9, met: true }: weft runs 1/0.93 of raw's instructions
 * ```
 */
export function summariseInstructions(counts: InstructionCount[]): InstructionSummary[] {
  const scenarios = [...new Set(counts.map((count) => count.scenario))];
  return scenarios.map((scenario) => {
    const perRequest: Partial<Record<Framework, number>> = {};
    for (const count of counts) if (count.scenario === scenario) perRequest[count.framework] = count.instructionsPerRequest;
    const ratios: Partial<Record<Peer, Ratio>> = {};
    const weft = perRequest.weft;
    for (const peer of Object.keys(TARGETS) as Peer[]) {
      const theirs = perRequest[peer];
      if (weft === undefined || theirs === undefined) continue;
      // fewer instructions is faster: the peer's count over weft's
      ratios[peer] = makeRatio(theirs, weft, TARGETS[peer]);
    }
    return { scenario, title: SCENARIOS[scenario].title, perRequest, ratios };
  });
}

/**
 * The report as a Markdown table: instructions per request of each framework counted,
 * then raw/weft and fastify/weft with `✓` or `✗` against their targets.
 *
 * @example
 * ```ts
 * console.log(formatInstructionTable(summariseInstructions(counts)));
 * // | scenario | weft instr/req | raw instr/req | fastify instr/req | raw/weft (≥0.9) | fastify/weft (≥1) |
 * // | S1       |        120,500 |       110,200 |           131,000 |          0.91 ✓ |            1.08 ✓ |
 * ```
 */
export function formatInstructionTable(summaries: InstructionSummary[]): string {
  const frameworks = FRAMEWORKS.filter((framework) => summaries.some((summary) => summary.perRequest[framework] !== undefined));
  const peers = (Object.keys(TARGETS) as Peer[]).filter((peer) => summaries.some((summary) => summary.ratios[peer] !== undefined));
  const header = ['scenario', ...frameworks.map((framework) => `${framework} instr/req`), ...peers.map((peer) => `${peer}/weft (≥${TARGETS[peer]})`)];
  const rows = summaries.map((summary) => [
    summary.scenario,
    ...frameworks.map((framework) => {
      const value = summary.perRequest[framework];
      return value === undefined ? '-' : Math.round(value).toLocaleString('en-US');
    }),
    ...peers.map((peer) => ratioCell(summary.ratios[peer])),
  ]);
  return markdownTable(header, rows);
}

/** The simulated events `--cache-sim` reports per request, with their column titles. */
export const SIMULATED_EVENTS: ReadonlyArray<readonly [event: string, title: string]> = [
  ['Ir', 'instr'],
  ['I1mr', 'I1 misses'],
  ['D1mr', 'D1 read misses'],
  ['D1mw', 'D1 write misses'],
  ['Bcm', 'cond. branch mispredicts'],
  ['Bim', 'indirect mispredicts'],
];

/**
 * With `--cache-sim`: per scenario and framework, the simulated first-level cache misses
 * and branch mispredictions per request beside the instructions. Two servers that run the
 * same instructions can still differ in time by how often these stall them. Counts
 * without events (no `--cache-sim`) are left out; with none, the table is empty.
 *
 * @example
 * ```ts
 * console.log(formatSimulationTable(counts));
 * // | scenario | framework | instr | I1 misses | D1 read misses | D1 write misses | cond. branch mispredicts | indirect mispredicts |
 * // | S1       | weft      | 52,065 |    2,843 |          1,034 |             185 |                      809 |                  108 |
 * ```
 */
export function formatSimulationTable(counts: InstructionCount[]): string {
  const simulated = counts.filter((count) => count.events !== undefined);
  if (simulated.length === 0) return '';
  const header = ['scenario', 'framework', ...SIMULATED_EVENTS.map(([, title]) => title)];
  const rows = simulated.map((count) => [
    count.scenario,
    count.framework,
    ...SIMULATED_EVENTS.map(([event]) => {
      const total = count.events![event];
      return total === undefined ? '-' : Math.round(total / count.requests).toLocaleString('en-US');
    }),
  ]);
  return markdownTable(header, rows);
}
