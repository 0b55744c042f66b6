/**
 * A client that leaves before its response: by default the handler runs on and reads or
 * writes fail with WEFT_ERR_CLIENT_GONE; with `handlerCancellation`, `request.signal`
 * aborts, except for `@Atomic()` routes; `shield()` keeps work going.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppRunner,
  Atomic,
  Controller,
  Post,
  Req,
  StreamResponse,
  TCPSite,
  WeftError,
  createApp,
  shield,
  type AppRunnerOptions,
  type Request,
} from 'weft';
import { openConnection, readResponse, requestText } from './raw-http.js';
import { RecordingLogger } from './test-logger.js';

/** What the handlers saw, per test. */
let saved: string[];
let signals: Map<string, AbortSignal>;
let outcomes: Map<string, string>;
let runner: AppRunner | undefined;

beforeEach(() => {
  saved = [];
  signals = new Map();
  outcomes = new Map();
});

afterEach(async () => {
  await runner?.cleanup();
  runner = undefined;
});

const codeOf = (err: unknown): string => (err instanceof WeftError ? err.code : (err as Error).name);

@Controller('/orders')
class OrdersController {
  /** Must save although the client left: aiohttp's `@atomic` example. */
  @Post('/atomic')
  @Atomic()
  async createAtomic(@Req() request: Request) {
    const order = await request.text();
    signals.set('atomic', request.signal);
    await sleep(300);
    saved.push(`atomic:${order}`);
    return 'saved';
  }

  /** Stops when cancelled: it passes its signal on. */
  @Post('/plain')
  async createPlain(@Req() request: Request) {
    const order = await request.text();
    signals.set('plain', request.signal);
    try {
      await sleep(300, undefined, { signal: request.signal });
      saved.push(`plain:${order}`);
      return 'saved';
    } catch (err) {
      outcomes.set('plain', codeOf(request.signal.reason));
      throw err;
    }
  }
}

/** A subclass keeps the routes, and the atomic marks, of its parent. */
@Controller('/v2/orders')
class OrdersV2Controller extends OrdersController {}

/** The logger of the app last started. */
let logger = new RecordingLogger();

function start(options: AppRunnerOptions = {}): Promise<number> {
  logger = new RecordingLogger();
  const app = createApp({ controllers: [OrdersController, OrdersV2Controller], logger });
  app.router.add('POST', '/upload-unhandled', async (request: Request) => {
    signals.set('upload-unhandled', request.signal);
    await request.read(); // the client leaves before the body is complete: this rejects, uncaught
    return 'done';
  });
  app.router.add(
    'POST',
    '/plain-atomic',
    async (request: Request) => {
      const body = await request.text();
      signals.set('plain-atomic', request.signal);
      await sleep(300);
      saved.push(`plain-atomic:${body}`);
      return 'ok';
    },
    { atomic: true },
  );
  app.router.add('GET', '/slow', async (request: Request) => {
    signals.set('slow', request.signal);
    await sleep(300);
    saved.push('slow');
    return 'slow';
  });
  app.router.add('GET', '/stream', async (request: Request) => {
    const response = new StreamResponse();
    await response.prepare(request);
    await response.write('first chunk\n');
    signals.set('stream', request.signal);
    await sleep(300);
    try {
      for (let i = 0; i < 50; i++) await response.write('x'.repeat(64 * 1024));
      outcomes.set('stream', 'all written');
    } catch (err) {
      outcomes.set('stream', codeOf(err));
    }
    return response;
  });
  app.router.add('POST', '/upload', async (request: Request) => {
    signals.set('upload', request.signal);
    try {
      await request.read();
      outcomes.set('upload', 'read');
    } catch (err) {
      outcomes.set('upload', codeOf(err));
    }
    return 'done';
  });
  app.router.add('POST', '/shielded', async (request: Request) => {
    const body = await request.text();
    signals.set('shielded', request.signal);
    await shield(async (signal) => {
      signals.set('shield', signal);
      await sleep(300, undefined, { signal });
      saved.push(`redis:${body}`);
      await sleep(50, undefined, { signal });
      saved.push(`postgres:${body}`);
    });
    try {
      await sleep(200, undefined, { signal: request.signal });
      saved.push('after the shield');
    } catch {
      outcomes.set('shielded', `cancelled after the shield: ${codeOf(request.signal.reason)}`);
    }
    return 'ok';
  });
  app.router.add('GET', '/pipelined/{n}', async (request: Request) => {
    const n = request.params.n;
    signals.set(`pipelined-${n}`, request.signal);
    try {
      await sleep(300, undefined, { signal: request.signal });
      saved.push(`pipelined-${n}`);
    } catch {
      outcomes.set(`pipelined-${n}`, codeOf(request.signal.reason));
    }
    return 'done';
  });
  app.router.add('GET', '/quick', (request: Request) => {
    signals.set(`quick${signals.size}`, request.signal);
    return 'quick';
  });
  app.router.add('GET', '/ended-stream', async (request: Request) => {
    const response = new StreamResponse();
    await response.prepare(request);
    await response.end('done early');
    signals.set('ended-stream', request.signal);
    await sleep(200); // the handler goes on after its response is complete
    return response;
  });
  runner = new AppRunner(app, { accessLog: null, shutdownTimeout: 2_000, ...options });
  return runner.setup().then(async () => (await runner!.addSite(new TCPSite(runner!, { host: '127.0.0.1', port: 0 }))).port);
}

/** Sends a request and drops the connection once the handler has started (its signal recorded). */
async function sendAndLeave(port: number, text: string, started: string): Promise<void> {
  const socket = await openConnection({ port });
  socket.write(text);
  await until(() => signals.has(started));
  socket.destroy();
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

describe('by default (no handlerCancellation): the handler runs on, reads and writes fail with WEFT_ERR_CLIENT_GONE', () => {
  test('a handler whose client left completes, and its signal does not abort', async () => {
    const port = await start();
    await sendAndLeave(port, requestText('GET', '/slow'), 'slow');
    await until(() => saved.includes('slow'));
    expect(signals.get('slow')!.aborted).toBe(false);
  });

  test('writing a streamed response after the client left rejects with WEFT_ERR_CLIENT_GONE', async () => {
    const port = await start();
    await sendAndLeave(port, requestText('GET', '/stream'), 'stream');
    await until(() => outcomes.has('stream'));
    expect(outcomes.get('stream')).toBe('WEFT_ERR_CLIENT_GONE');
    expect(signals.get('stream')!.aborted).toBe(false);
  });

  test('reading a body the client stopped sending rejects with WEFT_ERR_CLIENT_GONE', async () => {
    const port = await start();
    await sendAndLeave(port, requestText('POST', '/upload', { 'Content-Length': '100000' }) + 'partial', 'upload');
    await until(() => outcomes.has('upload'));
    expect(outcomes.get('upload')).toBe('WEFT_ERR_CLIENT_GONE');
  });
});

test('a body read cut short by a client leaving is logged at info level, not as an unhandled server error', async () => {
  const port = await start();
  await sendAndLeave(port, requestText('POST', '/upload-unhandled', { 'Content-Length': '100000' }) + 'partial', 'upload-unhandled');
  await until(() => logger.records.some((r) => r.level === 'info' && r.msg === 'the client closed the connection before the response was sent'));
  expect(logger.messages('error')).toEqual([]);
});

describe('with handlerCancellation: request.signal aborts when the client leaves', () => {
  test("a handler ended by its signal's AbortError is logged at info level, not as an unhandled server error (aiohttp's CancelledError)", async () => {
    const port = await start({ handlerCancellation: true });
    await sendAndLeave(port, requestText('POST', '/orders/plain', {}, 'order-9'), 'plain');
    await until(() => logger.records.some((r) => r.level === 'info' && r.msg === 'the handler was cancelled (request.signal aborted) and ended'));
    expect(logger.messages('error')).toEqual([]);
  });

  test('a handler passing its signal on is cancelled, with WEFT_ERR_CLIENT_GONE as the reason', async () => {
    const port = await start({ handlerCancellation: true });
    await sendAndLeave(port, requestText('POST', '/orders/plain', {}, 'order-1'), 'plain');
    await until(() => outcomes.has('plain'));
    expect(outcomes.get('plain')).toBe('WEFT_ERR_CLIENT_GONE');
    expect(signals.get('plain')!.aborted).toBe(true);
    expect((signals.get('plain')!.reason as WeftError).message).toBe(
      'WEFT_ERR_CLIENT_GONE: the client closed the connection before the response was complete: the handler is cancelled',
    );
    await sleep(400);
    expect(saved).toEqual([]);
  });

  test('@Atomic(): a POST saves its data although the client left, and its signal never aborts', async () => {
    const port = await start({ handlerCancellation: true });
    await sendAndLeave(port, requestText('POST', '/orders/atomic', {}, 'order-2'), 'atomic');
    await until(() => saved.includes('atomic:order-2'));
    expect(signals.get('atomic')!.aborted).toBe(false);
  });

  test('@Atomic() is inherited with the route by a subclass controller', async () => {
    const port = await start({ handlerCancellation: true });
    await sendAndLeave(port, requestText('POST', '/v2/orders/atomic', {}, 'order-3'), 'atomic');
    await until(() => saved.includes('atomic:order-3'));
    expect(signals.get('atomic')!.aborted).toBe(false);
    await sendAndLeave(port, requestText('POST', '/v2/orders/plain', {}, 'order-4'), 'plain');
    await until(() => outcomes.has('plain'));
    expect(outcomes.get('plain')).toBe('WEFT_ERR_CLIENT_GONE');
  });

  test('a plain function route with { atomic: true } runs to completion', async () => {
    const port = await start({ handlerCancellation: true });
    await sendAndLeave(port, requestText('POST', '/plain-atomic', {}, 'order-5'), 'plain-atomic');
    await until(() => saved.includes('plain-atomic:order-5'));
    expect(signals.get('plain-atomic')!.aborted).toBe(false);
  });

  test('shield(): the shielded sequence completes although the handler is cancelled; the next step is not', async () => {
    const port = await start({ handlerCancellation: true });
    await sendAndLeave(port, requestText('POST', '/shielded', {}, 'order-6'), 'shielded');
    await until(() => outcomes.has('shielded'));
    expect(saved).toEqual(['redis:order-6', 'postgres:order-6']);
    expect(outcomes.get('shielded')).toBe('cancelled after the shield: WEFT_ERR_CLIENT_GONE');
    expect(signals.get('shielded')!.aborted).toBe(true);
    expect(signals.get('shield')!.aborted).toBe(false);
  });

  test('pipelined requests: when the client leaves, the handlers of the responses still queued behind the first are cancelled too', async () => {
    const port = await start({ handlerCancellation: true });
    const socket = await openConnection({ port });
    // one write: node hands all three to their handlers at once, the second and third responses queued
    socket.write(['1', '2', '3'].map((n) => requestText('GET', `/pipelined/${n}`)).join(''));
    await until(() => signals.has('pipelined-3'));
    socket.destroy();
    await until(() => outcomes.size === 3 || saved.length > 0);
    await sleep(400);
    expect(saved).toEqual([]);
    expect(outcomes).toEqual(new Map(['1', '2', '3'].map((n) => [`pipelined-${n}`, 'WEFT_ERR_CLIENT_GONE'])));
  });

  test('a completed response never aborts: not after it is sent, not when the client closes the connection later', async () => {
    const port = await start({ handlerCancellation: true });
    const socket = await openConnection({ port });
    for (let i = 0; i < 3; i++) {
      socket.write(requestText('GET', '/quick'));
      expect((await readResponse(socket)).body).toBe('quick');
    }
    socket.write(requestText('GET', '/ended-stream'));
    expect((await readResponse(socket)).body).toBe('done early');
    socket.destroy(); // while /ended-stream's handler still runs, its response complete
    await sleep(300);
    expect(signals.size).toBe(4);
    expect([...signals.values()].map((s) => s.aborted)).toEqual([false, false, false, false]);
  });
});
