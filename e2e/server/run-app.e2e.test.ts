/**
 * runApp in this process: stopped with an AbortSignal or an emitted SIGTERM (never a real
 * signal to the test runner), its sites, its exit code and its failures.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppRunner, StartupError, WeftError, createApp, runApp, type Application } from 'weft';
import { rawRequest, requestText } from './raw-http.js';
import { RecordingLogger } from './test-logger.js';

let exitCodeBefore: typeof process.exitCode;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weft-run-app-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  exitCodeBefore = process.exitCode;
});

afterEach(() => {
  // runApp sets it for the process: never let it leak into the test runner's
  process.exitCode = exitCodeBefore;
});

function makeApp(events: string[] = [], logger = new RecordingLogger()): Application {
  const app = createApp({ logger });
  app.cleanupCtx.push(async function* resources() {
    events.push('startup');
    yield;
    events.push('cleanup');
  });
  app.router.add('GET', '/', () => 'hello');
  return app;
}

/** Resolves with the banners runApp prints, once it printed `count`. */
function banners(count = 1): { print: (message: string) => void; urls: Promise<string[]> } {
  const urls: string[] = [];
  let done: (urls: string[]) => void = () => {};
  const promise = new Promise<string[]>((resolve) => (done = resolve));
  return {
    print: (message) => {
      urls.push(/Running on (\S+) ========\n\(Press CTRL\+C to quit\)$/.exec(message)![1]);
      if (urls.length === count) done(urls);
    },
    urls: promise,
  };
}

test('runs until its signal aborts, prints where it listens, stops gracefully, exit code 0', async () => {
  const events: string[] = [];
  const controller = new AbortController();
  const banner = banners();
  const running = runApp(makeApp(events), { host: '127.0.0.1', port: 0, signal: controller.signal, handleSignals: false, printUrl: banner.print, accessLog: null });
  const [url] = await banner.urls;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect((await rawRequest({ port: Number(new URL(url).port) }, requestText('GET', '/'))).body).toBe('hello');
  controller.abort();
  await running;
  expect(events).toEqual(['startup', 'cleanup']);
  expect(process.exitCode).toBe(0);
});

test('takes an async factory, and serves on several hosts and a unix socket at once', async () => {
  const controller = new AbortController();
  const hasIPv6 = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
  const hosts = hasIPv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
  const socketPath = path.join(dir, 'run-app.sock');
  const banner = banners(hosts.length + 1);
  const factory = async (): Promise<Application> => {
    await sleep(10);
    return makeApp();
  };
  const running = runApp(factory, { host: hosts, port: 0, path: socketPath, signal: controller.signal, handleSignals: false, printUrl: banner.print, accessLog: null });
  const urls = await banner.urls;
  expect(urls.at(-1)).toBe(`http://unix:${socketPath}:`);
  for (const url of urls.slice(0, -1)) {
    const { hostname, port } = new URL(url);
    expect((await rawRequest({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) }, requestText('GET', '/'))).body).toBe('hello');
  }
  expect((await rawRequest({ path: socketPath }, requestText('GET', '/'))).body).toBe('hello');
  controller.abort();
  await running;
});

test('serves on a listening net.Server given as sock', async () => {
  const bound = createNetServer().listen(0, '127.0.0.1');
  await once(bound, 'listening');
  const port = (bound.address() as AddressInfo).port;
  const controller = new AbortController();
  const banner = banners();
  const running = runApp(makeApp(), { sock: bound, signal: controller.signal, handleSignals: false, printUrl: banner.print, accessLog: null });
  expect(await banner.urls).toEqual([`http://127.0.0.1:${port}`]);
  expect((await rawRequest({ port }, requestText('GET', '/'))).body).toBe('hello');
  controller.abort();
  await running;
});

test('SIGTERM stops it; a second one is logged and the stop goes on; its listeners are removed at the end', async () => {
  const listenersBefore = process.listenerCount('SIGTERM');
  const sigintBefore = process.listenerCount('SIGINT');
  const logger = new RecordingLogger();
  const events: string[] = [];
  const app = makeApp(events, logger);
  app.onShutdown.push(() => {
    process.emit('SIGTERM', 'SIGTERM'); // arrives while stopping
  });
  const banner = banners();
  const running = runApp(app, { host: '127.0.0.1', port: 0, printUrl: banner.print, accessLog: null, shutdownTimeout: 1_000 });
  await banner.urls;
  expect(process.listenerCount('SIGTERM')).toBe(listenersBefore + 1);
  process.emit('SIGTERM', 'SIGTERM');
  await running;
  expect(events).toEqual(['startup', 'cleanup']);
  expect(logger.messages('info')).toEqual(expect.arrayContaining(['SIGTERM received: stopping gracefully (shutdownTimeout 1000 ms)', 'stopped']));
  expect(logger.messages('warn')).toContain('SIGTERM received again: already stopping gracefully; send SIGKILL to force');
  expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
  expect(process.listenerCount('SIGINT')).toBe(sigintBefore);
});

test('a stop asked for during startup takes effect once startup finished; no site listens meanwhile, nothing says "Running on"', async () => {
  const events: string[] = [];
  const controller = new AbortController();
  const app = makeApp(events);
  app.onStartup.push(async () => {
    controller.abort();
    await sleep(20);
  });
  const printed: string[] = [];
  let started = false;
  await runApp(app, {
    host: '127.0.0.1',
    port: 0,
    signal: controller.signal,
    handleSignals: false,
    printUrl: (m) => printed.push(m),
    onStarted: () => (started = true),
    accessLog: null,
  });
  expect(events).toEqual(['startup', 'cleanup']);
  expect(printed).toEqual([]);
  expect(started).toBe(false);
});

test('a signal already aborted stops the app as soon as it started', async () => {
  const events: string[] = [];
  const printed: string[] = [];
  await runApp(makeApp(events), { host: '127.0.0.1', port: 0, signal: AbortSignal.abort(), handleSignals: false, printUrl: (m) => printed.push(m), accessLog: null });
  expect(events).toEqual(['startup', 'cleanup']);
  expect(printed).toEqual([]);
});

describe('failures: rejects with the original error, exit code 1, never process.exit()', () => {
  test('a failed startup, after the cleanups owed ran', async () => {
    const logger = new RecordingLogger();
    const events: string[] = [];
    const app = makeApp(events, logger);
    app.onStartup.push(function seedDatabase() {
      throw new Error('seed file missing');
    });
    const error = await runApp(app, { host: '127.0.0.1', port: 0, handleSignals: false, printUrl: false }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toContain('seedDatabase');
    expect(events).toEqual(['startup', 'cleanup']);
    expect(process.exitCode).toBe(1);
    expect(logger.messages('error')[0]).toMatch(/^startup failed: .*seedDatabase.*seed file missing/);
  });

  test('a site that cannot listen: the started app is stopped again', async () => {
    const taken = createNetServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as AddressInfo).port;
    const events: string[] = [];
    try {
      const error = await runApp(makeApp(events), { host: '127.0.0.1', port, handleSignals: false, printUrl: false, accessLog: null }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(WeftError);
      expect((error as WeftError).message).toContain(`WEFT_ERR_SITE: cannot start http://127.0.0.1:${port}: listen EADDRINUSE`);
      expect(events).toEqual(['startup', 'cleanup']);
      expect(process.exitCode).toBe(1);
    } finally {
      taken.close();
    }
  });

  test('a factory that takes arguments, or gives no Application', async () => {
    const logger = new RecordingLogger();
    const withArgs = (_port: number): Application => makeApp();
    await expect(runApp(withArgs as never, { handleSignals: false, printUrl: false, logger })).rejects.toThrow(
      'WEFT_ERR_INVALID_OPTION: app factories take no arguments (withArgs takes 1); close over your options instead',
    );
    expect(process.exitCode).toBe(1);
    await expect(runApp((async () => ({})) as never, { handleSignals: false, printUrl: false, logger })).rejects.toThrow(
      'WEFT_ERR_INVALID_OPTION: runApp needs an Application, or a factory returning one; got object',
    );
    expect(logger.messages('error')).toEqual([
      'startup failed: WEFT_ERR_INVALID_OPTION: app factories take no arguments (withArgs takes 1); close over your options instead',
      'startup failed: WEFT_ERR_INVALID_OPTION: runApp needs an Application, or a factory returning one; got object',
    ]);
  });

  test('a factory that throws', async () => {
    const logger = new RecordingLogger();
    const failing = async (): Promise<Application> => {
      throw new Error('config file unreadable');
    };
    await expect(runApp(failing, { handleSignals: false, printUrl: false, logger })).rejects.toThrow('config file unreadable');
    expect(process.exitCode).toBe(1);
    expect(logger.messages('error')).toEqual(['startup failed: config file unreadable']);
  });

  test('invalid options fail before the app starts', async () => {
    const events: string[] = [];
    await expect(runApp(makeApp(events), { port: 99999, handleSignals: false, printUrl: false, accessLog: null })).rejects.toThrow(
      'WEFT_ERR_INVALID_OPTION: port must be an integer from 0 to 65535, got 99999',
    );
    await expect(runApp(makeApp(events), { shutdownTimeout: -1, handleSignals: false, printUrl: false })).rejects.toThrow(
      'WEFT_ERR_INVALID_OPTION: shutdownTimeout must be a non-negative number of ms, got -1',
    );
    // JavaScript callers: a misspelt or mistyped option is an error, not a silent default
    const quiet = { handleSignals: false, printUrl: false } as const;
    await expect(runApp(makeApp(events), { ...quiet, shutdown_timeout: 5 } as never)).rejects.toThrow('WEFT_ERR_INVALID_OPTION: runApp(): unknown option "shutdown_timeout" (known: host, port,');
    await expect(runApp(makeApp(events), { ...quiet, prot: 8080 } as never)).rejects.toThrow('WEFT_ERR_INVALID_OPTION: runApp(): unknown option "prot"');
    await expect(runApp(makeApp(events), { ...quiet, handlerCancellation: 'yes' } as never)).rejects.toThrow('WEFT_ERR_INVALID_OPTION: handlerCancellation must be a boolean, got string');
    await expect(runApp(makeApp(events), { handleSignals: false, printUrl: 5 } as never)).rejects.toThrow('WEFT_ERR_INVALID_OPTION: printUrl must be false or a function, got number');
    await expect(runApp(makeApp(events), { printUrl: false, handleSignals: 'no' } as never)).rejects.toThrow('WEFT_ERR_INVALID_OPTION: handleSignals must be a boolean, got string');
    expect(events).toEqual([]);
    expect(process.exitCode).toBe(1);
  });
});

test('cleanup() before setup() does nothing and leaves the runner usable', async () => {
  const events: string[] = [];
  const runner = new AppRunner(makeApp(events), { accessLog: null });
  await runner.cleanup();
  await runner.setup();
  await runner.cleanup();
  expect(events).toEqual(['startup', 'cleanup']);
});

test('AppRunner with handleSignals stops on SIGINT and removes its listeners', async () => {
  const listenersBefore = process.listenerCount('SIGINT');
  const events: string[] = [];
  const runner = new AppRunner(makeApp(events), { handleSignals: true, accessLog: null });
  await runner.setup();
  expect(process.listenerCount('SIGINT')).toBe(listenersBefore + 1);
  process.emit('SIGINT', 'SIGINT');
  await runner.cleanup(); // the same stop the signal began
  expect(events).toEqual(['startup', 'cleanup']);
  expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
});
