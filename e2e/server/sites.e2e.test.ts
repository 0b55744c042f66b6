/**
 * AppRunner and its sites: TCP (IPv4, IPv6, TLS), unix sockets, pre-bound sockets and
 * inherited descriptors; several sites on one runner; state and option errors.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { lstat, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { AppRunner, CONNECTION_DEFAULTS, SockSite, TCPSite, UnixSite, WeftError, createApp, type Application, type Request } from 'weft';
import { startFixture, type FixtureProcess } from './fixture-process.js';
import { openConnection, rawRequest, readResponse, requestText, waitClosed } from './raw-http.js';
import { RecordingLogger } from './test-logger.js';

let dir: string;
let runner: AppRunner | undefined;
const servers: NetServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weft-sites-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await runner?.cleanup().catch(() => {});
  runner = undefined;
  for (const server of servers.splice(0)) server.close();
});

function makeApp(logger = new RecordingLogger()): Application {
  const app = createApp({ logger });
  app.router.add('GET', '/', (request: Request) => ({ secure: request.secure, remote: request.remote, path: request.path }));
  app.router.add('GET', '/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return 'slow';
  });
  return app;
}

async function setUp(app = makeApp(), options = {}): Promise<AppRunner> {
  runner = new AppRunner(app, { shutdownTimeout: 2_000, accessLog: null, ...options });
  await runner.setup();
  return runner;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof WeftError ? `${err.code}: ${err.message.slice(err.code.length + 2)}` : String(err);
  }
  return undefined;
}

describe('several sites on one runner', () => {
  test('a UnixSite and a TCPSite serve the same app; cleanup closes both and removes the socket file', async () => {
    const r = await setUp();
    const socketPath = path.join(dir, 'app.sock');
    const tcp = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0 }));
    const unix = await r.addSite(new UnixSite(r, { path: socketPath, mode: 0o660 }));

    expect(r.sites).toEqual([tcp, unix]);
    expect(tcp.name).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(unix.name).toBe(`http://unix:${socketPath}:`);
    expect(r.addresses).toEqual([{ address: '127.0.0.1', family: 'IPv4', port: tcp.port }, socketPath]);
    expect((await stat(socketPath)).mode & 0o777).toBe(0o660);

    const overTcp = await rawRequest({ port: tcp.port }, requestText('GET', '/'));
    const overUnix = await rawRequest({ path: socketPath }, requestText('GET', '/'));
    expect(JSON.parse(overTcp.body)).toEqual({ secure: false, remote: '127.0.0.1', path: '/' });
    expect(overUnix.status).toBe(200);
    expect(JSON.parse(overUnix.body)).toMatchObject({ secure: false, path: '/' });

    await r.cleanup();
    expect(r.sites).toEqual([]);
    await expect(lstat(socketPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(openConnection({ port: tcp.port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('site.stop() stops one site gracefully while the other keeps serving', async () => {
    const r = await setUp();
    const a = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0 }));
    const b = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0 }));
    const socket = await openConnection({ port: a.port });
    socket.write(requestText('GET', '/slow'));
    const inFlight = readResponse(socket);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = a.stop();
    expect(await inFlight).toMatchObject({ status: 200, body: 'slow', headers: { connection: 'close' } });
    await stopped;
    expect(r.sites).toEqual([b]);
    await expect(openConnection({ port: a.port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await rawRequest({ port: b.port }, requestText('GET', '/'))).status).toBe(200);
    expect(a.stop()).toBe(a.stop());
  });
});

describe('UnixSite', () => {
  test('replaces a stale socket file left by a crashed process', async () => {
    const socketPath = path.join(dir, 'stale.sock');
    // a real crash: a process binds the socket and is killed, leaving the file behind
    const crash = `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`;
    expect(() => execFileSync(process.execPath, ['-e', crash], { stdio: 'ignore' })).toThrow(/Command failed/);
    expect((await lstat(socketPath)).isSocket()).toBe(true);
    const r = await setUp();
    await r.addSite(new UnixSite(r, { path: socketPath }));
    expect((await rawRequest({ path: socketPath }, requestText('GET', '/'))).status).toBe(200);
  });

  test('never deletes a regular file at its path', async () => {
    const filePath = path.join(dir, 'not-a-socket');
    await writeFile(filePath, 'precious');
    const r = await setUp();
    await expect(new UnixSite(r, { path: filePath }).start()).rejects.toThrow(
      `WEFT_ERR_SITE: ${filePath} exists and is not a socket: refusing to replace it (remove it yourself if it is yours)`,
    );
    expect(await readFile(filePath, 'utf8')).toBe('precious');
    expect(r.sites).toEqual([]);
  });

  test('a socket in a directory that does not exist: the error names the directory (node says EACCES)', async () => {
    const missing = path.join(dir, 'no-such-dir', 'app.sock');
    const r = await setUp();
    await expect(new UnixSite(r, { path: missing }).start()).rejects.toThrow(
      `WEFT_ERR_SITE: cannot put the socket ${missing}: the directory ${path.join(dir, 'no-such-dir')} does not exist (create it first)`,
    );
    expect(r.sites).toEqual([]);
  });

  test('refuses a socket another server is listening on', async () => {
    const socketPath = path.join(dir, 'live.sock');
    const live = createNetServer().listen(socketPath);
    await once(live, 'listening');
    servers.push(live);
    const r = await setUp();
    await expect(new UnixSite(r, { path: socketPath }).start()).rejects.toThrow(`WEFT_ERR_SITE: another server is listening on ${socketPath}: stop it first or choose another path`);
  });

  test('rejects a missing path and bad permissions', async () => {
    const r = await setUp();
    expect(codeOf(() => new UnixSite(r, {} as never))).toBe('WEFT_ERR_INVALID_OPTION: UnixSite needs a path for its socket file');
    expect(codeOf(() => new UnixSite(r, { path: '/tmp/x.sock', mode: 0o1777 }))).toBe('WEFT_ERR_INVALID_OPTION: mode must be file permissions from 0o000 to 0o777, got 1023');
  });
});

describe('SockSite', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(() => {
    fixture?.kill();
    fixture = undefined;
  });

  test('serves on a listening net.Server it is given, and closes it on stop', async () => {
    const bound = createNetServer().listen(0, '127.0.0.1');
    await once(bound, 'listening');
    const port = (bound.address() as AddressInfo).port;
    const r = await setUp();
    const site = await r.addSite(new SockSite(r, { server: bound }));
    expect(site.name).toBe(`http://127.0.0.1:${port}`);
    expect((await rawRequest({ port }, requestText('GET', '/'))).status).toBe(200);
    await r.cleanup();
    expect(bound.listening).toBe(false);
    await expect(openConnection({ port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('runApp serves on an inherited listening descriptor (fd 3, as systemd passes it)', async () => {
    const bound = createNetServer().listen(0, '127.0.0.1');
    await once(bound, 'listening');
    const port = (bound.address() as AddressInfo).port;
    // the descriptor of the listening socket, duplicated into the child as fd 3
    const fd = (bound as unknown as { _handle: { fd: number } })._handle.fd;
    fixture = startFixture('lifecycle-app', { WEFT_SOCK_FD: '3' }, ['ignore', 'pipe', 'pipe', fd]);
    expect(await fixture.url()).toBe(`http://127.0.0.1:${port}`);
    bound.close(); // the child holds its own copy
    expect(await rawRequest({ port }, requestText('GET', '/fast'))).toMatchObject({ status: 200, body: 'fast' });
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited()).toBe(0);
  }, 20_000);

  test('takes exactly one of a listening server and a descriptor', async () => {
    const r = await setUp();
    const idle = createNetServer();
    expect(codeOf(() => new SockSite(r, {}))).toBe('WEFT_ERR_INVALID_OPTION: SockSite takes exactly one of server (a listening net.Server) and fd (a listening descriptor)');
    expect(codeOf(() => new SockSite(r, { server: idle, fd: 3 }))).toBe('WEFT_ERR_INVALID_OPTION: SockSite takes exactly one of server (a listening net.Server) and fd (a listening descriptor)');
    expect(codeOf(() => new SockSite(r, { server: idle }))).toBe('WEFT_ERR_INVALID_OPTION: SockSite server must be a net.Server that is already listening (await its listen() first)');
    expect(codeOf(() => new SockSite(r, { fd: -1 }))).toBe('WEFT_ERR_INVALID_OPTION: fd must be a non-negative integer, got -1');
  });
});

describe('TCPSite', () => {
  /** A self-signed key and certificate for 127.0.0.1 and localhost, made with openssl. */
  async function selfSigned(): Promise<{ key: Buffer; cert: Buffer }> {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    return { key: await readFile(key), cert: await readFile(cert) };
  }

  test('serves HTTPS with a self-signed key and certificate', async () => {
    const r = await setUp();
    const tls = await selfSigned();
    const ca = tls.cert;
    const site = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0, tls }));
    expect(site.name).toBe(`https://127.0.0.1:${site.port}`);
    const body = await new Promise<string>((resolve, reject) => {
      httpsGet({ host: '127.0.0.1', port: site.port, path: '/', ca }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toEqual({ secure: true, remote: '127.0.0.1', path: '/' });
    // plain HTTP on the TLS port gets no HTTP answer
    await expect(rawRequest({ port: site.port }, requestText('GET', '/'), 2_000)).rejects.toThrow();
    // graceful shutdown closes idle TLS connections too
    const idle = await openConnection({ port: site.port, tls: true });
    idle.write(requestText('GET', '/'));
    expect((await readResponse(idle)).status).toBe(200);
    await r.cleanup();
    expect(await waitClosed(idle, 1_000)).toBe(true);
  });

  test('a TLS handshake that never finishes is cut at headersTimeout, or at tls.handshakeTimeout', async () => {
    const tls = await selfSigned();
    // a client that connects and sends nothing (node's default would hold it for 120 s)
    const silentFor = async (site: { port: number }): Promise<number> => {
      const started = Date.now();
      const socket = await openConnection({ port: site.port });
      expect(await waitClosed(socket, 5_000)).toBe(true);
      return Date.now() - started;
    };
    const r = await setUp(makeApp(), { headersTimeout: 700, requestTimeout: 1_000 });
    const bounded = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0, tls }));
    const own = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0, tls: { ...tls, handshakeTimeout: 200 } }));
    const [byHeaders, byOwn] = await Promise.all([silentFor(bounded), silentFor(own)]);
    expect(byHeaders).toBeGreaterThanOrEqual(600);
    expect(byHeaders).toBeLessThan(4_000);
    expect(byOwn).toBeLessThan(byHeaders);
  });

  const hasIPv6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
  (hasIPv6Loopback ? test : test.skip)('serves on the IPv6 loopback ::1', async () => {
    const r = await setUp();
    const site = await r.addSite(new TCPSite(r, { host: '::1', port: 0 }));
    expect(site.name).toBe(`http://[::1]:${site.port}`);
    const response = await rawRequest({ host: '::1', port: site.port }, requestText('GET', '/'));
    expect(JSON.parse(response.body)).toMatchObject({ remote: '::1' });
  });

  test('a port in use is a coded error that keeps node’s cause, and the runner stays usable', async () => {
    const r = await setUp();
    const first = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0 }));
    const clash = new TCPSite(r, { host: '127.0.0.1', port: first.port });
    const error = await clash.start().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WeftError);
    expect((error as WeftError).message).toBe(`WEFT_ERR_SITE: cannot start http://127.0.0.1:${first.port}: listen EADDRINUSE: address already in use 127.0.0.1:${first.port}`);
    expect(((error as WeftError).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    expect(r.sites).toEqual([first]);
    expect((await rawRequest({ port: first.port }, requestText('GET', '/'))).status).toBe(200);
  });

  test('rejects bad hosts, ports, backlogs and reusePort where node lacks it', async () => {
    const r = await setUp();
    expect(codeOf(() => new TCPSite(r, { port: 70000 }))).toBe('WEFT_ERR_INVALID_OPTION: port must be an integer from 0 to 65535, got 70000');
    expect(codeOf(() => new TCPSite(r, { port: 1.5 }))).toBe('WEFT_ERR_INVALID_OPTION: port must be an integer from 0 to 65535, got 1.5');
    expect(codeOf(() => new TCPSite(r, { host: '' }))).toBe('WEFT_ERR_INVALID_OPTION: host must be a non-empty string, got ');
    expect(codeOf(() => new TCPSite(r, { backlog: 0 }))).toBe('WEFT_ERR_INVALID_OPTION: backlog must be a positive integer, got 0');
    expect(codeOf(() => new TCPSite({} as AppRunner))).toBe('WEFT_ERR_INVALID_OPTION: a site needs the AppRunner it serves, got Object');
    const [major, minor] = process.versions.node.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 12)) {
      expect(codeOf(() => new TCPSite(r, { reusePort: true }))).toMatch(/^WEFT_ERR_INVALID_OPTION: reusePort needs Node.js 22.12 or later/);
    }
    expect(new TCPSite(r).name).toBe('http://0.0.0.0:8080');
    expect(new TCPSite(r, { tls: {} }).name).toBe('https://0.0.0.0:8443');
  });
});

describe('site options', () => {
  test('an unknown option is refused at construction, naming it and the known ones (a misspelt host would bind 0.0.0.0)', async () => {
    const r = await setUp();
    expect(codeOf(() => new TCPSite(r, { hots: '127.0.0.1', port: 0 } as never))).toBe(
      'WEFT_ERR_INVALID_OPTION: TCPSite: unknown option "hots" (known: host, port, reusePort, ipv6Only, tls, backlog)',
    );
    expect(codeOf(() => new UnixSite(r, { path: path.join(dir, 'x.sock'), mdoe: 0o660 } as never))).toBe(
      'WEFT_ERR_INVALID_OPTION: UnixSite: unknown option "mdoe" (known: path, mode, tls, backlog)',
    );
    expect(codeOf(() => new SockSite(r, { fd: 3, shutdownTimeout: 1 } as never))).toBe(
      'WEFT_ERR_INVALID_OPTION: SockSite: unknown option "shutdownTimeout" (known: server, fd, tls, backlog)',
    );
  });
});

describe('runner state', () => {
  test('sites start only between setup() and cleanup(), once; setup() runs once', async () => {
    const app = makeApp();
    const r = new AppRunner(app, { accessLog: null });
    runner = r;
    await expect(new TCPSite(r, { host: '127.0.0.1', port: 0 }).start()).rejects.toThrow('WEFT_ERR_RUNNER_STATE: cannot start http://127.0.0.1:0: await runner.setup() first');
    await r.setup();
    await expect(r.setup()).rejects.toThrow('WEFT_ERR_RUNNER_STATE: setup() runs once; this runner is ready');
    const site = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0 }));
    await expect(site.start()).rejects.toThrow(`WEFT_ERR_SITE: ${site.name} was already started; make a new site to listen again`);
    const other = new AppRunner(makeApp(), { accessLog: null });
    await expect(r.addSite(new TCPSite(other, { port: 0 }))).rejects.toThrow('WEFT_ERR_SITE: http://0.0.0.0:0 was made for another runner');
    await r.cleanup();
    await expect(new TCPSite(r, { host: '127.0.0.1', port: 0 }).start()).rejects.toThrow('WEFT_ERR_RUNNER_STATE: cannot start http://127.0.0.1:0: the runner is stopping or stopped');
    expect(r.cleanup()).toBe(r.cleanup());
    await new AppRunner(makeApp()).cleanup(); // before setup: nothing to do
  });

  test('a failed setup has run the cleanups owed before it rejects with the startup error', async () => {
    const events: string[] = [];
    const app = makeApp();
    app.cleanupCtx.push(async function* pool() {
      events.push('pool:open');
      yield;
      events.push('pool:close');
    });
    app.onStartup.push(function migrate() {
      throw new Error('migration 42 failed');
    });
    const r = new AppRunner(app, { accessLog: null });
    runner = r;
    const error = await r.setup().catch((err: unknown) => err);
    expect((error as Error).message).toContain('migration 42 failed');
    expect((error as Error).message).toContain('migrate');
    expect(events).toEqual(['pool:open', 'pool:close']);
    await r.cleanup();
    expect(events).toEqual(['pool:open', 'pool:close']);
    await expect(new TCPSite(r, { port: 0 }).start()).rejects.toThrow('WEFT_ERR_RUNNER_STATE');
  });

  test('rejects bad runner options naming them', () => {
    const app = makeApp();
    expect(codeOf(() => new AppRunner({} as Application))).toBe('WEFT_ERR_INVALID_OPTION: AppRunner needs an Application (from createApp())');
    expect(codeOf(() => new AppRunner(app, { shutdownTimeout: -1 }))).toBe('WEFT_ERR_INVALID_OPTION: shutdownTimeout must be a non-negative number of ms, got -1');
    expect(codeOf(() => new AppRunner(app, { keepAliveTimeout: -5 }))).toBe('WEFT_ERR_INVALID_OPTION: keepAliveTimeout must be a non-negative integer (ms or a count), got -5');
    expect(codeOf(() => new AppRunner(app, { headersTimeout: 400_000 }))).toBe(
      'WEFT_ERR_INVALID_OPTION: headersTimeout (400000 ms) must not exceed requestTimeout (300000 ms); requestTimeout 0 means no limit',
    );
    expect(codeOf(() => new AppRunner(app, { accessLog: {} as never }))).toBe(
      'WEFT_ERR_INVALID_OPTION: accessLog must be an AccessLogger (an object with log(request, response, timeMs, bytesSent)) or null',
    );
    expect(codeOf(() => new AppRunner(app, { accessLog: { log: () => {} }, accessLogFormat: '%a' }))).toBe(
      'WEFT_ERR_INVALID_OPTION: accessLogFormat applies to the default access logger: give the format to your own AccessLogger instead',
    );
    expect(codeOf(() => new AppRunner(app, { accessLogFormat: '%z' }))).toMatch(/^WEFT_ERR_ACCESS_LOG_FORMAT: unknown directive %z at position 0/);
  });
});

describe('connection defaults', () => {
  test('keep-alive 75 s, headers 30 s, request 300 s, announced to clients', async () => {
    const r = await setUp();
    const site = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0 }));
    const server = site.server!;
    expect([server.keepAliveTimeout, server.headersTimeout, server.requestTimeout]).toEqual([75_000, 30_000, 300_000]);
    expect(CONNECTION_DEFAULTS).toMatchObject({ keepAliveTimeout: 75_000, headersTimeout: 30_000, requestTimeout: 300_000 });
    const response = await rawRequest({ port: site.port }, requestText('GET', '/'));
    expect(response.headers['keep-alive']).toBe('timeout=75');
  });

  test('every limit is configurable', async () => {
    const r = await setUp(makeApp(), { keepAliveTimeout: 65_000, headersTimeout: 10_000, requestTimeout: 0, maxHeadersCount: 50, maxRequestsPerSocket: 2 });
    const site = await r.addSite(new TCPSite(r, { host: '127.0.0.1', port: 0 }));
    const server = site.server!;
    expect([server.keepAliveTimeout, server.headersTimeout, server.requestTimeout, server.maxHeadersCount, server.maxRequestsPerSocket]).toEqual([65_000, 10_000, 0, 50, 2]);
    // maxRequestsPerSocket: the second response on a connection says it closes
    const socket = await openConnection({ port: site.port });
    socket.write(requestText('GET', '/'));
    expect((await readResponse(socket)).headers.connection).toBe('keep-alive');
    socket.write(requestText('GET', '/'));
    expect((await readResponse(socket)).headers.connection).toBe('close');
    socket.destroy();
  });
});

