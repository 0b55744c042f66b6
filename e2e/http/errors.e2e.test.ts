import { once } from 'node:events';
import { type AddressInfo, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HTTPNotFound, StreamResponse, createApp, type Logger, type Request } from 'weft';
import { TestClient } from 'weft/testing';
import { exchange } from './raw-exchange.js';

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

interface Line {
  level: string;
  msg: string;
  err?: unknown;
}

function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void =>
      void lines.push({ level, msg: msg ?? '', err: (obj as { err?: unknown }).err });
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** The lines logged once the response is in and the handler's request has settled. */
async function settled(logger: { lines: Line[] }, count: number): Promise<Line[]> {
  const deadline = Date.now() + 5000;
  while (logger.lines.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50)); // a second line would come now
  return logger.lines;
}

describe('errors: logged once, never a crash', () => {
  test('an onResponsePrepare handler that throws: the client gets a 500 (sent without the handlers), the error is logged once', async () => {
    const logger = recordingLogger();
    const app = createApp({ logger });
    app.onResponsePrepare.push((request) => {
      if (request.path === '/fails') throw new Error('prepare failed');
    });
    app.router.add('GET', '/fails', () => 'never sent');
    app.router.add('GET', '/ok', () => 'ok');
    const client = await new TestClient(app, { timeout: 5000 }).start();
    try {
      const res = await client.get('/fails');
      expect([res.status, res.text]).toEqual([500, '500: Internal Server Error']);
      expect((await client.get('/ok')).text).toBe('ok');
      expect(logger.lines.map((line) => line.msg)).toEqual(['unhandled error in request handler']);
    } finally {
      await client.close();
    }
  });

  test('debug mode shows a thrown value String() cannot convert (a null-prototype object) instead of crashing', async () => {
    const logger = recordingLogger();
    const app = createApp({ debug: true, logger });
    app.router.add('GET', '/x', () => {
      throw Object.assign(Object.create(null) as object, { code: 'E_PAYLOAD' });
    });
    app.router.add('GET', '/s', () => {
      throw 'a thrown string';
    });
    const client = await new TestClient(app, { timeout: 5000 }).start();
    try {
      const res = await client.get('/x');
      expect([res.status, res.text]).toEqual([500, "500: Internal Server Error\n\n[Object: null prototype] { code: 'E_PAYLOAD' }"]);
      expect((await client.get('/s')).text).toBe('500: Internal Server Error\n\na thrown string');
      expect(logger.lines.map((line) => line.msg)).toEqual(['unhandled error in request handler', 'unhandled error in request handler']);
    } finally {
      await client.close();
    }
  });

  test("debug mode's 500 body shows the error's cause chain, as the log has it", async () => {
    const logger = recordingLogger();
    const app = createApp({ debug: true, logger });
    app.router.add('GET', '/x', () => {
      const refused = new Error('connect ECONNREFUSED 127.0.0.1:5432');
      throw new Error('cannot load notes', { cause: new Error('query failed', { cause: refused }) });
    });
    const client = await new TestClient(app, { timeout: 5000 }).start();
    try {
      const res = await client.get('/x');
      expect(res.status).toBe(500);
      expect(res.text).toMatch(/^500: Internal Server Error\n\nError: cannot load notes\n {4}at /);
      expect(res.text).toMatch(/\n {2}\[cause\]: Error: query failed\n/);
      expect(res.text).toMatch(/\n {4}\[cause\]: Error: connect ECONNREFUSED 127\.0\.0\.1:5432\n/);
    } finally {
      await client.close();
    }
  });

  test("debug mode's 500 body shows an AggregateError's errors, as the log has them", async () => {
    const app = createApp({ debug: true, logger: recordingLogger() });
    app.router.add('GET', '/all', () => Promise.any([Promise.reject(new Error('replica a down')), Promise.reject(new Error('replica b down'))]));
    const client = await new TestClient(app, { timeout: 5000 }).start();
    try {
      const res = await client.get('/all');
      expect(res.status).toBe(500);
      // Promise.any's AggregateError has no stack of its own: inspect shows its message in brackets
      expect(res.text).toMatch(/^500: Internal Server Error\n\n\[AggregateError: All promises were rejected\] \{\n/);
      expect(res.text).toMatch(/\[errors\]: \[\n {4}Error: replica a down\n/);
      expect(res.text).toMatch(/\n {4}Error: replica b down\n/);
    } finally {
      await client.close();
    }
  });

  test('a thrown value that throws when looked at (a throwing stack getter, a revoked Proxy) is still a 500 and one line, in debug mode too', async () => {
    const lines = recordingLogger();
    // pino's error serialiser reads the stack and the message
    const serialising = (level: 'error' | 'info') => (obj: object, msg?: string) => {
      const err = (obj as { err?: unknown }).err;
      if (err instanceof Error) void [err.stack, err.message];
      lines[level](obj, msg);
    };
    const logger: Logger = { ...lines, error: serialising('error'), info: serialising('info') };
    const app = createApp({ debug: true, logger });
    app.router.add('GET', '/stack', () => {
      const err = new Error('x');
      Object.defineProperty(err, 'stack', {
        get() {
          throw new Error('no stack');
        },
      });
      throw err;
    });
    app.router.add('GET', '/revoked', () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      throw proxy;
    });
    const client = await new TestClient(app, { timeout: 5000 }).start();
    try {
      for (const path of ['/stack', '/revoked']) expect((await client.get(path)).text).toBe('500: Internal Server Error');
      expect(lines.lines.map((line) => line.msg)).toEqual([
        'unhandled error in request handler (the thrown value cannot be read)',
        'unhandled error in request handler (the thrown value cannot be read)',
      ]);
    } finally {
      await client.close();
    }
  });

  test('a rejection without a reason is logged saying so: the line has no err field to show it (pino drops undefined)', async () => {
    const lines = recordingLogger();
    const app = createApp({ logger: lines });
    app.router.add('GET', '/undefined', () => Promise.reject(undefined));
    const client = await new TestClient(app, { timeout: 5000 }).start();
    try {
      expect((await client.get('/undefined')).status).toBe(500);
      expect(lines.lines.map((line) => line.msg)).toEqual(['unhandled error in request handler: undefined was thrown (a promise rejected without a reason, or throw undefined)']);
    } finally {
      await client.close();
    }
  });

  test('a route serializer, or a toJSON of its own, writes any instance: a Map is refused only when JSON would lose it', async () => {
    const app = createApp({ logger: recordingLogger() });
    app.router.add('GET', '/serialized', () => new Map([['a', 1]]), { serializer: (data: Map<string, number>) => JSON.stringify(Object.fromEntries(data)) });
    class Registry extends Map<string, number> {
      toJSON() {
        return Object.fromEntries(this);
      }
    }
    app.router.add('GET', '/to-json', () => new Registry([['b', 2]]));
    const client = await new TestClient(app).start();
    try {
      expect((await client.get('/serialized')).json()).toEqual({ a: 1 });
      expect((await client.get('/to-json')).json()).toEqual({ b: 2 });
    } finally {
      await client.close();
    }
  });

  test('a returned Error is the handler failing (500, logged once), not 200 {}; a fetch Response, a Map or a Set is WEFT_ERR_INVALID_BODY', async () => {
    const logger = recordingLogger();
    const app = createApp({ logger });
    const failure = new Error('returned, not thrown');
    app.router.add('GET', '/error', () => failure);
    app.router.add('GET', '/async-error', async () => failure);
    app.router.add('GET', '/fetch', () => new globalThis.Response('made', { status: 201 }));
    app.router.add('GET', '/map', () => new Map([['a', 1]]));
    app.router.add('GET', '/set', () => new Set([1]));
    class Dto {
      constructor(readonly id: number) {}
    }
    app.router.add('GET', '/instance', () => new Dto(7));
    app.router.add('GET', '/http-error', () => new HTTPNotFound({ text: 'returned 404' }));
    const client = await new TestClient(app).start();
    try {
      for (const path of ['/error', '/async-error', '/fetch', '/map', '/set']) {
        const res = await client.get(path);
        expect([path, res.status, res.text]).toEqual([path, 500, '500: Internal Server Error']);
      }
      expect((await client.get('/instance')).json()).toEqual({ id: 7 });
      expect((await client.get('/http-error')).text).toBe('returned 404');
      const errors = logger.lines.filter((line) => line.level === 'error');
      expect(errors.map((line) => (line.err as Error).message)).toEqual([
        'returned, not thrown',
        'returned, not thrown',
        expect.stringContaining("WEFT_ERR_INVALID_BODY: a handler returned a fetch (WHATWG) Response, which would be sent as {}; return weft's Response"),
        'WEFT_ERR_INVALID_BODY: a handler returned a Map, which JSON sends as {}; return Object.fromEntries(map)',
        'WEFT_ERR_INVALID_BODY: a handler returned a Set, which JSON sends as {}; return [...set]',
      ]);
    } finally {
      await client.close();
    }
  });

  test("an error thrown while routing (a predicate, a custom resource) goes to the app's logger, with debug's stack", async () => {
    const logger = recordingLogger();
    const app = createApp({ debug: true, logger });
    app.router.add('GET', '/pred', () => 'a', {
      predicates: [
        () => {
          throw new Error('predicate boom');
        },
      ],
    });
    app.router.addResource({
      resolve() {
        throw new Error('resource boom');
      },
    });
    const client = await new TestClient(app).start();
    try {
      for (const [path, message] of [
        ['/pred', 'predicate boom'],
        ['/other', 'resource boom'],
      ]) {
        const res = await client.get(path);
        expect(res.status).toBe(500);
        expect(res.text).toContain(`Error: ${message}`);
      }
      expect(logger.lines.map((line) => [line.level, line.msg, (line.err as Error).message])).toEqual([
        ['error', 'unhandled error in request handler', 'predicate boom'],
        ['error', 'unhandled error in request handler', 'resource boom'],
      ]);
    } finally {
      await client.close();
    }
  });

  test('a middleware setting request.clientMaxSize to something that is not a size is a 500 naming it, not a body without a limit', async () => {
    const logger = recordingLogger();
    const app = createApp({ logger });
    app.middlewares.push((request, next) => {
      if (request.path === '/typo') request.clientMaxSize = '10mb' as unknown as number;
      if (request.path === '/raised') request.clientMaxSize = 20;
      return next();
    });
    for (const path of ['/typo', '/raised', '/route']) app.router.add('POST', path, async (r: Request) => (await r.text()).length, { clientMaxSize: 10 });
    const client = await new TestClient(app).start();
    try {
      const typo = await client.post('/typo', { body: 'x'.repeat(5) });
      expect([typo.status, typo.text]).toEqual([500, '500: Internal Server Error']);
      expect(logger.lines.map((line) => [line.level, (line.err as Error).message])).toEqual([
        ['error', 'WEFT_ERR_INVALID_OPTION: request.clientMaxSize: clientMaxSize must be a non-negative integer number of bytes (or Infinity), got "10mb"'],
      ]);
      // a valid value set by the middleware wins over the route's; without one, the route's applies
      expect((await client.post('/raised', { body: 'x'.repeat(15) })).json()).toBe(15);
      expect((await client.post('/route', { body: 'x'.repeat(15) })).status).toBe(413);
    } finally {
      await client.close();
    }
  });
});

test('a logger that throws costs no response and crashes nothing: the 500 and the access log line are still handled', async () => {
  const broken = (): void => {
    throw new Error('logger down');
  };
  const logger: Logger = { error: broken, warn: broken, info: broken, debug: broken };
  const app = createApp({ logger });
  app.router.add('GET', '/fails', () => {
    throw new Error('handler failed');
  });
  app.router.add('GET', '/async-fails', async () => {
    throw new Error('handler failed');
  });
  app.router.add('GET', '/ok', () => 'ok');
  // the runner's default access logger writes to the same logger, and logs its own failure there
  const client = await new TestClient(app, { timeout: 3_000, runner: { accessLogFormat: '%s' } }).start();
  try {
    for (const path of ['/fails', '/async-fails', '/ok']) {
      const res = await client.get(path);
      expect([path, res.status]).toEqual([path, path === '/ok' ? 200 : 500]);
    }
    expect((await client.get('/ok')).text).toBe('ok');
  } finally {
    await client.close();
  }
});

describe('a 500 and the requests pipelined behind it: none is run and then dropped', () => {
  const ran: string[] = [];
  let client: TestClient;
  const statusLines = (raw: string): string[] => raw.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? [];
  const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
  const order = 'POST /orders HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc';

  beforeAll(async () => {
    const app = createApp({ logger: recordingLogger() });
    app.router.add('GET', '/fails', () => {
      throw new Error('at once');
    });
    app.router.add('GET', '/fails-later', async () => {
      await sleep(100);
      throw new Error('after the requests behind it were handled');
    });
    app.router.add('GET', '/a', () => {
      ran.push('a');
      return 'a';
    });
    app.router.add('POST', '/orders', async (request: Request) => {
      ran.push(`order ${await request.text()}`);
      return 'created';
    });
    client = await new TestClient(app, { timeout: 5000 }).start();
  });
  afterAll(() => client.close());
  beforeEach(() => (ran.length = 0));

  test('requests already handled behind a failing one are answered: its 500 leaves the connection open for them', async () => {
    const raw = await exchange(client, get('/fails-later') + get('/a') + order);
    expect(statusLines(raw)).toEqual(['HTTP/1.1 500 Internal Server Error', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(raw.split('\r\n\r\n')[0]).not.toMatch(/connection: close/i);
    expect(raw).toMatch(/created$/);
    expect(ran).toEqual(['a', 'order abc']);
  });

  test('requests read after a 500 that closes the connection are not run (node would drop their responses)', async () => {
    const raw = await exchange(client, get('/fails') + get('/a') + order);
    expect(statusLines(raw)).toEqual(['HTTP/1.1 500 Internal Server Error']);
    expect(raw).toMatch(/connection: close/i);
    expect(ran).toEqual([]);
  });
});

describe('errors after a StreamResponse was prepared: one line each, the connection closed', () => {
  let client: TestClient;
  const logger = recordingLogger();
  const prepared = async (request: Request): Promise<StreamResponse> => {
    const stream = new StreamResponse({ headers: { 'content-type': 'text/plain' } });
    await stream.prepare(request);
    await stream.write('partial\n');
    return stream;
  };

  beforeAll(async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/throws', async (request) => {
      await prepared(request);
      throw new Error('after prepare');
    });
    app.router.add('GET', '/http-error', async (request) => {
      await prepared(request);
      throw new HTTPNotFound();
    });
    app.router.add('GET', '/returns-nothing', async (request) => {
      await prepared(request);
    });
    app.router.add('GET', '/ok', async (request) => {
      const stream = await prepared(request);
      await stream.end();
      return stream;
    });
    client = await new TestClient(app).start();
  });
  afterAll(() => client.close());
  beforeEach(() => (logger.lines.length = 0));

  test('a thrown error is logged once (no second "sending the response failed" line)', async () => {
    await expect(client.get('/throws')).rejects.toThrow();
    expect((await settled(logger, 1)).map((line) => [line.level, line.msg, (line.err as Error).message])).toEqual([
      ['error', 'unhandled error in request handler', 'after prepare'],
    ]);
  });

  test('a thrown HttpError, or returning something else than the stream, is one line that says what happened', async () => {
    for (const [path, status] of [
      ['/http-error', 404],
      ['/returns-nothing', 204],
    ] as const) {
      logger.lines.length = 0;
      await expect(client.get(path)).rejects.toThrow();
      expect((await settled(logger, 1)).map((line) => [line.level, line.msg])).toEqual([
        ['error', `a ${status} response came after the handler's StreamResponse was prepared; the connection is closed (return the StreamResponse you prepared)`],
      ]);
    }
  });

  test('a stream returned and ended logs nothing', async () => {
    expect((await client.get('/ok')).text).toBe('partial\n');
    expect(await settled(logger, 0)).toEqual([]);
  });
});

test('a stream that fails after writing: the client gets what was written, the access log the status that went out', async () => {
  const logged: Array<[number, number]> = [];
  const app = createApp({ logger: recordingLogger() });
  const failing = async (request: Request) => {
    const stream = new StreamResponse({ headers: { 'content-type': 'text/plain' } });
    await stream.prepare(request);
    await stream.write('partial\n');
    throw new Error('after a write');
  };
  app.router.add('GET', '/fails', failing);
  // the handler gets a clone (the documented proxy pattern): the same holds
  app.router.add('GET', '/fails-cloned', failing, { middlewares: [(request, next) => next(request.clone({ host: 'example.org' }))] });
  const client = await new TestClient(app, { runner: { accessLog: { log: (_request, response, _ms, bytes) => void logged.push([response.status, bytes]) } } }).start();
  try {
    const { port } = client.server.address() as AddressInfo;
    for (const path of ['/fails', '/fails-cloned']) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await once(socket, 'close');
      expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n8\r\npartial\n\r\n$/);
    }
    await until(() => logged.length === 2);
    expect(logged.map(([status]) => status)).toEqual([200, 200]);
  } finally {
    await client.close();
  }
});

test('a client leaving an event stream is one info line', async () => {
  const logger = recordingLogger();
  const app = createApp({ logger });
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  app.router.add('GET', '/events', async (request) => {
    const stream = new StreamResponse({ headers: { 'content-type': 'text/event-stream' } });
    await stream.prepare(request);
    try {
      for (;;) {
        await stream.write('data: tick\n\n');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      stopped();
    }
  });
  const client = await new TestClient(app).start();
  try {
    const url = new URL('/events', client.baseUrl);
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await done;
    expect((await settled(logger, 1)).map((line) => [line.level, line.msg])).toEqual([['info', 'the client closed the connection before the response was sent']]);
  } finally {
    await client.close();
  }
});
