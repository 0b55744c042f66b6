/**
 * The cluster benchmark's table: requests/s per server and the scaling ratios that
 * matter (weft 2 workers / weft 1 worker, weft 2 workers / raw node:http cluster).
 */

/** One measured server. */
export interface ClusterResult {
  /** e.g. `weft serve --workers 2`. */
  readonly label: string;
  readonly workers: number;
  /** Mean requests per second over the measured run. */
  readonly requestsPerSecond: number;
  /** Responses that were not 2xx, errors and timeouts: any is a failed run. */
  readonly failures: number;
}

/**
 * Formats the results as a Markdown table plus the ratios.
 *
 * @example
 * ```ts
 * console.log(formatClusterReport([weft1, weft2, raw2]));
 * ```
 */
export function formatClusterReport(results: readonly ClusterResult[]): string {
  const lines = ['| server | workers | requests/s | failures |', '| --- | ---: | ---: | ---: |'];
  for (const r of results) lines.push(`| ${r.label} | ${r.workers} | ${Math.round(r.requestsPerSecond)} | ${r.failures} |`);
  const weft1 = results.find((r) => r.label.startsWith('weft') && r.workers === 1);
  const weft2 = results.find((r) => r.label.startsWith('weft') && r.workers === 2);
  const raw2 = results.find((r) => r.label.startsWith('node:http') && r.workers === 2);
  lines.push('');
  if (weft1 !== undefined && weft2 !== undefined) lines.push(`scaling, weft 2 workers / 1 worker: ${ratio(weft2, weft1)}`);
  if (raw2 !== undefined && weft2 !== undefined) lines.push(`weft 2 workers / node:http cluster 2 workers: ${ratio(weft2, raw2)}`);
  return lines.join('\n');
}

function ratio(a: ClusterResult, b: ClusterResult): string {
  return b.requestsPerSecond > 0 ? (a.requestsPerSecond / b.requestsPerSecond).toFixed(2) : 'n/a (no requests)';
}
