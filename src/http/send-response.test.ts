import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { Request } from './request.js';
import { Response, text } from './response.js';
import { sendResponse } from './send-response.js';
import { StreamResponse } from './stream-response.js';

/** Runs `handler` for one raw request and returns the raw bytes the client got. */
async function run(handler: (request: Request) => Promise<void>, rawRequest = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'): Promise<string> {
  const server = http.createServer((req, res) => {
    void handler(new Request(req, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  await once(socket, 'connect');
  socket.write(rawRequest);
  await once(socket, 'close');
  server.close();
  return received;
}

describe('sendResponse', () => {
  it('prepares and ends a Response in one go when there is no hook', async () => {
    let prepared = false;
    const raw = await run(async (request) => {
      const response = text('hi');
      const sending = sendResponse(request, response);
      prepared = response.prepared && response.ended;
      await sending;
    });
    expect(prepared).toBe(true);
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhi$/);
  });

  it('awaits the prepare hook, then sends what it changed', async () => {
    const raw = await run(async (request) => {
      request.prepareHook = async (_req, response) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        response.headers.set('X-Signal', 'on_response_prepare');
      };
      await sendResponse(request, new Response({ status: 201, text: 'made' }));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
    expect(raw).toContain('\r\nX-Signal: on_response_prepare\r\n');
    expect(raw.endsWith('made')).toBe(true);
  });

  it('ends a StreamResponse the handler prepared and left open, and runs the hook once', async () => {
    let hookCalls = 0;
    const raw = await run(async (request) => {
      request.prepareHook = () => {
        hookCalls++;
      };
      const response = new StreamResponse();
      await response.prepare(request);
      await response.write('partial');
      await sendResponse(request, response);
      expect(response.ended).toBe(true);
      await sendResponse(request, response);
    });
    expect(hookCalls).toBe(1);
    expect(raw).toContain('partial');
    expect(raw.endsWith('0\r\n\r\n')).toBe(true);
  });

  it('rejects when preparing fails, and sends nothing', async () => {
    let failure: unknown;
    const raw = await run(async (request) => {
      request.prepareHook = () => {
        throw new Error('signal broke');
      };
      failure = await sendResponse(request, text('x')).catch((err: unknown) => err);
      request.rawResponse.destroy();
    });
    expect((failure as Error).message).toBe('signal broke');
    expect(raw).toBe('');
  });
});
