/**
 * The HTTP benchmark: weft, raw `node:http` and fastify side by side on the five
 * scenarios of scenarios.ts. Per round and scenario the three servers run at once, each
 * its own process, all pinned to CPU 0, while the load generator (wrk, or autocannon's
 * API) runs on CPU 1. After a warm-up, each cycle loads every server for a short slice:
 * all at once, one load generator each, sharing CPU 0 (`--mode together`, the default),
 * or one after another in an order rotated per cycle (`--mode rotate`). The decisive
 * numbers are the medians over cycles of weft's slice divided by each peer's in the same
 * cycle (per server CPU-second in together mode, req/s in rotate mode), which a machine
 * whose speed changes within seconds cannot skew (see cycle-ratios.ts and bench/README.md).
 *
 * Usage: `npm run build && node dist/bench/http/run.js [--cycles 10] [--slice 1] [--mode rotate] [--rounds 2] ...`
 * (`--help` lists the options). Prints a Markdown table and writes the results, every
 * slice included, as JSON to `.bench-results/http-<timestamp>.json`. Exits 1 if a server
 * failed (or, with `--check`, if a target was missed), 2 on a bad option.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { type BenchOptions, USAGE, parseBenchOptions } from './bench-options.js';
import { startHarness } from '../flags.js';
import { LOADER_CPU, SERVER_CPU, canPin, pinSelf } from './cpu-pinning.js';
import { type Loader, autocannonLoader } from './load.js';
import { type ScenarioRun, type SliceResult, measureScenario } from './measure-scenario.js';
import { type CpuProfile, formatProfile, summariseProfile } from './profile-summary.js';
import { type Peer, type ScenarioSummary, TARGETS, allTargetsMet, formatCpuTable, formatNotes, formatTable, summarise } from './report.js';
import { wrkLoader } from './wrk.js';

const REPO_ROOT = resolve(__dirname, '../../..');
const SERVERS_DIR = join(__dirname, 'servers');
/** Per server and round: start, answer checks, stats and stop, on top of its warm-up and slices. */
const SERVER_OVERHEAD_S = 1;
/** Per slice: starting the load generator, connecting, the two CPU-time readings. */
const SLICE_OVERHEAD_S = 0.1;

async function main(argv: string[]): Promise<number> {
  const options = startHarness(argv, parseBenchOptions, USAGE, (options) => options.frameworks.map((framework) => join(SERVERS_DIR, `${framework}.js`)));
  if (typeof options === 'number') return options;

  // Read before pinning: afterwards this process sees one CPU.
  const machine = machineFacts();
  const pinned = options.pin && canPin() && pinSelf(LOADER_CPU);
  const loader = makeLoader(options);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = resolve(REPO_ROOT, options.outDir);
  const profileDir = options.profile ? join(outDir, `profiles-${stamp}`) : undefined;
  const estimate = options.rounds * options.scenarios.length * scenarioSeconds(options);
  console.log(`# weft HTTP benchmark, ${new Date().toISOString()}`);
  console.log(
    `node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.load.join(' ')}, fastify ${machine.fastify}, ` +
      `loader ${loader.name} ${loader.version}`,
  );
  if (loader.name === 'autocannon') {
    console.log('note: autocannon needs about a core to keep up with one server here, so req/s may measure the load generator (install wrk: apt-get install wrk)');
  }
  console.log(
    `${pinned ? `servers on CPU ${SERVER_CPU}, load generator${options.mode === 'together' ? 's' : ''} on CPU ${LOADER_CPU}` : 'NOT pinned: servers and load generator share the CPUs'}; ` +
      `${options.connections} connections, pipelining ${options.pipelining}, warm-up ${options.warmup} s per server, ` +
      `${options.cycles} cycles of ${options.slice} s per server ${options.mode === 'together' ? 'all loaded at once' : 'one after another'} (--mode ${options.mode}), ` +
      `${options.rounds} round(s); about ${Math.ceil(estimate)} s`,
  );
  console.log(
    options.mode === 'together'
      ? 'per cycle: req/s (server CPU) of each server, all loaded at once, then the CPU use of all servers and of all load generators, then weft over each peer per server CPU-second'
      : 'per cycle, in the order loaded: req/s (server CPU, load generator CPU) of each server, then weft over each peer',
  );

  const runs: ScenarioRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const scenario of options.scenarios) {
      const setup = { scenario, round, frameworks: options.frameworks, serversDir: SERVERS_DIR, cpu: pinned ? SERVER_CPU : undefined, profileDir };
      const run = await measureScenario(setup, options, loader, (cycle, slices) => console.log(cycleLine(round, scenario, cycle, options.cycles, slices)));
      for (const outcome of run.outcomes) {
        if (outcome.problem !== undefined) console.log(`[round ${round}] ${scenario} ${outcome.framework} FAILED: ${outcome.problem}`);
      }
      runs.push(run);
    }
  }

  const summaries = summarise(runs);
  printTables(summaries, options.mode);
  for (const note of formatNotes(summaries)) console.log(note);

  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `http-${stamp}.json`);
  const results = { date: new Date().toISOString(), machine, pinned, loader: { name: loader.name, version: loader.version }, options, targets: TARGETS, runs, summaries };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults: ${file}`);

  if (profileDir !== undefined) printProfiles(profileDir);

  const failed = runs.some((run) => run.outcomes.some((outcome) => outcome.problem !== undefined));
  if (failed) return 1;
  return options.check && !allTargetsMet(summaries) ? 1 : 0;
}

function makeLoader(options: BenchOptions): Loader {
  if (options.loader === 'wrk' && options.wrkPath !== undefined) return wrkLoader({ path: options.wrkPath, connections: options.connections });
  return autocannonLoader({ connections: options.connections, pipelining: options.pipelining });
}

/** Seconds one scenario takes in one round: per server its start, stop and warm-up; then the cycles. */
function scenarioSeconds(options: BenchOptions): number {
  const slicesPerCycle = options.mode === 'together' ? 1 : options.frameworks.length;
  return options.frameworks.length * (SERVER_OVERHEAD_S + options.warmup) + options.cycles * slicesPerCycle * (options.slice + SLICE_OVERHEAD_S);
}

/**
 * The two tables, the deciding one first: in together mode requests per server
 * CPU-second, whose req/s are shares of one core; in rotate mode req/s.
 */
function printTables(summaries: ScenarioSummary[], mode: BenchOptions['mode']): void {
  const cpuTable = formatCpuTable(summaries);
  const rateTable = formatTable(summaries);
  if (mode === 'together') {
    console.log(
      '\nDECIDES: requests per second of server CPU time, weft over each peer as the median of per-cycle ratios (all servers loaded at once, sharing CPU 0); ' +
        "CPU is each server's share of CPU 0, loader the CPU use of all load generators together (medians over the slices):",
    );
    console.log(`\n${cpuTable}\n`);
    console.log(
      'Requests per second, not deciding: each server had a share of one core (about 1/N of CPU 0 for N servers), ' +
        'so these req/s and latencies are not comparable to those of single-server runs or of --mode rotate:',
    );
    console.log(`\n${rateTable}\n`);
    return;
  }
  console.log('\nDECIDES: requests per second, weft over each peer as the median of per-cycle ratios (servers loaded one after another):');
  console.log(`\n${rateTable}\n`);
  console.log(`Requests per second of server CPU time, with the server's and the load generator's CPU use (medians over the slices):\n\n${cpuTable}\n`);
}

/**
 * One cycle's progress. Rotate mode: each server's req/s (server CPU, loader CPU) in the
 * order loaded, then weft's ratios on req/s. Together mode: each server's req/s (its
 * share of CPU 0), the CPU use of all servers and of all load generators, then weft's
 * ratios per server CPU-second, the deciding ones.
 */
function cycleLine(round: number, scenario: string, cycle: number, cycles: number, slices: SliceResult[]): string {
  const cpu = (fraction: number) => (Number.isNaN(fraction) ? '-' : `${Math.round(fraction * 100)}%`);
  const cycleCpu = slices[0]?.cycleCpu;
  const parts = slices.map((slice) => {
    const rate = Math.round(slice.load.requestsPerSec).toLocaleString('en-US').padStart(7);
    return `${slice.framework} ${rate} (${cpu(slice.serverCpu)}${cycleCpu === undefined ? `, ${cpu(slice.load.loaderCpu)}` : ''})`;
  });
  if (cycleCpu !== undefined) parts.push(`servers ${cpu(cycleCpu.servers)}, loaders ${cpu(cycleCpu.loaders)}`);
  const measure = (slice: SliceResult) => (cycleCpu === undefined ? slice.load.requestsPerSec : slice.requestsPerCpuSec);
  const result = (framework: string) => {
    const slice = slices.find((each) => each.framework === framework);
    return slice === undefined ? undefined : measure(slice);
  };
  const weft = result('weft');
  const ratios = (Object.keys(TARGETS) as Peer[]).flatMap((peer) => {
    const theirs = result(peer);
    return weft === undefined || theirs === undefined ? [] : [`weft/${peer} ${(weft / theirs).toFixed(3)}`];
  });
  const per = cycleCpu === undefined ? '' : 'per CPU-s ';
  return `[round ${round}] ${scenario} cycle ${String(cycle).padStart(String(cycles).length)}/${cycles}  ${parts.join('  ')}${ratios.length > 0 ? `  ${per}${ratios.join(' ')}` : ''}`;
}

function printProfiles(dir: string): void {
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')) : [];
  if (files.length === 0) console.log(`\nno CPU profile was written to ${dir}`);
  for (const name of files.sort()) {
    const profile = JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile;
    console.log(`\n## CPU profile ${join(dir, name)}\n${formatProfile(summariseProfile(profile, { top: 15, root: REPO_ROOT }))}`);
  }
}

function machineFacts() {
  const version = (pkg: string) => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  return {
    node: process.version,
    cpus: availableParallelism(),
    load: loadavg().map((value) => Math.round(value * 100) / 100),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    fastify: version('fastify'),
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
