import { Controller, Get, HttpError, Middleware, Use, createApp, createLogger, json, type Middleware as MiddlewareFn, type Next, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

describe('middlewares', () => {
  let client: TestClient;
  afterEach(() => client?.close());

  test("the seed's order example prints exactly what the seed shows", async () => {
    const printed: string[] = [];
    const middleware = (n: number): MiddlewareFn =>
      async (_request, next) => {
        printed.push(`Middleware ${n} called`);
        const response = await next();
        printed.push(`Middleware ${n} finished`);
        return response;
      };
    const app = createApp({ middlewares: [middleware(1), middleware(2)], logger });
    app.router.add('GET', '/', () => {
      printed.push('Handler function called');
      return 'Hello';
    });
    client = await new TestClient(app).start();
    const res = await client.get('/');
    expect(res.text).toBe('Hello');
    expect(printed).toEqual(['Middleware 1 called', 'Middleware 2 called', 'Handler function called', 'Middleware 2 finished', 'Middleware 1 finished']);
  });

  test("the seed's error middleware turns 404 into JSON", async () => {
    const errorMiddleware: MiddlewareFn = async (request, next) => {
      try {
        const response = await next();
        if (response.status !== 404) return response;
        return json({ error: response.reason });
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 404) throw err;
        if (!request.path.startsWith('/api/')) throw err;
        return json({ error: err.reason });
      }
    };
    const app = createApp({ middlewares: [errorMiddleware], logger });
    app.router.add('GET', '/api/known', () => 'ok');
    client = await new TestClient(app).start();
    const api = await client.get('/api/unknown');
    expect(api.status).toBe(200);
    expect(api.json()).toEqual({ error: 'Not Found' });
    const plain = await client.get('/apix');
    expect(plain.status).toBe(404);
    expect(plain.text).toBe('404: Not Found');
  });

  test('a miss and a 405 pass through every middleware', async () => {
    const seen: string[] = [];
    const record: MiddlewareFn = async (request, next) => {
      try {
        return await next();
      } catch (err) {
        seen.push(`${request.method} ${request.path} ${(err as HttpError).status}`);
        throw err;
      }
    };
    const app = createApp({ middlewares: [record], logger });
    app.router.add('GET', '/only-get', () => 'ok');
    client = await new TestClient(app).start();
    expect((await client.get('/nope')).status).toBe(404);
    const res = await client.post('/only-get');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET,HEAD');
    expect(seen).toEqual(['GET /nope 404', 'POST /only-get 405']);
  });

  test('middleware factories, and a middleware may replace the request', async () => {
    const suffix = (text: string): MiddlewareFn => async (_request, next) => {
      const response = await next();
      return json({ ...(JSON.parse(String((response as unknown as { text: string }).text)) as object), suffix: text });
    };
    const rehost: MiddlewareFn = (request, next) => next(request.clone({ host: 'example.test' }));
    const app = createApp({ middlewares: [suffix(' wink'), rehost], logger });
    app.router.add('GET', '/', (request: Request) => ({ host: request.host }));
    client = await new TestClient(app).start();
    expect((await client.get('/')).json()).toEqual({ host: 'example.test', suffix: ' wink' });
  });

  test('order is app -> controller -> method -> handler, with DI-built middleware classes', async () => {
    const order: string[] = [];
    const tag = (name: string): MiddlewareFn => async (_request, next) => {
      order.push(name);
      return next();
    };

    class Greeting {
      text = 'hi';
    }

    @Middleware()
    class ClassMiddleware {
      constructor(private readonly greeting: Greeting) {}
      async handle(request: Request, next: Next) {
        order.push(`class:${this.greeting.text}`);
        return next(request);
      }
    }

    @Controller('/c', { middlewares: [tag('controller-option')] })
    @Use(tag('controller-use'))
    class C {
      @Get('/m', { middlewares: [tag('route-option')] })
      @Use(ClassMiddleware)
      m() {
        order.push('handler');
        return 'done';
      }
    }
    const app = createApp({ controllers: [C], providers: [Greeting], middlewares: [tag('app')], logger });
    client = await new TestClient(app).start();
    expect((await client.get('/c/m')).text).toBe('done');
    expect(order).toEqual(['app', 'controller-option', 'controller-use', 'class:hi', 'route-option', 'handler']);
  });
});

describe('module middlewares', () => {
  test("run for the module's own controllers only, inside the app's", async () => {
    const { Module } = await import('weft');
    const order: string[] = [];
    const tag = (name: string): MiddlewareFn => async (_request, next) => {
      order.push(name);
      return next();
    };
    @Controller('/admin')
    class AdminController {
      @Get('') index() {
        return 'admin';
      }
    }
    @Controller('/health')
    class HealthController {
      @Get('') index() {
        return 'ok';
      }
    }
    @Module({ controllers: [AdminController], middlewares: [tag('admin-module')] })
    class AdminModule {}
    @Module({ imports: [AdminModule], controllers: [HealthController] })
    class RootModule {}
    const client = await new TestClient(createApp({ modules: [RootModule], middlewares: [tag('app')], logger })).start();
    try {
      await client.get('/admin');
      expect(order).toEqual(['app', 'admin-module']);
      order.length = 0;
      await client.get('/health');
      await client.get('/missing');
      expect(order).toEqual(['app', 'app']);
    } finally {
      await client.close();
    }
  });
});
