import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Controller, Get, HTTPFound, Param, Render, WeftError, createApp, createLogger, render, setupTemplates, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

@Controller('/pages')
class Pages {
  @Get('/hello/{name}')
  @Render('hello.njk')
  hello(@Param('name') name: string) {
    return { name };
  }

  // the other decorator order
  @Render('hello.njk', { status: 201 })
  @Get('/created/{name}')
  created(@Param('name') name: string) {
    return { name };
  }

  @Get('/away')
  @Render('hello.njk')
  away() {
    return new HTTPFound('/pages/hello/x');
  }

  @Get('/async')
  @Render('layout-child.njk')
  async child() {
    return { items: ['a', '<b>'] };
  }
}

@Controller('/broken')
class MissingTemplate {
  @Get('/')
  @Render('does-not-exist.njk')
  page() {
    return {};
  }
}

describe('templates', () => {
  let dir: string;
  let client: TestClient;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'weft-templates-'));
    mkdirSync(path.join(dir, 'partials'));
    writeFileSync(path.join(dir, 'hello.njk'), '<p>Hello {{ name }}{% if user %} from {{ user }}{% endif %}</p>');
    writeFileSync(path.join(dir, 'base.njk'), '<html><body>{% block content %}{% endblock %}</body></html>');
    writeFileSync(path.join(dir, 'layout-child.njk'), '{% extends "base.njk" %}{% block content %}{% for i in items %}<li>{{ i | shout }}</li>{% endfor %}{{ site }}{% endblock %}');
    writeFileSync(path.join(dir, 'path.njk'), '{{ request.path }}');
    writeFileSync(path.join(dir, 'broken-syntax.njk'), '{% if %}');
    const app = createApp({ controllers: [Pages], logger });
    setupTemplates(app, {
      directory: dir,
      filters: { shout: (s: string) => s.toUpperCase() },
      globals: { site: 'weft' },
      contextProcessors: [(request: Request) => ({ user: request.headers.get('x-user') })],
    });
    app.router.add('GET', '/fn', (request) => render(request, 'hello.njk', { name: '<script>alert(1)</script>' }));
    app.router.add('GET', '/path', (request) => render(request, 'path.njk'));
    app.router.add('GET', '/missing', (request) => render(request, 'nope.njk', {}));
    app.router.add('GET', '/syntax', (request) => render(request, 'broken-syntax.njk', {}));
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('render() answers text/html with autoescaping on', async () => {
    const res = await client.get('/fn');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBe('<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  test('@Render works below and above @Get, with a status', async () => {
    const below = await client.get('/pages/hello/ada');
    expect(below.status).toBe(200);
    expect(below.text).toBe('<p>Hello ada</p>');
    const above = await client.get('/pages/created/bob');
    expect(above.status).toBe(201);
    expect(above.text).toBe('<p>Hello bob</p>');
  });

  test('context processors, the request, filters, globals and inheritance', async () => {
    expect((await client.get('/pages/hello/ada', { headers: { 'x-user': 'eve' } })).text).toBe('<p>Hello ada from eve</p>');
    expect((await client.get('/path')).text).toBe('/path');
    expect((await client.get('/pages/async')).text).toBe('<html><body><li>A</li><li>&lt;B&gt;</li>weft</body></html>');
  });

  test('a response returned by a @Render handler is sent as is', async () => {
    const res = await client.get('/pages/away');
    expect(res.status).toBe(302);
    expect(res.headers['location']).toBe('/pages/hello/x');
  });

  test('a missing template at render time is a 500 naming it', async () => {
    const res = await client.get('/missing');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Template "nope.njk" not found');
    const syntax = await client.get('/syntax');
    expect(syntax.status).toBe(500);
    expect(syntax.text).toContain('Template "broken-syntax.njk" failed to render');
  });

  test('a missing @Render template fails startup, naming it and the route', async () => {
    const app = createApp({ controllers: [MissingTemplate], logger });
    setupTemplates(app, { directory: dir });
    const err = await app.startup().then(
      () => undefined,
      (e: unknown) => e,
    );
    const text = `${String(err)} ${String((err as { cause?: unknown }).cause)}`;
    expect(text).toContain('does-not-exist.njk');
    expect(text).toContain('MissingTemplate.page');
  });

  test('@Render without setupTemplates fails startup; bad setups throw WEFT_ERR_TEMPLATE', async () => {
    const app = createApp({ controllers: [MissingTemplate], logger });
    const err = await app.startup().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(`${String(err)} ${String((err as { cause?: unknown }).cause)}`).toContain('setupTemplates');
    let thrown: unknown;
    try {
      setupTemplates(createApp({ logger }), { directory: '' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(WeftError);
    expect((thrown as WeftError).code).toBe('WEFT_ERR_TEMPLATE');
    expect(() => Render('')).toThrow('@Render needs a template name');
  });
});

describe('template names stay inside the template directories', () => {
  let base: string;
  let client: TestClient;

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'weft-templates-contained-'));
    const dir = path.join(base, 'tpl');
    mkdirSync(path.join(dir, 'partials'), { recursive: true });
    mkdirSync(path.join(dir, 'sub'));
    mkdirSync(path.join(base, 'tpl-old')); // a sibling whose name starts with the directory's
    writeFileSync(path.join(base, 'tpl-old', 'secret.njk'), 'SECRET');
    writeFileSync(path.join(dir, 'partials', 'nav.njk'), 'nav');
    writeFileSync(path.join(dir, 'page.njk'), '[{% include "./partials/nav.njk" %}]');
    writeFileSync(path.join(dir, 'sneaky.njk'), '[{% include "../tpl-old/secret.njk" %}]');
    writeFileSync(path.join(dir, 'inc-missing.njk'), '[{% include "partials/gone.njk" %}]');
    const app = createApp({ logger });
    setupTemplates(app, { directory: dir });
    app.router.add('GET', '/r/{name:.*}', (request: Request) => render(request, request.params.name));
    app.router.add('GET', '/odd/{kind}', (request: Request) => render(request, (request.params.kind === 'number' ? 42 : '') as never));
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('a relative include inside the directory works', async () => {
    expect((await client.get('/r/page.njk')).text).toBe('[nav]');
  });

  test.each(['../tpl-old/secret.njk', '..%2ftpl-old%2fsecret.njk', 'sneaky.njk'])('%s is not found, never the sibling directory', async (name) => {
    const res = await client.get(`/r/${name}`);
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('SECRET');
  });

  test('an absolute path to the sibling is not found either', async () => {
    const res = await client.get(`/r/${encodeURIComponent(path.join(base, 'tpl-old', 'secret.njk'))}`);
    expect([res.status, res.text.includes('SECRET')]).toEqual([500, false]);
  });

  test('a directory, an empty or a non-string name is a 500 naming it; a missing include is a render failure', async () => {
    expect((await client.get('/r/sub')).text).toBe('Template "sub" not found');
    expect((await client.get('/odd/empty')).text).toBe('Template "" not found');
    expect((await client.get('/odd/number')).text).toBe('Template 42 not found');
    expect((await client.get('/r/inc-missing.njk')).text).toBe('Template "inc-missing.njk" failed to render');
  });

  test('watch without chokidar installed is WEFT_ERR_TEMPLATE at setup, not a plain Error', () => {
    expect(() => setupTemplates(createApp({ logger }), { directory: base, watch: true })).toThrow(expect.objectContaining({ code: 'WEFT_ERR_TEMPLATE' }));
  });
});
