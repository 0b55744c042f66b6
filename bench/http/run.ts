/**
 * The HTTP benchmark: weft, raw `node:http` and fastify side by side on the five
 * scenarios of scenarios.ts. Per round and scenario the three servers run at once, each
 * its own process, all pinned to CPU 0 (only the one under load does work), while the
 * load generator (wrk, or autocannon's API) runs on CPU 1. After a warm-up, each cycle
 * loads every server for a short slice, in an order rotated per cycle; the decisive
 * numbers are the medians over cycles of weft's slice divided by each peer's in the same
 * cycle, which a machine whose speed swings by 2x over minutes cannot skew (see
 * cycle-ratios.ts and bench/README.md).
 *
 * Usage: `npm run build && node dist/bench/http/run.js [--cycles 10] [--slice 1] [--rounds 2] ...`
 * (`--help` lists the options). Prints a Markdown table and writes the results, every
 * slice included, as JSON to `.bench-results/http-<timestamp>.json`. Exits 1 if a server
 * failed (or, with `--check`, if a target was missed), 2 on a bad option.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { type BenchOptions, USAGE, parseBenchOptions } from './bench-options.js';
import { LOADER_CPU, SERVER_CPU, canPin, pinSelf } from './cpu-pinning.js';
import { type Loader, autocannonLoader } from './load.js';
import { type ScenarioRun, type SliceResult, measureScenario } from './measure-scenario.js';
import { type CpuProfile, formatProfile, summariseProfile } from './profile-summary.js';
import { type Peer, TARGETS, allTargetsMet, formatCpuTable, formatNotes, formatTable, summarise } from './report.js';
import { wrkLoader } from './wrk.js';

const REPO_ROOT = resolve(__dirname, '../../..');
const SERVERS_DIR = join(__dirname, 'servers');
/** Per server and round: start, answer checks, stats and stop, on top of its warm-up and slices. */
const SERVER_OVERHEAD_S = 1;
/** Per slice: starting the load generator, connecting, the two CPU-time readings. */
const SLICE_OVERHEAD_S = 0.1;

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const missing = options.frameworks.map((framework) => join(SERVERS_DIR, `${framework}.js`)).filter((script) => !existsSync(script));
  if (missing.length > 0) {
    process.stderr.write(`missing compiled servers: ${missing.join(', ')}\nrun \`npm run build\` first\n`);
    return 2;
  }

  // Read before pinning: afterwards this process sees one CPU.
  const machine = machineFacts();
  const pinned = options.pin && canPin() && pinSelf(LOADER_CPU);
  const loader = makeLoader(options);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = resolve(REPO_ROOT, options.outDir);
  const profileDir = options.profile ? join(outDir, `profiles-${stamp}`) : undefined;
  const perServer = options.warmup + SERVER_OVERHEAD_S + options.cycles * (options.slice + SLICE_OVERHEAD_S);
  const estimate = options.rounds * options.scenarios.length * options.frameworks.length * perServer;
  console.log(`# weft HTTP benchmark, ${new Date().toISOString()}`);
  console.log(
    `node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.load.join(' ')}, fastify ${machine.fastify}, ` +
      `loader ${loader.name} ${loader.version}`,
  );
  if (loader.name === 'autocannon') {
    console.log('note: autocannon needs about a core to keep up with one server here, so req/s may measure the load generator (install wrk: apt-get install wrk)');
  }
  console.log(
    `${pinned ? `servers on CPU ${SERVER_CPU}, load generator on CPU ${LOADER_CPU}` : 'NOT pinned: servers and load generator share the CPUs'}; ` +
      `${options.connections} connections, pipelining ${options.pipelining}, warm-up ${options.warmup} s per server, ` +
      `${options.cycles} cycles of ${options.slice} s per server, ${options.rounds} round(s); about ${Math.ceil(estimate)} s`,
  );
  console.log('per cycle, in the order loaded: req/s (server CPU, load generator CPU) of each server, then weft over each peer');

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
  console.log(`\n${formatTable(summaries)}\n`);
  console.log(`Requests per second of server CPU time, with the server's and the load generator's CPU use (medians over the slices):\n\n${formatCpuTable(summaries)}\n`);
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

/** One cycle's progress: each server's req/s (server CPU, loader CPU) in the order loaded, then weft's ratios. */
function cycleLine(round: number, scenario: string, cycle: number, cycles: number, slices: SliceResult[]): string {
  const cpu = (fraction: number) => (Number.isNaN(fraction) ? '-' : `${Math.round(fraction * 100)}%`);
  const parts = slices.map(
    (slice) => `${slice.framework} ${Math.round(slice.load.requestsPerSec).toLocaleString('en-US').padStart(7)} (${cpu(slice.serverCpu)}, ${cpu(slice.load.loaderCpu)})`,
  );
  const rate = (framework: string) => slices.find((slice) => slice.framework === framework)?.load.requestsPerSec;
  const weft = rate('weft');
  const ratios = (Object.keys(TARGETS) as Peer[]).flatMap((peer) => {
    const theirs = rate(peer);
    return weft === undefined || theirs === undefined ? [] : [`weft/${peer} ${(weft / theirs).toFixed(3)}`];
  });
  return `[round ${round}] ${scenario} cycle ${String(cycle).padStart(String(cycles).length)}/${cycles}  ${parts.join('  ')}${ratios.length > 0 ? `  ${ratios.join(' ')}` : ''}`;
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
