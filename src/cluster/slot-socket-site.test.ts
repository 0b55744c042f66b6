import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../app/application.js';
import { WeftError } from '../errors.js';
import { AppRunner } from '../server/app-runner.js';
import { SlotSocketSite } from './slot-socket-site.js';

let dir: string;
let socketPath: string;
const runners: AppRunner[] = [];
const servers: Server[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weft-slot-'));
  socketPath = path.join(dir, 'w1.sock');
});

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.cleanup().catch(() => {});
  for (const server of servers.splice(0)) server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A runner whose app answers with `label`. */
async function runnerAnswering(label: string): Promise<AppRunner> {
  const app = createApp({ name: label });
  app.router.add('GET', '/', () => label);
  const runner = new AppRunner(app, { shutdownTimeout: 1_000, accessLog: null });
  await runner.setup();
  runners.push(runner);
  return runner;
}

function get(socket: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/', headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeftError);
  return (err as Error).message;
}

async function listeningSocket(file: string): Promise<Server> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file, resolve));
  return server;
}

test('binds a temporary name, renames it over the path, and removes the path when it stops', async () => {
  const runner = await runnerAnswering('one');
  const site = await runner.addSite(new SlotSocketSite(runner, { path: socketPath, mode: 0o660 }));
  expect(site.name).toBe(`http://unix:${socketPath}:`);
  expect(site.temporaryPath).toMatch(new RegExp(`^${dir}/\\.weft-${process.pid}-\\d+\\.sock$`));
  expect(await readdir(dir)).toEqual(['w1.sock']);
  expect((await stat(socketPath)).mode & 0o777).toBe(0o660);
  expect(await get(socketPath)).toBe('one');
  await runner.cleanup();
  expect(await readdir(dir)).toEqual([]);
});

test('takeOver: the next worker takes the path while the old one serves; the old one leaves it in place when it stops', async () => {
  const oldRunner = await runnerAnswering('old');
  const oldSite = await oldRunner.addSite(new SlotSocketSite(oldRunner, { path: socketPath }));
  const oldInode = (await lstat(socketPath)).ino;
  expect(await get(socketPath)).toBe('old');
  expect(oldSite.replaced()).toBe(false);

  const newRunner = await runnerAnswering('new');
  await newRunner.addSite(new SlotSocketSite(newRunner, { path: socketPath, takeOver: true }));
  expect((await lstat(socketPath)).ino).not.toBe(oldInode);
  expect(oldSite.address).not.toBeNull(); // still listening, on its nameless socket
  expect(oldSite.replaced()).toBe(true);
  expect(await get(socketPath)).toBe('new');

  await oldRunner.cleanup();
  expect(await readdir(dir)).toEqual(['w1.sock']);
  expect(await get(socketPath)).toBe('new');
  await newRunner.cleanup();
  expect(await readdir(dir)).toEqual([]);
});

test('without takeOver, a socket another server listens on is an error and is left alone', async () => {
  await listeningSocket(socketPath);
  const runner = await runnerAnswering('one');
  expect(await failure(runner.addSite(new SlotSocketSite(runner, { path: socketPath })))).toBe(
    `WEFT_ERR_SITE: another server is listening on ${socketPath}: stop it first or choose another path`,
  );
  expect((await lstat(socketPath)).isSocket()).toBe(true);
  expect(await readdir(dir)).toEqual(['w1.sock']); // no temporary file left
});

test('a stale socket (left by a killed worker) is replaced', async () => {
  // a process that binds the path and is killed: the socket file stays, nobody listens
  const killed = spawnSync(process.execPath, ['-e', "require('net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))", socketPath]);
  expect(killed.signal).toBe('SIGKILL');
  expect((await lstat(socketPath)).isSocket()).toBe(true);
  const runner = await runnerAnswering('one');
  await runner.addSite(new SlotSocketSite(runner, { path: socketPath }));
  expect(await get(socketPath)).toBe('one');
});

test('a file that is not a socket is an error, and is kept', async () => {
  await writeFile(socketPath, 'precious');
  const runner = await runnerAnswering('one');
  expect(await failure(runner.addSite(new SlotSocketSite(runner, { path: socketPath, takeOver: true })))).toBe(
    `WEFT_ERR_SITE: ${socketPath} exists and is not a socket: refusing to replace it (remove it yourself if it is yours)`,
  );
  expect(await readdir(dir)).toEqual(['w1.sock']);
  expect((await stat(socketPath)).isFile()).toBe(true);
});

test('a socket in a directory that does not exist: the error names the directory, not EACCES', async () => {
  const runner = await runnerAnswering('one');
  const missing = path.join(dir, 'no-such-dir', 'w1.sock');
  expect(await failure(new SlotSocketSite(runner, { path: missing }).start())).toBe(
    `WEFT_ERR_SITE: cannot put the socket ${missing}: the directory ${path.join(dir, 'no-such-dir')} does not exist (create it first)`,
  );
  expect(runner.sites).toEqual([]);
});
