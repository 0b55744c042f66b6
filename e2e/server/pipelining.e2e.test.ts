/**
 * A client pipelining thousands of requests on one connection: weft stops reading it past
 * 64 queued responses (as node does when responses pile up unsent), so their handlers do
 * not all run at once, and every request is still answered, in order.
 */
import { createApp, createHttpServer, createLogger, type Request } from 'weft';
import { openConnection, requestText } from './raw-http.js';

test('8,000 requests pipelined behind a slow one: not all handlers run at once; once released, every one is answered in order', async () => {
  const app = createApp({ logger: createLogger({ level: 'silent' }) });
  let started = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  app.router.add('GET', '/hold/{n}', async (request: Request) => {
    started++;
    await gate;
    return request.params.n;
  });
  await app.startup();
  const server = createHttpServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = await openConnection({ port: (server.address() as { port: number }).port });
  try {
    const total = 8_000;
    let answers = '';
    socket.on('data', (chunk: Buffer) => (answers += chunk.toString('latin1')));
    socket.write(Array.from({ length: total }, (_, n) => requestText('GET', `/hold/${n}`)).join(''));
    // until no more handlers start: without the bound all 8,000 did, holding about 5 KB each
    let seen = -1;
    while (seen !== started) {
      seen = started;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(started).toBeGreaterThan(64);
    expect(started).toBeLessThan(total / 2);
    release();
    const deadline = Date.now() + 30_000;
    while ((answers.match(/HTTP\/1\.1 200 OK/g)?.length ?? 0) < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const bodies = answers.split('HTTP/1.1 200 OK').slice(1).map((response) => response.split('\r\n\r\n')[1]);
    expect(bodies).toEqual(Array.from({ length: total }, (_, n) => String(n)));
    expect(started).toBe(total);
  } finally {
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await app.cleanup();
  }
}, 60_000);
