import { Controller, Get, Param, Post, Route, createApp, createLogger, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

@Controller('/users')
class Users {
  @Get('/{id}', { name: 'user' })
  show(@Param('id') id: string) {
    return { id };
  }

  @Get('/{id}/files/{path:.*}')
  file(@Param() params: Record<string, string>) {
    return params;
  }

  @Post('/{id:\\d+}')
  update(request: Request) {
    return { numeric: request.params.id };
  }
}

@Controller('/héllo')
class Unicode {
  @Get('/{name}')
  greet(@Param('name') name: string) {
    return `hello ${name}`;
  }
}

@Controller()
class Anything {
  @Route('*', '/any')
  any(request: Request) {
    return request.method;
  }
}

describe.each(['socket', 'inject'] as const)('routing (%s transport)', (transport) => {
  let client: TestClient;
  beforeAll(async () => {
    const app = createApp({ controllers: [Users, Unicode, Anything], logger });
    app.router.add('GET', '/plain', () => 'plain');
    app.router.add('GET', '/items/{n:\\d+}', (r) => ({ n: r.params.n }), { name: 'item' });
    client = await new TestClient(app, { transport }).start();
  });
  afterAll(() => client.close());

  test('path parameters are decoded exactly once', async () => {
    expect((await client.get('/users/42')).json()).toEqual({ id: '42' });
    expect((await client.get('/users/%41%20b')).json()).toEqual({ id: 'A b' });
    expect((await client.get('/users/a%2Fb')).json()).toEqual({ id: 'a/b' });
    expect((await client.get('/users/%2541')).json()).toEqual({ id: '%41' });
  });

  test('no slash normalisation, and encoded letters in literals do not match', async () => {
    expect((await client.get('/users/42/')).status).toBe(404);
    expect((await client.get('//users/42')).status).toBe(404);
    expect((await client.get('/%75sers/42')).status).toBe(404);
  });

  test('a route written in unicode matches the percent-encoded request', async () => {
    const res = await client.get('/h%C3%A9llo/w%C3%B6rld');
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello wörld');
  });

  test('invalid percent-encoding is 400', async () => {
    expect((await client.get('/users/%zz')).status).toBe(400);
    expect((await client.get('/users/%C3')).status).toBe(400);
  });

  test('regex and tail parameters', async () => {
    expect((await client.get('/users/7/files/a/b/c.txt')).json()).toEqual({ id: '7', path: 'a/b/c.txt' });
    expect((await client.post('/users/12')).json()).toEqual({ numeric: '12' });
    expect((await client.post('/users/abc')).status).toBe(405);
    expect((await client.get('/items/5')).json()).toEqual({ n: '5' });
    expect((await client.get('/items/x')).status).toBe(404);
  });

  test('GET routes answer HEAD with headers and no body', async () => {
    const res = await client.head('/plain');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('5');
    expect(res.body.length).toBe(0);
  });

  test('405 carries a sorted Allow', async () => {
    const res = await client.request('DELETE', '/users/12');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET,HEAD,POST');
  });

  test("'*' routes answer any method", async () => {
    expect((await client.request('PATCH', '/any')).text).toBe('PATCH');
    expect((await client.get('/any')).text).toBe('GET');
  });

  test('named routes reverse to URLs that match with the same values', async () => {
    const url = client.app.router.url('user', { params: { id: 'a/b ö' }, query: { q: 'x y' } });
    expect(url).toBe('/users/a%2Fb%20%C3%B6?q=x+y');
    expect((await client.get(url)).json()).toEqual({ id: 'a/b ö' });
    expect(client.app.router.url('item', { params: { n: 3 } })).toBe('/items/3');
    expect(() => client.app.router.url('item', { params: { n: 'x' } })).toThrow(/WEFT_ERR_URL_PARAMS/);
    expect(() => client.app.router.url('nope')).toThrow(/WEFT_ERR_ROUTE_NAME/);
    // a mistyped option would silently drop the query
    expect(() => client.app.router.url('user', { params: { id: 1 }, querry: { q: 'x' } } as never)).toThrow(
      'WEFT_ERR_URL_PARAMS: router.url("user"): unknown option "querry" (known: params, query, filename, appendVersion)',
    );
    expect(() => client.app.router.url('user', null as never)).toThrow('WEFT_ERR_URL_PARAMS: router.url("user"): options must be an object, got null');
  });
});

describe('route table errors at startup', () => {
  test('duplicate routes are a coded startup error naming both', async () => {
    @Controller('/d')
    class D1 {
      @Get('/x') a() {}
    }
    const app = createApp({ controllers: [D1], logger });
    app.router.add('GET', '/d/x', () => 'again');
    await expect(app.startup()).rejects.toThrow(/WEFT_ERR_DUPLICATE_ROUTE.*D1\.a/);
  });

  test("a method node's parser does not accept is a startup error: the route could never be reached", async () => {
    const app = createApp({ logger });
    app.router.add('BREW', '/pot', () => 'coffee');
    await expect(app.startup()).rejects.toThrow(
      'WEFT_ERR_INVALID_ROUTE: BREW /pot (router.add): node\'s HTTP parser does not accept the method "BREW" (it answers 400 before weft sees the request); use one of node:http\'s METHODS, or \'*\'',
    );
    const tunnel = createApp({ logger });
    tunnel.router.add('CONNECT', '/', () => 'never');
    await expect(tunnel.startup()).rejects.toThrow("WEFT_ERR_INVALID_ROUTE: CONNECT / (router.add): CONNECT opens a tunnel, which node hands to its 'connect' event");
    const lower = createApp({ logger });
    lower.router.add('purge', '/cache', () => 'purged');
    const client = await new TestClient(lower).start();
    try {
      expect((await client.request('PURGE', '/cache')).text).toBe('purged');
    } finally {
      await client.close();
    }
  });

  test('an invalid path is rejected where it is added', () => {
    const app = createApp({ logger });
    expect(() => app.router.add('GET', '/x/{unclosed', () => '')).toThrow(/WEFT_ERR_INVALID_PATH/);
  });

  test('the app is frozen after startup', async () => {
    const app = createApp({ logger });
    await app.startup();
    expect(() => app.router.add('GET', '/late', () => '')).toThrow(/WEFT_ERR_APP_FROZEN/);
    expect(() => app.onStartup.push(() => undefined)).toThrow(/WEFT_ERR_APP_FROZEN/);
    await app.cleanup();
  });
});

describe('accept negotiation', () => {
  test('picks the route by q-values, tells the handler the chosen type, 406 when nothing fits', async () => {
    const app = createApp({ logger });
    app.router.add('GET', '/doc', (r: Request) => ({ as: r.mediaType }), { accept: ['application/json'] });
    app.router.add('GET', '/doc', (r: Request) => `<p>${r.mediaType}</p>`, { accept: ['text/html', 'application/xhtml+xml'] });
    const client = await new TestClient(app).start();
    try {
      expect((await client.get('/doc', { headers: { accept: 'application/json' } })).json()).toEqual({ as: 'application/json' });
      expect((await client.get('/doc', { headers: { accept: 'application/json;q=0.5, text/html' } })).text).toBe('<p>text/html</p>');
      expect((await client.get('/doc', { headers: { accept: 'application/xhtml+xml' } })).text).toBe('<p>application/xhtml+xml</p>');
      expect((await client.get('/doc', { headers: { accept: 'image/png' } })).status).toBe(406);
    } finally {
      await client.close();
    }
  });
});

describe('custom resources', () => {
  test('answer after the declared routes miss, through the middlewares, with 405 and prefixes', async () => {
    const seen: string[] = [];
    const pages = new Map([
      ['/about', 'About us'],
      ['/terms', 'Terms'],
    ]);
    const showPage = (request: Request) => `${request.app.name}: ${pages.get(request.params.page)}`;
    const resource = {
      resolve(method: string, rawPath: string) {
        if (!pages.has(rawPath)) return null;
        if (method !== 'GET' && method !== 'HEAD') return { allow: ['HEAD', 'GET'] };
        return { handler: showPage, params: { page: rawPath } };
      },
    };
    const app = createApp({ name: 'main', logger, middlewares: [async (request, next) => (seen.push(request.path), next())] });
    app.router.add('GET', '/about', () => 'declared route wins');
    app.router.addResource(resource);
    const docs = createApp({ name: 'docs' });
    docs.router.addResource(resource);
    app.mount('/docs/', docs);
    expect(() => app.router.addResource({} as never)).toThrow(/WEFT_ERR_INVALID_HANDLER/);
    const client = await new TestClient(app).start();
    try {
      expect((await client.get('/about')).text).toBe('declared route wins');
      expect((await client.get('/terms')).text).toBe('main: Terms');
      expect((await client.get('/docs/about')).text).toBe('docs: About us');
      const post = await client.post('/terms');
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET,HEAD');
      expect((await client.get('/nothing')).status).toBe(404);
      expect(seen).toEqual(['/about', '/terms', '/docs/about', '/terms', '/nothing']);
    } finally {
      await client.close();
    }
  });
});
