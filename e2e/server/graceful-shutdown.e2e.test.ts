/**
 * runApp in a real child process: SIGTERM, graceful shutdown steps 1–7, the shutdown
 * timeout, and a failed startup. Fixtures are built by `npm run build` (e2e/server/fixtures).
 */
import { connect } from 'node:net';
import { startFixture, type FixtureProcess } from './fixture-process.js';
import { openConnection, readResponse, requestText, waitClosed } from './raw-http.js';

const STARTUP = ['main.ctx1:start', 'main#1:startup', 'admin.ctx:start', 'admin:startup', 'deep.ctx:start', 'deep:startup', 'main.ctx2:start', 'main#2:startup'];
const SHUTDOWN = ['main#1:shutdown', 'admin:shutdown', 'deep:shutdown', 'main#2:shutdown'];
/** The exact reverse of STARTUP, each startup part undone by its cleanup part. */
const CLEANUP = ['main#2:cleanup', 'main.ctx2:exit', 'deep:cleanup', 'deep.ctx:exit', 'admin:cleanup', 'admin.ctx:exit', 'main#1:cleanup', 'main.ctx1:exit'];

const lifecycleOf = (events: string[]): string[] => events.filter((e) => /^(main|admin|deep)[.#:]/.test(e));

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Resolves with the error code of a new connection (ECONNREFUSED once the server stopped listening). */
function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

let fixture: FixtureProcess | undefined;

afterEach(() => {
  fixture?.kill();
  fixture = undefined;
});

test('SIGTERM: in-flight requests complete, new connections are refused, idle keep-alive connections close, hooks run in order, exit 0', async () => {
  fixture = startFixture('lifecycle-app', { SHUTDOWN_TIMEOUT: '5000' });
  const port = portOf(await fixture.url());
  expect(fixture.events).toEqual(STARTUP);

  // an idle keep-alive connection: one request answered, then nothing
  const idle = await openConnection({ port });
  idle.write(requestText('GET', '/fast'));
  const first = await readResponse(idle);
  expect(first).toMatchObject({ status: 200, body: 'fast' });
  expect(first.headers.connection).toBe('keep-alive');

  // three slow requests in flight, one of them in the nested sub-app
  const slow = await Promise.all([1, 2].map(() => openConnection({ port })));
  slow[0].write(requestText('GET', '/slow?ms=1500&id=1'));
  slow[1].write(requestText('GET', '/slow?ms=1500&id=2'));
  const deep = await openConnection({ port });
  deep.write(requestText('GET', '/admin/deep/slow'));
  const responses = [...slow, deep].map((socket) => readResponse(socket));
  await fixture.waitForEvent(/^slow:start/, 2);
  await fixture.waitForEvent(/^deep-slow:start/);

  fixture.child.kill('SIGTERM');
  await fixture.waitForEvent(/main#1:shutdown/);
  // step 1: new connections are refused; step 2: the idle connection is closed now
  expect(await connectError(port)).toBe('ECONNREFUSED');
  expect(await waitClosed(idle, 500)).toBe(true);
  expect(fixture.events).not.toContain('slow:end 1');

  // the in-flight requests complete, each told its connection closes
  const answers = await Promise.all(responses);
  expect(answers.map((r) => [r.status, r.body, r.headers.connection])).toEqual([
    [200, 'slow done 1', 'close'],
    [200, 'slow done 2', 'close'],
    [200, 'deep slow done', 'close'],
  ]);
  expect(await fixture.exited()).toBe(0);

  const events = fixture.events;
  expect(lifecycleOf(events)).toEqual([...STARTUP, ...SHUTDOWN, ...CLEANUP]);
  // onShutdown runs while the requests are still in flight; cleanup only after they finished
  expect(events.indexOf('main#2:shutdown')).toBeLessThan(events.indexOf('slow:end 1'));
  expect(events.indexOf('slow:end 2')).toBeLessThan(events.indexOf('main#2:cleanup'));
  expect(events.indexOf('deep-slow:end')).toBeLessThan(events.indexOf('main#2:cleanup'));
  expect(events.at(-1)).toBe('runApp:resolved');
  expect(fixture.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['SIGTERM received: stopping gracefully (shutdownTimeout 5000 ms)', 'stopped']));
}, 30_000);

test('a request slower than shutdownTimeout has its signal aborted; its client sees a closed connection, not a response; exit 0', async () => {
  fixture = startFixture('lifecycle-app', { SHUTDOWN_TIMEOUT: '400' });
  const port = portOf(await fixture.url());
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/hang'));
  const response = readResponse(socket);
  await fixture.waitForEvent(/^hang:start$/);

  const stopAt = Date.now();
  fixture.child.kill('SIGTERM');
  await expect(response).rejects.toThrow('closed without a (complete) response; received 0 bytes');
  expect(await fixture.exited()).toBe(0);
  expect(Date.now() - stopAt).toBeLessThan(5_000);
  expect(fixture.events).toContain('hang:aborted WEFT_ERR_SHUTDOWN_TIMEOUT');
  // the cancelled handler settled before cleanup began
  expect(fixture.events.indexOf('hang:aborted WEFT_ERR_SHUTDOWN_TIMEOUT')).toBeLessThan(fixture.events.indexOf('main#2:cleanup'));
  expect(lifecycleOf(fixture.events)).toEqual([...STARTUP, ...SHUTDOWN, ...CLEANUP]);
  const warning = fixture.logs.find((l) => String(l.msg).startsWith('shutdown: 1 handler(s) still running after 400 ms'));
  expect(warning).toMatchObject({ handlers: ['GET /hang (router.add)'] });
}, 30_000);

test('an upload still being received at the shutdown timeout: its read rejects with a coded error, the client sees a closed connection', async () => {
  fixture = startFixture('lifecycle-app', { SHUTDOWN_TIMEOUT: '400' });
  const port = portOf(await fixture.url());
  const socket = await openConnection({ port });
  // announces 1 MB, sends 10 bytes, then stalls
  socket.write(requestText('POST', '/upload', { 'Content-Length': '1000000', 'Content-Type': 'application/octet-stream' }) + '0123456789');
  const response = readResponse(socket);
  await fixture.waitForEvent(/^upload:start$/);
  fixture.child.kill('SIGTERM');
  await expect(response).rejects.toThrow('closed without a (complete) response');
  expect(await fixture.exited()).toBe(0);
  // the server cut it, not the client: the read says so
  expect(fixture.events).toContain('upload:error WEFT_ERR_SHUTDOWN_TIMEOUT signal=WEFT_ERR_SHUTDOWN_TIMEOUT');
}, 30_000);

test('a large response still being flushed when SIGTERM arrives is delivered whole', async () => {
  fixture = startFixture('lifecycle-app', { SHUTDOWN_TIMEOUT: '5000' });
  const port = portOf(await fixture.url());
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/big?mb=32'));
  await fixture.waitForEvent(/^big:start$/);
  // the handler has returned and the body is handed to node; the client reads slowly
  socket.pause();
  await new Promise((resolve) => setTimeout(resolve, 200));
  fixture.child.kill('SIGTERM');
  await fixture.waitForEvent(/main#2:shutdown/);
  socket.resume();
  const response = await readResponse(socket, 20_000);
  expect(response.status).toBe(200);
  expect(response.body.length).toBe(32 * 1024 * 1024);
  expect(response.body.replaceAll('a', '')).toBe('');
  // its headers went out before the shutdown: the connection is closed once it is delivered
  expect(await waitClosed(socket, 2_000)).toBe(true);
  expect(await fixture.exited()).toBe(0);
}, 40_000);

test('a second SIGTERM while stopping is logged and the stop goes on, gracefully', async () => {
  fixture = startFixture('lifecycle-app', { SHUTDOWN_TIMEOUT: '5000' });
  const port = portOf(await fixture.url());
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/slow?ms=800&id=7'));
  const response = readResponse(socket);
  await fixture.waitForEvent(/^slow:start 7$/);
  fixture.child.kill('SIGTERM');
  await fixture.waitForEvent(/main#1:shutdown/);
  fixture.child.kill('SIGTERM');
  expect(await response).toMatchObject({ status: 200, body: 'slow done 7' });
  expect(await fixture.exited()).toBe(0);
  expect(fixture.logs.map((l) => l.msg)).toContain('SIGTERM received again: already stopping gracefully; send SIGKILL to force');
  expect(lifecycleOf(fixture.events).slice(-CLEANUP.length)).toEqual(CLEANUP);
}, 30_000);

test('startup failure: the second of three cleanup contexts throws; the first is cleaned up, the third never starts, exit 1 naming the context', async () => {
  fixture = startFixture('failing-startup');
  expect(await fixture.exited()).toBe(1);
  expect(fixture.events).toEqual(['openDatabase:start', 'connectCache:start', 'openDatabase:exit', 'runApp:rejected StartupError exitCode=1']);
  const failure = fixture.logs.find((l) => String(l.msg).startsWith('startup failed'));
  expect(failure?.msg).toContain('connectCache');
  expect(failure?.msg).toContain('cache unreachable at 127.0.0.1:6390');
  expect(fixture.logs.some((l) => String(l.msg).includes('Running on'))).toBe(false);
}, 30_000);
