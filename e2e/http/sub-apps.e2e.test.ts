import { Container, Controller, Get, HTTPNotFound, Inject, Key, createApp, createLogger, json, text, type Middleware, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });
const Config = new Key<string>('config');
const Greeting = new Key<string>('greeting');

describe('sub-applications', () => {
  let client: TestClient;
  const seen: string[] = [];
  const record = (name: string): Middleware => async (request, next) => {
    seen.push(`${name} ${request.path}`);
    return next();
  };

  @Controller()
  class AdminController {
    @Get('/', { name: 'index' })
    index(request: Request) {
      return { app: request.app.name, url: request.app.router.url('resource') };
    }

    @Get('/resource', { name: 'resource' })
    resource(@Inject(Config) config: string, @Inject(Greeting) greeting: string) {
      return { config, greeting };
    }
  }

  @Controller()
  class DeepController {
    @Get('/leaf', { name: 'leaf' })
    leaf(@Inject(Config) config: string) {
      return { config };
    }
  }

  beforeAll(async () => {
    const app = createApp({ name: 'main', middlewares: [record('main')], logger });
    app.provide(Config, 'main-config');
    app.provide(Greeting, 'hello from main');
    const admin = createApp({ name: 'admin', controllers: [AdminController], middlewares: [record('admin')], logger });
    admin.provide(Greeting, 'hello from admin'); // shadows the parent's
    const deep = createApp({ name: 'deep', controllers: [DeepController], middlewares: [record('deep')], logger });
    admin.mount('/deep/', deep);
    app.mount('/admin/', admin);
    app.router.add('GET', '/main', (request) => ({ admin: request.app.subApps[0].router.url('resource'), deep: deep.router.url('leaf') }));
    app.onResponsePrepare.push((_req, res) => res.headers.append('x-prepare', 'main'));
    admin.onResponsePrepare.push((_req, res) => res.headers.append('x-prepare', 'admin'));
    client = await new TestClient(app).start();
  });
  afterAll(() => client.close());
  beforeEach(() => (seen.length = 0));

  test('routes are served under the prefix; /admin/ is its index and /admin is 404', async () => {
    expect((await client.get('/admin/')).json()).toEqual({ app: 'admin', url: '/admin/resource' });
    expect((await client.get('/admin')).status).toBe(404);
    expect((await client.get('/admin/deep/leaf')).status).toBe(200);
  });

  test("parent middlewares run first, then the sub-app's, for hits and misses", async () => {
    await client.get('/admin/deep/leaf');
    expect(seen).toEqual(['main /admin/deep/leaf', 'admin /admin/deep/leaf', 'deep /admin/deep/leaf']);
    seen.length = 0;
    expect((await client.get('/admin/missing')).status).toBe(404);
    expect(seen).toEqual(['main /admin/missing', 'admin /admin/missing']);
    seen.length = 0;
    await client.get('/admin');
    expect(seen).toEqual(['main /admin', 'admin /admin']);
    seen.length = 0;
    await client.get('/main');
    expect(seen).toEqual(['main /main']);
  });

  test('lookups walk up the chain and a sub-app may shadow its parent', async () => {
    expect((await client.get('/admin/resource')).json()).toEqual({ config: 'main-config', greeting: 'hello from admin' });
    expect((await client.get('/admin/deep/leaf')).json()).toEqual({ config: 'main-config' });
  });

  test('onResponsePrepare is delivered to both apps, parent first', async () => {
    const res = await client.get('/admin/resource');
    expect(res.headers['x-prepare']).toBe('main, admin');
    const top = await client.get('/main');
    expect(top.headers['x-prepare']).toBe('main');
  });

  test('a parent reverses a sub-app route through the sub-app, with the full prefix', async () => {
    expect((await client.get('/main')).json()).toEqual({ admin: '/admin/resource', deep: '/admin/deep/leaf' });
  });
});

describe('onResponsePrepare and the default headers', () => {
  test('a handler sees Content-Length and a default Content-Type, as aiohttp computes them first; what it changes is sent', async () => {
    const app = createApp({ logger });
    const seenHeaders: Array<[string | undefined, string | undefined]> = [];
    app.onResponsePrepare.push((_request, response) => {
      seenHeaders.push([response.headers.get('content-length'), response.headers.get('content-type')]);
      response.headers.set('x-length-seen', response.headers.get('content-length') ?? 'none');
    });
    app.router.add('GET', '/text', () => 'hello');
    app.router.add('GET', '/none', () => undefined);
    const client = await new TestClient(app, { transport: 'inject' }).start();
    try {
      const text = await client.get('/text');
      expect([text.text, text.headers['content-length'], text.headers['x-length-seen']]).toEqual(['hello', '5', '5']);
      const none = await client.get('/none');
      expect(none.status).toBe(204);
      expect(none.headers['content-length']).toBeUndefined();
      expect(seenHeaders).toEqual([
        ['5', 'text/plain; charset=utf-8'],
        [undefined, undefined],
      ]);
    } finally {
      await client.close();
    }
  });
});

describe('sub-application settings', () => {
  test('a sub-app without its own clientMaxSize and debug uses its parent’s; its own wins', async () => {
    const app = createApp({ clientMaxSize: 10, debug: true, logger });
    const inherits = createApp({ name: 'inherits' });
    inherits.router.add('POST', '/echo', async (request) => ({ length: (await request.text()).length }));
    inherits.router.add('GET', '/fail', () => {
      throw new Error('visible in debug');
    });
    const own = createApp({ name: 'own', clientMaxSize: 100, debug: false });
    own.router.add('POST', '/echo', async (request) => ({ length: (await request.text()).length }));
    own.router.add('GET', '/fail', () => {
      throw new Error('hidden');
    });
    app.mount('/inherits/', inherits);
    app.mount('/own/', own);
    const client = await new TestClient(app).start();
    try {
      expect((await client.post('/inherits/echo', { body: 'x'.repeat(20) })).status).toBe(413);
      expect((await client.post('/own/echo', { body: 'x'.repeat(20) })).json()).toEqual({ length: 20 });
      expect((await client.get('/inherits/fail')).text).toContain('visible in debug');
      expect((await client.get('/own/fail')).text).toBe('500: Internal Server Error');
      expect(inherits.logger).toBe(logger);
    } finally {
      await client.close();
    }
  });
});

describe('a sub-app owns every path under its prefix', () => {
  const jsonNotFound: Middleware = async (request, next) => {
    try {
      return await next();
    } catch (err) {
      if (err instanceof HTTPNotFound) return json({ error: 'not found', path: request.path }, { status: 404 });
      throw err;
    }
  };

  test("a parent's catch-all answers outside the prefix only: under it, and at the bare prefix, the sub-app's middlewares see its own 404", async () => {
    const app = createApp({ name: 'main', logger });
    const api = createApp({ name: 'api', middlewares: [jsonNotFound] });
    api.router.add('GET', '/items', () => ['a']);
    api.router.add('POST', '/orders', () => ({ ok: true }));
    app.mount('/api/', api);
    app.router.add('GET', '/{path:.*}', () => text('<html>spa</html>')); // after the mount, so registration order cannot decide
    const client = await new TestClient(app).start();
    try {
      expect((await client.get('/api/items')).json()).toEqual(['a']);
      for (const path of ['/api/nope', '/api/a/b', '/api/', '/api']) {
        const response = await client.get(path);
        expect([path, response.status, response.json()]).toEqual([path, 404, { error: 'not found', path }]);
      }
      // no 405 from the catch-all's GET under the prefix either
      expect((await client.request('PUT', '/api/items')).status).toBe(405);
      expect((await client.request('PUT', '/api/items')).headers.allow).toBe('GET,HEAD');
      expect((await client.request('PUT', '/api/zzz')).status).toBe(404);
      expect((await client.get('/apiary')).text).toBe('<html>spa</html>');
      expect((await client.get('/about/team')).text).toBe('<html>spa</html>');
    } finally {
      await client.close();
    }
  });

  test('nested: a sub-app’s catch-all does not answer under its own sub-app’s prefix', async () => {
    const app = createApp({ name: 'main', logger });
    const admin = createApp({ name: 'admin' });
    const reports = createApp({ name: 'reports', middlewares: [jsonNotFound] });
    admin.router.add('GET', '/{rest:.*}', (request) => `admin ${request.params.rest}`);
    reports.router.add('GET', '/daily', () => 'daily');
    admin.mount('/reports/', reports);
    app.mount('/admin/', admin);
    const client = await new TestClient(app).start();
    try {
      expect((await client.get('/admin/users')).text).toBe('admin users');
      expect((await client.get('/admin/reports/daily')).text).toBe('daily');
      expect((await client.get('/admin/reports/weekly')).json()).toEqual({ error: 'not found', path: '/admin/reports/weekly' });
    } finally {
      await client.close();
    }
  });

  test('a custom resource of the parent does not answer under a sub-app’s prefix', async () => {
    const app = createApp({ name: 'main', logger });
    const api = createApp({ name: 'api', middlewares: [jsonNotFound] });
    app.mount('/api/', api);
    app.router.addResource({ resolve: (_method, rawPath) => ({ handler: () => `resource ${rawPath}` }) });
    const client = await new TestClient(app).start();
    try {
      expect((await client.get('/elsewhere')).text).toBe('resource /elsewhere');
      expect((await client.get('/api/x')).json()).toEqual({ error: 'not found', path: '/api/x' });
    } finally {
      await client.close();
    }
  });

  test.each([
    ['a static route under the prefix', '/api/health'],
    ['the bare prefix', '/api'],
    ['a dynamic route whose literal start is under the prefix', '/api/{name}'],
  ])("a parent's route that could only answer under a sub-app's prefix is a startup error: %s", async (_case, path) => {
    const app = createApp({ name: 'main', logger });
    app.router.add('GET', path, () => 'parent');
    app.mount('/api/', createApp({ name: 'api' }));
    await expect(app.startup()).rejects.toThrow(
      `WEFT_ERR_MOUNT: GET ${path} (router.add): ${path} lies under /api/, the prefix of a mounted application, which owns every path there; add the route to that application`,
    );
  });
});

describe('mounting: cycles and started apps', () => {
  test('mounting an app into its own descendant is WEFT_ERR_MOUNT and changes nothing', async () => {
    const a = createApp({ name: 'a', logger });
    const b = createApp({ name: 'b' });
    const c = createApp({ name: 'c' });
    a.mount('/b/', b);
    b.mount('/c/', c);
    expect(() => b.mount('/a/', a)).toThrow('WEFT_ERR_MOUNT: a cannot be mounted in b: b is mounted in it');
    expect(() => c.mount('/a/', a)).toThrow('WEFT_ERR_MOUNT: a cannot be mounted in c: c is mounted in it');
    expect(b.subApps).toEqual([c]);
    expect(c.subApps).toEqual([]);
    c.router.add('GET', '/x', () => 'x');
    const client = await new TestClient(a).start();
    try {
      expect((await client.get('/b/c/x')).text).toBe('x');
    } finally {
      await client.close();
    }
  });

  test('a started app cannot be mounted: its startup would run twice', async () => {
    let startups = 0;
    const started = createApp({ name: 'started', logger });
    started.onStartup.push(() => void startups++);
    await started.startup();
    const outer = createApp({ name: 'outer', logger });
    expect(() => outer.mount('/s/', started)).toThrow('WEFT_ERR_MOUNT: started was started: mount an application before its startup, and start the root only');
    expect(outer.subApps).toEqual([]);
    await started.cleanup();
    expect(startups).toBe(1);
  });

  test('a sub-app with a container option is refused at mount(): its container would be dropped for a child of the root\'s', () => {
    const root = createApp({ name: 'root', logger });
    const admin = createApp({ name: 'admin', container: new Container({ name: 'admin' }) });
    expect(() => root.mount('/admin/', admin)).toThrow(
      "WEFT_ERR_MOUNT: admin has a container option: a sub-application's container is a child of its root's, made at startup; give the container (and its fallbacks, e.g. fromInversify) to the root app, and list the sub-app's own providers in its providers",
    );
    expect(root.subApps).toEqual([]);
    expect(admin.parent).toBeUndefined();
  });
});
