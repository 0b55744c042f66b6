/**
 * Requests node's parser rejects (a malformed request, data after `Connection: close`) on a
 * connection that still owes responses: those go out first, in request order (RFC 9112
 * §9.3.2, §9.6), then the 400/431, then the connection closes.
 */
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamResponse, createApp, createLogger, type Request } from 'weft';
import { TestClient } from 'weft/testing';
import { exchange } from './raw-exchange.js';

let client: TestClient;
let orders = 0;

beforeAll(async () => {
  const app = createApp({ logger: createLogger({ level: 'silent' }) });
  app.router.add('POST', '/orders', async (request: Request) => {
    await request.read();
    orders++;
    await sleep(150);
    return 'created';
  });
  app.router.add('GET', '/a', () => 'a');
  app.router.add('GET', '/b', async () => {
    await sleep(50);
    return 'b';
  });
  app.router.add('GET', '/report', async (request: Request) => {
    const response = new StreamResponse({ headers: { 'Content-Type': 'text/plain' } });
    await response.prepare(request);
    await sleep(100);
    await response.write('full report');
    await response.end();
    return response;
  });
  client = new TestClient(app);
  await client.start();
});

afterAll(() => client.close());

beforeEach(() => {
  orders = 0;
});

const statusLines = (raw: string): string[] => raw.match(/HTTP\/1\.[01] \d{3} [^\r]*/g) ?? [];
const post = 'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc';
const folded = 'GET /a HTTP/1.1\r\nHost: x\r\nX: 1\r\n 2\r\n\r\n';

test('a malformed request behind one still being handled: its response first, then the 400, then close', async () => {
  const raw = await exchange(client, [post, folded]);
  expect(statusLines(raw)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
  expect(raw).toContain('\r\n\r\ncreated');
  expect(orders).toBe(1);
});

test('headers too large behind a request still being handled: its response, then 431', async () => {
  const raw = await exchange(client, [post, `GET /a HTTP/1.1\r\nHost: x\r\nX-Big: ${'A'.repeat(70_000)}\r\n\r\n`]);
  expect(statusLines(raw)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 431 Request Header Fields Too Large']);
  expect(raw).toContain('\r\n\r\ncreated');
});

test('pipelined requests before a malformed one in the same write are all answered, in order', async () => {
  const raw = await exchange(client, ['GET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n' + folded]);
  expect(statusLines(raw)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
  expect(raw.indexOf('\r\n\r\nb')).toBeLessThan(raw.indexOf('\r\n\r\na'));
});

test('a malformed request alone is answered 400 at once', async () => {
  expect(statusLines(await exchange(client, [folded]))).toEqual(['HTTP/1.1 400 Bad Request']);
});

test('data after a Connection: close request is ignored; the response is complete', async () => {
  const raw = await exchange(client, ['POST /orders HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc', 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n']);
  expect(statusLines(raw)).toEqual(['HTTP/1.1 200 OK']);
  expect(raw.endsWith('\r\n\r\ncreated')).toBe(true);
  expect(orders).toBe(1);
});

test('an HTTP/1.0 stream followed by another request gets its whole body', async () => {
  const raw = await exchange(client, ['GET /report HTTP/1.0\r\n\r\n', 'GET /a HTTP/1.0\r\n\r\n']);
  expect(statusLines(raw)).toEqual(['HTTP/1.1 200 OK']);
  expect(raw.endsWith('\r\n\r\nfull report')).toBe(true);
});

test('a bad chunk inside the body of a request being handled ends the connection at once (the read fails), as node does', async () => {
  const started = Date.now();
  const raw = await exchange(client, ['GET /b HTTP/1.1\r\nHost: x\r\n\r\nPOST /orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab', 'zz\r\n'], 20);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(orders).toBe(0);
  // no status line the client would take for GET /b's answer
  expect(statusLines(raw)).not.toContain('HTTP/1.1 400 Bad Request');
});

test('CONNECT (a proxy tunnel, which node never hands to the request listener) is answered 501, not closed unanswered', async () => {
  const raw = await exchange(client, ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n']);
  expect(statusLines(raw)).toEqual(['HTTP/1.1 501 Not Implemented']);
});

test('once the client closes after the 400, the server lets the connection go at once', async () => {
  await exchange(client, [post, folded]);
  const deadline = Date.now() + 2_000;
  let open = 1;
  while (Date.now() < deadline) {
    open = await new Promise<number>((resolve, reject) => client.server.getConnections((err, count) => (err ? reject(err) : resolve(count))));
    if (open === 0) break;
    await sleep(20);
  }
  expect(open).toBe(0);
});

test('a client leaving while answers are still owed is seen as gone: with handlerCancellation, the handler is aborted', async () => {
  const app = createApp({ logger: createLogger({ level: 'silent' }) });
  let outcome = 'running';
  app.router.add('GET', '/poll', async (request: Request) => {
    try {
      await sleep(5_000, undefined, { signal: request.signal });
      outcome = 'timed out';
    } catch {
      outcome = 'aborted';
    }
    return 'poll';
  });
  const cancelling = await new TestClient(app, { runner: { handlerCancellation: true, accessLog: null } }).start();
  try {
    const { port } = cancelling.server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write('GET /poll HTTP/1.1\r\nHost: x\r\n\r\n' + folded);
    await sleep(100);
    socket.end();
    const deadline = Date.now() + 2_000;
    while (outcome === 'running' && Date.now() < deadline) await sleep(20);
    expect(outcome).toBe('aborted');
  } finally {
    await cancelling.close();
  }
});
