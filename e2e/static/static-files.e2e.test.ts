import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { FileResponse, HttpError, WeftError, createApp, createLogger, type Middleware } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });
const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';
const HELLO = 'hello, static world\n';

/** A temp tree: a secret beside the root, and a root with files, links in and out. */
function makeTree(): { base: string; root: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'weft-static-'));
  const root = path.join(base, 'public');
  mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
  writeFileSync(path.join(base, 'secret.txt'), SECRET);
  writeFileSync(path.join(base, 'public-secret.txt'), SECRET); // shares the root's name as a prefix
  writeFileSync(path.join(root, 'hello.txt'), HELLO);
  writeFileSync(path.join(root, 'style.css'), 'body { color: red }');
  writeFileSync(path.join(root, 'data.bin'), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  writeFileSync(path.join(root, 'empty.txt'), '');
  writeFileSync(path.join(root, 'sub', 'a.txt'), 'A');
  writeFileSync(path.join(root, 'sub', '<b>&"x.txt'), 'tricky');
  writeFileSync(path.join(root, '%2e%2e'), 'literal percent name');
  writeFileSync(path.join(root, 'app.js'), 'console.log("plain")');
  writeFileSync(path.join(root, 'app.js.gz'), gzipSync('console.log("plain")'));
  writeFileSync(path.join(root, 'app.js.br'), brotliCompressSync('console.log("plain")'));
  writeFileSync(path.join(root, 'only-gz.js'), 'console.log("gz")');
  writeFileSync(path.join(root, 'only-gz.js.gz'), gzipSync('console.log("gz")'));
  symlinkSync(path.join(root, 'hello.txt'), path.join(root, 'link-in.txt'));
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link-out.txt'));
  symlinkSync(base, path.join(root, 'dir-out'));
  symlinkSync(path.join(root, 'sub'), path.join(root, 'dir-in'));
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'style.css.gz')); // a sibling that is a link out
  execFileSync('mkfifo', [path.join(root, 'pipe')]); // opening it for reading would block forever
  const old = new Date('2024-01-02T03:04:05Z');
  utimesSync(path.join(root, 'hello.txt'), old, old);
  return { base, root };
}

/** Every status is a refusal, and nothing from outside the root came back. */
function expectRefused(res: { status: number; text: string }): void {
  expect([400, 403, 404]).toContain(res.status);
  expect(res.text).not.toContain(SECRET);
}

describe('app.static', () => {
  let tree: { base: string; root: string };
  let client: TestClient;
  const seen: Array<{ path: string; status: number }> = [];

  beforeAll(async () => {
    tree = makeTree();
    const recordErrors: Middleware = async (request, next) => {
      try {
        return await next();
      } catch (err) {
        if (err instanceof HttpError) seen.push({ path: request.rawPath, status: err.status });
        throw err;
      }
    };
    const app = createApp({ logger, middlewares: [recordErrors] });
    app.static('/static', tree.root, { name: 'static', maxAge: 600, precompressed: true });
    app.onResponsePrepare.push((_request, response) => {
      response.headers.set('X-Prepared', 'yes');
    });
    app.static('/listed', tree.root, { showIndex: true });
    app.static('/follow', tree.root, { followSymlinks: true });
    app.router.add('GET', '/download', () => new FileResponse(path.join(tree.root, 'data.bin'), { headers: { 'Content-Disposition': 'attachment' } }));
    const sub = createApp({ logger });
    sub.static('/files', tree.root, { showIndex: true });
    app.mount('/sub', sub);
    app.router.add('GET', '/fifo', () => new FileResponse(path.join(tree.root, 'pipe')));
    app.router.add('GET', '/missing-file', () => new FileResponse(path.join(tree.root, 'nope.bin')));
    app.router.add('GET', '/not-found-page', () => new FileResponse(path.join(tree.root, 'data.bin'), { status: 404 }));
    app.router.add('POST', '/upload-result', () => new FileResponse(path.join(tree.root, 'data.bin')));
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(tree.base, { recursive: true, force: true });
  });

  test('serves a file with type, length, validators and cache headers', async () => {
    const res = await client.get('/static/hello.txt');
    expect(res.status).toBe(200);
    expect(res.text).toBe(HELLO);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(HELLO.length));
    expect(res.headers['etag']).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers['last-modified']).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(res.headers['cache-control']).toBe('public, max-age=600');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['x-prepared']).toBe('yes'); // onResponsePrepare runs for files too
    expect((await client.get('/static/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await client.get('/static/data.bin')).headers['content-type']).toBe('application/octet-stream');
  });

  test('HEAD sends the headers without the body', async () => {
    const res = await client.head('/static/hello.txt');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(HELLO.length));
    expect(res.body.length).toBe(0);
  });

  test('an empty file is a 200 with Content-Length 0', async () => {
    const res = await client.get('/static/empty.txt');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.text).toBe('');
  });

  test('a modification time in the future is sent as Last-Modified now (RFC 9110 8.8.2.1), so If-Modified-Since sees the next change', async () => {
    const file = path.join(tree.root, 'future.txt');
    writeFileSync(file, 'first');
    const tomorrow = new Date(Date.now() + 86_400_000);
    utimesSync(file, tomorrow, tomorrow);
    const first = await client.get('/static/future.txt');
    const lastModified = Date.parse(first.headers['last-modified']!);
    expect(lastModified).toBeLessThanOrEqual(Date.parse(first.headers['date']!));
    // the file is replaced in the next second (mtime now, before tomorrow): a 200, not a 304
    await new Promise((resolve) => setTimeout(resolve, lastModified + 1100 - Date.now()));
    writeFileSync(file, 'second');
    const second = await client.get('/static/future.txt', { headers: { 'If-Modified-Since': first.headers['last-modified']! } });
    expect(second.status).toBe(200);
    expect(second.text).toBe('second');
    rmSync(file);
  });

  test('If-None-Match and If-Modified-Since answer 304', async () => {
    const { headers } = await client.get('/static/hello.txt');
    const etag = headers['etag']!;
    const byTag = await client.get('/static/hello.txt', { headers: { 'If-None-Match': etag } });
    expect(byTag.status).toBe(304);
    expect(byTag.body.length).toBe(0);
    expect(byTag.headers['etag']).toBe(etag);
    expect((await client.get('/static/hello.txt', { headers: { 'If-None-Match': `"other", W/${etag}` } })).status).toBe(304);
    expect((await client.get('/static/hello.txt', { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    expect((await client.get('/static/hello.txt', { headers: { 'If-Modified-Since': headers['last-modified']! } })).status).toBe(304);
    expect((await client.get('/static/hello.txt', { headers: { 'If-Modified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })).status).toBe(200);
    expect((await client.get('/static/hello.txt', { headers: { 'If-Modified-Since': 'garbage' } })).status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
    expect((await client.get('/static/hello.txt', { headers: { 'If-None-Match': '"other"', 'If-Modified-Since': headers['last-modified']! } })).status).toBe(200);
  });

  test('If-Match and If-Unmodified-Since answer 412 when they fail', async () => {
    const { headers } = await client.get('/static/hello.txt');
    expect((await client.get('/static/hello.txt', { headers: { 'If-Match': '"nope"' } })).status).toBe(412);
    expect((await client.get('/static/hello.txt', { headers: { 'If-Match': headers['etag']! } })).status).toBe(200);
    expect((await client.get('/static/hello.txt', { headers: { 'If-Match': `W/${headers['etag']!}` } })).status).toBe(412);
    expect((await client.get('/static/hello.txt', { headers: { 'If-Unmodified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })).status).toBe(412);
    expect((await client.get('/static/hello.txt', { headers: { 'If-Unmodified-Since': headers['last-modified']! } })).status).toBe(200);
  });

  test('a single Range answers 206 with Content-Range', async () => {
    const res = await client.get('/static/data.bin', { headers: { Range: 'bytes=2-5' } });
    expect(res.status).toBe(206);
    expect([...res.body]).toEqual([2, 3, 4, 5]);
    expect(res.headers['content-range']).toBe('bytes 2-5/10');
    expect(res.headers['content-length']).toBe('4');
    const suffix = await client.get('/static/data.bin', { headers: { Range: 'bytes=-3' } });
    expect([...suffix.body]).toEqual([7, 8, 9]);
    const open = await client.get('/static/data.bin', { headers: { Range: 'bytes=8-' } });
    expect(open.headers['content-range']).toBe('bytes 8-9/10');
    const clipped = await client.get('/static/data.bin', { headers: { Range: 'bytes=8-100' } });
    expect([...clipped.body]).toEqual([8, 9]);
  });

  test('412 and 416 answer this client only: Cache-Control no-store instead of the maxAge caching', async () => {
    expect((await client.get('/static/hello.txt')).headers['cache-control']).toBe('public, max-age=600');
    const failed = await client.get('/static/hello.txt', { headers: { 'If-Match': '"nope"' } });
    expect([failed.status, failed.headers['cache-control']]).toEqual([412, 'no-store']);
    const unsatisfiable = await client.get('/static/hello.txt', { headers: { Range: 'bytes=999-' } });
    expect([unsatisfiable.status, unsatisfiable.headers['cache-control']]).toEqual([416, 'no-store']);
  });

  test('unsatisfiable, malformed and multiple ranges answer 416 with bytes */size', async () => {
    for (const range of ['bytes=10-20', 'bytes=abc', 'bytes=5-2', 'bytes=0-1,4-5', 'bytes=']) {
      const res = await client.get('/static/data.bin', { headers: { Range: range } });
      expect({ range, status: res.status }).toEqual({ range, status: 416 });
      expect(res.headers['content-range']).toBe('bytes */10');
    }
    // overlapping ranges combine into one, which is satisfiable
    expect((await client.get('/static/data.bin', { headers: { Range: 'bytes=0-3,2-5' } })).status).toBe(206);
    expect((await client.get('/static/empty.txt', { headers: { Range: 'bytes=0-0' } })).status).toBe(416);
    expect((await client.get('/static/data.bin', { headers: { Range: 'bytes=,' } })).status).toBe(416);
  });

  test('empty elements of the range list are ignored (RFC 9110 5.6.1.2)', async () => {
    for (const range of ['bytes=2-5, ', 'bytes=,2-5', 'bytes=2-3,,3-5', 'bytes= , 2-5 ,']) {
      const res = await client.get('/static/data.bin', { headers: { Range: range } });
      expect({ range, status: res.status, contentRange: res.headers['content-range'] }).toEqual({ range, status: 206, contentRange: 'bytes 2-5/10' });
      expect([...res.body]).toEqual([2, 3, 4, 5]);
    }
  });

  test('a suffix range longer than the file is all of it (RFC 9110 14.1.3), on both read paths', async () => {
    const res = await client.get('/static/data.bin', { headers: { Range: 'bytes=-20' } });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 0-9/10');
    expect([...res.body]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const streamed = await client.get('/download', { headers: { Range: 'bytes=-11' } });
    expect([streamed.status, streamed.headers['content-range']]).toEqual([206, 'bytes 0-9/10']);
    expect((await client.get('/static/data.bin', { headers: { Range: 'bytes=-0' } })).status).toBe(416);
    expect((await client.get('/static/empty.txt', { headers: { Range: 'bytes=-5' } })).status).toBe(416);
  });

  test('range units: case-insensitive bytes; an unknown unit is ignored (RFC 9110 14.1, 14.2)', async () => {
    const upper = await client.get('/static/data.bin', { headers: { Range: 'Bytes=0-1' } });
    expect([upper.status, upper.headers['content-range']]).toEqual([206, 'bytes 0-1/10']);
    const items = await client.get('/static/data.bin', { headers: { Range: 'items=0-4' } });
    expect([items.status, items.body.length, items.headers['content-range']]).toEqual([200, 10, undefined]);
  });

  test('a FileResponse that is not a 2xx ignores Range and conditional headers (RFC 9110 13.2.1)', async () => {
    const { headers } = await client.get('/static/data.bin');
    const cases: Array<Record<string, string>> = [{ Range: 'bytes=0-1' }, { Range: 'bytes=99-' }, { 'If-None-Match': '*' }, { 'If-None-Match': headers['etag']! }, { 'If-Match': '"other"' }];
    for (const extra of cases) {
      const res = await client.get('/not-found-page', { headers: extra });
      expect({ extra, status: res.status, length: res.body.length }).toEqual({ extra, status: 404, length: 10 });
    }
  });

  test('for other methods a matching If-None-Match is 412 and If-Modified-Since is ignored (RFC 9110 13.1.2-3)', async () => {
    expect((await client.post('/upload-result', { headers: { 'If-None-Match': '*' } })).status).toBe(412);
    const since = await client.post('/upload-result', { headers: { 'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT' } });
    expect([since.status, since.body.length]).toEqual([200, 10]);
  });

  test('conditional dates that are not HTTP-dates are ignored', async () => {
    for (const value of ['2030-01-01', '3000', '1']) {
      expect((await client.get('/static/hello.txt', { headers: { 'If-Modified-Since': value } })).status).toBe(200);
      expect((await client.get('/static/hello.txt', { headers: { 'If-Unmodified-Since': value } })).status).toBe(200);
    }
    // hello.txt was last modified 2024-01-02T03:04:05Z: the obsolete asctime form is GMT
    expect((await client.get('/static/hello.txt', { headers: { 'If-Modified-Since': 'Tue Jan  2 03:04:05 2024' } })).status).toBe(304);
  });

  test('If-Range applies the Range only when the validator matches', async () => {
    const { headers } = await client.get('/static/data.bin');
    const matching = await client.get('/static/data.bin', { headers: { Range: 'bytes=0-1', 'If-Range': headers['etag']! } });
    expect(matching.status).toBe(206);
    const byDate = await client.get('/static/data.bin', { headers: { Range: 'bytes=0-1', 'If-Range': headers['last-modified']! } });
    expect(byDate.status).toBe(206);
    const stale = await client.get('/static/data.bin', { headers: { Range: 'bytes=0-1', 'If-Range': '"old"' } });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(10);
  });

  test('precompressed siblings by Accept-Encoding, q=0 honoured, Vary set', async () => {
    const br = await client.get('/static/app.js', { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(br.headers['vary']).toBe('Accept-Encoding');
    const gz = await client.get('/static/app.js', { headers: { 'Accept-Encoding': 'gzip, br;q=0' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const preferred = await client.get('/static/app.js', { headers: { 'Accept-Encoding': 'br;q=0.5, gzip' } });
    expect(preferred.headers['content-encoding']).toBe('gzip');
    expect(preferred.headers['vary']).toBe('Accept-Encoding');
    const none = await client.get('/static/app.js', { headers: { 'Accept-Encoding': 'gzip;q=0, br;q=0' } });
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.text).toBe('console.log("plain")');
    expect(none.headers['vary']).toBe('Accept-Encoding');
    const identity = await client.get('/static/app.js');
    expect(identity.headers['content-encoding']).toBeUndefined();
    const star = await client.get('/static/only-gz.js', { headers: { 'Accept-Encoding': '*' } });
    expect(star.headers['content-encoding']).toBe('gzip');
    expect(br.headers['etag']).not.toBe(identity.headers['etag']);
    // a sibling that is a symlink (here to the secret) is never used
    const css = await client.get('/static/style.css', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.text).toBe('body { color: red }');
  });

  test('a directory is 403 without showIndex', async () => {
    expect((await client.get('/static/sub')).status).toBe(403);
    expect((await client.get('/static/')).status).toBe(403);
    expect((await client.get('/static')).status).toBe(403); // the bare prefix is the directory, as in aiohttp
  });

  test('showIndex lists a directory with names escaped and links encoded', async () => {
    const res = await client.get('/listed/sub');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('&lt;b&gt;&amp;&quot;x.txt');
    expect(res.text).not.toContain('<b>&"x.txt');
    expect(res.text).toContain('href="/listed/sub/%3Cb%3E%26%22x.txt"');
    expect(res.text).toContain('href="/listed/sub/deeper/"');
    const linked = await client.get('/listed/sub/%3Cb%3E%26%22x.txt');
    expect(linked.text).toBe('tricky');
    expect((await client.get('/listed/')).text).toContain('href="/listed/hello.txt"');
    expect((await client.get('/listed')).text).toContain('href="/listed/hello.txt"');
    const mounted = await client.get('/sub/files/sub/');
    expect(mounted.text).toContain('href="/sub/files/sub/a.txt"');
    expect((await client.get('/sub/files/sub/a.txt')).text).toBe('A');
  });

  test('symlinks inside the root are served; links out are 404 unless followSymlinks', async () => {
    expect((await client.get('/static/link-in.txt')).text).toBe(HELLO);
    expect((await client.get('/static/dir-in/a.txt')).text).toBe('A');
    expectRefused(await client.get('/static/link-out.txt'));
    expectRefused(await client.get('/static/dir-out/secret.txt'));
    expect((await client.get('/static/link-out.txt')).status).toBe(404);
    const followed = await client.get('/follow/link-out.txt');
    expect(followed.status).toBe(200);
    expect(followed.text).toBe(SECRET);
    // followSymlinks does not open `..`
    expectRefused(await client.get('/follow/../secret.txt'));
    expectRefused(await client.get('/follow/%2e%2e/secret.txt'));
  });

  test('a dot segment that stays inside is served; a literal %2e%2e file is served', async () => {
    expect((await client.get('/static/./hello.txt')).text).toBe(HELLO);
    expect((await client.get('/static/sub/./a.txt')).text).toBe('A');
    expect((await client.get('/static/%252e%252e')).text).toBe('literal percent name');
  });

  const attacks = [
    '/static/../secret.txt',
    '/static/../../secret.txt',
    '/static/%2e%2e/secret.txt',
    '/static/%2E%2E/secret.txt',
    '/static/.%2e/secret.txt',
    '/static/%2e./secret.txt',
    '/static/..%2fsecret.txt',
    '/static/..%2Fsecret.txt',
    '/static/%2e%2e%2fsecret.txt',
    '/static/sub/../../secret.txt',
    '/static/sub/%2e%2e/%2e%2e/secret.txt',
    '/static/sub/..%2f..%2fsecret.txt',
    '/static/%252e%252e/secret.txt',
    '/static/%252e%252e%252fsecret.txt',
    '/static/..%5csecret.txt',
    '/static/..%5Csecret.txt',
    '/static/%2e%2e%5csecret.txt',
    '/static/..\\secret.txt',
    '/static/sub\\..\\..\\secret.txt',
    '/static/hello.txt%00',
    '/static/hello.txt%00.png',
    '/static/%00',
    '/static//etc/passwd',
    '/static/%2fetc%2fpasswd',
    '/static/%2Fetc%2Fpasswd',
    '/static/%2ftmp%2fsecret.txt',
    '/static/....//secret.txt',
    '/static/..;/secret.txt',
    '/static/%c0%ae%c0%ae/secret.txt',
    '/static/%uff0e%uff0e/secret.txt',
    '/static/' + 'a/'.repeat(3000) + 'x',
    '/static/' + 'a'.repeat(5000),
    '/static/' + 'b'.repeat(300),
    '/static/' + '../'.repeat(50) + 'etc/passwd',
    '/static/' + '%2e%2e%2f'.repeat(20) + 'etc/passwd',
    '/static/link-out.txt',
    '/static/dir-out/secret.txt',
    '/static/dir-out/public-secret.txt',
    '/static/dir-in/../../secret.txt',
    '/static/nope.txt',
    '/listed/../secret.txt',
    '/listed/%2e%2e/',
    '/listed/dir-out/',
  ];

  test(`a corpus of ${attacks.length} traversal attempts all answer 400/403/404 and leak nothing`, async () => {
    for (const attack of attacks) {
      const res = await client.get(attack);
      try {
        expectRefused(res);
      } catch (err) {
        throw new Error(`${attack.slice(0, 80)} answered ${res.status}: ${res.text.slice(0, 80)}`, { cause: err });
      }
    }
    // absolute paths to the real secret, as the file system would read them
    for (const name of [encodeURIComponent(path.join(tree.base, 'secret.txt')), path.join(tree.base, 'secret.txt')]) {
      expectRefused(await client.get(`/static/${name}`));
    }
  });

  test('missing and forbidden answer the same 404, raised inside the middleware chain', async () => {
    seen.length = 0;
    const missing = await client.get('/static/nope.txt');
    const outside = await client.get('/static/%2e%2e/secret.txt');
    const linkOut = await client.get('/static/link-out.txt');
    expect([missing.status, outside.status, linkOut.status]).toEqual([404, 404, 404]);
    expect(outside.text).toBe(missing.text);
    expect(linkOut.text).toBe(missing.text);
    await client.get('/static/sub');
    expect(seen.map((s) => s.status)).toEqual([404, 404, 404, 403]);
  });

  test('static routes answer GET and HEAD only', async () => {
    const res = await client.post('/static/hello.txt');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET,HEAD');
  });

  test('FileResponse from a handler keeps its headers; a missing file is 404', async () => {
    const res = await client.get('/download');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment');
    expect(res.body.length).toBe(10);
    expect((await client.get('/missing-file')).status).toBe(404);
  });

  test('a FIFO is never opened for a read that would block: 404', async () => {
    expect((await client.get('/static/pipe')).status).toBe(404);
    expect((await client.get('/fifo')).status).toBe(404);
  });

  test("app.static('/') serves the directory at the site's root, in an app and a mounted one", async () => {
    const app = createApp({ logger });
    app.static('/', tree.root, { showIndex: true, name: 'root', appendVersion: true });
    const sub = createApp({ logger });
    sub.static('/', tree.root, { name: 'files' });
    app.mount('/sub', sub);
    const rooted = await new TestClient(app).start();
    try {
      expect((await rooted.get('/hello.txt')).text).toBe(HELLO);
      const listing = await rooted.get('/');
      expect(listing.status).toBe(200);
      expect(listing.text).toContain('<a href="/hello.txt">hello.txt</a>');
      expect((await rooted.get('/sub/sub/a.txt')).text).toBe('A');
      expect((await rooted.get('/sub/')).status).toBe(403);
      expect(app.router.url('root', { filename: 'hello.txt' })).toMatch(/^\/hello\.txt\?v=[\w-]+$/);
      expect(sub.router.url('files', { filename: 'sub/a.txt' })).toBe('/sub/sub/a.txt');
    } finally {
      await rooted.close();
    }
  });

  test('bad arguments to app.static throw WEFT_ERR_STATIC naming the problem', () => {
    const app = createApp({ logger });
    const thrown = (fn: () => void): WeftError => {
      try {
        fn();
      } catch (err) {
        return err as WeftError;
      }
      throw new Error('did not throw');
    };
    const missing = thrown(() => app.static('/s', path.join(tree.base, 'no-such-dir')));
    expect(missing.code).toBe('WEFT_ERR_STATIC');
    expect(missing.message).toContain('does not exist');
    expect(thrown(() => app.static('/s', path.join(tree.root, 'hello.txt'))).message).toContain('is not a directory');
    expect(thrown(() => app.static('s', tree.root)).message).toContain("must start with '/'");
    expect(thrown(() => app.static('/s/{x}', tree.root)).message).toContain('hold no parameters');
    expect(thrown(() => app.static('/s', tree.root, { maxAge: -1 })).message).toContain('maxAge');
    expect(thrown(() => app.static('/s', tree.root, { maxAge: 1e300 })).message).toContain('up to 9007199254740991'); // it printed max-age=1e+300
    expect(thrown(() => app.static('/s', tree.root, { showindex: true } as never)).message).toContain('unknown static option "showindex"');
    expect(thrown(() => app.static('/s', tree.root, { showIndex: 'yes' } as never)).message).toContain('showIndex must be a boolean');
  });
});

describe('app.static when a path is swapped for a link out after the check', () => {
  // The handler checks containment on the file it opened; a large file (or any file of a
  // precompressed route) is opened again when the response is sent. A middleware swapping
  // the path after the handler returned stands in for a race in that window.
  let tree: { base: string; root: string };
  let client: TestClient;
  let swap: (() => void) | null = null;

  beforeAll(async () => {
    tree = makeTree();
    writeFileSync(path.join(tree.root, 'big.bin'), Buffer.alloc(100 * 1024, 120));
    mkdirSync(path.join(tree.root, 'd'));
    writeFileSync(path.join(tree.root, 'd', 'secret.txt'), 'inside');
    const swapAfterHandler: Middleware = async (_request, next) => {
      const response = await next();
      swap?.();
      swap = null;
      return response;
    };
    const app = createApp({ logger, middlewares: [swapAfterHandler] });
    app.static('/static', tree.root);
    app.static('/pc', tree.root, { precompressed: true });
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(tree.base, { recursive: true, force: true });
  });

  test('a large file replaced by a symlink to a file outside the root: 404, nothing leaks', async () => {
    swap = () => {
      rmSync(path.join(tree.root, 'big.bin'));
      symlinkSync(path.join(tree.base, 'secret.txt'), path.join(tree.root, 'big.bin'));
    };
    const res = await client.get('/static/big.bin');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(SECRET);
  });

  test('a directory on the path replaced by a symlink to the parent (precompressed route): 404', async () => {
    swap = () => {
      rmSync(path.join(tree.root, 'd'), { recursive: true });
      symlinkSync(tree.base, path.join(tree.root, 'd'));
    };
    const res = await client.get('/pc/d/secret.txt');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(SECRET);
  });

  test('a large file replaced by another file inside the root is served as it is now', async () => {
    writeFileSync(path.join(tree.root, 'big2.bin'), Buffer.alloc(100 * 1024, 1));
    swap = () => {
      writeFileSync(path.join(tree.root, 'big2.bin.tmp'), Buffer.alloc(100 * 1024, 2));
      renameSync(path.join(tree.root, 'big2.bin.tmp'), path.join(tree.root, 'big2.bin'));
    };
    const res = await client.get('/static/big2.bin');
    expect(res.status).toBe(200);
    expect(res.body[0]).toBe(2);
  });
});
