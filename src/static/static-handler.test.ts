import 'reflect-metadata';
import { mkdtempSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../app/application.js';
import { json } from '../http/response.js';
import type { Middleware } from '../pipeline/middleware.js';
import { createLogger } from '../logging/logger.js';
import { TestClient } from '../testing/test-client.js';

const logger = createLogger({ level: 'silent' });
const DATA = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
/** Above the 64 KiB a static route reads in its handler: streamed by `FileResponse`. */
const LARGE = Buffer.alloc(200 * 1024);
for (let i = 0; i < LARGE.length; i++) LARGE[i] = i % 251;

/**
 * Every HTTP rule, through each way a static route sends a file: a small file read by the
 * handler (`/plain`), the same through a precompressed route (opened by `FileResponse` when
 * sent), and a file too large to read at once.
 */
describe.each([
  ['small file, read by the handler', '/plain', 'data.bin', DATA],
  ['small file, precompressed route', '/precompressed', 'data.bin', DATA],
  ['large file, streamed', '/plain', 'large.bin', LARGE],
])('static route: %s', (_label, prefix, name, content) => {
  let base: string;
  let client: TestClient;
  const url = `${prefix}/${name}`;
  const size = content.length;

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'weft-static-handler-')));
    writeFileSync(path.join(base, 'data.bin'), DATA);
    writeFileSync(path.join(base, 'large.bin'), LARGE);
    const old = new Date('2024-01-02T03:04:05Z');
    utimesSync(path.join(base, name), old, old);
    const app = createApp({ logger });
    app.static('/plain', base, { maxAge: 60 });
    app.static('/precompressed', base, { maxAge: 60, precompressed: true });
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('200 with the content, type, length, validators and cache headers; HEAD without body', async () => {
    const res = await client.get(url);
    expect(res.status).toBe(200);
    expect(res.body.equals(content)).toBe(true);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-length']).toBe(String(size));
    expect(res.headers['etag']).toMatch(new RegExp(`^"[0-9a-f]+-${size.toString(16)}"$`));
    expect(res.headers['last-modified']).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers['accept-ranges']).toBe('bytes');
    const head = await client.head(url);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(size));
    expect(head.headers['etag']).toBe(res.headers['etag']);
    expect(head.body.length).toBe(0);
  });

  test('conditional requests: 304 and 412', async () => {
    const { headers } = await client.get(url);
    const etag = headers['etag']!;
    const notModified = await client.get(url, { headers: { 'If-None-Match': etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers['etag']).toBe(etag);
    expect((await client.get(url, { headers: { 'If-Modified-Since': headers['last-modified']! } })).status).toBe(304);
    expect((await client.get(url, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    expect((await client.get(url, { headers: { 'If-Match': '"nope"' } })).status).toBe(412);
    expect((await client.get(url, { headers: { 'If-Unmodified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })).status).toBe(412);
    expect((await client.head(url, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  test('ranges: 206 with the exact bytes, 416 when unsatisfiable, If-Range', async () => {
    const { headers } = await client.get(url);
    const res = await client.get(url, { headers: { Range: 'bytes=2-5' } });
    expect(res.status).toBe(206);
    expect(res.body.equals(content.subarray(2, 6))).toBe(true);
    expect(res.headers['content-range']).toBe(`bytes 2-5/${size}`);
    expect(res.headers['content-length']).toBe('4');
    const suffix = await client.get(url, { headers: { Range: 'bytes=-3' } });
    expect(suffix.body.equals(content.subarray(size - 3))).toBe(true);
    const tail = await client.get(url, { headers: { Range: `bytes=${size - 2}-${size + 100}` } });
    expect(tail.body.equals(content.subarray(size - 2))).toBe(true);
    const unsatisfiable = await client.get(url, { headers: { Range: `bytes=${size}-` } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers['content-range']).toBe(`bytes */${size}`);
    expect((await client.get(url, { headers: { Range: 'bytes=0-1', 'If-Range': headers['etag']! } })).status).toBe(206);
    const stale = await client.get(url, { headers: { Range: 'bytes=0-1', 'If-Range': '"old"' } });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(size);
    // a Range on HEAD is ignored: the headers of the whole file
    expect((await client.head(url, { headers: { Range: 'bytes=0-1' } })).status).toBe(200);
  });
});

describe('static route: files as they are now', () => {
  let base: string;
  let client: TestClient;

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'weft-static-fresh-')));
    mkdirSync(path.join(base, 'public'));
    writeFileSync(path.join(base, 'secret.txt'), 'secret');
    symlinkSync(path.join(base, 'secret.txt'), path.join(base, 'public', 'out.txt'));
    const app = createApp({
      logger,
      middlewares: [
        // a middleware that throws the handler's response away for another one
        async (request, next) => {
          const response = await next();
          return request.query.get('replace') === '1' ? json({ replaced: true }) : response;
        },
      ],
    });
    app.static('/static', path.join(base, 'public'));
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('a file changed on disk is served changed at the next request, with new validators', async () => {
    const file = path.join(base, 'public', 'changing.txt');
    writeFileSync(file, 'first');
    const first = await client.get('/static/changing.txt');
    expect(first.text).toBe('first');
    writeFileSync(file, 'second, longer');
    utimesSync(file, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
    const second = await client.get('/static/changing.txt');
    expect(second.text).toBe('second, longer');
    expect(second.headers['etag']).not.toBe(first.headers['etag']);
    expect(second.headers['last-modified']).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
    expect((await client.get('/static/changing.txt', { headers: { 'If-None-Match': first.headers['etag']! } })).status).toBe(200);
    rmSync(file);
    expect((await client.get('/static/changing.txt')).status).toBe(404);
  });

  test('a symlink out of the root is 404, and a file put in its place is served', async () => {
    expect((await client.get('/static/out.txt')).status).toBe(404);
    rmSync(path.join(base, 'public', 'out.txt'));
    writeFileSync(path.join(base, 'public', 'out.txt'), 'inside now');
    expect((await client.get('/static/out.txt')).text).toBe('inside now');
  });

  test('no file stays open, also when a middleware replaces the response', async () => {
    writeFileSync(path.join(base, 'public', 'small.txt'), 'small');
    writeFileSync(path.join(base, 'public', 'large.bin'), LARGE);
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 20; i++) {
      expect((await client.get('/static/small.txt?replace=1')).json()).toEqual({ replaced: true });
      expect((await client.get('/static/large.bin?replace=1')).json()).toEqual({ replaced: true });
      expect((await client.get('/static/small.txt')).text).toBe('small');
    }
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before);
  });
});

describe('static route when the server is out of file descriptors', () => {
  // fs and fs/promises as the static modules see them (core modules are shared, not mocked)
  const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
  const fsPromises = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  const emfile = (): NodeJS.ErrnoException => Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE', errno: -24 });
  let base: string;
  let client: TestClient;
  const errors: unknown[] = [];

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'weft-static-emfile-')));
    writeFileSync(path.join(base, 'small.txt'), 'small');
    const recordErrors: Middleware = async (_request, next) => {
      try {
        return await next();
      } catch (err) {
        errors.push(err);
        throw err;
      }
    };
    const app = createApp({ logger, middlewares: [recordErrors] });
    app.static('/static', base);
    app.static('/pc', base, { precompressed: true });
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await client.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('an existing file is a 500 with the error, not a 404 as if it were missing (it was, and nothing was logged)', async () => {
    const open = jest.spyOn(fs, 'open').mockImplementation(((_path: unknown, _flags: unknown, callback: (err: Error) => void) => callback(emfile())) as never);
    try {
      expect((await client.get('/static/small.txt')).status).toBe(500);
      expect((await client.get('/static/missing.txt')).status).toBe(500);
    } finally {
      open.mockRestore();
    }
    expect(errors).toContainEqual(expect.objectContaining({ code: 'EMFILE' }));
    expect((await client.get('/static/small.txt')).text).toBe('small');
  });

  test('the same when FileResponse opens the file to send it', async () => {
    const open = jest.spyOn(fsPromises, 'open').mockRejectedValue(emfile());
    try {
      expect((await client.get('/pc/small.txt')).status).toBe(500);
    } finally {
      open.mockRestore();
    }
    expect((await client.get('/pc/small.txt')).text).toBe('small');
  });
});
