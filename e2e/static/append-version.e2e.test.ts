import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, createLogger } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });
const hash = (content: string): string => createHash('sha256').update(content).digest('base64url');

describe('router.url for static routes (appendVersion)', () => {
  let base: string;
  let root: string;
  let client: TestClient;

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'weft-version-'));
    root = path.join(base, 'public');
    mkdirSync(path.join(root, 'css'), { recursive: true });
    writeFileSync(path.join(base, 'secret.txt'), 'secret');
    writeFileSync(path.join(root, 'css', 'site.css'), 'body{}');
    writeFileSync(path.join(root, 'a b&c.js'), 'x');
    writeFileSync(path.join(root, '.env'), 'SECRET=1');
    symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'out.txt'));
    const app = createApp({ logger });
    app.static('/static', root, { name: 'static', appendVersion: true });
    app.static('/plain', root, { name: 'plain' });
    app.static('/dots', root, { name: 'dots', appendVersion: true, dotfiles: 'allow' });
    const admin = createApp({ logger });
    admin.static('/assets', root, { name: 'assets', appendVersion: true });
    app.mount('/admin', admin);
    app.router.add('GET', '/page', () => app.router.url('static', { filename: 'css/site.css' }));
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('appends v=<sha256 of the content>, and the URL serves the file', async () => {
    const url = client.app.router.url('static', { filename: 'css/site.css' });
    expect(url).toBe(`/static/css/site.css?v=${hash('body{}')}`);
    const res = await client.get(url);
    expect(res.status).toBe(200);
    expect(res.text).toBe('body{}');
    expect((await client.get('/page')).text).toBe(url);
  });

  test('per call: appendVersion false or true overrides the route default', () => {
    expect(client.app.router.url('static', { filename: 'css/site.css', appendVersion: false })).toBe('/static/css/site.css');
    expect(client.app.router.url('plain', { filename: 'css/site.css' })).toBe('/plain/css/site.css');
    expect(client.app.router.url('plain', { filename: 'css/site.css', appendVersion: true })).toBe(`/plain/css/site.css?v=${hash('body{}')}`);
  });

  test('names are percent-encoded; a query is kept before v', () => {
    const url = client.app.router.url('static', { filename: 'a b&c.js', query: { lang: 'fr' } });
    expect(url).toBe(`/static/a%20b&c.js?lang=fr&v=${hash('x')}`);
  });

  test('the hash follows the content when mtime or size change', () => {
    const file = path.join(root, 'css', 'site.css');
    const first = client.app.router.url('static', { filename: 'css/site.css' });
    writeFileSync(file, 'body{color:red}');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    const second = client.app.router.url('static', { filename: 'css/site.css' });
    expect(second).not.toBe(first);
    expect(second).toBe(`/static/css/site.css?v=${hash('body{color:red}')}`);
  });

  test('a file over 2 GiB is hashed in chunks (readFileSync refused it: router.url threw ERR_FS_FILE_TOO_LARGE)', () => {
    const file = path.join(root, 'video.bin');
    const size = 2 ** 31 + 1; // sparse: no disk space used
    writeFileSync(file, '');
    truncateSync(file, size);
    const zerosHash = 'uAMKiriSgJNWM9jZkdo9mQfA8S6Lb8O_xRX01ECHK24'; // sha256 of 2 ** 31 + 1 zero bytes
    try {
      expect(client.app.router.url('static', { filename: 'video.bin' })).toBe(`/static/video.bin?v=${zerosHash}`);
    } finally {
      rmSync(file);
    }
  }, 60_000);

  test('no version for missing files, paths outside the root or links out', () => {
    expect(client.app.router.url('static', { filename: 'nope.css' })).toBe('/static/nope.css');
    expect(client.app.router.url('static', { filename: 'out.txt' })).toBe('/static/out.txt');
    expect(client.app.router.url('static', { filename: 'css' })).toBe('/static/css');
    // a name leaving the root cannot even make a URL: clients would resolve the `..` away
    expect(() => client.app.router.url('static', { filename: '../secret.txt' })).toThrow(expect.objectContaining({ code: 'WEFT_ERR_URL_PARAMS' }));
  });

  test('no version for a dotfile the route does not serve; a version under dotfiles allow', async () => {
    expect(client.app.router.url('static', { filename: '.env' })).toBe('/static/.env');
    expect((await client.get('/static/.env')).status).toBe(404);
    const url = client.app.router.url('dots', { filename: '.env' });
    expect(url).toBe(`/dots/.env?v=${hash('SECRET=1')}`);
    expect((await client.get(url)).text).toBe('SECRET=1');
  });

  test('a mounted app prefixes its static URLs', async () => {
    const admin = client.app.subApps[0];
    const url = admin.router.url('assets', { filename: 'css/site.css', appendVersion: false });
    expect(url).toBe('/admin/assets/css/site.css');
    expect((await client.get(url)).status).toBe(200);
  });
});
