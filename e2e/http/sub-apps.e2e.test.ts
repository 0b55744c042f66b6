import { Controller, Get, Inject, Key, createApp, createLogger, type Middleware, type Request } from 'weft';
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
