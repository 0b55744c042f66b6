/**
 * Access log lines for real requests, field by field, with the bytes counted on the wire.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppRunner,
  LoggerAccessLogger,
  StreamAccessLogger,
  StreamResponse,
  TCPSite,
  createApp,
  type AccessLogger,
  type AppRunnerOptions,
  type Request,
} from 'weft';
import { openConnection, rawRequest, readResponse, requestText } from './raw-http.js';
import { RecordingLogger } from './test-logger.js';

let runner: AppRunner | undefined;

afterEach(async () => {
  await runner?.cleanup();
  runner = undefined;
});

async function start(options: AppRunnerOptions, logger = new RecordingLogger()): Promise<number> {
  const app = createApp({ logger });
  app.router.add('GET', '/notes/{id}', (request: Request) => ({ id: request.params.id }));
  app.router.add('POST', '/notes', async (request: Request) => {
    const note = await request.json();
    return { created: note };
  });
  app.router.add('GET', '/slow', async () => {
    await sleep(250);
    return 'slow';
  });
  app.router.add('GET', '/stream', async (request: Request) => {
    const response = new StreamResponse({ headers: { 'Content-Type': 'text/plain', 'X-Stream': 'yes' } });
    await response.prepare(request);
    for (let i = 0; i < 3; i++) await response.write(`chunk ${i}\n`);
    await response.end();
    return response;
  });
  runner = new AppRunner(app, { shutdownTimeout: 1_000, ...options });
  await runner.setup();
  return (await runner.addSite(new TCPSite(runner, { host: '127.0.0.1', port: 0 }))).port;
}

/** A writable that keeps lines. */
function lines(): { write(line: string): boolean; lines: string[] } {
  const kept: string[] = [];
  return { lines: kept, write: (line: string) => kept.push(line) > 0 };
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

const FORMAT = '%a %t "%r" %s %b %T %Tf %D "%{Referer}i" "%{User-Agent}i" %{Content-Type}o %P %%';
const LINE = new RegExp(
  [
    '^(?<a>\\S+)',
    '\\[(?<t>\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4})\\]',
    '"(?<r>[^"]*)"',
    '(?<s>\\d{3})',
    '(?<b>\\d+)',
    '(?<T>\\d+)',
    '(?<Tf>\\d+\\.\\d{6})',
    '(?<D>\\d+)',
    '"(?<referer>[^"]*)"',
    '"(?<ua>[^"]*)"',
    '(?<ct>\\S+(?:; charset=utf-8)?)',
    '<(?<P>\\d+)>',
    '%\\n$',
  ].join(' '),
);

test('one line per request, every field as the format says, %b the bytes on the wire', async () => {
  const sink = lines();
  const port = await start({ accessLog: new StreamAccessLogger(sink, FORMAT) });
  const before = Date.now();

  // keep-alive: several requests on one connection, each counted on its own
  const socket = await openConnection({ port });
  socket.write(requestText('GET', '/notes/7?full=1', { Referer: 'https://example.com/list', 'User-Agent': 'weft-test/1.0' }));
  const get = await readResponse(socket);
  socket.write(requestText('POST', '/notes', { 'Content-Type': 'application/json' }, '{"title":"hello"}'));
  const post = await readResponse(socket);
  socket.write(requestText('GET', '/missing'));
  const missing = await readResponse(socket);
  socket.write(requestText('GET', '/stream'));
  const stream = await readResponse(socket);
  socket.destroy();
  const slow = await rawRequest({ port }, requestText('GET', '/slow'));

  await until(() => sink.lines.length === 5);
  const fields = sink.lines.map((line) => {
    const match = LINE.exec(line);
    if (match === null) throw new Error(`line does not match the format: ${JSON.stringify(line)}`);
    return match.groups!;
  });
  expect(fields.map((f) => f.r)).toEqual(['GET /notes/7?full=1 HTTP/1.1', 'POST /notes HTTP/1.1', 'GET /missing HTTP/1.1', 'GET /stream HTTP/1.1', 'GET /slow HTTP/1.1']);
  expect(fields.map((f) => f.s)).toEqual(['200', '200', '404', '200', '200']);
  expect(fields.map((f) => Number(f.b))).toEqual([get.bytes, post.bytes, missing.bytes, stream.bytes, slow.bytes]);
  expect(stream.headers['transfer-encoding']).toBe('chunked'); // chunk framing counted too
  expect(fields.map((f) => f.a)).toEqual(Array(5).fill('127.0.0.1'));
  expect(fields.map((f) => f.referer)).toEqual(['https://example.com/list', '-', '-', '-', '-']);
  expect(fields.map((f) => f.ua)).toEqual(['weft-test/1.0', '-', '-', '-', '-']);
  expect(fields.map((f) => f.ct)).toEqual([get.headers['content-type'], post.headers['content-type'], missing.headers['content-type'], 'text/plain', 'text/plain; charset=utf-8']);
  expect(get.headers['content-type']).toMatch(/^application\/json/);
  expect(new Set(fields.map((f) => f.P))).toEqual(new Set([String(process.pid)]));

  // times: the slow request took about 250 ms; %T whole seconds, %Tf seconds, %D microseconds
  const slowFields = fields[4];
  expect(Number(slowFields.Tf)).toBeGreaterThanOrEqual(0.24);
  expect(Number(slowFields.Tf)).toBeLessThan(2);
  expect(Number(slowFields.D)).toBe(Math.round(Number(slowFields.Tf) * 1_000_000));
  expect(slowFields.T).toBe('0');
  // %t: when each request arrived, to the second
  for (const f of fields) {
    const [, day, month, year, h, m, s] = /^(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)/.exec(f.t)!;
    const offset = f.t.slice(-5);
    const iso = `${year}-${String(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(month) + 1).padStart(2, '0')}-${day}T${h}:${m}:${s}${offset.slice(0, 3)}:${offset.slice(3)}`;
    const at = Date.parse(iso);
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
  }
});

test('%b with pipelined requests: each response its own bytes, none counted on the one before', async () => {
  const out = lines();
  const port = await start({ accessLog: new StreamAccessLogger(out, '%r %b') });
  const socket = await openConnection({ port });
  // one write: node queues the second and third responses behind the first
  socket.write(requestText('GET', '/slow') + requestText('GET', '/notes/12') + requestText('GET', '/notes/3'));
  const sizes: number[] = [];
  for (let i = 0; i < 3; i++) sizes.push((await readResponse(socket)).bytes);
  socket.destroy();
  await until(() => out.lines.length === 3);
  expect(out.lines.map((line) => line.trim())).toEqual([
    `GET /slow HTTP/1.1 ${sizes[0]}`,
    `GET /notes/12 HTTP/1.1 ${sizes[1]}`,
    `GET /notes/3 HTTP/1.1 ${sizes[2]}`,
  ]);
});

test('a bad chunk in a body being read: the line has the status the client got (node’s 400), not the 500 the handler’s failed read made', async () => {
  const out = lines();
  const port = await start({ accessLog: new StreamAccessLogger(out, '%r %s %b') });
  const socket = await openConnection({ port });
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.write('POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n');
  await closed;
  await until(() => out.lines.length === 1);
  expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  expect(out.lines[0].trim()).toBe(`POST /notes HTTP/1.1 400 ${answer.length}`);
});

test('a pipeline 30 deep behind a slow request: every response in order, every line, one close listener on the socket (not one per queued response)', async () => {
  const app = createApp({ logger: new RecordingLogger() });
  let closeListeners = -1;
  app.router.add('GET', '/slow', async (request: Request) => {
    await sleep(250); // meanwhile the 30 behind it are handled, their responses queued
    closeListeners = request.raw.socket!.listenerCount('close');
    return 'slow';
  });
  app.router.add('GET', '/notes/{id}', (request: Request) => ({ id: request.params.id }));
  const out = lines();
  runner = new AppRunner(app, { shutdownTimeout: 1_000, accessLog: new StreamAccessLogger(out, '%r %s') });
  await runner.setup();
  const { port } = await runner.addSite(new TCPSite(runner, { host: '127.0.0.1', port: 0 }));
  const socket = await openConnection({ port });
  const paths = ['/slow', ...Array.from({ length: 30 }, (_, i) => `/notes/${i}`)];
  socket.write(paths.map((path) => requestText('GET', path)).join(''));
  const statuses: number[] = [];
  for (let i = 0; i < paths.length; i++) statuses.push((await readResponse(socket)).status);
  socket.destroy();
  await until(() => out.lines.length === paths.length);
  expect(statuses).toEqual(paths.map(() => 200));
  expect(out.lines.map((line) => line.trim())).toEqual(paths.map((path) => `GET ${path} HTTP/1.1 200`));
  // node's own listeners and the tracker's one: past 10, node warns of a possible leak
  expect(closeListeners).toBeGreaterThan(0);
  expect(closeListeners).toBeLessThan(10);
});

test('by default, lines go to the app logger at info, in aiohttp’s format', async () => {
  const logger = new RecordingLogger();
  const port = await start({}, logger);
  await rawRequest({ port }, requestText('GET', '/notes/1', { 'User-Agent': 'curl/8.5' }));
  await until(() => logger.records.some((r) => r.obj.log === 'access'));
  const record = logger.records.find((r) => r.obj.log === 'access')!;
  expect(record.level).toBe('info');
  expect(record.msg).toMatch(/^127\.0\.0\.1 \[[^\]]+\] "GET \/notes\/1 HTTP\/1\.1" 200 \d+ "-" "curl\/8\.5"$/);
});

test('accessLogFormat changes the default logger’s format', async () => {
  const logger = new RecordingLogger();
  const port = await start({ accessLogFormat: '%s %r' }, logger);
  await rawRequest({ port }, requestText('GET', '/missing'));
  await until(() => logger.records.some((r) => r.obj.log === 'access'));
  expect(logger.records.find((r) => r.obj.log === 'access')!.msg).toBe('404 GET /missing HTTP/1.1');
});

test('accessLog: null logs nothing', async () => {
  const logger = new RecordingLogger();
  const port = await start({ accessLog: null }, logger);
  expect((await rawRequest({ port }, requestText('GET', '/notes/1'))).status).toBe(200);
  await sleep(50);
  expect(logger.records).toEqual([]);
  expect(runner!.accessLogger).toBeNull();
});

test('a custom AccessLogger gets the request, the response sent, the time and the bytes; its failure is logged, never the client’s problem', async () => {
  const seen: Array<{ path: string; status: number; route: string | undefined; timeMs: number; bytes: number }> = [];
  const custom: AccessLogger = {
    log(request, response, timeMs, bytesSent) {
      seen.push({ path: request.path, status: response.status, route: request.route?.label, timeMs, bytes: bytesSent });
      if (request.path === '/missing') throw new Error('metrics backend down');
    },
  };
  const logger = new RecordingLogger();
  const port = await start({ accessLog: custom }, logger);
  const ok = await rawRequest({ port }, requestText('GET', '/notes/3'));
  const missing = await rawRequest({ port }, requestText('GET', '/missing'));
  expect(missing.status).toBe(404);
  await until(() => seen.length === 2);
  expect(seen).toEqual([
    { path: '/notes/3', status: 200, route: 'GET /notes/{id} (router.add)', timeMs: expect.any(Number), bytes: ok.bytes },
    { path: '/missing', status: 404, route: 'app miss', timeMs: expect.any(Number), bytes: missing.bytes },
  ]);
  await until(() => logger.messages('error').includes('the access logger failed'));
});

test('LoggerAccessLogger writes formatted lines to any weft logger', () => {
  const logger = new RecordingLogger();
  const accessLogger = new LoggerAccessLogger(logger, '%s %b');
  accessLogger.log({} as Request, { status: 204 } as StreamResponse, 1, 42);
  expect(logger.records).toEqual([{ level: 'info', obj: { log: 'access' }, msg: '204 42' }]);
});
