import { FRAMEWORKS, type Framework } from './bench-options.js';
import { type LoadResult } from './load.js';
import { SCENARIOS, type ScenarioId } from './scenarios.js';

/** The issue's targets: weft's req/s divided by the peer's must reach these. */
export const TARGETS = { raw: 0.9, fastify: 1.0 } as const;

/** A peer weft is compared with. */
export type Peer = keyof typeof TARGETS;

/** One (scenario, framework) measurement in one round. */
export interface PairResult {
  scenario: ScenarioId;
  framework: Framework;
  round: number;
  /** Present when the measurement completed. */
  load?: LoadResult;
  /** Server RSS at the end of the measurement, bytes. */
  rssBytes?: number;
  /** Server CPU use while measured, 1 = one full core. */
  serverCpu?: number;
  /**
   * Requests completed per second of server CPU time: the server's efficiency, which
   * holds up better than req/s when other processes take CPU time from the server.
   */
  requestsPerCpuSec?: number;
  /** Why the measurement is not valid (bad answer, errors, crash), if it is not. */
  problem?: string;
}

/** The best round of one pair, or its failure. */
export type PairSummary = { ok: true; best: PairResult & { load: LoadResult } } | { ok: false; problem: string };

/** weft's req/s over a peer's, against its target. */
export interface Ratio {
  value: number;
  target: number;
  met: boolean;
}

/** One scenario's row of the report. */
export interface ScenarioSummary {
  scenario: ScenarioId;
  title: string;
  frameworks: Partial<Record<Framework, PairSummary>>;
  ratios: Partial<Record<Peer, Ratio>>;
  /** The same ratios on requests per server CPU-second. */
  cpuRatios: Partial<Record<Peer, Ratio>>;
}

/**
 * Groups the measurements by scenario, keeps each pair's best round by req/s (a pair
 * with a failed round is failed: its answers were wrong at least once), and computes
 * weft's ratios to raw and fastify.
 *
 * @example
 * ```ts
 * const [s1] = summarise(pairs);
 * s1.ratios.raw; // { value: 0.93, target: 0.9, met: true }
 * ```
 */
export function summarise(pairs: PairResult[]): ScenarioSummary[] {
  const scenarios = [...new Set(pairs.map((pair) => pair.scenario))];
  return scenarios.map((scenario) => {
    const frameworks: Partial<Record<Framework, PairSummary>> = {};
    for (const framework of FRAMEWORKS) {
      const rounds = pairs.filter((pair) => pair.scenario === scenario && pair.framework === framework);
      if (rounds.length === 0) continue;
      const failed = rounds.find((pair) => pair.problem !== undefined || pair.load === undefined);
      if (failed !== undefined) {
        frameworks[framework] = { ok: false, problem: failed.problem ?? 'no measurement' };
        continue;
      }
      const best = rounds.reduce((a, b) => (b.load!.requestsPerSec > a.load!.requestsPerSec ? b : a));
      frameworks[framework] = { ok: true, best: best as PairResult & { load: LoadResult } };
    }
    const ratios: Partial<Record<Peer, Ratio>> = {};
    const cpuRatios: Partial<Record<Peer, Ratio>> = {};
    const weft = frameworks.weft;
    for (const peer of Object.keys(TARGETS) as Peer[]) {
      const other = frameworks[peer];
      if (weft?.ok !== true || other?.ok !== true) continue;
      ratios[peer] = makeRatio(weft.best.load.requestsPerSec, other.best.load.requestsPerSec, TARGETS[peer]);
      const [mine, theirs] = [weft.best.requestsPerCpuSec, other.best.requestsPerCpuSec];
      if (mine !== undefined && theirs !== undefined) cpuRatios[peer] = makeRatio(mine, theirs, TARGETS[peer]);
    }
    return { scenario, title: SCENARIOS[scenario].title, frameworks, ratios, cpuRatios };
  });
}

/**
 * The report as a Markdown table: one row per scenario with each framework's req/s, p99
 * latency and RSS, then weft's ratios; a ratio under its target is marked `✗`.
 *
 * @example
 * ```ts
 * console.log(formatTable(summarise(pairs)));
 * ```
 */
export function formatTable(summaries: ScenarioSummary[]): string {
  const frameworks = FRAMEWORKS.filter((framework) => summaries.some((summary) => summary.frameworks[framework] !== undefined));
  const peers = (Object.keys(TARGETS) as Peer[]).filter((peer) => summaries.some((summary) => summary.ratios[peer] !== undefined));
  const header = ['scenario', ...frameworks.flatMap((f) => [`${f} req/s`, 'p99 ms', 'RSS MB']), ...peers.map((peer) => `weft/${peer} (≥${TARGETS[peer]})`)];
  const rows = summaries.map((summary) => [
    summary.scenario,
    ...frameworks.flatMap((framework) => pairCells(summary.frameworks[framework])),
    ...peers.map((peer) => ratioCell(summary.ratios[peer])),
  ]);
  return markdownTable(header, rows);
}

/**
 * The efficiency table: requests per second of server CPU time and the server's CPU use
 * while measured, with weft's ratios on that measure. On a shared machine, where other
 * processes take CPU time from the server, it is the steadier comparison.
 *
 * @example
 * ```ts
 * console.log(formatCpuTable(summarise(pairs)));
 * ```
 */
export function formatCpuTable(summaries: ScenarioSummary[]): string {
  const frameworks = FRAMEWORKS.filter((framework) => summaries.some((summary) => summary.frameworks[framework] !== undefined));
  const peers = (Object.keys(TARGETS) as Peer[]).filter((peer) => summaries.some((summary) => summary.cpuRatios[peer] !== undefined));
  const header = ['scenario', ...frameworks.flatMap((f) => [`${f} req/CPU-s`, 'CPU']), ...peers.map((peer) => `weft/${peer} per CPU-s`)];
  const rows = summaries.map((summary) => [
    summary.scenario,
    ...frameworks.flatMap((framework) => {
      const pair = summary.frameworks[framework];
      if (pair?.ok !== true) return [pair === undefined ? '-' : 'FAILED', '-'];
      const { requestsPerCpuSec, serverCpu } = pair.best;
      return [requestsPerCpuSec === undefined ? '-' : Math.round(requestsPerCpuSec).toLocaleString('en-US'), serverCpu === undefined ? '-' : percent(serverCpu)];
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
 * The lines under the tables: each scenario's title, failed pairs with their reason,
 * missed targets by how much, the servers that did not get a full CPU (because the load
 * generator was the limit, or because other processes took CPU time), and a count of
 * the targets met.
 *
 * @example
 * ```ts
 * formatNotes(summarise(pairs)); // ['S1: GET / -> text', ..., 'MISSED S3 weft/raw 0.84 < 0.9 (7% short)', 'targets met: 9 of 10']
 * ```
 */
export function formatNotes(summaries: ScenarioSummary[]): string[] {
  const notes = summaries.map((summary) => `${summary.scenario}: ${summary.title}`);
  const loaderBound: string[] = [];
  const contended: string[] = [];
  let met = 0;
  let total = 0;
  for (const summary of summaries) {
    for (const [framework, pair] of Object.entries(summary.frameworks)) {
      if (!pair.ok) {
        notes.push(`FAILED ${summary.scenario} ${framework}: ${pair.problem}`);
        continue;
      }
      const { serverCpu = 1, load } = pair.best;
      const usage = `${summary.scenario} ${framework} ${percent(serverCpu)}`;
      if (serverCpu < 0.9) (load.loaderCpu > 0.95 ? loaderBound : contended).push(usage);
    }
    for (const [peer, ratio] of Object.entries(summary.ratios) as Array<[Peer, Ratio]>) {
      total++;
      if (ratio.met) {
        met++;
        continue;
      }
      const perCpu = summary.cpuRatios[peer];
      notes.push(
        `MISSED ${summary.scenario} weft/${peer} ${ratioText(ratio.value)} < ${ratio.target} (${percent(1 - ratio.value / ratio.target)} short` +
          `${perCpu === undefined ? '' : `; per CPU-second ${ratioText(perCpu.value)}`})`,
      );
    }
  }
  if (loaderBound.length > 0) {
    notes.push(`LOADER-BOUND (server under 90% CPU while the load generator was at its limit; their req/s is a lower bound): ${loaderBound.join(', ')}`);
  }
  if (contended.length > 0) {
    notes.push(`CONTENDED (server under 90% CPU while the load generator had room: other processes took CPU time; compare per CPU-second): ${contended.join(', ')}`);
  }
  if (total > 0) notes.push(`targets met: ${met} of ${total}`);
  return notes;
}

/** True when every ratio was computed and met its target, and no pair failed. */
export function allTargetsMet(summaries: ScenarioSummary[]): boolean {
  return summaries.every(
    (summary) => Object.values(summary.frameworks).every((pair) => pair.ok) && Object.values(summary.ratios).every((ratio) => ratio.met),
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

function pairCells(pair: PairSummary | undefined): string[] {
  if (pair === undefined) return ['-', '-', '-'];
  if (!pair.ok) return ['FAILED', '-', '-'];
  const { load, rssBytes } = pair.best;
  return [Math.round(load.requestsPerSec).toLocaleString('en-US'), String(load.latencyP99Ms), rssBytes === undefined ? '-' : (rssBytes / 1024 / 1024).toFixed(1)];
}

/**
 * A ratio as a table cell: two decimals rounded down, then `✓` when it meets its target
 * and `✗` when it does not; `n/a` when it could not be computed.
 *
 * @example
 * ```ts
 * ratioCell({ value: 0.8999, target: 0.9, met: false }); // '0.89 ✗'
 * ```
 */
export function ratioCell(ratio: Ratio | undefined): string {
  if (ratio === undefined) return 'n/a';
  return `${ratioText(ratio.value)} ${ratio.met ? '✓' : '✗'}`;
}

/** Two decimals, rounded down, so a ratio just under its target never prints as the target. */
function ratioText(value: number): string {
  return (Math.floor(value * 100 + 1e-9) / 100).toFixed(2);
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
