import 'reflect-metadata';
import type { Socket } from 'node:net';
import { createApp } from '../app/application.js';
import { WeftError } from '../errors.js';
import type { Request } from '../http/request.js';
import { createLogger } from '../logging/logger.js';
import { TestClient } from '../testing/test-client.js';
import { WebSocketResponse } from './websocket-response.js';
import type { WebSocketMessage } from './websocket-message.js';
import type { WebSocketRouteOptions } from '../../decorators/metadata.js';

const logger = createLogger({ level: 'silent' });

/** Starts an app whose only route, `/ws`, runs `handler` on the prepared websocket. */
async function serve(handler: (ws: WebSocketResponse, request: Request) => Promise<void>, options?: WebSocketRouteOptions): Promise<TestClient> {
  const app = createApp({ logger });
  app.router.add('GET', '/ws', async (request) => {
    const ws = new WebSocketResponse(options);
    await ws.prepare(request);
    await handler(ws, request);
    return ws;
  });
  return new TestClient(app).start();
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('WebSocketResponse reading and sending', () => {
  let client: TestClient | undefined;
  afterEach(() => client?.close());

  test('text round-trips as text in UTF-8, binary as binary, in order', async () => {
    client = await serve(async (ws) => {
      for await (const msg of ws) {
        if (msg.type === 'text') await ws.sendStr(`${msg.data}|${msg.data.length}`);
        else if (msg.type === 'binary') await ws.sendBytes(msg.data);
      }
    });
    const ws = await client.ws('/ws');
    await ws.sendStr('héllo ✓ 😀');
    await ws.sendBytes(Buffer.from([0, 0xff, 0x80]));
    await ws.sendStr('');
    expect(await ws.receive()).toEqual({ type: 'text', data: 'héllo ✓ 😀|10' });
    expect(await ws.receive()).toEqual({ type: 'binary', data: Buffer.from([0, 0xff, 0x80]) });
    expect(await ws.receive()).toEqual({ type: 'text', data: '|0' });
  });

  test('echoing a received text again, twice, then another text, and a received text after a send all arrive intact', async () => {
    // sending back the very string received reuses its bytes once; every other send encodes
    client = await serve(async (ws) => {
      const first = await ws.receiveStr();
      await ws.sendStr(first);
      await ws.sendStr(first);
      await ws.sendStr(`${first}!`);
      await ws.sendStr('unrelated');
      const second = await ws.receiveStr();
      await ws.sendStr('before');
      await ws.sendStr(second);
    });
    const ws = await client.ws('/ws');
    await ws.sendStr('héllo 😀');
    for (const expected of ['héllo 😀', 'héllo 😀', 'héllo 😀!', 'unrelated']) expect(await ws.receiveStr()).toBe(expected);
    await ws.sendStr('ωμέγα');
    expect(await ws.receiveStr()).toBe('before');
    expect(await ws.receiveStr()).toBe('ωμέγα');
  });

  test('sendStr, sendBytes and sendJson under the high-water mark return a settled promise', async () => {
    const settled: boolean[] = [];
    client = await serve(async (ws) => {
      for (const sent of [ws.sendStr('a'), ws.sendBytes(Buffer.from('b')), ws.sendJson({ c: 1 })]) {
        let done = false;
        void sent.then(() => (done = true));
        await Promise.resolve(); // one turn: only an already settled promise has run its callback
        settled.push(done);
      }
    });
    const ws = await client.ws('/ws');
    expect(await ws.receiveStr()).toBe('a');
    expect(await ws.receiveBytes()).toEqual(Buffer.from('b'));
    expect(await ws.receiveJson()).toEqual({ c: 1 });
    expect(settled).toEqual([true, true, true]);
  });

  test('breaking out of for await leaves the websocket open: receive() and a new loop read on', async () => {
    const seen: string[] = [];
    const afterBreak: Array<IteratorResult<WebSocketMessage>> = [];
    client = await serve(async (ws) => {
      const iterator = ws[Symbol.asyncIterator]();
      for await (const msg of { [Symbol.asyncIterator]: () => iterator }) {
        seen.push(`loop1 ${msg.type === 'text' ? msg.data : msg.type}`);
        break;
      }
      afterBreak.push(await iterator.next()); // that iterator is finished
      const next = await ws.receive();
      seen.push(`receive ${next.type === 'text' ? next.data : next.type}`);
      for await (const msg of ws) seen.push(`loop2 ${msg.type === 'text' ? msg.data : msg.type}`);
      seen.push(`closed ${ws.closeCode}`);
    });
    const ws = await client.ws('/ws');
    for (const text of ['a', 'b', 'c', 'd']) await ws.sendStr(text);
    expect(await ws.close(4000, 'bye')).toEqual({ code: 4000, reason: 'bye' });
    await until(() => seen.length === 5, 'the handler saw every message');
    expect(seen).toEqual(['loop1 a', 'receive b', 'loop2 c', 'loop2 d', 'closed 4000']);
    expect(afterBreak).toEqual([{ value: undefined, done: true }]);
  });

  test('the close message ends for await after the queued messages; receive() then keeps returning it', async () => {
    const started = deferred<void>();
    const seen: WebSocketMessage[] = [];
    client = await serve(async (ws) => {
      await started.promise; // messages and the close queue up meanwhile
      for await (const msg of ws) seen.push(msg);
      seen.push(await ws.receive(), await ws.receive());
    });
    const ws = await client.ws('/ws');
    await ws.sendStr('one');
    await ws.sendStr('two');
    await ws.close(1000, 'done');
    started.resolve();
    await until(() => seen.length === 4, 'the handler read everything');
    expect(seen).toEqual([
      { type: 'text', data: 'one' },
      { type: 'text', data: 'two' },
      { type: 'close', data: 1000, extra: 'done' },
      { type: 'close', data: 1000, extra: 'done' },
    ]);
  });

  test('receive() while for await waits, and for await while receive() waits, reject with the coded error', async () => {
    const errors: unknown[] = [];
    client = await serve(async (ws) => {
      const iterator = ws[Symbol.asyncIterator]();
      const pending = iterator.next();
      errors.push(await ws.receive().catch((err: unknown) => err));
      await ws.sendStr(`loop got ${JSON.stringify((await pending).value)}`);
      const waiting = ws.receive();
      errors.push(await iterator.next().catch((err: unknown) => err));
      await ws.sendStr(`receive got ${JSON.stringify(await waiting)}`);
    });
    const ws = await client.ws('/ws');
    await ws.sendStr('x');
    expect(await ws.receiveStr()).toBe('loop got {"type":"text","data":"x"}');
    await ws.sendStr('y');
    expect(await ws.receiveStr()).toBe('receive got {"type":"text","data":"y"}');
    expect(errors).toHaveLength(2);
    for (const err of errors) {
      expect(err).toBeInstanceOf(WeftError);
      expect(err).toMatchObject({ code: 'WEFT_ERR_WS_CONCURRENT_RECEIVE' });
    }
    expect((errors[0] as Error).message).toMatch(/receive\(\) was called while another receive\(\) on this websocket is still waiting/);
    expect((errors[1] as Error).message).toMatch(/for await was called while another receive\(\) on this websocket is still waiting/);
  });

  test('an unread backlog pauses the socket (the peer is pushed back) and reading it resumes the socket', async () => {
    const total = 200;
    const start = deferred<void>();
    let socket: Socket | undefined;
    const pausedWhileReading: boolean[] = [];
    const read: string[] = [];
    client = await serve(async (ws, request) => {
      socket = request.raw.socket as Socket;
      await start.promise;
      for await (const msg of ws) {
        pausedWhileReading.push(socket.isPaused());
        if (msg.type === 'text') read.push(msg.data);
        if (read.length === total) break;
      }
      await ws.sendStr(`read ${read.length}`);
    });
    const ws = await client.ws('/ws');
    for (let i = 0; i < total; i++) void ws.sendStr(String(i));
    await until(() => socket?.isPaused() === true, 'the server paused the socket');
    start.resolve();
    expect(await ws.receiveStr()).toBe(`read ${total}`);
    expect(read).toEqual(Array.from({ length: total }, (_, i) => String(i)));
    expect(pausedWhileReading[0]).toBe(true);
    expect(pausedWhileReading.at(-1)).toBe(false);
  });

  test('a backlog of a few large messages pauses the socket too: past highWaterMark bytes, not only past 64 messages', async () => {
    const start = deferred<void>();
    let socket: Socket | undefined;
    const sizes: number[] = [];
    client = await serve(
      async (ws, request) => {
        socket = request.raw.socket as Socket;
        await start.promise;
        for await (const msg of ws) {
          if (msg.type === 'binary') sizes.push(msg.data.length);
          if (sizes.length === 3) break;
        }
        await ws.sendStr(`read ${sizes.join(',')}`);
      },
      { highWaterMark: 64 * 1024 },
    );
    const ws = await client.ws('/ws');
    for (const size of [40_000, 40_000, 1]) void ws.sendBytes(Buffer.alloc(size));
    await until(() => socket?.isPaused() === true, 'the server paused the socket');
    start.resolve();
    expect(await ws.receiveStr()).toBe('read 40000,40000,1');
  });

  test('a heartbeat does not drop a live peer while a backlog holds reading paused (its pongs wait unread too)', async () => {
    const got: string[] = [];
    client = await serve(
      async (ws) => {
        await new Promise((resolve) => setTimeout(resolve, 1_200)); // busy elsewhere: three heartbeats pass
        for await (const msg of ws) {
          got.push(msg.type === 'binary' ? `binary ${msg.data.length}` : msg.type);
          if (got.length === 2) break;
        }
        got.push(`closeCode ${String(ws.closeCode)}`);
      },
      { heartbeat: 400, highWaterMark: 1_000 },
    );
    const ws = await client.ws('/ws');
    void ws.sendBytes(Buffer.alloc(2_000)); // over highWaterMark: reading pauses at once
    void ws.sendBytes(Buffer.alloc(1));
    await until(() => got.length === 3, 'the handler read both messages');
    expect(got).toEqual(['binary 2000', 'binary 1', 'closeCode null']);
  });

  test('a close() started while a backlog pauses the socket completes once the backlog is read', async () => {
    const total = 200;
    const start = deferred<void>();
    let socket: Socket | undefined;
    let read = 0;
    let closed: { result: boolean; ms: number } | undefined;
    client = await serve(async (ws, request) => {
      socket = request.raw.socket as Socket;
      await start.promise;
      const began = Date.now();
      const closing = ws.close({ code: 4002, message: 'enough' });
      for await (const msg of ws) if (msg.type === 'text') read++;
      closed = { result: await closing, ms: Date.now() - began };
    });
    const ws = await client.ws('/ws');
    for (let i = 0; i < total; i++) void ws.sendStr(String(i));
    await until(() => socket?.isPaused() === true, 'the server paused the socket');
    start.resolve();
    // the peer's close frame sits behind the backlog: reading resumes while closing, so the
    // handshake ends well before the 10 s closeTimeout would drop the connection
    expect(await ws.closed).toEqual({ code: 4002, reason: 'enough' });
    await until(() => closed !== undefined, 'close() resolved');
    expect(closed!.result).toBe(true);
    expect(closed!.ms).toBeLessThan(2_000);
    expect(read).toBe(total);
  });
});
