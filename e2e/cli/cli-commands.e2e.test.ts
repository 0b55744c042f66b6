/**
 * The `weft` executable's commands in child processes: usage errors (exit 2 with a
 * message naming the problem), `weft routes`, `weft deploy nginx`, and `weft serve` in one
 * process on TCP, on a unix socket and on an inherited descriptor.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_FIXTURE, runCli, startCli, WEFT_BIN, type CliProcess } from './cli-process.js';

jest.setTimeout(30_000);

const target = (name: string): string => `${CLI_FIXTURE}:${name}`;
let cli: CliProcess | undefined;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weft-cli-'));
});

afterEach(async () => {
  cli?.kill();
  cli = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('usage errors exit with code 2 and name the problem', () => {
  test.each([
    [['frob'], /WEFT_ERR_CLI_USAGE: unknown command "frob"/],
    [['serve'], /weft serve needs <module>:<export>/],
    [['serve', 'a.js:x', 'b.js:y'], /takes one <module>:<export>, got 2/],
    [['serve', 'dist/e2e/cli/fixtures/cluster-app.js'], /is not <module>:<export>; name the export too/],
    [['serve', 'no/such/module.js:createApp'], /WEFT_ERR_CLI_TARGET: cannot find module "no\/such\/module\.js"/],
    [['serve', `${CLI_FIXTURE}:missing`], /has no export "missing" \(its exports: .*createClusterApp/],
    [['serve', `${CLI_FIXTURE}:notAnApp`], /notAnApp is neither an Application nor a factory function \(it is an object \(Object\)\)/],
    [['serve', `${CLI_FIXTURE}:needsSettings`], /needsSettings takes 1 argument\(s\): an app factory takes none/],
    [['serve', 'x.js:y', '--prot', '80'], /Unknown option '--prot'/],
    [['serve', 'x.js:y', '--port', 'http'], /--port must be an integer from 0 to 65535, got "http"/],
    [['serve', 'x.js:y', '--workers', '0'], /--workers must be an integer from 1 up, got "0"/],
    [['serve', 'x.js:y', '--workers', '2', '--path', '/tmp/a.sock'], /every --path needs \{n\}/],
    [['serve', 'x.js:y', '--shutdown-timeout', 'soon'], /--shutdown-timeout must be a number of seconds/],
    [['serve', 'x.js:y', '--access-log', '--no-access-log'], /contradict each other/],
    [['routes', `${CLI_FIXTURE}:notAnApp`], /neither an Application nor a factory/],
    [['deploy', 'apache'], /weft deploy supports nginx, systemd and supervisord, got "apache"/],
    [['deploy', 'systemd'], /weft deploy systemd needs <module>:<export>/],
    [['deploy', 'supervisord', 'app.js:create', '--processes', '2', '--path', '/tmp/a.sock'], /--path needs \{n\}/],
    [['deploy', 'nginx', '--path', '/run/a.sock', '--workers', '3'], /--path needs \{n\}/],
  ])('weft %j', async (args, message) => {
    const { code, stderr, stdout } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^weft: error: /);
    expect(stdout).toBe('');
  });
});

test('an error thrown by the app at startup: exit code 1, logged, cleanups ran', async () => {
  const { code, stdout } = await runCli(['serve', target('failingApp'), '--host', '127.0.0.1', '--port', '0']);
  expect(code).toBe(1);
  expect(stdout).toMatch(/startup failed: WEFT_ERR_STARTUP: .*database unreachable/);
});

test('a bad LOG_LEVEL: weft serve names it and exits 1, with one process or with workers', async () => {
  for (const workers of ['1', '2']) {
    const { code, stderr } = await runCli(['serve', target('createClusterApp'), '--host', '127.0.0.1', '--port', '0', '--workers', workers], { LOG_LEVEL: 'bogus' });
    expect({ workers, code }).toEqual({ workers, code: 1 });
    expect(stderr).toMatch(/WEFT_ERR_INVALID_OPTION: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(in any case\), got "bogus"/);
    // reported by weft (runApp's startup failure, or the CLI's error line), not as an unhandled rejection
    expect(stderr).toMatch(workers === '1' ? /^error: startup failed: WEFT_ERR_INVALID_OPTION/m : /^weft: error: WEFT_ERR_INVALID_OPTION/m);
  }
});

test('weft --help and --version', async () => {
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/weft serve <module>:<export> \[options\]/);
  expect(help.stdout).toMatch(/--workers <n>/);
  expect((await runCli(['--version'])).stdout).toMatch(/^weft \d+\.\d+\.\d+\n$/);
});

test('weft routes prints method, path, name and handler in matching order', async () => {
  for (const name of ['createClusterApp', 'instance']) {
    const { code, stdout } = await runCli(['routes', target(name)]);
    expect(code).toBe(0);
    expect(stdout.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['METHOD', 'PATH', 'NAME', 'HANDLER'],
      ['GET', '/', 'index', 'GET / (router.add)'],
      ['POST', '/slow', '-', 'POST /slow (router.add)'],
      ['GET', '/users/{id}', 'user', 'GET /users/{id} (router.add)'],
      [''],
    ]);
  }
});

test('weft routes does not start the app (no startup hook runs)', async () => {
  const file = path.join(dir, 'lifecycle.txt');
  expect((await runCli(['routes', target('createClusterApp')], { WEFT_LIFECYCLE_FILE: file })).code).toBe(0);
  expect((await readFile(file, 'utf8')).trim()).toMatch(/^factory \d+ -$/);
});

test('an ES module with top-level await (which require() cannot load) is a usage error saying where to move the await', async () => {
  const file = path.join(dir, 'app.mjs');
  await writeFile(file, 'const settings = await Promise.resolve({});\nexport function createApp() { return settings; }\n');
  for (const command of ['routes', 'serve']) {
    const { code, stderr } = await runCli([command, `${file}:createApp`]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^weft: error: WEFT_ERR_CLI_TARGET: .*app\.mjs \(or a module it imports\) uses top-level await, .* move the await into the factory/);
  }
});

test('weft deploy nginx prints an upstream over the worker sockets', async () => {
  const { code, stdout } = await runCli(['deploy', 'nginx', '--workers', '3', '--path', '/run/app/weft_{n}.sock', '--server-name', 'example.com', '--static-root', '/srv/app/static']);
  expect(code).toBe(0);
  expect(stdout).toContain('server unix:/run/app/weft_1.sock fail_timeout=0;\n    server unix:/run/app/weft_2.sock fail_timeout=0;\n    server unix:/run/app/weft_3.sock fail_timeout=0;');
  expect(stdout).toContain('proxy_pass http://weft;');
  expect(stdout).toContain('proxy_set_header Upgrade $http_upgrade;');
  expect(stdout).toContain('location /static/ {\n        alias /srv/app/static/;');
  expect(stdout).not.toContain('ssl');
});

/** GET over TCP or a unix socket. */
function get(options: { port?: number; socketPath?: string }, pathname = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', ...options, path: pathname, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    })
      .on('error', reject)
      .end();
  });
}

test('weft serve without workers: one process, access log in the given format, SIGTERM exits 0', async () => {
  cli = startCli(['serve', target('createClusterApp'), '--host', '127.0.0.1', '--port', '0', '--access-log-format', 'ACCESS %r %s', '--shutdown-timeout', '2']);
  const url = new URL(await cli.url());
  const response = await get({ port: Number(url.port) }, '/users/7');
  expect(response).toEqual({ status: 200, body: '{"id":"7"}' });
  await cli.waitFor(/ACCESS GET \/users\/7 HTTP\/1\.1 200/);
  cli.child.kill('SIGTERM');
  expect(await cli.exited()).toBe(0);
  expect(cli.stdout()).toMatch(/SIGTERM received: stopping gracefully \(shutdownTimeout 2000 ms\)/);
});

test('weft serve without workers ignores SIGHUP, SIGTTIN and SIGTTOU (they would kill or suspend it), and serves on', async () => {
  cli = startCli(['serve', target('createClusterApp'), '--host', '127.0.0.1', '--port', '0', '--no-access-log', '--shutdown-timeout', '2']);
  const url = new URL(await cli.url());
  for (const signal of ['SIGHUP', 'SIGTTIN', 'SIGTTOU'] as const) {
    cli.child.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await get({ port: Number(url.port) }, '/users/8')).toEqual({ status: 200, body: '{"id":"8"}' });
  }
  expect(cli.stderr()).toMatch(/weft: SIGHUP ignored: restarting or resizing workers needs weft serve --workers 2 or more/);
  cli.child.kill('SIGTERM');
  expect(await cli.exited()).toBe(0);
});

test.each([['1'], ['2']])('a cleanup that throws makes the stop unclean: exit code 1 with --workers %s', async (workers) => {
  cli = startCli(['serve', target('failingCleanupApp'), '--workers', workers, '--host', '127.0.0.1', '--port', '0', '--no-access-log', '--shutdown-timeout', '2']);
  await cli.url();
  if (workers !== '1') await cli.waitFor(/Running on/, 1);
  cli.child.kill('SIGTERM');
  expect(await cli.exited()).toBe(1);
  if (workers !== '1') expect(cli.stdout()).toMatch(/did not stop cleanly \(exit code 1\)/);
});

test('weft serve --path with {n} listens on a unix socket per worker, with the permissions of --mode', async () => {
  cli = startCli(['serve', target('createClusterApp'), '--workers', '2', '--path', path.join(dir, 'weft_{n}.sock'), '--mode', '660', '--no-access-log']);
  await cli.waitFor(/is ready/, 2);
  for (const n of [1, 2]) {
    const response = await get({ socketPath: path.join(dir, `weft_${n}.sock`) });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ worker: String(n) });
    // group write: a proxy in the socket's group may connect (the umask alone leaves 755)
    expect((statSync(path.join(dir, `weft_${n}.sock`)).mode & 0o777).toString(8)).toBe('660');
  }
  expect(cli.stdout()).toContain(`Running on http://unix:${path.join(dir, 'weft_1.sock')}:`);
  cli.child.kill('SIGTERM');
  expect(await cli.exited()).toBe(0);
});

test('weft serve --sock 3 serves on an inherited listening descriptor (systemd socket activation)', async () => {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  // the descriptor of the listening socket, duplicated into the child as fd 3 (as systemd does)
  const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
  const child = spawn(process.execPath, [WEFT_BIN, 'serve', target('instance'), '--sock', '3', '--no-access-log'], { stdio: ['ignore', 'pipe', 'pipe', fd] });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 10_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Running on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    listener.close(); // the child holds its own copy
    expect(await get({ port })).toMatchObject({ status: 200 });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    listener.close();
  }
});
