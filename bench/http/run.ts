/**
 * The HTTP benchmark: weft, raw `node:http` and fastify side by side on the five
 * scenarios of scenarios.ts. Each (scenario, framework) pair gets its own server process
 * pinned to CPU 0 while this process, the load generator, is pinned to CPU 1; pairs run
 * interleaved (weft, raw, fastify per scenario) so machine noise hits all alike.
 *
 * Usage: `npm run build && node dist/bench/http/run.js [--duration 5] [--rounds 2] ...`
 * (`--help` lists the options). Prints a Markdown table and writes the results as JSON
 * to `.bench-results/http-<timestamp>.json`. Exits 1 if a server failed (or, with
 * `--check`, if a target was missed), 2 on a bad option.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { type BenchOptions, USAGE, parseBenchOptions } from './bench-options.js';
import { LOADER_CPU, SERVER_CPU, canPin, pinSelf } from './cpu-pinning.js';
import { measurePair } from './measure-pair.js';
import { type CpuProfile, formatProfile, summariseProfile } from './profile-summary.js';
import { type PairResult, TARGETS, allTargetsMet, formatCpuTable, formatNotes, formatTable, summarise } from './report.js';

const REPO_ROOT = resolve(__dirname, '../../..');
const SERVERS_DIR = join(__dirname, 'servers');
/** Server start, probes and stop, per pair, on top of warm-up and measurement. */
const PAIR_OVERHEAD_S = 1;

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
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = resolve(REPO_ROOT, options.outDir);
  const profileDir = options.profile ? join(outDir, `profiles-${stamp}`) : undefined;
  const pairCount = options.rounds * options.scenarios.length * options.frameworks.length;
  const estimate = pairCount * (options.warmup + options.duration + PAIR_OVERHEAD_S);
  console.log(`# weft HTTP benchmark, ${new Date().toISOString()}`);
  console.log(
    `node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.load.join(' ')}, fastify ${machine.fastify}, autocannon ${machine.autocannon}`,
  );
  console.log(
    `${pinned ? `servers on CPU ${SERVER_CPU}, load generator on CPU ${LOADER_CPU}` : 'NOT pinned: servers and load generator share the CPUs'}; ` +
      `${options.connections} connections, pipelining ${options.pipelining}, warm-up ${options.warmup} s, ${options.duration} s measured, ` +
      `${options.rounds} round(s); about ${Math.ceil(estimate)} s`,
  );

  const pairs: PairResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const scenario of options.scenarios) {
      for (const framework of options.frameworks) {
        const pair = await measurePair({ scenario, framework, round, serversDir: SERVERS_DIR, cpu: pinned ? SERVER_CPU : undefined, profileDir }, options);
        pairs.push(pair);
        console.log(progressLine(pair));
      }
    }
  }

  const summaries = summarise(pairs);
  console.log(`\n${formatTable(summaries)}\n`);
  console.log(`Requests per second of server CPU time (the steadier measure when the machine is shared):\n\n${formatCpuTable(summaries)}\n`);
  for (const note of formatNotes(summaries)) console.log(note);

  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `http-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, pinned, options, targets: TARGETS, pairs, summaries }, null, 2)}\n`);
  console.log(`\nresults: ${file}`);

  if (profileDir !== undefined) printProfiles(profileDir);

  const failed = pairs.some((pair) => pair.problem !== undefined);
  if (failed) return 1;
  return options.check && !allTargetsMet(summaries) ? 1 : 0;
}

function progressLine(pair: PairResult): string {
  const head = `[round ${pair.round}] ${pair.scenario} ${pair.framework.padEnd(7)}`;
  if (pair.load === undefined) return `${head} FAILED: ${pair.problem}`;
  const { load } = pair;
  const cpu = (fraction: number | undefined) => (fraction === undefined ? '-' : `${Math.round(fraction * 100)}%`);
  return (
    `${head} ${Math.round(load.requestsPerSec).toLocaleString('en-US').padStart(8)} req/s  p99 ${load.latencyP99Ms} ms  ` +
    `RSS ${((pair.rssBytes ?? 0) / 1024 / 1024).toFixed(1)} MB  server CPU ${cpu(pair.serverCpu)}  loader CPU ${cpu(load.loaderCpu)}` +
    (pair.problem === undefined ? '' : `  FAILED: ${pair.problem}`)
  );
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
    autocannon: version('autocannon'),
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
