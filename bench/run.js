'use strict';
/**
 * `npm run bench` (after `npm run build`): runs every compiled benchmark in turn, each in
 * its own node process, passing this script's arguments through. Arguments differ per
 * benchmark, so a first argument naming benchmarks picks those only:
 *   npm run bench                          all, default settings
 *   npm run bench -- http --rounds 2       the HTTP benchmark with `--rounds 2`
 *   npm run bench -- router,container      two of them
 * A benchmark not built yet is skipped with a note; the exit code is the first failing
 * benchmark's.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist', 'bench');

/** Every benchmark's main scripts, in run order (top-level .js files of a folder, or one file). */
const BENCHMARKS = [
  { name: 'container', scripts: () => [join(dist, 'container', 'request-scope.js')] },
  { name: 'router', scripts: () => scriptsIn(join(dist, 'router')) },
  { name: 'http', scripts: () => [join(dist, 'http', 'run.js')] },
  { name: 'static', scripts: () => [join(dist, 'static', 'run.js')] },
  { name: 'cluster', scripts: () => [join(dist, 'cluster', 'run.js')] },
  { name: 'ws', scripts: () => [join(dist, 'ws', 'run.js')] },
];

function scriptsIn(dir) {
  if (!existsSync(dir)) return [join(dir, '*.js')];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js') && !name.endsWith('.test.js'))
    .sort()
    .map((name) => join(dir, name));
}

let args = process.argv.slice(2);
let selected = BENCHMARKS;
const names = (args[0] ?? '').split(',');
if (names.every((name) => BENCHMARKS.some((benchmark) => benchmark.name === name))) {
  selected = BENCHMARKS.filter((benchmark) => names.includes(benchmark.name));
  args = args.slice(1);
}

let exitCode = 0;
for (const benchmark of selected) {
  for (const script of benchmark.scripts()) {
    if (!existsSync(script)) {
      console.log(`\n== ${benchmark.name}: skipped, ${script} is not built (npm run build; is the benchmark written yet?)`);
      continue;
    }
    console.log(`\n== ${benchmark.name}: node ${script} ${args.join(' ')}`.trimEnd());
    const { status, signal } = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
    if (status !== 0) {
      console.log(`== ${benchmark.name}: ${script} failed (${signal ?? `exit code ${status}`})`);
      if (exitCode === 0) exitCode = status ?? 1;
    }
  }
}
process.exitCode = exitCode;
