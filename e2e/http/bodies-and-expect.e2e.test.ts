import { gzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { type AddressInfo } from 'node:net';
import { HTTPForbidden, createApp, createLogger, text, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

/** Sends a request by hand, to control Expect and chunked bodies. */
function rawRequest(
  client: TestClient,
  options: { method: string; path: string; headers: Record<string, string>; body?: Buffer; waitForContinue?: boolean },
): Promise<{ status: number; text: string; continued: boolean; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const { port } = client.server.address() as AddressInfo;
    let continued = false;
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers });
    req.on('continue', () => {
      continued = true;
      req.end(options.body);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString(), continued, headers: res.headers }));
    });
    req.on('error', reject);
    if (!options.waitForContinue) req.end(options.body);
    else req.flushHeaders();
  });
}

describe('bodies', () => {
  let client: TestClient;
  beforeAll(async () => {
    const app = createApp({ logger });
    app.router.add('POST', '/echo', async (r: Request) => ({ length: (await r.arrayBuffer()).byteLength }));
    app.router.add('POST', '/json', async (r: Request) => r.json());
    app.router.add('POST', '/small', async (r: Request) => ({ length: (await r.text()).length }), { clientMaxSize: 10 });
    app.router.add('POST', '/form', async (r: Request) => {
      const form = await r.formData();
      const file = form.get('file') as File;
      return { name: form.get('name'), file: file.name, size: file.size, content: await file.text() };
    });
    client = await new TestClient(app).start();
  });
  afterAll(() => client.close());

  test('a body of exactly clientMaxSize is accepted; one byte more is 413', async () => {
    const limit = 1024 * 1024;
    expect((await client.post('/echo', { body: Buffer.alloc(limit) })).json()).toEqual({ length: limit });
    const over = await client.post('/echo', { body: Buffer.alloc(limit + 1) });
    expect(over.status).toBe(413);
  });

  test('413 while streaming a chunked body, per-route limits', async () => {
    const res = await rawRequest(client, {
      method: 'POST',
      path: '/small',
      headers: { 'transfer-encoding': 'chunked', 'content-type': 'text/plain' },
      body: Buffer.from('x'.repeat(11)),
    });
    expect(res.status).toBe(413);
    expect((await client.post('/small', { body: 'x'.repeat(10) })).json()).toEqual({ length: 10 });
  });

  test('invalid JSON is 400 naming the problem; prototype pollution is refused', async () => {
    const bad = await client.post('/json', { body: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/JSON/);
    const polluted = await client.post('/json', { body: '{"__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } });
    expect(polluted.status).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const wrongType = await client.post('/json', { body: '{}', headers: { 'content-type': 'text/csv' } });
    expect(wrongType.status).toBe(415);
  });

  test('a compressed body read as JSON, text or a form is 415 naming the coding; read() keeps the encoded bytes', async () => {
    const gzipped = gzipSync(Buffer.from('{"a":1}'));
    const json = await client.post('/json', { body: gzipped, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect([json.status, json.text]).toEqual([415, 'Unsupported Content-Encoding: gzip (request bodies are not decompressed; read() gives the encoded bytes)']);
    expect((await client.post('/small', { body: 'abc', headers: { 'content-encoding': 'br' } })).status).toBe(415);
    const form = await client.post('/form', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'deflate' } });
    expect(form.status).toBe(415);
    expect((await client.post('/echo', { body: gzipped, headers: { 'content-encoding': 'gzip' } })).json()).toEqual({ length: gzipped.length });
    expect((await client.post('/json', { body: '{"a":1}', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' } })).json()).toEqual({ a: 1 });
  });

  test('multipart form data with a file', async () => {
    const boundary = 'weftboundary';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="name"',
      '',
      'ada',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="notes.txt"',
      'Content-Type: text/plain',
      '',
      'file content',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const res = await client.post('/form', { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.json()).toEqual({ name: 'ada', file: 'notes.txt', size: 12, content: 'file content' });
  });
});

describe('Expect', () => {
  let client: TestClient;
  const prepared: number[] = [];
  beforeAll(async () => {
    const app = createApp({ logger });
    app.onResponsePrepare.push((_req, res) => void prepared.push(res.status));
    app.router.add('POST', '/upload', async (r: Request) => ({ got: (await r.text()).length }));
    app.router.add('POST', '/guarded', async (r: Request) => ({ got: (await r.text()).length }), {
      expectHandler: async (r: Request) => {
        if (r.headers.get('authorization') === undefined) throw new HTTPForbidden();
        if (r.headers.get('authorization') === 'answer') return text('answered by the expect handler', { status: 202 });
        return undefined;
      },
    });
    client = await new TestClient(app).start();
  });
  afterAll(() => client.close());
  beforeEach(() => (prepared.length = 0));

  test('100 Continue by default', async () => {
    const res = await rawRequest(client, {
      method: 'POST',
      path: '/upload',
      headers: { expect: '100-continue', 'content-length': '3' },
      body: Buffer.from('abc'),
      waitForContinue: true,
    });
    expect(res.continued).toBe(true);
    expect(JSON.parse(res.text)).toEqual({ got: 3 });
  });

  test('an unknown expectation is 417, and onResponsePrepare sees it', async () => {
    const res = await rawRequest(client, { method: 'POST', path: '/upload', headers: { expect: 'something-else', 'content-length': '0' } });
    expect(res.status).toBe(417);
    expect(prepared).toEqual([417]);
  });

  test("a route's expectHandler may reject, answer, or let the request continue", async () => {
    const refused = await rawRequest(client, { method: 'POST', path: '/guarded', headers: { expect: '100-continue', 'content-length': '3' }, body: Buffer.from('abc') });
    expect(refused.status).toBe(403);
    expect(refused.continued).toBe(false);
    const answered = await rawRequest(client, {
      method: 'POST',
      path: '/guarded',
      headers: { expect: '100-continue', 'content-length': '3', authorization: 'answer' },
      body: Buffer.from('abc'),
    });
    expect(answered.status).toBe(202);
    expect(answered.text).toBe('answered by the expect handler');
    const allowed = await rawRequest(client, {
      method: 'POST',
      path: '/guarded',
      headers: { expect: '100-continue', 'content-length': '3', authorization: 'yes' },
      body: Buffer.from('abc'),
      waitForContinue: true,
    });
    expect(allowed.continued).toBe(true);
    expect(JSON.parse(allowed.text)).toEqual({ got: 3 });
  });
});
