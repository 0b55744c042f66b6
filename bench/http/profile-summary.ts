/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most
 * self time, and the share of time by where the code lives (weft, node internals,
 * other packages, GC). `run.js --profile` prints it for every server it profiled; it can
 * also be run alone: `node dist/bench/http/profile-summary.js FILE.cpuprofile [--top N]`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The parts of V8's CPU profile format that the summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where code lives, for the time-share line. `async-hooks` is node's async_hooks
 * machinery (AsyncLocalStorage and promise hooks), apart from the rest of node because
 * its cost is the price of context propagation, not of HTTP.
 */
export type CodeArea = 'weft' | 'bench' | 'node' | 'async-hooks' | 'packages' | 'gc' | 'idle' | 'other';

/** One function's self time. */
export interface FunctionTime {
  name: string;
  location: string;
  area: CodeArea;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

/** The summary of one profile. */
export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  areas: Record<CodeArea, number>;
  top: FunctionTime[];
}

/**
 * Computes self time per function (nodes with the same function and location merged)
 * from the sample timeline: each sample lasts until the next one.
 *
 * @example
 * ```ts
 * const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')), { top: 15 });
 * summary.top[0]; // { name: 'writeHead', location: 'node:_http_server:350', area: 'node', selfMs: 412.5, share: 0.08 }
 * ```
 */
export function summariseProfile(profile: CpuProfile, options: { top?: number; root?: string } = {}): ProfileSummary {
  if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples) || !Array.isArray(profile.timeDeltas)) {
    throw new Error('not a V8 CPU profile: expected nodes, samples and timeDeltas arrays');
  }
  const root = options.root ?? process.cwd();
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, Omit<FunctionTime, 'share'>>();
  let timestamp = profile.startTime;
  const times = profile.samples.map((_id, i) => (timestamp += profile.timeDeltas[i] ?? 0));
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    if (node === undefined) throw new Error(`sample ${i} names node ${profile.samples[i]}, which the profile does not have`);
    const ms = ((i + 1 < times.length ? times[i + 1] : profile.endTime) - times[i]) / 1000;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const location = url === '' ? '' : `${shortUrl(url, root)}:${lineNumber + 1}`;
    const key = `${name} ${location}`;
    const entry = byFunction.get(key) ?? { name, location, area: areaOf(name, url), selfMs: 0 };
    entry.selfMs += ms;
    byFunction.set(key, entry);
  }
  const areas: Record<CodeArea, number> = { weft: 0, bench: 0, node: 0, 'async-hooks': 0, packages: 0, gc: 0, idle: 0, other: 0 };
  for (const entry of byFunction.values()) areas[entry.area] += entry.selfMs;
  const busyMs = totalMs - areas.idle;
  const top = [...byFunction.values()]
    .filter((entry) => entry.area !== 'idle')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, options.top ?? 20)
    .map((entry) => ({ ...entry, share: busyMs > 0 ? entry.selfMs / busyMs : 0 }));
  return { totalMs, busyMs, areas, top };
}

/**
 * The summary as text: time shares by area, then the top functions.
 *
 * @example
 * ```ts
 * console.log(formatProfile(summary));
 * ```
 */
export function formatProfile(summary: ProfileSummary): string {
  const share = (ms: number) => `${((ms / (summary.busyMs || 1)) * 100).toFixed(1)}%`;
  const areas = (Object.keys(summary.areas) as CodeArea[])
    .filter((area) => area !== 'idle' && summary.areas[area] > 0)
    .sort((a, b) => summary.areas[b] - summary.areas[a])
    .map((area) => `${area} ${share(summary.areas[area])}`)
    .join(', ');
  const lines = [
    `busy ${summary.busyMs.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms; self time by area: ${areas}`,
    '  self ms   share  area         function (location)',
    ...summary.top.map(
      (entry) => `${entry.selfMs.toFixed(1).padStart(9)} ${`${(entry.share * 100).toFixed(1)}%`.padStart(7)}  ${entry.area.padEnd(11)}  ${entry.name}${entry.location ? ` (${entry.location})` : ''}`,
    ),
  ];
  return lines.join('\n');
}

function areaOf(name: string, url: string): CodeArea {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'gc';
  if (/^node:(internal\/)?async_hooks$/.test(url)) return 'async-hooks';
  if (url.startsWith('node:') || (url === '' && name !== '(program)' && name !== '(root)')) return 'node';
  if (url.includes('/node_modules/')) return 'packages';
  if (/\/dist\/(src|container|decorators)\//.test(url)) return 'weft';
  if (url.includes('/dist/bench/')) return 'bench';
  return 'other';
}

function shortUrl(url: string, root: string): string {
  if (!url.startsWith('file://')) return url;
  const path = relative(root, new URL(url).pathname);
  return path.startsWith('..') ? new URL(url).pathname : path;
}

function main(argv: string[]): void {
  const [file, ...rest] = argv;
  const topIndex = rest.indexOf('--top');
  const top = topIndex === -1 ? 20 : Number(rest[topIndex + 1]);
  if (file === undefined || !Number.isInteger(top) || top < 1) {
    process.stderr.write('usage: node dist/bench/http/profile-summary.js FILE.cpuprofile [--top N]\n');
    process.exitCode = 2;
    return;
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(formatProfile(summariseProfile(profile, { top })));
}

if (require.main === module) main(process.argv.slice(2));
