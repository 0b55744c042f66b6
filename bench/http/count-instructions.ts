/**
 * The HTTP benchmark's noise-free companion: the CPU instructions each server (weft, raw
 * `node:http`, fastify) runs per request in each scenario, counted by valgrind's callgrind.
 * Requests per second swing by ±20% between runs on a shared machine, too much to decide
 * the 0.9x raw and 1.0x fastify targets; instruction counts repeat within 1%.
 *
 * Each (scenario, framework) server runs under callgrind with instrumentation off; this
 * process sends `--warm` requests over 10 keep-alive connections, turns instrumentation on,
 * sends exactly `--requests` more and dumps the counters. Every answer is checked (status,
 * media type, exact body), so a wrong answer fails the run instead of being counted.
 * Counts are user space only: each system call is one instruction, and the kernel's socket
 * work, the same for the three servers, is left out.
 *
 * Usage: `npm run build && flock /tmp/weft-load.lock node dist/bench/http/count-instructions.js
 * [--warm 20000] [--requests 10000] [--scenarios S1,S3] [--frameworks weft,raw] [--cache-sim]` (needs
 * `valgrind` on the PATH). Prints a Markdown table and writes the counts as JSON to
 * `.bench-results/http-instructions-<timestamp>.json`. Exits 1 on a failure, 2 on a bad option.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { startUnderCallgrind } from '../callgrind.js';
import { type Framework } from './bench-options.js';
import { startHarness } from '../flags.js';
import { INSTRUCTION_CONNECTIONS, INSTRUCTION_USAGE, type InstructionOptions, parseInstructionOptions } from './instruction-options.js';
import { INSTRUCTION_NOTE, type InstructionCount, formatInstructionTable, formatSimulationTable, summariseInstructions } from './instruction-report.js';
import { TARGETS } from './report.js';
import { SCENARIOS, type Scenario, type ScenarioId } from './scenarios.js';
import { type ProbeResponse, responseProblem } from './verify-response.js';

const REPO_ROOT = resolve(__dirname, '../../..');
const SERVERS_DIR = join(__dirname, 'servers');
/** Under callgrind a request takes some 50x longer than usual; this bounds a stuck one. */
const REQUEST_TIMEOUT_MS = 30_000;

async function main(argv: string[]): Promise<number> {
  const options = startHarness(argv, parseInstructionOptions, INSTRUCTION_USAGE, (options) => options.frameworks.map((framework) => join(SERVERS_DIR, `${framework}.js`)));
  if (typeof options === 'number') return options;

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  console.log(`# weft HTTP instruction counts, ${new Date().toISOString()}`);
  console.log(
    `node ${process.version}; per server: ${options.warm} requests of warm-up, then ${options.requests} counted, over ${INSTRUCTION_CONNECTIONS} keep-alive connections`,
  );
  const counts: InstructionCount[] = [];
  for (const scenario of options.scenarios) {
    for (const framework of options.frameworks) {
      const began = Date.now();
      const count = await countServer(scenario, framework, options);
      counts.push(count);
      console.log(
        `${scenario} ${framework.padEnd(7)} ${Math.round(count.instructionsPerRequest).toLocaleString('en-US').padStart(9)} instructions per request (${Math.round((Date.now() - began) / 1000)} s)`,
      );
    }
  }

  const summaries = summariseInstructions(counts);
  console.log(`\n${formatInstructionTable(summaries)}\n`);
  for (const summary of summaries) console.log(`${summary.scenario}: ${summary.title}`);
  console.log(`\n${INSTRUCTION_NOTE}`);
  const simulation = formatSimulationTable(counts);
  if (simulation !== '') console.log(`\nPer request, simulated by callgrind (--cache-sim):\n\n${simulation}`);

  const outDir = resolve(REPO_ROOT, options.outDir);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `http-instructions-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, options, targets: TARGETS, counts, summaries }, null, 2)}\n`);
  console.log(`\nresults: ${file}`);
  return 0;
}

async function countServer(id: ScenarioId, framework: Framework, options: InstructionOptions): Promise<InstructionCount> {
  const scenario = SCENARIOS[id];
  const label = `${framework} ${id}`;
  const simulation = options.cacheSim ? ['--cache-sim=yes', '--branch-sim=yes'] : [];
  const server = await startUnderCallgrind(join(SERVERS_DIR, `${framework}.js`), [id], label, { ...process.env, NODE_ENV: 'production' }, simulation);
  const agent = new Agent({ keepAlive: true, maxSockets: INSTRUCTION_CONNECTIONS });
  try {
    await sendRequests(server.port, scenario, options.warm, agent, label);
    server.instrumentOn();
    await sendRequests(server.port, scenario, options.requests, agent, label);
    server.dump();
  } catch (err) {
    agent.destroy();
    await server.stop().catch(() => undefined);
    throw err;
  }
  agent.destroy();
  const instructions = await server.stop();
  const count: InstructionCount = { scenario: id, framework, instructionsPerRequest: instructions / options.requests, instructions, requests: options.requests };
  return options.cacheSim ? { ...count, events: server.events } : count;
}

/** Sends `total` requests, {@link INSTRUCTION_CONNECTIONS} in flight, and checks every answer. */
function sendRequests(port: number, scenario: Scenario, total: number, agent: Agent, label: string): Promise<void> {
  let sent = 0;
  let answered = 0;
  return new Promise((resolve, reject) => {
    let failed = false;
    const next = (): void => {
      const number = ++sent;
      send(port, scenario, agent).then(
        (response) => {
          if (failed) return;
          const problem = responseProblem(response, scenario);
          if (problem !== undefined) {
            failed = true;
            reject(new Error(`${label} (${scenario.method} ${scenario.path}), request ${number} of ${total}: ${problem}`));
            return;
          }
          if (++answered === total) resolve();
          else if (sent < total) next();
        },
        (err: unknown) => {
          if (failed) return;
          failed = true;
          reject(new Error(`${label} (${scenario.method} ${scenario.path}), request ${number} of ${total}: ${(err as Error).message}`));
        },
      );
    };
    for (let i = 0; i < Math.min(INSTRUCTION_CONNECTIONS, total); i++) next();
  });
}

function send(port: number, scenario: Scenario, agent: Agent): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: scenario.method, path: scenario.path, headers: scenario.headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(scenario.body);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
