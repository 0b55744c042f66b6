/**
 * TestClient's options: `runner` (the app served through an AppRunner, as in production,
 * over either transport: handlerCancellation, the access log, a graceful close()) and
 * `timeout`; bad options refused.
 */
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Controller,
  Injectable,
  WebSocket,
  WebSocketResponse,
  WeftError,
  createApp,
  createLogger,
  json,
  type AccessLogger,
  type Application,
  type Request,
} from 'weft';
import { TestClient, type TestClientOptions, type TestRequestOptions } from 'weft/testing';
import { RecordingLogger } from '../server/test-logger.js';

const logger = createLogger({ level: 'silent' });

interface Seen {
  /** Tags of the /slow handlers that started. */
  started: string[];
  reasons: string[];
  finished: string[];
  shutdown: number;
}

function slowApp(seen: Seen, appLogger = logger): Application {
  const app = createApp({ logger: appLogger });
  app.router.add('GET', '/slow', async (request: Request) => {
    seen.started.push(request.query.get('tag') ?? '');
    try {
      await sleep(Number(request.query.get('ms') ?? 200), undefined, { signal: request.signal });
    } catch (err) {
      const reason: unknown = request.signal.reason;
      seen.reasons.push(reason instanceof WeftError ? reason.code : String(reason));
      throw err;
    }
    seen.finished.push(request.query.get('tag') ?? '');
    return 'done';
  });
  app.router.add('GET', '/fast', () => 'fast');
  app.router.add('GET', '/ws', async (request: Request) => {
    const ws = new WebSocketResponse();
    await ws.prepare(request);
    for await (const msg of ws) if (msg.type === 'text') await ws.sendStr(`echo: ${msg.data}`);
    return ws;
  });
  app.onShutdown.push(() => void seen.shutdown++);
  return app;
}

const fresh = (): Seen => ({ started: [], reasons: [], finished: [], shutdown: 0 });

/**
 * Until the /slow handler tagged `tag` runs: the request is in flight from then on. A fixed
 * sleep lost that race under load, and the stop then closed an idle connection (ECONNRESET).
 */
async function untilStarted(seen: Seen, tag = ''): Promise<void> {
  while (!seen.started.includes(tag)) await sleep(5);
}

describe.each<TestClientOptions['transport']>(['socket', 'inject'])('TestClient with a runner, %s transport', (transport) => {
  test('close() lets a request in flight finish (the runner stops gracefully), then runs shutdown', async () => {
    const seen = fresh();
    const client = await new TestClient(slowApp(seen), { transport, runner: {} }).start();
    expect((await client.get('/fast')).text).toBe('fast');
    const inFlight = client.get('/slow?tag=a');
    await untilStarted(seen, 'a');
    await client.close();
    const res = await inFlight;
    expect([res.status, res.text]).toEqual([200, 'done']);
    expect(res.headers.connection).toBe('close'); // the last response on a draining connection
    expect(seen).toEqual({ started: ['a'], reasons: [], finished: ['a'], shutdown: 1 });
  });

  test('a handler still running at shutdownTimeout is cancelled, and close() ends', async () => {
    const seen = fresh();
    const client = await new TestClient(slowApp(seen), { transport, runner: { shutdownTimeout: 100 } }).start();
    const inFlight = client.get('/slow?ms=60000').catch((err: unknown) => err);
    await untilStarted(seen);
    const started = Date.now();
    await client.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    await inFlight;
    expect(seen.reasons).toEqual(['WEFT_ERR_SHUTDOWN_TIMEOUT']);
  });

  test('websockets work, and close() closes those still open with 1001', async () => {
    const client = await new TestClient(slowApp(fresh()), { transport, runner: {} }).start();
    const ws = await client.ws('/ws');
    await ws.sendStr('hi');
    expect(await ws.receive()).toMatchObject({ type: 'text', data: 'echo: hi' });
    await client.close();
    expect(await ws.closed).toEqual({ code: 1001, reason: 'Server shutdown' });
  });

  test('a second close() while the first runs gets the same promise: the request in flight still finishes', async () => {
    const seen = fresh();
    const client = await new TestClient(slowApp(seen), { transport, runner: {} }).start();
    const inFlight = client.get('/slow?tag=b');
    await untilStarted(seen, 'b');
    const first = client.close();
    const second = client.close();
    expect(second).toBe(first);
    await second;
    expect(seen.shutdown).toBe(1); // the second did not return before the stop was done
    expect((await inFlight).status).toBe(200);
    await client.close(); // afterwards: nothing left to do
  });

  test.each([true, false])('close() during start() (runner: %s) waits for the start, then stops what it started', async (withRunner) => {
    const seen = fresh();
    const app = slowApp(seen);
    let cleaned = false;
    app.onStartup.push(() => sleep(100));
    app.onCleanup.push(() => void (cleaned = true));
    const client = new TestClient(app, { transport, ...(withRunner ? { runner: {} } : {}) });
    const starting = client.start();
    await client.close();
    await starting;
    expect([seen.shutdown, cleaned]).toEqual([1, true]);
    await expect(client.get('/fast')).rejects.toThrow('WEFT_ERR_TEST_CLIENT_CLOSED: GET /fast after close()');
  });

  test.each([true, false])('a second start() (runner: %s) gets the first one\'s promise, so close() stops what it started', async (withRunner) => {
    const seen = fresh();
    const app = slowApp(seen);
    app.onStartup.push(() => sleep(50));
    const client = new TestClient(app, { transport, ...(withRunner ? { runner: {} } : {}) });
    const first = client.start();
    const second = client.start();
    expect(second).toBe(first);
    await second;
    expect((await client.get('/fast')).text).toBe('fast');
    expect(client.start()).toBe(first); // started: nothing more to do
    const server = client.server;
    await client.close();
    expect([server.listening, seen.shutdown]).toEqual([false, 1]);
  });

  test('the access log gets the bytes sent; it is off for an option given as undefined, on with only a format', async () => {
    const bytes: number[] = [];
    const accessLog: AccessLogger = { log: (_request, _response, _time, sent) => void bytes.push(sent) };
    const counting = await new TestClient(slowApp(fresh()), { transport, runner: { accessLog } }).start();
    await counting.get('/fast');
    await counting.close();
    expect(bytes).toHaveLength(1);
    expect(bytes[0]).toBeGreaterThan(100); // status line, headers and the body, counted on either transport

    const quiet = new RecordingLogger();
    const off = await new TestClient(slowApp(fresh(), quiet), { transport, runner: { accessLog: undefined, shutdownTimeout: undefined } }).start();
    await off.get('/fast');
    await off.close();
    expect(quiet.messages('info')).toEqual([]);

    const formatted = new RecordingLogger();
    const on = await new TestClient(slowApp(fresh(), formatted), { transport, runner: { accessLogFormat: '%r %s' } }).start();
    await on.get('/fast');
    await on.close();
    expect(formatted.messages('info')).toEqual(['GET /fast HTTP/1.1 200']);
  });

  test('the access log, given, gets a line per request', async () => {
    const lines: string[] = [];
    const accessLog: AccessLogger = { log: (request, response) => void lines.push(`${request.method} ${request.path} ${response.status}`) };
    const client = await new TestClient(slowApp(fresh()), { transport, runner: { accessLog } }).start();
    try {
      await client.get('/fast');
      await client.get('/missing');
    } finally {
      await client.close();
    }
    expect(lines).toEqual(['GET /fast 200', 'GET /missing 404']);
  });
});

test('with handlerCancellation, a client that leaves aborts request.signal; without a runner it does not', async () => {
  const leave = async (client: TestClient): Promise<void> => {
    const req = httpRequest(`${client.baseUrl}/slow?ms=1000`);
    req.on('error', () => {});
    req.end();
    await sleep(100);
    req.destroy();
    await sleep(100);
  };
  const cancelling = fresh();
  const withRunner = await new TestClient(slowApp(cancelling), { runner: { handlerCancellation: true } }).start();
  try {
    await leave(withRunner);
  } finally {
    await withRunner.close();
  }
  expect(cancelling.reasons).toEqual(['WEFT_ERR_CLIENT_GONE']);

  const plain = fresh();
  const withoutRunner = await new TestClient(slowApp(plain)).start();
  try {
    await leave(withoutRunner);
  } finally {
    await withoutRunner.close();
  }
  expect(plain.reasons).toEqual([]);
});

describe.each<TestClientOptions['transport']>(['socket', 'inject'])('TestClient timeout, %s transport', (transport) => {
  test('a request past its timeout rejects with WEFT_ERR_TEST_TIMEOUT naming it; a request of its own timeout wins', async () => {
    const client = await new TestClient(slowApp(fresh()), { transport, timeout: 100 }).start();
    try {
      const started = Date.now();
      await expect(client.get('/slow?ms=5000')).rejects.toThrow('WEFT_ERR_TEST_TIMEOUT: GET /slow?ms=5000: no complete response within 100 ms');
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await client.get('/slow?ms=300', { timeout: 2_000 })).text).toBe('done');
      await expect(client.get('/slow?ms=5000', { timeout: 50 })).rejects.toMatchObject({ code: 'WEFT_ERR_TEST_TIMEOUT' });
      expect((await client.get('/fast')).text).toBe('fast'); // the client still serves
    } finally {
      await client.close();
    }
  });
});

describe.each<TestClientOptions['transport']>(['socket', 'inject'])('TestClient websocket request scopes, %s transport', (transport) => {
  test.each([false, true])('are disposed before the app cleanup runs (runner: %s), an async app middleware in between', async (withRunner) => {
    const events: string[] = [];
    @Injectable({ scope: 'request' })
    class Session {
      dispose(): void {
        events.push('session disposed');
      }
    }
    @Controller('/chat')
    class Chat {
      constructor(readonly session: Session) {}

      @WebSocket('/ws')
      async chat(ws: WebSocketResponse): Promise<void> {
        for await (const message of ws) if (message.type === 'text') await ws.sendStr(message.data);
        events.push('handler returned');
      }
    }
    const app = createApp({ logger, controllers: [Chat], providers: [Session], middlewares: [async (_request, next) => next()] });
    app.onCleanup.push(() => void events.push('app cleanup'));
    const client = await new TestClient(app, { transport, ...(withRunner ? { runner: {} } : {}) }).start();
    const ws = await client.ws('/chat/ws');
    await ws.sendStr('x');
    await ws.receiveStr();
    await ws.close();
    await client.close();
    expect(events).toEqual(['handler returned', 'session disposed', 'app cleanup']);
  });
});

test('without a runner, close() closes an inject websocket with 1001 too', async () => {
  const client = await new TestClient(slowApp(fresh()), { transport: 'inject' }).start();
  const ws = await client.ws('/ws');
  await client.close();
  expect(await ws.closed).toEqual({ code: 1001, reason: 'Server shutdown' });
});

test('a request or a websocket with an unknown option rejects; baseUrl of the inject transport says why it has none; json() of a body that is not JSON shows it', async () => {
  const client = await new TestClient(slowApp(fresh()), { transport: 'inject' }).start();
  try {
    await expect(client.get('/fast', { tiemout: 10 } as TestRequestOptions)).rejects.toThrow(
      'WEFT_ERR_INVALID_OPTION: a TestClient request: unknown option "tiemout" (known: headers, json, body, form, query, timeout)',
    );
    // a misspelt protocols would open the websocket without the subprotocol
    await expect(client.ws('/ws', { protocol: ['chat'] } as never)).rejects.toThrow(
      'WEFT_ERR_INVALID_OPTION: client.ws(): unknown option "protocol" (known: protocols, headers, autoPong, compress, timeout)',
    );
    // one body: json used to win silently over body
    await expect(client.post('/fast', { json: { a: 1 }, body: 'raw' })).rejects.toThrow('WEFT_ERR_INVALID_OPTION: a request has one body: give one of json, body');
    expect(() => client.baseUrl).toThrow("WEFT_ERR_INVALID_OPTION: TestClient.baseUrl exists for the socket transport only: transport: 'inject' has no port");
    // json() of a body that is not JSON says what came instead
    const notJson = await client.get('/fast');
    expect(() => notJson.json()).toThrow(SyntaxError);
    expect(() => notJson.json()).toThrow(/^the response body is not JSON \(.*\); status 200, content-type text\/plain; charset=utf-8, body "fast"$/);
  } finally {
    await client.close();
  }
});

test.each(['socket', 'inject'] as const)('TestClient.server, a request and a websocket before start() and after close() are coded errors saying which (%s)', async (transport) => {
  const client = new TestClient(slowApp(fresh()), { transport });
  expect(() => client.server).toThrow(expect.objectContaining({ code: 'WEFT_ERR_NOT_STARTED', message: 'WEFT_ERR_NOT_STARTED: TestClient.server exists once `await client.start()` resolved' }));
  await expect(client.get('/fast')).rejects.toThrow('WEFT_ERR_NOT_STARTED: GET /fast: call await client.start() before making requests');
  await expect(client.ws('/ws')).rejects.toThrow('WEFT_ERR_NOT_STARTED: websocket /ws: call await client.start() before opening websockets');
  await client.start();
  expect(client.server).toBeDefined();
  await client.close();
  const closed = 'a closed client does not start again; make a new TestClient (with a new app)';
  await expect(client.get('/fast')).rejects.toThrow(`WEFT_ERR_TEST_CLIENT_CLOSED: GET /fast after close(): ${closed}`);
  await expect(client.ws('/ws')).rejects.toThrow(`WEFT_ERR_TEST_CLIENT_CLOSED: websocket /ws after close(): ${closed}`);
  expect(() => client.server).toThrow(
    expect.objectContaining({
      code: 'WEFT_ERR_TEST_CLIENT_CLOSED',
      message: 'WEFT_ERR_TEST_CLIENT_CLOSED: TestClient.server is gone: close() stopped it; a closed client does not start again, make a new TestClient (with a new app) for more requests',
    }),
  );
  await expect(client.start()).rejects.toThrow('WEFT_ERR_TEST_CLIENT_CLOSED: TestClient.start() after close(): a closed client does not start again; make a new TestClient (with a new app)');
});

test('bad TestClient and runner options are refused when the client is made', () => {
  const app = createApp({ logger });
  for (const runner of [false, true, 0, null, [], 'yes']) {
    expect(() => new TestClient(app, { runner } as unknown as TestClientOptions)).toThrow(/^WEFT_ERR_INVALID_OPTION: runner must be an object of AppRunner options, got /);
  }
  expect(() => new TestClient(app, null as unknown as TestClientOptions)).toThrow('WEFT_ERR_INVALID_OPTION: TestClient options must be an object, got null');
  expect(() => new TestClient(app, { runner: { accessLogFormat: '%Q' } })).toThrow(/WEFT_ERR_ACCESS_LOG_FORMAT/);
  expect(() => new TestClient(app, { transprt: 'inject' } as TestClientOptions)).toThrow('WEFT_ERR_INVALID_OPTION: new TestClient(): unknown option "transprt" (known: transport, runner, timeout)');
  expect(() => new TestClient(app, { timeout: '1s' } as unknown as TestClientOptions)).toThrow('WEFT_ERR_INVALID_OPTION: timeout must be a number of ms from 1 to 2147483647, got 1s');
  expect(() => new TestClient(app, { timeout: 0 })).toThrow(/timeout must be/);
  expect(() => new TestClient(app, { transport: 'tcp' } as unknown as TestClientOptions)).toThrow("transport must be 'socket' or 'inject', got tcp");
  expect(() => new TestClient(app, { runner: { shutdownTimeot: 5 } } as unknown as TestClientOptions)).toThrow(/WEFT_ERR_INVALID_OPTION: AppRunner: unknown option "shutdownTimeot" \(known: shutdownTimeout,/);
});

describe.each<TestClientOptions['transport']>(['socket', 'inject'])('TestClient, %s transport', (transport) => {
  test('non-ASCII characters of a path go percent-encoded as UTF-8, the rest as written; cookies match the path sent', async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/greet/{name}', (request: Request) => {
      const response = json({ name: request.params.name, rawPath: request.rawPath, q: request.query.get('q'), seen: request.cookies.seen ?? null });
      response.setCookie('seen', 'yes', { path: '/greet/Jos%C3%A9' });
      return response;
    });
    app.router.add('GET', '/greet/{name}/ws', async (request: Request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      await ws.sendStr(`${request.params.name} ${request.cookies.seen ?? null}`);
      await ws.close();
      return ws;
    });
    const client = await new TestClient(app, { transport }).start();
    try {
      expect((await client.get('/greet/José?q=日本')).json()).toEqual({ name: 'José', rawPath: '/greet/Jos%C3%A9', q: '日本', seen: null });
      expect((await client.get('/greet/José')).json()).toMatchObject({ seen: 'yes' });
      expect(await (await client.ws('/greet/José/ws')).receiveStr()).toBe('José yes');
      expect((await client.get('/greet/%41%2e')).json()).toMatchObject({ rawPath: '/greet/%41%2e', seen: null });
    } finally {
      await client.close();
    }
  });

  test("works under jest's fake timers (a handler that reads a faked clock); the client's timeout counts real time", async () => {
    const app = slowApp(fresh());
    app.router.add('GET', '/now', () => new Date(Date.now()).toISOString());
    app.router.add('GET', '/never', () => new Promise(() => undefined));
    const client = await new TestClient(app, { transport, timeout: 200 }).start();
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    try {
      expect((await client.get('/now')).text).toBe('2030-01-01T00:00:00.000Z');
      await expect(client.get('/never')).rejects.toMatchObject({ code: 'WEFT_ERR_TEST_TIMEOUT' });
    } finally {
      jest.useRealTimers();
      await client.close();
    }
  });

  test('a request node cannot parse gets the status the server writes before it drops the connection (431, 400)', async () => {
    const client = await new TestClient(slowApp(fresh()), { transport }).start();
    try {
      expect((await client.get('/fast', { headers: { 'x-big': 'a'.repeat(20_000) } })).status).toBe(431);
      // both framings: request smuggling, refused by node's parser
      expect((await client.post('/fast', { headers: { 'transfer-encoding': 'chunked', 'content-length': '5' }, body: '0\r\n\r\n' })).status).toBe(400);
      expect((await client.get('/fast')).text).toBe('fast');
    } finally {
      await client.close();
    }
  });
});
