import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileResponse, WeftError, createApp, createLogger, type StaticOptions } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });
const ENV = 'DATABASE_PASSWORD=hunter2\n';
const GIT_CONFIG = '[remote "origin"]\n\turl = https://token@example.com/repo.git\n';
const MINIFIED = 'console.log("min")';

/**
 * A root that itself lies below a dot directory (`<tmp>/.deploy/public`: only names under
 * the root count), holding dotfiles, dot directories, `.well-known`, dotted names that are
 * not dotfiles, a precompressed sibling and a symlink out of the root.
 */
function makeTree(): { base: string; root: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'weft-dotfiles-'));
  const root = path.join(base, '.deploy', 'public');
  mkdirSync(path.join(root, '.git'), { recursive: true });
  mkdirSync(path.join(root, '.well-known', 'acme-challenge'), { recursive: true });
  mkdirSync(path.join(root, 'sub', '.well-known'), { recursive: true });
  mkdirSync(path.join(root, 'listed', '.cache'), { recursive: true });
  writeFileSync(path.join(base, 'outside.txt'), 'outside');
  writeFileSync(path.join(root, '.env'), ENV);
  writeFileSync(path.join(root, '.big'), Buffer.alloc(100 * 1024, 'x')); // streamed, not read by the handler
  writeFileSync(path.join(root, '.git', 'config'), GIT_CONFIG);
  writeFileSync(path.join(root, '.well-known', 'acme-challenge', 'token'), 'acme-key-authorization');
  writeFileSync(path.join(root, '.well-known', '.secret'), 'not under the exception');
  writeFileSync(path.join(root, 'sub', '.well-known', 'x'), 'nested well-known');
  writeFileSync(path.join(root, 'sub', '.npmrc'), '//registry/:_authToken=abc');
  writeFileSync(path.join(root, 'app.min.js'), MINIFIED);
  writeFileSync(path.join(root, 'app.min.js.gz'), gzipSync(MINIFIED));
  writeFileSync(path.join(root, 'listed', 'visible.txt'), 'v');
  writeFileSync(path.join(root, 'listed', '.hidden'), 'h');
  symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'link-out.txt'));
  symlinkSync(path.join(base, 'outside.txt'), path.join(root, '.link-out'));
  return { base, root };
}

describe('app.static dotfiles', () => {
  let tree: { base: string; root: string };
  let client: TestClient;

  beforeAll(async () => {
    tree = makeTree();
    const app = createApp({ logger });
    app.static('/static', tree.root, { showIndex: true, precompressed: true });
    app.static('/plain', tree.root);
    app.static('/deny', tree.root, { dotfiles: 'deny', showIndex: true });
    app.static('/allow', tree.root, { dotfiles: 'allow', showIndex: true });
    app.static('/follow', tree.root, { followSymlinks: true });
    app.router.add('GET', '/handler-env', () => new FileResponse(path.join(tree.root, '.env')));
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(tree.base, { recursive: true, force: true });
  });

  test('dotfiles are 404 by default, as if missing: .env at the root, .git/config under a dot directory', async () => {
    const missing = await client.get('/static/no-such-file');
    for (const prefix of ['/static', '/plain']) {
      for (const url of [`${prefix}/.env`, `${prefix}/.git/config`, `${prefix}/.git/`, `${prefix}/.git`, `${prefix}/.big`, `${prefix}/sub/.npmrc`, `${prefix}/./.env`]) {
        const res = await client.get(url);
        expect({ url, status: res.status }).toEqual({ url, status: 404 });
        expect(res.text).toBe(missing.text);
      }
      expect((await client.head(`${prefix}/.env`)).status).toBe(404);
      expect((await client.get(`${prefix}/.no-such-dotfile`)).status).toBe(404);
    }
  });

  test('percent-encoded dots are judged after decoding: %2eenv is .env, 404 by default', async () => {
    for (const url of ['/static/%2eenv', '/static/%2Eenv', '/static/%2egit/config', '/static/%2Egit%2Fconfig', '/static/sub%2f.npmrc', '/plain/%2eenv']) {
      const res = await client.get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.text).not.toContain('hunter2');
      expect(res.text).not.toContain('token@');
    }
  });

  test("dotfiles: 'deny' answers 403 for dot paths, present or not; a traversal stays 404", async () => {
    for (const url of ['/deny/.env', '/deny/.git/config', '/deny/%2eenv', '/deny/sub/.npmrc', '/deny/.no-such-dotfile']) {
      const res = await client.get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 403 });
      expect(res.text).not.toContain('hunter2');
    }
    expect((await client.get('/deny/%2e%2e/outside.txt')).status).toBe(404);
    expect((await client.get('/deny/app.min.js')).text).toBe(MINIFIED);
  });

  test("dotfiles: 'allow' serves them as before", async () => {
    expect((await client.get('/allow/.env')).text).toBe(ENV);
    expect((await client.get('/allow/%2eenv')).text).toBe(ENV);
    expect((await client.get('/allow/.git/config')).text).toBe(GIT_CONFIG);
    expect((await client.get('/allow/.big')).body.length).toBe(100 * 1024);
    // containment still holds: a dot-named link out of the root is refused
    expect((await client.get('/allow/.link-out')).status).toBe(404);
  });

  test('/.well-known/ at the top level is served by default and under deny (RFC 8615); dot names inside it and nested .well-known are not', async () => {
    for (const prefix of ['/static', '/plain', '/deny']) {
      const res = await client.get(`${prefix}/.well-known/acme-challenge/token`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('acme-key-authorization');
      expect((await client.get(`${prefix}/%2ewell-known/acme-challenge/token`)).status).toBe(200);
    }
    expect((await client.get('/static/.well-known/.secret')).status).toBe(404);
    expect((await client.get('/static/sub/.well-known/x')).status).toBe(404);
    expect((await client.get('/deny/.well-known/.secret')).status).toBe(403);
    expect((await client.get('/deny/sub/.well-known/x')).status).toBe(403);
    expect((await client.get('/allow/sub/.well-known/x')).text).toBe('nested well-known');
  });

  test('a listing (showIndex) leaves dotfiles out by default and under deny, and shows them under allow', async () => {
    for (const prefix of ['/static', '/deny']) {
      const listed = await client.get(`${prefix}/listed/`);
      expect(listed.status).toBe(200);
      expect(listed.text).toContain(`href="${prefix}/listed/visible.txt"`);
      expect(listed.text).not.toContain('.hidden');
      expect(listed.text).not.toContain('.cache');
      const top = await client.get(`${prefix}/`);
      expect(top.text).toContain(`href="${prefix}/app.min.js"`);
      expect(top.text).not.toMatch(/\.env|\.git|\.big|\.well-known|\.link-out/);
    }
    // the top-level .well-known directory is served, so it lists its own plain entries
    expect((await client.get('/static/.well-known/')).text).toContain('href="/static/.well-known/acme-challenge/"');
    expect((await client.get('/static/.well-known/')).text).not.toContain('.secret');
    const allowed = await client.get('/allow/listed/');
    expect(allowed.text).toContain('href="/allow/listed/.hidden"');
    expect(allowed.text).toContain('href="/allow/listed/.cache/"');
    expect((await client.get('/allow/')).text).toContain('href="/allow/.env"');
  });

  test('a dot inside a name is not a dotfile: app.min.js and its .gz sibling are served; followSymlinks still works', async () => {
    const plain = await client.get('/static/app.min.js', { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.text).toBe(MINIFIED);
    const gzipped = await client.get('/static/app.min.js', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['vary']).toBe('Accept-Encoding');
    expect((await client.get('/static/app.min.js.gz')).status).toBe(200);
    expect((await client.get('/follow/link-out.txt')).text).toBe('outside');
    expect((await client.get('/follow/.link-out')).status).toBe(404);
  });

  test('FileResponse from a handler is not concerned: it serves the dotfile it was given', async () => {
    expect((await client.get('/handler-env')).text).toBe(ENV);
  });

  test('an invalid dotfiles value throws WEFT_ERR_STATIC naming the option and the allowed values', () => {
    const app = createApp({ logger });
    for (const dotfiles of ['hide', 'Ignore', true, null, 0]) {
      let thrown: unknown;
      try {
        app.static('/s', tree.root, { dotfiles } as unknown as StaticOptions);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(WeftError);
      expect((thrown as WeftError).code).toBe('WEFT_ERR_STATIC');
      expect((thrown as WeftError).message).toContain("static option dotfiles must be one of 'ignore', 'allow', 'deny'");
    }
    for (const dotfiles of ['ignore', 'allow', 'deny', undefined] as const) {
      expect(() => createApp({ logger }).static('/s', tree.root, { dotfiles })).not.toThrow();
    }
  });
});
