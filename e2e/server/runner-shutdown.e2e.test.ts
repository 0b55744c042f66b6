/**
 * runner.cleanup(), the graceful shutdown, in this process: jobs, handlers that ignore
 * cancellation, streams, pipelined requests, failing hooks, and the time it takes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppRunner, StreamResponse, TCPSite, WeftError, createApp, spawn, type AppRunnerOptions, type Application, type Request } from 'weft';
import { openConnection, readResponse, requestText, waitClosed } from './raw-http.js';
import { RecordingLogger } from './test-logger.js';

let runner: AppRunner | undefined;
let events: string[];
let logger: RecordingLogger;

beforeEach(() => {
  events = [];
  logger = new RecordingLogger();
});

afterEach(async () => {
  await runner?.cleanup().catch(() => {});
  runner = undefined;
});

function makeApp(): Application {
  const app = createApp({ logger });
  app.onShutdown.push(() => {
    events.push('onShutdown');
  });
  app.onCleanup.push(() => {
    events.push('onCleanup');
  });
  app.router.add('GET', '/stubborn', async () => {
    events.push('stubborn:start');
    await sleep(1_500); // ignores its signal
    events.push('stubborn:end');
    return 'late';
  });
  app.router.add('POST', '/job', (request: Request) => {
    const ms = Number(request.query.get('ms'));
    spawn(request, async (signal) => {
      events.push(`job ${ms}:start`);
      try {
        await sleep(ms, undefined, { signal });
        events.push(`job ${ms}:done`);
      } catch {
        events.push(`job ${ms}:aborted`);
      }
    });
    return 'queued';
  });
  app.router.add('GET', '/stream', async (request: Request) => {
    const response = new StreamResponse({ headers: { 'Content-Type': 'text/plain' } });
    await response.prepare(request);
    events.push('stream:prepared');
    for (let i = 0; i < 4; i++) {
      await sleep(100);
      await response.write(`part ${i}\n`);
    }
    await response.end();
    return response;
  });
  app.router.add('GET', '/slow', async () => {
    events.push('slow:start');
    await sleep(300);
    return 'slow';
  });
  app.router.add('GET', '/fast', () => 'fast');
  return app;
}

async function start(options: AppRunnerOptions = {}, app = makeApp()): Promise<number> {
  runner = new AppRunner(app, { accessLog: null, shutdownTimeout: 300, ...options });
  await runner.setup();
  return (await runner.addSite(new TCPSite(runner, { host: '127.0.0.1', port: 0 }))).port;
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

test('a handler that ignores its aborted signal: the stop still ends in about 2 × shutdownTimeout, its client sees a closed connection', async () => {
  const port = await start({ shutdownTimeout: 300 });
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/stubborn'));
  const response = readResponse(socket).catch((err: Error) => err);
  await until(() => events.includes('stubborn:start'));
  const started = Date.now();
  await runner!.cleanup();
  const took = Date.now() - started;
  expect(took).toBeGreaterThanOrEqual(550);
  expect(took).toBeLessThan(1_400);
  expect(await response).toEqual(new Error('closed without a (complete) response; received 0 bytes'));
  expect(events).toEqual(['stubborn:start', 'onShutdown', 'onCleanup']);
  expect(logger.records.filter((r) => r.level === 'warn').map((r) => [r.msg, r.obj.handlers])).toEqual([
    ['shutdown: 1 handler(s) still running after 300 ms; their request.signal is aborted', ['GET /stubborn (router.add)']],
    ['shutdown: 1 handler(s) ignored the abort for 300 ms; their connections are closed and shutdown goes on without them', ['GET /stubborn (router.add)']],
  ]);
});

test('step 4 waits for background jobs; one still running after shutdownTimeout is named and aborted before the cleanups run', async () => {
  const port = await start({ shutdownTimeout: 500 });
  for (const ms of [200, 5_000]) {
    const socket = await openConnection({ port });
    socket.write(requestText('POST', `/job?ms=${ms}`, {}, ''));
    expect((await readResponse(socket)).body).toBe('queued');
    socket.destroy();
  }
  await until(() => events.includes('job 5000:start'));
  await runner!.cleanup();
  // the job's finally ran while what it uses was still open
  expect(events).toEqual(['job 200:start', 'job 5000:start', 'onShutdown', 'job 200:done', 'job 5000:aborted', 'onCleanup']);
  expect(logger.records.filter((r) => r.level === 'warn').map((r) => [r.msg, r.obj.jobs, r.obj.waiting])).toEqual([
    ['shutdown: 1 background job(s) still running after 500 ms; their signal is aborted', ['job #2'], []],
  ]);
});

test('a response still being sent after 2 × shutdownTimeout is cut short with a warning naming it', async () => {
  const app = makeApp();
  app.router.add('GET', '/big', () => Buffer.alloc(64 * 1024 * 1024, 'a'));
  const port = await start({ shutdownTimeout: 200 }, app);
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/big'));
  socket.pause(); // a client that does not read
  await sleep(200);
  await runner!.cleanup();
  expect(await waitClosed(socket, 1_000)).toBe(true);
  expect(logger.records.filter((r) => r.level === 'warn').map((r) => [r.msg, r.obj.responses])).toEqual([
    ['shutdown: 1 response(s) still being sent after 2 × 200 ms are cut short: their connections are closed, the clients get them incomplete', ['GET /big (router.add)']],
  ]);
});

test('jobs still waiting for room at the shutdown timeout are named apart: they are dropped, not aborted', async () => {
  const app = createApp({ logger, jobs: { limit: 1 } });
  app.router.add('POST', '/two', (request: Request) => {
    for (const name of ['first', 'second']) spawn(request, (signal) => sleep(5_000, undefined, { signal }).catch(() => undefined), { name });
    return 'queued';
  });
  const port = await start({ shutdownTimeout: 200 }, app);
  const socket = await openConnection({ port });
  socket.write(requestText('POST', '/two', {}, ''));
  expect((await readResponse(socket)).body).toBe('queued');
  socket.destroy();
  await runner!.cleanup();
  expect(logger.records.filter((r) => r.level === 'warn').map((r) => [r.msg, r.obj.jobs, r.obj.waiting])).toEqual([
    ['shutdown: 1 background job(s) still running after 200 ms; their signal is aborted; 1 waiting job(s) are dropped', ['first'], ['second']],
  ]);
});

test('a job spawned by a handler that finishes during the wait is waited for too', async () => {
  const app = makeApp();
  app.router.add('POST', '/later', async (request: Request) => {
    await sleep(150);
    spawn(request, async () => {
      events.push('late job:start');
      await sleep(200);
      events.push('late job:done');
    });
    return 'queued';
  });
  const port = await start({ shutdownTimeout: 2_000 }, app);
  const socket = await openConnection({ port });
  socket.write(requestText('POST', '/later', {}, ''));
  const response = readResponse(socket);
  await sleep(20);
  await runner!.cleanup();
  expect((await response).body).toBe('queued');
  // (an earlier test's stubborn handler may still log its end meanwhile)
  expect(events.filter((event) => !event.startsWith('stubborn'))).toEqual(['onShutdown', 'late job:start', 'late job:done', 'onCleanup']);
  expect(logger.records.filter((r) => r.level === 'warn')).toEqual([]);
});

test('a stream whose headers went out before the stop completes; then its connection closes', async () => {
  const port = await start({ shutdownTimeout: 2_000 });
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/stream'));
  const response = readResponse(socket);
  await until(() => events.includes('stream:prepared'));
  const stopped = runner!.cleanup();
  const answer = await response;
  expect(answer.body).toBe('part 0\npart 1\npart 2\npart 3\n');
  expect(answer.headers.connection).toBe('keep-alive'); // sent before the stop began
  expect(await waitClosed(socket, 1_000)).toBe(true);
  await stopped;
});

test('a request pipelined behind a busy one during the stop is served too: the last response on the connection closes it', async () => {
  const port = await start({ shutdownTimeout: 2_000 });
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/slow'));
  await until(() => events.includes('slow:start'));
  const stopped = runner!.cleanup();
  await sleep(20); // the stop has marked /slow's response to close the connection
  socket.write(requestText('GET', '/fast'));
  const first = await readResponse(socket);
  const second = await readResponse(socket);
  expect([first.body, first.headers.connection]).toEqual(['slow', 'keep-alive']);
  expect([second.status, second.body, second.headers.connection]).toEqual([200, 'fast', 'close']);
  expect(await waitClosed(socket, 1_000)).toBe(true);
  await stopped;
});

test('requests pipelined before the stop are all answered, then the connection closes', async () => {
  const port = await start({ shutdownTimeout: 2_000 });
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/slow') + requestText('GET', '/fast') + requestText('GET', '/fast'));
  await until(() => events.includes('slow:start'));
  await sleep(20);
  const stopped = runner!.cleanup();
  const answers = [await readResponse(socket), await readResponse(socket), await readResponse(socket)];
  // the two quick responses were written (queued behind /slow) before the stop began
  expect(answers.map((a) => a.body)).toEqual(['slow', 'fast', 'fast']);
  expect(await waitClosed(socket, 1_000)).toBe(true);
  await stopped;
});

test('a failing onShutdown does not stop the shutdown; the error is thrown once every step ran', async () => {
  const app = makeApp();
  app.onShutdown.push(function notifyPeers() {
    throw new Error('peer registry unreachable');
  });
  await start({}, app);
  await expect(runner!.cleanup()).rejects.toThrow('peer registry unreachable');
  expect(events).toEqual(['onShutdown', 'onCleanup']);
  expect(logger.messages('error')).toContain('shutdown: onShutdown failed');
});

test('idle keep-alive connections are closed at once, before onShutdown runs', async () => {
  const app = makeApp();
  let closedBeforeShutdownEnded: boolean | undefined;
  let idleClosed = false;
  app.onShutdown.push(async () => {
    await sleep(100);
    closedBeforeShutdownEnded = idleClosed;
  });
  const port = await start({ shutdownTimeout: 2_000 }, app);
  const idle = await openConnection({ port });
  idle.write(requestText('GET', '/fast'));
  await readResponse(idle);
  void waitClosed(idle, 2_000).then((closed) => (idleClosed = closed));
  await runner!.cleanup();
  expect(closedBeforeShutdownEnded).toBe(true);
});

test('the shutdown reason is a coded error on request.signal', async () => {
  let reason: unknown;
  const app = makeApp();
  app.router.add('GET', '/waits', async (request: Request) => {
    await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve()));
    reason = request.signal.reason;
    return 'never sent';
  });
  const port = await start({ shutdownTimeout: 100 }, app);
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/waits'));
  const response = readResponse(socket).catch((err: Error) => err);
  await sleep(50);
  await runner!.cleanup();
  expect(await response).toEqual(new Error('closed without a (complete) response; received 0 bytes'));
  expect(reason).toBeInstanceOf(WeftError);
  expect((reason as WeftError).message).toBe('WEFT_ERR_SHUTDOWN_TIMEOUT: the server is shutting down and the handler did not finish within shutdownTimeout (100 ms)');
});
