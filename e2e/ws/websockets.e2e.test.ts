import { createHook } from 'node:async_hooks';
import {
  AppRunner,
  Broadcaster,
  Controller,
  HTTPForbidden,
  HTTPUnauthorized,
  InMemoryPubSub,
  Injectable,
  TCPSite,
  WebSocket,
  WebSocketResponse,
  WeftError,
  createApp,
  createLogger,
  json,
  text,
  type Application,
  type Middleware,
  type Request,
  type WebSocketMessage,
} from 'weft';
import { TestClient, WebSocketRefused } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

/** aiohttp's echo handler, as a plain function route. */
async function echo(request: Request): Promise<WebSocketResponse> {
  const ws = new WebSocketResponse();
  await ws.prepare(request);
  for await (const msg of ws) {
    if (msg.type === 'text') {
      if (msg.data === 'close') await ws.close({ code: 4001, message: 'asked to' });
      else await ws.sendStr(`echo: ${msg.data}`);
    } else if (msg.type === 'binary') await ws.sendBytes(Buffer.concat([Buffer.from([0xff]), msg.data]));
  }
  return ws;
}

function echoApp(): Application {
  const app = createApp({ logger });
  app.router.add('GET', '/echo', echo);
  return app;
}

describe('websockets', () => {
  let client: TestClient;
  afterEach(() => client?.close());

  test('echoes text and binary messages, in order', async () => {
    client = await new TestClient(echoApp()).start();
    const ws = await client.ws('/echo');
    await ws.sendStr('one');
    await ws.sendStr('two');
    await ws.sendBytes(Buffer.from([1, 2, 3]));
    expect(await ws.receiveStr()).toBe('echo: one');
    expect(await ws.receiveStr()).toBe('echo: two');
    expect([...(await ws.receiveBytes())]).toEqual([0xff, 1, 2, 3]);
    expect(await ws.close()).toEqual({ code: 1000, reason: '' });
  });

  test('client.ws() over the inject transport: messages both ways, both closing handshakes, no timer left behind', async () => {
    // ws arms a 30 s timer per closing handshake; a handshake that runs twice leaves one armed
    const armed = new Map<number, number>();
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (type === 'Timeout' && (resource as { _idleTimeout: number })._idleTimeout >= 10_000) armed.set(id, (resource as { _idleTimeout: number })._idleTimeout);
      },
      destroy(id) {
        armed.delete(id);
      },
    }).enable();
    try {
      client = await new TestClient(echoApp(), { transport: 'inject' }).start();
      const ws = await client.ws('/echo');
      await ws.sendStr('one');
      await ws.sendBytes(Buffer.from([1, 2]));
      expect(await ws.receiveStr()).toBe('echo: one');
      expect([...(await ws.receiveBytes())]).toEqual([0xff, 1, 2]);
      expect(await ws.close()).toEqual({ code: 1000, reason: '' });
      const closedByServer = await client.ws('/echo');
      await closedByServer.sendStr('close');
      expect(await closedByServer.closed).toEqual({ code: 4001, reason: 'asked to' });
      await new Promise((resolve) => setImmediate(resolve));
      expect([...armed.values()]).toEqual([]);
    } finally {
      hook.disable();
    }
  });

  test('receiveStr/receiveBytes/receiveJson check the message type with a coded error', async () => {
    const results: unknown[] = [];
    const app = createApp({ logger });
    app.router.add('GET', '/typed', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      results.push(await ws.receiveJson());
      results.push(await ws.receiveBytes());
      results.push(await ws.receiveStr().catch((err: unknown) => err));
      results.push(await ws.receiveStr().catch((err: unknown) => err));
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/typed');
    await ws.sendJson({ a: 1 });
    await ws.sendBytes(Buffer.from('b'));
    await ws.sendBytes(Buffer.from('c'));
    await ws.close(4002);
    await waitFor(() => results.length === 4);
    expect(results.slice(0, 2)).toEqual([{ a: 1 }, Buffer.from('b')]);
    expect(results[2]).toMatchObject({ code: 'WEFT_ERR_WS_MESSAGE_TYPE', message: 'WEFT_ERR_WS_MESSAGE_TYPE: expected a text message, got binary' });
    expect(results[3]).toMatchObject({ message: 'WEFT_ERR_WS_MESSAGE_TYPE: expected a text message, got close (4002)' });
  });

  test('JSON both ways, and a client close code is seen by the server', async () => {
    const seen: Array<number | null> = [];
    const app = createApp({ logger });
    app.router.add('GET', '/json', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      for await (const msg of ws) if (msg.type === 'text') await ws.sendJson({ got: JSON.parse(msg.data) as unknown, n: 1 });
      seen.push(ws.closeCode);
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/json');
    await ws.sendJson({ a: [1, 'b'] });
    expect(await ws.receiveJson()).toEqual({ got: { a: [1, 'b'] }, n: 1 });
    expect(await ws.close(4000, 'bye')).toEqual({ code: 4000, reason: 'bye' });
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual([4000]);
  });

  test('a header set after prepare() is refused (WEFT_ERR_HEADERS_SENT), not silently dropped', async () => {
    const errors: unknown[] = [];
    const app = createApp({ logger });
    app.router.add('GET', '/late-header', async (request) => {
      const ws = new WebSocketResponse();
      ws.headers.set('X-Early', 'sent');
      await ws.prepare(request);
      try {
        ws.headers.set('X-Late', 'never sent');
      } catch (err) {
        errors.push(err);
      }
      await ws.close();
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/late-header');
    expect(ws.headers['x-early']).toBe('sent');
    await ws.close();
    await waitFor(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'WEFT_ERR_HEADERS_SENT' });
  });

  test('the server closes with a code and a message; the handler returning closes with 1000', async () => {
    client = await new TestClient(echoApp()).start();
    const ws = await client.ws('/echo');
    await ws.sendStr('close');
    expect(await ws.closed).toEqual({ code: 4001, reason: 'asked to' });
    expect(await ws.receive()).toEqual({ type: 'close', data: 4001, extra: 'asked to' });

    const app = createApp({ logger });
    app.router.add('GET', '/once', async (request) => {
      const once = new WebSocketResponse();
      await once.prepare(request);
      await once.sendStr('hello');
      return once;
    });
    await client.close();
    client = await new TestClient(app).start();
    const second = await client.ws('/once');
    expect(await second.receiveStr()).toBe('hello');
    expect(await second.closed).toEqual({ code: 1000, reason: '' });
  });

  test('a handler that throws after the handshake closes with 1011', async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/boom', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      await ws.receive();
      throw new Error('boom');
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/boom');
    await ws.sendStr('go');
    expect((await ws.closed).code).toBe(1011);
  });

  test('an error middleware turning that error into a 500 does not put HTTP bytes on the websocket: still 1011', async () => {
    const errorsToJson: Middleware = async (_request, next) => {
      try {
        return await next();
      } catch (err) {
        return json({ error: (err as Error).message }, { status: 500 });
      }
    };
    const app = createApp({ logger, middlewares: [errorsToJson] });
    app.router.add('GET', '/boom', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      await ws.receive();
      throw new Error('boom');
    });
    app.router.add('GET', '/other', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      await ws.receive();
      return text('not a websocket'); // returned instead of the websocket
    });
    client = await new TestClient(app).start();
    for (const path of ['/boom', '/other']) {
      const ws = await client.ws(path);
      await ws.sendStr('go');
      // HTTP bytes after the 101 would read as frames with bad opcodes: the client would close with 1002
      expect({ path, closed: await ws.closed }).toEqual({ path, closed: { code: 1011, reason: 'Internal Server Error' } });
      expect((await ws.receive()).type).toBe('close'); // and no message before it
    }
  });

  test('close() with a backlog no one reads (reading paused) completes at once, not after closeTimeout', async () => {
    const app = createApp({ logger });
    let took = -1;
    let release!: () => void;
    const busy = new Promise<void>((resolve) => (release = resolve));
    app.router.add('GET', '/busy', async (request) => {
      const ws = new WebSocketResponse({ closeTimeout: 5_000 });
      await ws.prepare(request);
      await busy; // not reading while the client sends
      const started = Date.now();
      await ws.close({ code: 1000, message: 'done' });
      took = Date.now() - started;
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/busy');
    for (let i = 0; i < 100; i++) await ws.sendStr(`m${i}`);
    await sleep(100); // over 64 queued: the server paused reading
    release();
    expect(await ws.closed).toEqual({ code: 1000, reason: 'done' });
    await waitFor(() => took >= 0);
    expect(took).toBeLessThan(2_000);
  });

  test("after the peer's close frame, a send rejects with WEFT_ERR_WS_CLOSED instead of being dropped", async () => {
    const app = createApp({ logger });
    let outcome: unknown;
    app.router.add('GET', '/late', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      await ws.receive(); // 'go'
      await sleep(200); // meanwhile the peer sends its close frame and keeps the connection open
      outcome = await ws.sendStr('too late').then(
        () => 'sent',
        (err: WeftError) => err.code,
      );
      return ws;
    });
    client = await new TestClient(app).start();
    const raw = await rawWebSocket(client, '/late', true);
    raw.socket.write(frame(0x1, Buffer.from('go')));
    raw.socket.write(frame(0x8, Buffer.from([0x03, 0xe8]))); // close 1000, and the TCP connection stays open
    await waitFor(() => outcome !== undefined);
    expect(outcome).toBe('WEFT_ERR_WS_CLOSED');
    expect(raw.received()).not.toContain('too late');
    raw.socket.destroy();
  });

  test.each([
    ['text that is not UTF-8', 1007, frame(0x1, Buffer.from([0xc3, 0x28]))],
    ['an unmasked frame', 1002, Buffer.from([0x81, 0x02, 0x68, 0x69])],
    ['a reserved opcode', 1002, frame(0x3, Buffer.from('x'))],
  ])("after the peer's protocol error (%s), closeCode is the code sent: %d", async (_what, code, bad) => {
    const app = createApp({ logger });
    const codes: Array<number | null> = [];
    app.router.add('GET', '/strict', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      for await (const message of ws) void message;
      codes.push(ws.closeCode);
      return ws;
    });
    client = await new TestClient(app).start();
    const raw = await rawWebSocket(client, '/strict');
    raw.socket.write(bad);
    await waitFor(() => codes.length === 1);
    expect(codes).toEqual([code]);
    raw.socket.destroy();
  });

  test("after the peer's compressed data that does not inflate, closeCode is the code sent: 1007", async () => {
    const app = createApp({ logger });
    const codes: Array<number | null> = [];
    app.router.add('GET', '/deflate', async (request) => {
      const ws = new WebSocketResponse({ compress: true });
      await ws.prepare(request);
      for await (const message of ws) void message;
      codes.push(ws.closeCode);
      return ws;
    });
    client = await new TestClient(app).start();
    const port = (client.server.address() as import('node:net').AddressInfo).port;
    const socket = (await import('node:net')).connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.write(
      'GET /deflate HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n',
    );
    await waitFor(() => received.includes('\r\n\r\n'));
    expect(received.toString('latin1')).toMatch(/Sec-WebSocket-Extensions: permessage-deflate/);
    const head = received.indexOf('\r\n\r\n') + 4;
    // a text frame with RSV1 (compressed) whose payload is no deflate stream
    const bad = frame(0x1, Buffer.from([1, 2, 3, 4, 5, 6, 7]));
    bad[0] |= 0x40;
    socket.write(bad);
    await waitFor(() => codes.length === 1);
    // the close frame that went out: 0x88, length 2, code 1007
    expect([...received.subarray(head, head + 4)]).toEqual([0x88, 0x02, 0x03, 0xef]);
    expect(codes).toEqual([1007]);
    socket.destroy();
  });

  test("after the peer's close frame, a peer that keeps its connection open is dropped after closeTimeout (not ws's 30 s)", async () => {
    const app = createApp({ logger });
    const ended: Array<{ code: number | null; ms: number }> = [];
    app.router.add('GET', '/halfopen', async (request) => {
      const ws = new WebSocketResponse({ closeTimeout: 300 });
      await ws.prepare(request);
      const start = Date.now();
      for await (const message of ws) void message;
      ended.push({ code: ws.closeCode, ms: Date.now() - start });
      return ws;
    });
    client = await new TestClient(app).start();
    const raw = await rawWebSocket(client, '/halfopen', true); // never closes its side
    raw.socket.write(frame(0x8, Buffer.from([0x0f, 0xa1]))); // close 4001
    await waitFor(() => ended.length === 1, 3_000);
    expect(ended[0].code).toBe(4001);
    expect(ended[0].ms).toBeLessThan(2_000);
    raw.socket.destroy();
  });

  test('an upgrade pipelined behind a request still being answered is served after it, not a crash of the process', async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/slow', async () => {
      await sleep(50);
      return text('slow');
    });
    app.router.add('GET', '/echo', echo);
    client = await new TestClient(app).start();
    const port = (client.server.address() as import('node:net').AddressInfo).port;
    const net = await import('node:net');
    const upgrade = 'GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    const open = (first: string): { socket: import('node:net').Socket; received: () => string } => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.on('error', () => undefined);
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.write(first + upgrade); // one write: node parses both before /slow answers
      return { socket, received: () => received };
    };
    // ServerResponse.assignSocket threw ERR_HTTP_SOCKET_ASSIGNED out of the 'upgrade' event
    const a = open('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => a.received().includes('101 Switching Protocols'));
    a.socket.write(frame(0x1, Buffer.from('hi')));
    await waitFor(() => a.received().includes('echo: hi'));
    expect(a.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nslowHTTP\/1\.1 101 Switching Protocols\r\n/);
    a.socket.destroy();
    // two requests ahead: once the first is out, node hands the socket to the second, and the
    // upgrade waits for that one too
    const two = open('GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => two.received().includes('101 Switching Protocols'));
    expect(two.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nslowHTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nslowHTTP\/1\.1 101 Switching Protocols\r\n/);
    two.socket.destroy();
    // the request ahead asks to close the connection: it closes, and the process lives on
    const b = open('GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await new Promise((resolve) => b.socket.on('close', resolve));
    expect(b.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*slow/);
    expect((await client.get('/slow')).status).toBe(200);
  });

  test('frames sent in the same write as the handshake are delivered, and a malformed one is a 1002, not a crash of the process', async () => {
    const app = createApp({ logger });
    const seen: string[] = [];
    let closeCode: number | null = null;
    app.router.add('GET', '/early', async (request) => {
      const ws = new WebSocketResponse({ maxMsgSize: 1000 });
      await ws.prepare(request);
      for await (const message of ws) seen.push(message.type === 'text' ? message.data : message.type);
      closeCode = ws.closeCode;
      return ws;
    });
    client = await new TestClient(app).start();
    const good = await rawWebSocket(client, '/early', false, Buffer.concat([frame(0x1, Buffer.from('first')), frame(0x1, Buffer.from('second'))]));
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['first', 'second']);
    good.socket.destroy();
    await waitFor(() => closeCode !== null);
    seen.length = 0;
    closeCode = null;
    // an unmasked frame: ws's 'error' came before a listener was attached, and ended the process
    const bad = await rawWebSocket(client, '/early', false, Buffer.from([0x81, 0x02, 0x68, 0x69]));
    await waitFor(() => closeCode !== null);
    expect([seen, closeCode]).toEqual([['error'], 1002]);
    bad.socket.destroy();
  });

  test('a send waiting for a slow peer rejects with WEFT_ERR_WS_CLOSED when the connection drops', async () => {
    const app = createApp({ logger });
    let outcome: unknown;
    let blocked = false;
    let dropped = false;
    app.router.add('GET', '/flood', async (request) => {
      const ws = new WebSocketResponse({ highWaterMark: 64 * 1024 });
      await ws.prepare(request);
      const chunk = 'x'.repeat(100);
      try {
        // The peer never reads, so sends start to wait. While they go through, this loop never
        // yields to other tasks, so the test's destroy() lands while a send waits: that one
        // must reject (it resolved, though nothing was delivered).
        for (let i = 0; i < 2_000_000; i++) {
          let settled = false;
          const sent = ws.sendStr(chunk).finally(() => (settled = true));
          await Promise.resolve();
          if (!settled) blocked = true;
          await sent;
          if (dropped) {
            outcome = 'a send waiting when the connection dropped resolved';
            break;
          }
        }
        outcome ??= 'all sent';
      } catch (err) {
        outcome = (err as WeftError).code;
      }
      return ws;
    });
    client = await new TestClient(app).start();
    const raw = await rawWebSocket(client, '/flood');
    raw.socket.pause();
    await waitFor(() => blocked, 20_000);
    dropped = true;
    raw.socket.destroy();
    await waitFor(() => outcome !== undefined);
    expect(outcome).toBe('WEFT_ERR_WS_CLOSED');
  }, 30_000);

  test('sendJson rejects (never throws) for what JSON cannot hold; ping after close throws WEFT_ERR_WS_CLOSED', async () => {
    const app = createApp({ logger });
    const outcomes: unknown[] = [];
    app.router.add('GET', '/json', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      for (const value of [10n, cycle, undefined]) {
        try {
          outcomes.push(await ws.sendJson(value).then(() => 'sent', (err: Error) => (err as WeftError).code ?? err.name));
        } catch {
          outcomes.push('threw synchronously');
        }
      }
      await ws.close();
      try {
        ws.ping();
        outcomes.push('pinged');
      } catch (err) {
        outcomes.push((err as WeftError).code);
      }
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/json');
    await ws.closed;
    await waitFor(() => outcomes.length === 4);
    expect(outcomes).toEqual(['TypeError', 'TypeError', 'WEFT_ERR_INVALID_BODY', 'WEFT_ERR_WS_CLOSED']);
  });

  test('a graceful stop waits for a peer that never answers the close frame no longer than shutdownTimeout', async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/stuck', async (request) => {
      const ws = new WebSocketResponse(); // closeTimeout 10 s by default
      await ws.prepare(request);
      for await (const message of ws) void message;
      return ws;
    });
    const runner = new AppRunner(app, { shutdownTimeout: 300, accessLog: null });
    await runner.setup();
    const site = await runner.addSite(new TCPSite(runner, { host: '127.0.0.1', port: 0 }));
    const raw = await rawWebSocket(site.port, '/stuck', true); // reads, never answers the close
    const started = Date.now();
    await runner.cleanup();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(raw.received()).toContain('Server shutdown');
    raw.socket.destroy();
  });

  test('a handshake with an unsupported Sec-WebSocket-Version is a 400 naming the versions spoken (RFC 6455 4.4)', async () => {
    client = await new TestClient(echoApp()).start();
    const { port } = client.server.address() as import('node:net').AddressInfo;
    const socket = (await import('node:net')).connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write('GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\n\r\n');
    await waitFor(() => received.includes('\r\n\r\n'));
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(received).toMatch(/\r\nSec-WebSocket-Version: 13, 8\r\n/i);
    socket.destroy();
  });

  test('receive(timeout) rejects with WEFT_ERR_WS_TIMEOUT when the peer is silent; the websocket stays usable', async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/idle', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      const first = await ws.receiveStr(50).catch((err: WeftError) => err.code);
      await ws.sendStr(String(first));
      await ws.sendStr(await ws.receiveStr(2_000));
      await expect(ws.receive(-1)).rejects.toMatchObject({ code: 'WEFT_ERR_WS_OPTIONS' });
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/idle');
    expect(await ws.receiveStr()).toBe('WEFT_ERR_WS_TIMEOUT');
    await ws.sendStr('hello');
    expect(await ws.receiveStr()).toBe('hello');
    expect((await ws.closed).code).toBe(1000);
  });

  test.each(['socket', 'inject'] as const)('a middleware refuses the upgrade with a normal HTTP response (401 with a body), %s transport', async (transport) => {
    const auth: Middleware = async (request, next) => {
      if (request.headers.get('authorization') !== 'Bearer ok') throw new HTTPUnauthorized({ text: 'who are you?', headers: { 'WWW-Authenticate': 'Bearer' } });
      return next();
    };
    const app = createApp({ middlewares: [auth], logger });
    app.router.add('GET', '/echo', echo);
    client = await new TestClient(app, { transport }).start();
    const refused = await client.ws('/echo').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WebSocketRefused);
    expect(refused).toMatchObject({ status: 401, body: 'who are you?', headers: { 'www-authenticate': 'Bearer', connection: 'close' } });
    const ws = await client.ws('/echo', { headers: { Authorization: 'Bearer ok' } });
    await ws.sendStr('hi');
    expect(await ws.receiveStr()).toBe('echo: hi');
  });

  test('docs/websockets.md, "Checking the Origin": the middleware refuses a foreign page (403), lets the app\'s own and a client without Origin through', async () => {
    const app = createApp({ logger });
    // as written in docs/websockets.md
    const ALLOWED = new Set(['https://app.example.com']);
    app.middlewares.push((request, next) => {
      const origin = request.headers.get('origin');
      if (request.headers.get('upgrade')?.toLowerCase() === 'websocket' && origin !== undefined && !ALLOWED.has(origin)) {
        throw new HTTPForbidden({ text: 'origin not allowed' });
      }
      return next();
    });
    app.router.add('GET', '/echo', echo);
    client = await new TestClient(app).start();
    const refused = await client.ws('/echo', { headers: { Origin: 'https://evil.example' } }).catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 403, body: 'origin not allowed' });
    for (const headers of [{ Origin: 'https://app.example.com' }, {}] as Array<Record<string, string>>) {
      const ws = await client.ws('/echo', { headers });
      await ws.sendStr('hi');
      expect(await ws.receiveStr()).toBe('echo: hi');
      await ws.close();
    }
  });

  test.each(['socket', 'inject'] as const)('an upgrade to an unknown path gets 404; a plain request to a websocket route gets 400, %s transport', async (transport) => {
    client = await new TestClient(echoApp(), { transport }).start();
    await expect(client.ws('/nowhere')).rejects.toMatchObject({ status: 404, body: '404: Not Found' });
    const plain = await client.get('/echo');
    expect(plain.status).toBe(400);
    expect(plain.text).toMatch(/this resource is a websocket/);
    // the server still serves websockets after both
    const ws = await client.ws('/echo');
    await ws.sendStr('still');
    expect(await ws.receiveStr()).toBe('echo: still');
  });

  test('a second concurrent receive() rejects with a coded error; sending from another task works', async () => {
    const errors: unknown[] = [];
    const app = createApp({ logger });
    app.router.add('GET', '/two-readers', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      const first = ws.receive();
      errors.push(await ws.receive().catch((err: unknown) => err));
      // another task writes while the reader waits
      setTimeout(() => void ws.sendStr('from a timer'), 5);
      const msg = await first;
      await ws.sendStr(`first got ${msg.type === 'text' ? msg.data : msg.type}`);
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/two-readers');
    expect(await ws.receiveStr()).toBe('from a timer');
    await ws.sendStr('x');
    expect(await ws.receiveStr()).toBe('first got x');
    expect(errors[0]).toBeInstanceOf(WeftError);
    expect(errors[0]).toMatchObject({ code: 'WEFT_ERR_WS_CONCURRENT_RECEIVE' });
    expect((errors[0] as Error).message).toMatch(/another receive\(\) on this websocket is still waiting/);
  });

  test('a peer that does not answer heartbeat pings is dropped (1006, error message first)', async () => {
    const messages: WebSocketMessage[] = [];
    const closeCodes: Array<number | null> = [];
    const app = createApp({ logger });
    app.router.add('GET', '/beat', async (request) => {
      const ws = new WebSocketResponse({ heartbeat: 60 });
      await ws.prepare(request);
      for (;;) {
        const msg = await ws.receive();
        messages.push(msg);
        if (msg.type === 'close') break;
      }
      closeCodes.push(ws.closeCode);
      return ws;
    });
    client = await new TestClient(app).start();
    const alive = await client.ws('/beat');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(messages).toEqual([]); // pings were answered: still open
    await alive.close();
    await waitFor(() => closeCodes.length === 1);
    messages.length = 0;

    const mute = await client.ws('/beat', { autoPong: false });
    expect((await mute.closed).code).toBe(1006);
    await waitFor(() => closeCodes.length === 2);
    expect(closeCodes[1]).toBe(1006);
    expect(messages[0]).toMatchObject({ type: 'error', data: { code: 'WEFT_ERR_WS_HEARTBEAT' } });
    expect(messages[1]).toMatchObject({ type: 'close', data: 1006 });
  });

  test('a message over maxMsgSize closes the connection with 1009', async () => {
    const closeCodes: Array<number | null> = [];
    const app = createApp({ logger });
    app.router.add('GET', '/small', async (request) => {
      const ws = new WebSocketResponse({ maxMsgSize: 16 });
      await ws.prepare(request);
      for await (const msg of ws) if (msg.type === 'text') await ws.sendStr(msg.data);
      closeCodes.push(ws.closeCode);
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/small');
    await ws.sendStr('x'.repeat(16));
    expect(await ws.receiveStr()).toBe('x'.repeat(16));
    await ws.sendStr('x'.repeat(17));
    expect((await ws.closed).code).toBe(1009);
    await waitFor(() => closeCodes.length === 1);
    expect(closeCodes).toEqual([1009]);
  });

  test('onResponsePrepare sees the 101 and may add headers to it', async () => {
    const statuses: number[] = [];
    const app = createApp({ logger });
    app.onResponsePrepare.push((_request, response) => {
      statuses.push(response.status);
      response.headers.set('X-Seen', 'yes');
    });
    app.router.add('GET', '/echo', echo);
    client = await new TestClient(app).start();
    const ws = await client.ws('/echo');
    expect(statuses).toEqual([101]);
    expect(ws.headers['x-seen']).toBe('yes');
    await ws.close();
    await client.ws('/nowhere').catch(() => undefined);
    expect(statuses).toEqual([101, 404]);
  });

  test('subprotocol negotiation picks the first server protocol the client offers', async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/proto', async (request) => {
      const ws = new WebSocketResponse({ protocols: ['chat.v2', 'chat.v1'] });
      await ws.prepare(request);
      await ws.sendStr(String(ws.protocol));
      return ws;
    });
    client = await new TestClient(app).start();
    const both = await client.ws('/proto', { protocols: ['chat.v1', 'chat.v2'] });
    expect(both.protocol).toBe('chat.v2');
    expect(await both.receiveStr()).toBe('chat.v2');
    // none in common: the server agrees on none (the ws client then gives up, as RFC 6455 allows)
    const none = await client.ws('/proto');
    expect(none.protocol).toBeNull();
    expect(await none.receiveStr()).toBe('null');
    await expect(client.ws('/proto', { protocols: ['other'] })).rejects.toThrow(
      /^WEFT_ERR_WS_HANDSHAKE: the websocket handshake with ws:\/\/127\.0\.0\.1:\d+\/proto failed: the server chose none of \["other"\] and the ws client refuses that/,
    );
  });

  test('@WebSocket controller routes get one request scope per connection, disposed when the handler returns', async () => {
    const events: string[] = [];
    let made = 0;
    @Injectable({ scope: 'request' })
    class Session {
      readonly id = ++made;
      [Symbol.dispose](): void {
        events.push(`dispose ${this.id}`);
      }
    }
    @Controller('/live')
    class LiveController {
      constructor(private readonly session: Session) {}

      @WebSocket('/ws', { protocols: ['live'] })
      async live(ws: WebSocketResponse): Promise<void> {
        for await (const msg of ws) if (msg.type === 'text') await ws.sendJson({ session: this.session.id, echo: msg.data, protocol: ws.protocol });
        events.push(`handler ${this.session.id} done`);
      }
    }
    const app = createApp({ controllers: [LiveController], providers: [Session], logger });
    client = await new TestClient(app).start();
    const a = await client.ws('/live/ws', { protocols: ['live'] });
    const b = await client.ws('/live/ws');
    await a.sendStr('1');
    await b.sendStr('2');
    await a.sendStr('3');
    expect(await a.receiveJson()).toEqual({ session: 1, echo: '1', protocol: 'live' });
    expect(await b.receiveJson()).toEqual({ session: 2, echo: '2', protocol: null });
    expect(await a.receiveJson()).toEqual({ session: 1, echo: '3', protocol: 'live' });
    await a.close();
    await waitFor(() => events.length === 2);
    expect(events).toEqual(['handler 1 done', 'dispose 1']);
    const plain = await client.get('/live/ws');
    expect(plain.status).toBe(400);
  });

  test('a bad option is a coded error: at construction, or at startup naming the @WebSocket method', async () => {
    expect(() => new WebSocketResponse({ maxMsgSize: -1 })).toThrow(/WEFT_ERR_WS_OPTIONS: maxMsgSize must be a non-negative number, got -1/);
    expect(() => new WebSocketResponse({ protocols: ['a b'] })).toThrow(/WEFT_ERR_WS_OPTIONS: protocols must be an array of tokens/);
    @Controller('/bad')
    class BadController {
      @WebSocket('/ws', { heartbeat: Number.NaN })
      live(): void {}
    }
    const app = createApp({ controllers: [BadController], logger });
    await expect(app.startup()).rejects.toThrow(/WEFT_ERR_WS_OPTIONS: BadController\.live: heartbeat must be a non-negative number, got NaN/);
  });

  test('close() refuses a code a server may not send; sending after close is a coded error', async () => {
    const errors: unknown[] = [];
    const app = createApp({ logger });
    app.router.add('GET', '/strict', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      errors.push(await ws.close({ code: 1005 }).catch((err: unknown) => err));
      await ws.close({ code: 1000 });
      errors.push(await ws.sendStr('late').catch((err: unknown) => err));
      errors.push(await ws.close());
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/strict');
    expect((await ws.closed).code).toBe(1000);
    await waitFor(() => errors.length === 3);
    expect(errors[0]).toMatchObject({ code: 'WEFT_ERR_WS_OPTIONS' });
    expect((errors[0] as Error).message).toMatch(/cannot close with code 1005/);
    expect(errors[1]).toMatchObject({ code: 'WEFT_ERR_WS_CLOSED', message: 'WEFT_ERR_WS_CLOSED: cannot send: the websocket is closed' });
    expect(errors[2]).toBe(false);
  });

  test('close() refuses a fractional code, and a code it may not send after the peer\'s close frame arrived', async () => {
    const results: Record<string, unknown> = {};
    const app = createApp({ logger });
    app.router.add('GET', '/fraction', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      // ws sent 1000.5 as 1000 and closeCode said 1000.5
      results.fraction = await ws.close({ code: 1000.5 }).catch((err: unknown) => err);
      return ws;
    });
    app.router.add('GET', '/late', async (request) => {
      const ws = new WebSocketResponse({ closeTimeout: 200 });
      await ws.prepare(request);
      await sleep(100); // the peer's close frame arrives meanwhile (its connection stays half-open): ws checks no code then
      results.late = await ws.close({ code: 1005 }).catch((err: unknown) => err);
      results.lateCode = ws.closeCode;
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/fraction');
    await waitFor(() => 'fraction' in results);
    await ws.close();
    const raw = await rawWebSocket(client, '/late', true);
    raw.socket.write(frame(0x8, Buffer.from([0x0f, 0xa1]))); // close 4001
    await waitFor(() => 'lateCode' in results);
    raw.socket.destroy();
    expect(results.fraction).toMatchObject({ code: 'WEFT_ERR_WS_OPTIONS', message: expect.stringMatching(/cannot close with code 1000\.5/) });
    expect(results.late).toMatchObject({ code: 'WEFT_ERR_WS_OPTIONS', message: expect.stringMatching(/cannot close with code 1005/) });
    expect(results.lateCode).not.toBe(1005);
  });

  test('send backpressure: past highWaterMark, sendStr waits until the slow client reads', async () => {
    const progress = { sent: 0, done: false };
    const total = 400;
    const app = createApp({ logger });
    app.router.add('GET', '/flood', async (request) => {
      const ws = new WebSocketResponse({ highWaterMark: 64 * 1024 });
      await ws.prepare(request);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < total; i++) {
        await ws.sendStr(chunk);
        progress.sent++;
      }
      progress.done = true;
      return ws;
    });
    client = await new TestClient(app).start();
    const ws = await client.ws('/flood');
    ws.raw.pause();
    await sleep(300);
    const stalled = progress.sent;
    expect(stalled).toBeLessThan(total); // 25 MiB do not fit in the socket buffers
    await sleep(100);
    expect(progress.sent).toBe(stalled);
    ws.raw.resume();
    for (let i = 0; i < total; i++) expect((await ws.receiveStr()).length).toBe(64 * 1024);
    expect(progress.done).toBe(true);
    expect((await ws.closed).code).toBe(1000);
  });

  test('permessage-deflate is negotiated only when the route opts in', async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/deflate', async (request) => {
      const ws = new WebSocketResponse({ compress: true });
      await ws.prepare(request);
      for await (const msg of ws) if (msg.type === 'text') await ws.sendStr(msg.data);
      return ws;
    });
    app.router.add('GET', '/echo', echo);
    client = await new TestClient(app).start();
    const deflated = await client.ws('/deflate', { compress: true });
    expect(deflated.headers['sec-websocket-extensions']).toMatch(/^permessage-deflate/);
    await deflated.sendStr('y'.repeat(10_000));
    expect(await deflated.receiveStr()).toBe('y'.repeat(10_000));
    const plain = await client.ws('/echo', { compress: true });
    expect(plain.headers['sec-websocket-extensions']).toBeUndefined();
  });

  test('a Broadcaster forwards a room to every websocket in it, and forgets closed ones', async () => {
    const backend = new InMemoryPubSub();
    const broadcaster = new Broadcaster({ backend });
    const app = createApp({ logger });
    app.router.add('GET', '/rooms/{room}', async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      const room = `room:${request.params.room}`;
      await broadcaster.forward(room, ws);
      await ws.sendStr('joined');
      for await (const msg of ws) if (msg.type === 'text') await broadcaster.publish(room, msg.data);
      return ws;
    });
    app.onCleanup.push(() => broadcaster.close());
    client = await new TestClient(app).start();
    const alice = await client.ws('/rooms/a');
    const bob = await client.ws('/rooms/a');
    const carol = await client.ws('/rooms/b');
    for (const ws of [alice, bob, carol]) expect(await ws.receiveStr()).toBe('joined');
    await alice.sendStr('hi all');
    expect(await alice.receiveStr()).toBe('hi all');
    expect(await bob.receiveStr()).toBe('hi all');
    expect(backend.subscriberCount('room:a')).toBe(2);
    await bob.close();
    await waitFor(() => backend.subscriberCount('room:a') === 1);
    await alice.sendStr('bob left');
    expect(await alice.receiveStr()).toBe('bob left');
    await carol.sendStr('other room');
    expect(await carol.receiveStr()).toBe('other room');
    await expect(alice.receive(100)).rejects.toThrow('WEFT_ERR_WS_TIMEOUT: no websocket message within 100 ms');
  });

  test("TestClient.close() closes open websockets with 1001 after the app's onShutdown", async () => {
    const events: string[] = [];
    const app = echoApp();
    app.onShutdown.push(() => {
      events.push('shutdown');
    });
    const own = await new TestClient(app).start();
    const ws = await own.ws('/echo');
    const closed = ws.closed.then((c) => events.push(`closed ${c.code} ${c.reason}`));
    await own.close();
    await closed;
    expect(events).toEqual(['shutdown', 'closed 1001 Server shutdown']);
  });

  test('with handlerCancellation, a handler still running after the peer closed its websocket is cancelled, and the reason says the websocket closed', async () => {
    const reasons: string[] = [];
    const app = createApp({ logger });
    app.router.add('GET', '/ws', async (request: Request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      for await (const msg of ws) void msg;
      // the peer closed (its signal aborts as the connection closes, before the loop ends): the
      // handler goes on (say, saving the session) and is cancelled
      await sleep(10_000, request.signal).catch(() => reasons.push((request.signal.reason as Error).message));
      return ws;
    });
    const own = await new TestClient(app, { runner: { handlerCancellation: true } }).start();
    try {
      const ws = await own.ws('/ws');
      await ws.close();
      while (reasons.length === 0) await sleep(5);
      expect(reasons).toEqual(['WEFT_ERR_CLIENT_GONE: the websocket connection closed while its handler still ran: the handler is cancelled']);
    } finally {
      await own.close();
    }
  });

  test('websocket routes in a mounted sub-app run the parent and sub-app middlewares', async () => {
    const seen: string[] = [];
    const tag =
      (name: string): Middleware =>
      async (request, next) => {
        seen.push(`${name} ${request.path}`);
        return next();
      };
    const admin = createApp({ middlewares: [tag('admin')], logger });
    admin.router.add('GET', '/live', echo);
    const app = createApp({ middlewares: [tag('root')], logger });
    app.mount('/admin/', admin);
    client = await new TestClient(app).start();
    const ws = await client.ws('/admin/live');
    await ws.sendStr('x');
    expect(await ws.receiveStr()).toBe('echo: x');
    expect(seen).toEqual(['root /admin/live', 'admin /admin/live']);
  });
});

/** A masked client frame (FIN set) with a payload under 126 bytes. */
function frame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]))]);
}

/**
 * A websocket handshake over a raw socket, for frames no client library sends. With
 * `allowHalfOpen`, the server's FIN after a closing handshake does not end this side.
 */
async function rawWebSocket(
  client: TestClient | number,
  path: string,
  allowHalfOpen = false,
  early: Buffer = Buffer.alloc(0),
): Promise<{ socket: import('node:net').Socket; received: () => string }> {
  const port = typeof client === 'number' ? client : (client.server.address() as import('node:net').AddressInfo).port;
  const socket = (await import('node:net')).connect({ port, host: '127.0.0.1', allowHalfOpen });
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  // `early`: frames sent in the same write as the handshake, as a client that does not wait for the 101 may
  const handshake = `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  socket.write(Buffer.concat([Buffer.from(handshake), early]));
  await waitFor(() => received.includes('\r\n\r\n'));
  return { socket, received: () => received };
}

async function waitFor(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}
