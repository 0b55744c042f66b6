/**
 * `weft serve --reload` in a child process, on an app written to a temp dir: editing the
 * handler's file restarts the (one, forked) worker, the new answer arrives within a few
 * seconds, and no request fails meanwhile; code that does not load keeps the old worker
 * serving; `--reload --preload` is a usage error.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, startCli, WEFT_INDEX, type CliProcess } from './cli-process.js';

jest.setTimeout(60_000);

let dir: string;
let cli: CliProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weft-reload-'));
});

afterEach(async () => {
  // by PID: the supervisor, then each worker it reported
  const workers = workerPids();
  cli?.kill();
  for (const pid of workers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  cli = undefined;
  await rm(dir, { recursive: true, force: true });
});

function workerPids(): number[] {
  return [...(cli?.stdout() ?? '').matchAll(/worker 1 \(pid (\d+)\) is ready/g)].map((m) => Number(m[1]));
}

/** The app module: GET / answers `{ version, pid }`. */
function appSource(version: string): string {
  return [
    `const { createApp } = require(${JSON.stringify(WEFT_INDEX)});`,
    'exports.createReloadApp = () => {',
    "  const app = createApp({ name: 'reload' });",
    `  app.router.add('GET', '/', () => ({ version: ${JSON.stringify(version)}, pid: process.pid }));`,
    '  return app;',
    '};',
    '',
  ].join('\n');
}

/** Requests `url` one after another until stopped, recording every answer and every failure. */
function requestLoop(url: string): { answers: Array<{ version: string; pid: number }>; failures: string[]; stop: () => Promise<void> } {
  const answers: Array<{ version: string; pid: number }> = [];
  const failures: string[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        const text = await response.text();
        if (response.status === 200) answers.push(JSON.parse(text) as { version: string; pid: number });
        else failures.push(`${response.status} ${text}`);
      } catch (err) {
        failures.push(`${(err as Error).name}: ${(err as Error).message}`);
      }
      await sleep(10);
    }
  })();
  return {
    answers,
    failures,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function until(check: () => boolean, ms: number, what: string): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`${what} not seen within ${ms} ms; stdout: ${cli?.stdout().slice(-3000)}`);
    await sleep(20);
  }
  return Date.now() - start;
}

test('--reload: a changed handler file is served within seconds by a new worker, with no failed request in between', async () => {
  const file = path.join(dir, 'app.js');
  await writeFile(file, appSource('v1'));
  cli = startCli(['serve', 'app.js:createReloadApp', '--reload', '--host', '127.0.0.1', '--port', '0', '--no-access-log', '--shutdown-timeout', '2'], {}, dir);
  const url = await cli.url();
  await cli.waitFor(/worker 1 \(pid \d+\) is ready/);
  expect(cli.stdout()).toMatch(/--reload: watching .*weft-reload-/);
  // --workers 1 still forks: the code reloads in a new process
  const [first] = workerPids();
  expect(first).not.toBe(cli.child.pid);

  const loop = requestLoop(url);
  await until(() => loop.answers.length >= 5, 10_000, 'answers from v1');
  await writeFile(file, appSource('v2'));
  const took = await until(() => loop.answers.some((a) => a.version === 'v2'), 5_000, 'the v2 answer');
  await sleep(700); // the old worker drains and stops meanwhile
  await loop.stop();
  expect(loop.failures).toEqual([]);
  // v1 until the switch, v2 after it: never back to old code
  const versions = loop.answers.map((a) => a.version);
  expect(versions.slice(versions.indexOf('v2')).every((v) => v === 'v2')).toBe(true);
  expect(versions[0]).toBe('v1');
  expect(loop.answers.find((a) => a.version === 'v2')!.pid).not.toBe(first);
  expect(took).toBeLessThan(5_000);
  // one log line per reload, naming the file
  expect(cli.stdout().match(/reloading: [^"]*changed/g)).toEqual(['reloading: app.js changed']);
  await cli.waitFor(new RegExp(`worker 1 \\(pid ${first}\\) stopped \\(exit code 0\\)`));

  // code that does not load: the worker serving v2 stays; fixing it reloads again
  await writeFile(file, 'exports.createReloadApp = () => { this is not javascript');
  await cli.waitFor(/failed to boot \(exit code 1\): the old worker keeps serving/, 1, 10_000);
  expect((await (await fetch(url)).json()) as { version: string }).toMatchObject({ version: 'v2' });
  await writeFile(file, appSource('v3'));
  await until(() => cli!.stdout().match(/reloading: app\.js changed/g)?.length === 3, 5_000, 'the third reload');
  const check = requestLoop(url);
  await until(() => check.answers.some((a) => a.version === 'v3'), 10_000, 'the v3 answer');
  await check.stop();
  expect(check.failures).toEqual([]);

  cli.child.kill('SIGTERM');
  expect(await cli.exited(20_000)).toBe(0);
});

test('--reload with --preload is a usage error (exit 2)', async () => {
  await writeFile(path.join(dir, 'app.js'), appSource('v1'));
  const result = await runCli(['serve', path.join(dir, 'app.js') + ':createReloadApp', '--reload', '--preload']);
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    'weft: error: WEFT_ERR_CLI_USAGE: --reload cannot be combined with --preload: code imported by the supervisor before forking cannot be reloaded\nRun weft --help for the usage.\n',
  );
});
