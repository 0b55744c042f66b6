import { type EchoLoadResult } from './echo-load.js';
import { WS_SERVERS, type WsServer } from './ws-options.js';

/** The issue's target: weft's round trips per second over plain `ws`'s. */
export const WS_TARGET = 0.9;

/** One server's measurement in one round. */
export interface WsRunResult {
  server: WsServer;
  round: number;
  /** Present when the measurement completed. */
  load?: EchoLoadResult;
  /** Server RSS at the end of the measurement, bytes. */
  rssBytes?: number;
  /** Server CPU use while measured, 1 = one full core. */
  serverCpu?: number;
  /** Round trips per second of server CPU time. */
  roundTripsPerCpuSec?: number;
  /** Why the measurement is not valid, if it is not. */
  problem?: string;
}

/** The report: each server's best round (or its failure) and weft's ratios. */
export interface WsSummary {
  best: Partial<Record<WsServer, WsRunResult & { load: EchoLoadResult }>>;
  failures: Array<{ server: WsServer; round: number; problem: string }>;
  /** weft/plain on round trips per second, when both completed. */
  ratio?: number;
  /** weft/plain on round trips per server CPU-second, when both are known. */
  cpuRatio?: number;
  met: boolean;
}

/**
 * Keeps each server's best round by round trips per second (a server with a failed round
 * counts as failed: its echoes were wrong at least once) and computes weft/plain.
 *
 * @example
 * ```ts
 * summariseWs(runs).ratio; // 0.94
 * ```
 */
export function summariseWs(runs: WsRunResult[]): WsSummary {
  const failures = runs.filter((run) => run.problem !== undefined || run.load === undefined).map((run) => ({ server: run.server, round: run.round, problem: run.problem ?? 'no measurement' }));
  const best: WsSummary['best'] = {};
  for (const server of WS_SERVERS) {
    if (failures.some((failure) => failure.server === server)) continue;
    const rounds = runs.filter((run): run is WsRunResult & { load: EchoLoadResult } => run.server === server && run.load !== undefined);
    if (rounds.length > 0) best[server] = rounds.reduce((a, b) => (b.load.roundTripsPerSec > a.load.roundTripsPerSec ? b : a));
  }
  const { weft, plain } = best;
  const ratio = weft !== undefined && plain !== undefined ? weft.load.roundTripsPerSec / plain.load.roundTripsPerSec : undefined;
  const cpuRatio = weft?.roundTripsPerCpuSec !== undefined && plain?.roundTripsPerCpuSec !== undefined ? weft.roundTripsPerCpuSec / plain.roundTripsPerCpuSec : undefined;
  return { best, failures, ratio, cpuRatio, met: failures.length === 0 && ratio !== undefined && ratio >= WS_TARGET };
}

/**
 * The report as text: a Markdown table with each server's best round, then the ratio
 * line (marked `✗` under the target), the servers the clients could not saturate, and
 * any failures.
 *
 * @example
 * ```ts
 * console.log(formatWsReport(summariseWs(runs)));
 * ```
 */
export function formatWsReport(summary: WsSummary): string {
  const header = ['server', 'round trips/s', 'p50 ms', 'p99 ms', 'server CPU', 'per CPU-s', 'client CPU', 'RSS MB'];
  const rows = WS_SERVERS.map((server) => {
    const run = summary.best[server];
    if (run === undefined) return [server, 'FAILED', '-', '-', '-', '-', '-', '-'];
    return [
      server,
      whole(run.load.roundTripsPerSec),
      run.load.latencyP50Ms.toFixed(2),
      run.load.latencyP99Ms.toFixed(2),
      run.serverCpu === undefined ? '-' : percent(run.serverCpu),
      run.roundTripsPerCpuSec === undefined ? '-' : whole(run.roundTripsPerCpuSec),
      percent(run.load.loaderCpu),
      run.rssBytes === undefined ? '-' : (run.rssBytes / 1024 / 1024).toFixed(1),
    ];
  });
  const lines = [table(header, rows), ''];
  if (summary.ratio === undefined) lines.push(`weft/plain: n/a (target ≥ ${WS_TARGET})`);
  else {
    const perCpu = summary.cpuRatio === undefined ? '' : `; per server CPU-second ${ratioText(summary.cpuRatio)}`;
    lines.push(`weft/plain: ${ratioText(summary.ratio)} ${summary.ratio >= WS_TARGET ? '✓' : '✗'} (target ≥ ${WS_TARGET}${perCpu})`);
  }
  const clientBound = WS_SERVERS.filter((server) => {
    const run = summary.best[server];
    return run?.serverCpu !== undefined && run.serverCpu < 0.9 && run.load.loaderCpu > 0.95;
  });
  if (clientBound.length > 0) {
    lines.push(`CLIENT-BOUND (server under 90% CPU while the clients were at their limit; round trips/s is a lower bound, compare per CPU-second): ${clientBound.join(', ')}`);
  }
  for (const failure of summary.failures) lines.push(`FAILED ${failure.server} round ${failure.round}: ${failure.problem}`);
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function whole(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Two decimals, rounded down, so a ratio just under the target never prints as the target. */
function ratioText(value: number): string {
  return (Math.floor(value * 100 + 1e-9) / 100).toFixed(2);
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
