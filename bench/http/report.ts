import { type CycleMode, FRAMEWORKS, type Framework } from './bench-options.js';
import { type CycleRatio, cycleRatio, median } from './cycle-ratios.js';
import { type ScenarioRun, type SliceResult } from './measure-scenario.js';
import { SCENARIOS, type ScenarioId } from './scenarios.js';

/** The issue's targets: weft's result divided by the peer's must reach these (see {@link decidingRatios} for which result). */
export const TARGETS = { raw: 0.9, fastify: 1.0 } as const;

/** A peer weft is compared with. */
export type Peer = keyof typeof TARGETS;

/** weft's req/s over a peer's, against its target. */
export interface Ratio {
  value: number;
  target: number;
  met: boolean;
}

/** A median of per-cycle ratios against its target. */
export type TargetRatio = Ratio & CycleRatio;

/** One framework in one scenario over all rounds: the medians of its slices, or its failure. */
export type FrameworkSummary =
  | {
      ok: true;
      slices: number;
      /** Medians over the slices. */
      requestsPerSec: number;
      latencyP99Ms: number;
      /** The server's own CPU use; in together mode its share of the CPU the servers share. */
      serverCpu: number;
      /** The load generator's CPU use; in together mode that of all the cycle's load generators together. */
      loaderCpu: number;
      requestsPerCpuSec: number;
      /** RSS after the last round's cycles, bytes. */
      rssBytes?: number;
      /**
       * Slices in which the loader was above 90% of its core while the server was under
       * 90% of its. In together mode both are the cycle's totals (`SliceResult.cycleCpu`): all
       * servers together under 90% of their CPU, all load generators above 90% of theirs.
       */
      loaderBoundSlices: number;
      /** Slices in which the server (together mode: all servers together) was under 90% of its core while the loader had room. */
      contendedSlices: number;
    }
  | { ok: false; problem: string };

/** One scenario's row of the report. */
export interface ScenarioSummary {
  scenario: ScenarioId;
  title: string;
  /** How the cycles loaded the servers; it says which ratios decide ({@link decidingRatios}). */
  mode: CycleMode;
  frameworks: Partial<Record<Framework, FrameworkSummary>>;
  /** Medians over cycles of weft's slice req/s ÷ the peer's in the same cycle. */
  ratios: Partial<Record<Peer, TargetRatio>>;
  /** The same on requests per server CPU-second. */
  cpuRatios: Partial<Record<Peer, TargetRatio>>;
}

/** Above this share of a core a process counts as busy to its limit. */
const BUSY = 0.9;

/**
 * Groups the rounds by scenario and pools their cycles: each framework gets the medians of
 * its slices (a framework that failed in any round is failed: its answers were wrong at
 * least once, and none of its slices count), and weft's ratio to each peer is the median
 * of the per-cycle ratios, on req/s and on requests per server CPU-second. Throws when the
 * runs were measured in different modes: their cycles do not pool.
 *
 * @example
 * ```ts
 * const [s1] = summarise(runs);
 * s1.ratios.raw; // { value: 0.969, min: 0.93, max: 1.01, cycles: 10, target: 0.9, met: true }
 * ```
 */
export function summarise(runs: ScenarioRun[]): ScenarioSummary[] {
  const modes = [...new Set(runs.map((run) => run.mode))];
  if (modes.length > 1) throw new Error(`runs of different modes (${modes.join(', ')}) cannot be summarised together`);
  const scenarios = [...new Set(runs.map((run) => run.scenario))];
  return scenarios.map((scenario) => {
    const rounds = runs.filter((run) => run.scenario === scenario).sort((a, b) => a.round - b.round);
    const slices = rounds.flatMap((run) => run.slices);
    const frameworks: Partial<Record<Framework, FrameworkSummary>> = {};
    for (const framework of FRAMEWORKS) {
      const outcomes = rounds.flatMap((run) => run.outcomes.filter((outcome) => outcome.framework === framework).map((outcome) => ({ round: run.round, ...outcome })));
      if (outcomes.length === 0) continue;
      const failed = outcomes.filter((outcome) => outcome.problem !== undefined);
      frameworks[framework] =
        failed.length > 0
          ? { ok: false, problem: failed.map((outcome) => `${rounds.length > 1 ? `round ${outcome.round}: ` : ''}${outcome.problem}`).join('; ') }
          : frameworkSummary(
              slices.filter((slice) => slice.framework === framework),
              outcomes[outcomes.length - 1].rssBytes,
            );
    }
    const ratios: Partial<Record<Peer, TargetRatio>> = {};
    const cpuRatios: Partial<Record<Peer, TargetRatio>> = {};
    for (const peer of Object.keys(TARGETS) as Peer[]) {
      if (frameworks.weft?.ok !== true || frameworks[peer]?.ok !== true) continue;
      const bySpeed = cycleRatio(slices, 'weft', peer, (slice) => slice.load.requestsPerSec);
      const byCpu = cycleRatio(slices, 'weft', peer, (slice) => slice.requestsPerCpuSec);
      if (bySpeed !== undefined) ratios[peer] = againstTarget(bySpeed, TARGETS[peer]);
      if (byCpu !== undefined) cpuRatios[peer] = againstTarget(byCpu, TARGETS[peer]);
    }
    return { scenario, title: SCENARIOS[scenario].title, mode: rounds[0].mode, frameworks, ratios, cpuRatios };
  });
}

/**
 * The ratios that decide whether a target is met: in together mode those on requests per
 * server CPU-second (the servers get equal shares of their CPU, but not exactly equal, so
 * req/s carries the scheduler's unevenness), in rotate mode those on req/s.
 *
 * @example
 * ```ts
 * decidingRatios(summary) === summary.cpuRatios; // true in together mode
 * ```
 */
export function decidingRatios(summary: ScenarioSummary): Partial<Record<Peer, TargetRatio>> {
  return decidesByCpu(summary) ? summary.cpuRatios : summary.ratios;
}

function decidesByCpu(summary: ScenarioSummary): boolean {
  return summary.mode === 'together';
}

function frameworkSummary(slices: SliceResult[], rssBytes: number | undefined): FrameworkSummary {
  if (slices.length === 0) return { ok: false, problem: 'no slice measured' };
  return {
    ok: true,
    slices: slices.length,
    requestsPerSec: median(slices.map((slice) => slice.load.requestsPerSec)),
    latencyP99Ms: median(slices.map((slice) => slice.load.latencyP99Ms)),
    serverCpu: median(slices.map((slice) => slice.serverCpu)),
    loaderCpu: median(slices.map((slice) => loadersCpu(slice))),
    requestsPerCpuSec: median(slices.map((slice) => slice.requestsPerCpuSec)),
    ...(rssBytes === undefined ? {} : { rssBytes }),
    loaderBoundSlices: slices.filter((slice) => serversCpu(slice) < BUSY && loadersCpu(slice) > BUSY).length,
    contendedSlices: slices.filter((slice) => serversCpu(slice) < BUSY && !(loadersCpu(slice) > BUSY)).length,
  };
}

/**
 * The CPU use that says whether the servers' CPU was theirs during the slice: the slice's
 * own server's, or in together mode all the cycle's servers' (`cycleCpu.servers`),
 * as each one alone has only its share.
 */
function serversCpu(slice: SliceResult): number {
  return slice.cycleCpu?.servers ?? slice.serverCpu;
}

/** The load generators' CPU use: the slice's own, or in together mode all the cycle's (`cycleCpu.loaders`). */
function loadersCpu(slice: SliceResult): number {
  return slice.cycleCpu?.loaders ?? slice.load.loaderCpu;
}

function againstTarget(ratio: CycleRatio, target: number): TargetRatio {
  return { ...ratio, target, met: ratio.value >= target };
}

/**
 * The req/s table: one row per scenario with each framework's median req/s and p99
 * latency over its slices and its RSS at the end, then weft's ratios on req/s (the median
 * of the per-cycle ratios, with their range); a ratio under its target is marked `✗`. The
 * ratio columns name their target when req/s decides (rotate mode), and `req/s` when it
 * does not (together mode: {@link formatCpuTable} decides).
 *
 * @example
 * ```ts
 * console.log(formatTable(summarise(runs)));
 * ```
 */
export function formatTable(summaries: ScenarioSummary[]): string {
  const frameworks = FRAMEWORKS.filter((framework) => summaries.some((summary) => summary.frameworks[framework] !== undefined));
  const peers = (Object.keys(TARGETS) as Peer[]).filter((peer) => summaries.some((summary) => summary.ratios[peer] !== undefined));
  const byCpu = summaries.some(decidesByCpu);
  const header = ['scenario', ...frameworks.flatMap((f) => [`${f} req/s`, 'p99 ms', 'RSS MB']), ...peers.map((peer) => `weft/${peer} ${byCpu ? 'req/s' : targetText(peer)}`)];
  const rows = summaries.map((summary) => [
    summary.scenario,
    ...frameworks.flatMap((framework) => frameworkCells(summary.frameworks[framework])),
    ...peers.map((peer) => ratioCell(summary.ratios[peer])),
  ]);
  return markdownTable(header, rows);
}

/**
 * The efficiency table: each framework's median requests per second of server CPU time,
 * its server's and the load generator's median CPU use during its slices (together mode:
 * the server's share, and all load generators together), and weft's ratios on that
 * measure (medians of per-cycle ratios). When other processes take CPU time from a
 * server, this is the steadier comparison; in together mode it decides, and its ratio
 * columns name their target.
 *
 * @example
 * ```ts
 * console.log(formatCpuTable(summarise(runs)));
 * ```
 */
export function formatCpuTable(summaries: ScenarioSummary[]): string {
  const frameworks = FRAMEWORKS.filter((framework) => summaries.some((summary) => summary.frameworks[framework] !== undefined));
  const peers = (Object.keys(TARGETS) as Peer[]).filter((peer) => summaries.some((summary) => summary.cpuRatios[peer] !== undefined));
  const byCpu = summaries.some(decidesByCpu);
  const header = ['scenario', ...frameworks.flatMap((f) => [`${f} req/CPU-s`, 'CPU', 'loader']), ...peers.map((peer) => `weft/${peer} per CPU-s${byCpu ? ` ${targetText(peer)}` : ''}`)];
  const rows = summaries.map((summary) => [
    summary.scenario,
    ...frameworks.flatMap((framework) => {
      const result = summary.frameworks[framework];
      if (result?.ok !== true) return [result === undefined ? '-' : 'FAILED', '-', '-'];
      return [thousands(result.requestsPerCpuSec), percent(result.serverCpu), percent(result.loaderCpu)];
    }),
    ...peers.map((peer) => ratioCell(summary.cpuRatios[peer])),
  ]);
  return markdownTable(header, rows);
}

/**
 * A Markdown table with its columns padded to line up; the first column is left-aligned,
 * the others (numbers) right-aligned. Shared with the instruction-count report.
 *
 * @example
 * ```ts
 * markdownTable(['scenario', 'req/s'], [['S1', '9,500']]); // '| scenario | req/s |\n|----------|------:|\n| S1       | 9,500 |'
 * ```
 */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * The lines under the tables: each scenario's title, failed frameworks with their reason,
 * missed targets by how much (with the per-cycle range and the other measure's ratio),
 * the slices whose server did not get 90% of a core (because the load generator was at
 * its limit, or because other processes took CPU time; in together mode, all servers
 * together and all load generators together), and a count of the targets met. The
 * targets are those of {@link decidingRatios}.
 *
 * @example
 * ```ts
 * formatNotes(summarise(runs)); // ['S1: GET / -> text', ..., 'MISSED S3 weft/raw 0.84 < 0.9 (7% short; cycles 0.80–0.88, n=10; per CPU-second 0.86)', 'targets met: 9 of 10']
 * ```
 */
export function formatNotes(summaries: ScenarioSummary[]): string[] {
  const notes = summaries.map((summary) => `${summary.scenario}: ${summary.title}`);
  const loaderBound: string[] = [];
  const contended: string[] = [];
  let met = 0;
  let total = 0;
  for (const summary of summaries) {
    for (const [framework, result] of Object.entries(summary.frameworks)) {
      if (!result.ok) {
        notes.push(`FAILED ${summary.scenario} ${framework}: ${result.problem}`);
        continue;
      }
      const name = `${summary.scenario} ${framework}`;
      if (result.loaderBoundSlices > 0) loaderBound.push(`${name} ${result.loaderBoundSlices}/${result.slices}`);
      if (result.contendedSlices > 0) contended.push(`${name} ${result.contendedSlices}/${result.slices}`);
    }
    const byCpu = decidesByCpu(summary);
    const [deciding, other] = byCpu ? [summary.cpuRatios, summary.ratios] : [summary.ratios, summary.cpuRatios];
    for (const [peer, ratio] of Object.entries(deciding) as Array<[Peer, TargetRatio]>) {
      total++;
      if (ratio.met) {
        met++;
        continue;
      }
      const otherRatio = other[peer];
      notes.push(
        `MISSED ${summary.scenario} weft/${peer}${byCpu ? ' per CPU-second' : ''} ${ratioText(ratio.value)} < ${ratio.target} (${percent(1 - ratio.value / ratio.target)} short; ` +
          `cycles ${rangeText(ratio)}, n=${ratio.cycles}${otherRatio === undefined ? '' : `; ${byCpu ? 'req/s' : 'per CPU-second'} ${ratioText(otherRatio.value)}`})`,
      );
    }
  }
  const together = summaries.some(decidesByCpu);
  if (loaderBound.length > 0) {
    const why = together
      ? 'the load generators together above 90% of their CPU while the servers together were under 90% of theirs: their req/s is the loaders’ limit'
      : 'load generator above 90% CPU while the server was under 90%: their req/s is the loader’s limit';
    notes.push(`LOADER-BOUND slices (${why}): ${loaderBound.join(', ')}`);
  }
  if (contended.length > 0) {
    const why = together
      ? 'the servers together under 90% of their CPU while the load generators had room: other processes took CPU time'
      : 'server under 90% CPU while the load generator had room: other processes took CPU time';
    notes.push(`CONTENDED slices (${why}): ${contended.join(', ')}`);
  }
  if (total > 0) notes.push(`targets met: ${met} of ${total}`);
  return notes;
}

/** True when every deciding ratio ({@link decidingRatios}) met its target, and no framework failed. */
export function allTargetsMet(summaries: ScenarioSummary[]): boolean {
  return summaries.every(
    (summary) => Object.values(summary.frameworks).every((result) => result.ok) && Object.values(decidingRatios(summary)).every((ratio) => ratio.met),
  );
}

/**
 * `mine / theirs` against `target`.
 *
 * @example
 * ```ts
 * makeRatio(90, 100, 0.9); // { value: 0.9, target: 0.9, met: true }
 * ```
 */
export function makeRatio(mine: number, theirs: number, target: number): Ratio {
  const value = mine / theirs;
  return { value, target, met: value >= target };
}

function frameworkCells(result: FrameworkSummary | undefined): string[] {
  if (result === undefined) return ['-', '-', '-'];
  if (!result.ok) return ['FAILED', '-', '-'];
  return [thousands(result.requestsPerSec), result.latencyP99Ms.toFixed(1), result.rssBytes === undefined ? '-' : (result.rssBytes / 1024 / 1024).toFixed(1)];
}

/**
 * A ratio as a table cell: two decimals rounded down, then `✓` when it meets its target
 * and `✗` when it does not, then the range of the per-cycle ratios when it has one;
 * `n/a` when it could not be computed.
 *
 * @example
 * ```ts
 * ratioCell({ value: 0.8999, target: 0.9, met: false }); // '0.89 ✗'
 * ratioCell({ value: 0.969, min: 0.93, max: 1.01, cycles: 10, target: 0.9, met: true }); // '0.96 ✓ (0.93–1.01)'
 * ```
 */
export function ratioCell(ratio: Ratio | TargetRatio | undefined): string {
  if (ratio === undefined) return 'n/a';
  const range = 'min' in ratio ? ` (${rangeText(ratio)})` : '';
  return `${ratioText(ratio.value)} ${ratio.met ? '✓' : '✗'}${range}`;
}

function targetText(peer: Peer): string {
  return `(≥${TARGETS[peer]})`;
}

function rangeText(ratio: CycleRatio): string {
  return `${ratioText(ratio.min)}–${ratioText(ratio.max)}`;
}

/** Two decimals, rounded down, so a ratio just under its target never prints as the target. */
function ratioText(value: number): string {
  return (Math.floor(value * 100 + 1e-9) / 100).toFixed(2);
}

function percent(fraction: number): string {
  return Number.isNaN(fraction) ? '-' : `${Math.round(fraction * 100)}%`;
}

function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
