import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HTTPNotFound,
  Inject,
  Injectable,
  Key,
  Middleware as MiddlewareClass,
  Module,
  Optional,
  Param,
  Post,
  Query,
  Req,
  Use,
  createApp,
  createLogger,
  text,
  type Middleware,
  type Request,
} from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

interface Entity {
  id: string;
  name: string;
}

/** A generic CRUD base, extended per resource. */
abstract class CrudController<T extends Entity> {
  protected abstract readonly items: Map<string, T>;

  @Get('')
  list(): T[] {
    return [...this.items.values()];
  }

  @Get('/{id}')
  show(@Param('id') id: string): T {
    const item = this.items.get(id);
    if (item === undefined) throw new HTTPNotFound({ text: `no ${id}` });
    return item;
  }

  @Delete('/{id}')
  remove(@Param('id') id: string): void {
    this.items.delete(id);
  }
}

@Controller('/cats')
class CatsController extends CrudController<Entity & { lives: number }> {
  protected readonly items = new Map([['1', { id: '1', name: 'Tom', lives: 9 }]]);

  // an override without decorators keeps the inherited route
  override show(id: string) {
    return { ...super.show(id), overridden: true };
  }
}

@Controller('/dogs')
class DogsController extends CrudController<Entity> {
  protected readonly items = new Map([['1', { id: '1', name: 'Rex' }]]);

  // re-decorated: the inherited route of this method is replaced
  @Get('/all')
  override list(): Entity[] {
    return super.list();
  }
}

const CurrentUser = new Key<string>('currentUser');

@Injectable()
class Counter {
  count = 0;
}

@Injectable({ scope: 'request' })
class RequestInfo {
  readonly id: number;
  constructor(readonly counter: Counter) {
    this.id = ++counter.count;
  }
}

@Controller('/scoped')
class ScopedController {
  constructor(private readonly info: RequestInfo) {}

  @Get('')
  show(@Inject(RequestInfo) again: RequestInfo, @Inject(CurrentUser) user: string) {
    return { id: this.info.id, same: again === this.info, user };
  }
}

@Controller('/params')
class ParamsController {
  @Get('/q')
  query(@Query('a') a: string | undefined, @Query() all: URLSearchParams, @Headers('X-Thing') thing: string | undefined) {
    return { a, b: all.getAll('b'), thing };
  }

  @Post('/body')
  body(@Body() body: unknown, @Req() request: Request) {
    return { body, type: request.contentType };
  }

  @Get('/plain')
  plain(request: Request) {
    return text(`received ${request.method} ${request.path}`);
  }

  @Get('/nothing')
  nothing(): void {}

  @Get('/bytes')
  bytes() {
    return Buffer.from('raw');
  }

  @Get('/fail')
  fail(): never {
    throw new Error('secret internals');
  }
}

const identify: Middleware = async (request, next) => {
  request.scope.provide(CurrentUser, request.headers.get('x-user') ?? 'anonymous');
  return next();
};

describe('controllers', () => {
  let client: TestClient;
  beforeAll(async () => {
    const app = createApp({
      controllers: [CatsController, DogsController, ScopedController, ParamsController],
      providers: [Counter, RequestInfo, { provide: CurrentUser, scope: 'request' }],
      middlewares: [identify],
      logger,
    });
    client = await new TestClient(app).start();
  });
  afterAll(() => client.close());

  test('inherited routes are served under the subclass prefix', async () => {
    expect((await client.get('/cats')).json()).toEqual([{ id: '1', name: 'Tom', lives: 9 }]);
    expect((await client.get('/cats/2')).status).toBe(404);
    expect((await client.request('DELETE', '/dogs/1')).status).toBe(204);
  });

  test('an override keeps its route unless re-decorated', async () => {
    expect((await client.get('/cats/1')).json()).toEqual({ id: '1', name: 'Tom', lives: 9, overridden: true });
    expect((await client.get('/dogs/all')).status).toBe(200);
    expect((await client.get('/dogs')).status).toBe(404);
  });

  test('request-scoped services: one per request, shared within it; middleware values injected', async () => {
    const first = (await client.get('/scoped', { headers: { 'x-user': 'ada' } })).json<{ id: number }>();
    const second = (await client.get('/scoped')).json<{ id: number }>();
    expect(first).toEqual({ id: expect.any(Number), same: true, user: 'ada' });
    expect(second).toEqual({ id: first.id + 1, same: true, user: 'anonymous' });
  });

  test('parameter decorators', async () => {
    expect((await client.get('/params/q?a=1&b=2&b=3', { headers: { 'x-thing': 'yes' } })).json()).toEqual({ a: '1', b: ['2', '3'], thing: 'yes' });
    expect((await client.post('/params/body', { json: { n: 1 } })).json()).toEqual({ body: { n: 1 }, type: 'application/json' });
    expect((await client.post('/params/body', { form: { a: ['1', '2'], b: 'x' } })).json()).toEqual({
      body: { a: ['1', '2'], b: 'x' },
      type: 'application/x-www-form-urlencoded',
    });
    expect((await client.post('/params/body', { body: 'hi' })).json()).toEqual({ body: 'hi', type: 'text/plain' });
    const unsupported = await client.post('/params/body', { body: 'x', headers: { 'content-type': 'application/x-unknown' } });
    expect(unsupported.status).toBe(415);
    // +json types and a body without a content type are JSON; no body at all is undefined
    expect((await client.post('/params/body', { body: '{"v":[1]}', headers: { 'content-type': 'application/vnd.api+json' } })).json()).toEqual({
      body: { v: [1] },
      type: 'application/vnd.api+json',
    });
    expect((await client.post('/params/body', { body: Buffer.from('{"n":2}'), headers: { 'content-type': '' } })).json()).toEqual({ body: { n: 2 }, type: '' });
    expect((await client.post('/params/body')).json()).toEqual({ type: '' });
    const malformed = await client.post('/params/body', { body: '{"n":', headers: { 'content-type': 'application/json' } });
    expect([malformed.status, malformed.text]).toEqual([400, expect.stringContaining('Invalid JSON body')]);
  });

  test('handler results become responses', async () => {
    const plain = await client.get('/params/plain');
    expect(plain.text).toBe('received GET /params/plain');
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
    const nothing = await client.get('/params/nothing');
    expect(nothing.status).toBe(204);
    const bytes = await client.get('/params/bytes');
    expect(bytes.headers['content-type']).toBe('application/octet-stream');
    expect(bytes.text).toBe('raw');
  });

  test('an unknown error is a 500 that leaks nothing and closes the connection', async () => {
    const res = await client.get('/params/fail');
    expect(res.status).toBe(500);
    expect(res.text).toBe('500: Internal Server Error');
    expect(res.text).not.toContain('secret');
    expect(res.headers.connection).toBe('close');
  });
});

test('handlers with one to six decorated parameters get each in its place', async () => {
  @Controller('/args')
  class ArgsController {
    @Get('/1/{a}')
    one(@Param('a') a: string) {
      return [a];
    }

    @Get('/2/{a}')
    two(@Param('a') a: string, @Query('b') b: string) {
      return [a, b];
    }

    @Get('/3/{a}')
    three(@Param('a') a: string, @Query('b') b: string, @Headers('x-c') c: string) {
      return [a, b, c];
    }

    @Get('/4/{a}')
    four(@Param('a') a: string, @Query('b') b: string, @Headers('x-c') c: string, @Query('d') d: string) {
      return [a, b, c, d];
    }

    @Get('/5/{a}')
    five(@Param('a') a: string, @Query('b') b: string, @Headers('x-c') c: string, @Query('d') d: string, @Param() params: Record<string, string>) {
      return [a, b, c, d, params];
    }

    @Get('/6/{a}')
    six(@Param('a') a: string, @Query('b') b: string, @Headers('x-c') c: string, @Query('d') d: string, @Param() params: Record<string, string>, @Query('f') f: string) {
      return [a, b, c, d, params, f];
    }
  }
  const client = await new TestClient(createApp({ controllers: [ArgsController], logger: createLogger({ level: 'silent' }) })).start();
  try {
    const headers = { 'x-c': 'C' };
    expect((await client.get('/args/1/A?b=B&d=D', { headers })).json()).toEqual(['A']);
    expect((await client.get('/args/2/A?b=B&d=D', { headers })).json()).toEqual(['A', 'B']);
    expect((await client.get('/args/3/A?b=B&d=D', { headers })).json()).toEqual(['A', 'B', 'C']);
    expect((await client.get('/args/4/A?b=B&d=D', { headers })).json()).toEqual(['A', 'B', 'C', 'D']);
    expect((await client.get('/args/5/A?b=B&d=D', { headers })).json()).toEqual(['A', 'B', 'C', 'D', { a: 'A' }]);
    expect((await client.get('/args/6/A?b=B&d=D&f=F', { headers })).json()).toEqual(['A', 'B', 'C', 'D', { a: 'A' }, 'F']);
  } finally {
    await client.close();
  }
});

describe('controller errors at startup', () => {
  test('a class without @Controller is a coded error', async () => {
    class NotAController {}
    const app = createApp({ controllers: [NotAController], logger });
    await expect(app.startup()).rejects.toThrow(/WEFT_ERR_INVALID_CONTROLLER.*NotAController/);
  });

  test('a missing dependency names the whole path', async () => {
    const Db = new Key<object>('db');
    @Injectable()
    class UsersService {
      constructor(@Inject(Db) readonly db: object) {}
    }
    @Controller('/u')
    class UsersController {
      constructor(readonly users: UsersService) {}
      @Get('') list() {
        return [];
      }
    }
    const app = createApp({ controllers: [UsersController], providers: [UsersService], logger });
    await expect(app.startup()).rejects.toThrow(/UsersController -> UsersService -> Key\(db\)/);
  });
});

describe('providers in modules', () => {
  test('a provider class listed by two modules is registered once; two definitions of one token conflict', async () => {
    @Injectable()
    class Clock {}
    @Module({ providers: [Clock] })
    class BillingModule {}
    @Module({ providers: [Clock] })
    class ReportsModule {}
    await expect(createApp({ modules: [BillingModule, ReportsModule], logger }).startup()).resolves.toBeUndefined();
    @Module({ providers: [{ provide: Clock, useValue: new Clock() }] })
    class OtherModule {}
    await expect(createApp({ modules: [BillingModule, OtherModule], logger }).startup()).rejects.toThrow(
      'WEFT_DI_DUPLICATE: Clock is provided twice in app: by @Module BillingModule and by @Module OtherModule. List it once (a module both need can import it), or override it in tests with app.override()',
    );
    await expect(createApp({ modules: [BillingModule], providers: [{ provide: Clock, useValue: new Clock() }], logger }).startup()).rejects.toThrow(
      'by @Module BillingModule and by createApp({ providers }) of app',
    );
  });

  test('the same per-request declaration written in two modules is one declaration', async () => {
    const CurrentUser = new Key<string>('currentUser');
    @Module({ providers: [{ provide: CurrentUser, scope: 'request' }] })
    class AuthModule {}
    @Module({ providers: [{ provide: CurrentUser, scope: 'request' }] })
    class ProfileModule {}
    @Controller('/me')
    class Me {
      @Get('')
      show(@Inject(CurrentUser) user: string) {
        return { user };
      }
    }
    const app = createApp({ modules: [AuthModule, ProfileModule], controllers: [Me], middlewares: [(request, next) => (request.scope.provide(CurrentUser, 'ada'), next())], logger });
    const client = await new TestClient(app, { transport: 'inject' }).start();
    try {
      expect((await client.get('/me')).json()).toEqual({ user: 'ada' });
    } finally {
      await client.close();
    }
  });
});

describe('malformed providers', () => {
  test.each([
    ['a misspelt useValue', { value: { a: 1 } }, 'a provider needs exactly one of useClass, useValue, useFactory'],
    ['no use… at all', {}, 'a provider needs exactly one of useClass, useValue, useFactory'],
    ['a declaration with another scope', { scope: 'singleton' }, "needs { scope: 'request' }"],
  ])('%s is WEFT_DI_INVALID_PROVIDER at startup, not a value no request has', async (_what, shape, message) => {
    class Cfg {}
    const app = createApp({ providers: [{ provide: Cfg, ...shape } as never], logger });
    await expect(app.startup()).rejects.toMatchObject({ code: 'WEFT_DI_INVALID_PROVIDER', message: expect.stringContaining(message) });
  });
});

describe('handler parameter injection errors', () => {
  test('a missing provider for an injected handler parameter names the method and position', async () => {
    const Missing = new Key<string>('missing');
    @Controller('/m')
    class NeedsMissing {
      @Get('')
      show(@Query('x') _x: string, @Inject(Missing) value: string) {
        return value;
      }
    }
    const app = createApp({ controllers: [NeedsMissing], logger });
    await expect(app.startup()).rejects.toThrow(/^WEFT_DI_MISSING: NeedsMissing\.show parameter #2: no provider for Key\(missing\).*declared in providers as \{ provide: missing, scope: 'request' \}/);
  });
});

describe('one instance per app', () => {
  test('a controller needing no request scope is built once, shared by all its routes (inherited ones included)', async () => {
    interface Cat {
      id: string;
      name: string;
    }
    let built = 0;
    abstract class CrudController<T extends { id: string }> {
      protected abstract readonly items: Map<string, T>;
      @Get('')
      list() {
        return [...this.items.values()];
      }
      @Get('/{id}')
      show(@Param('id') id: string) {
        const item = this.items.get(id);
        if (item === undefined) throw new HTTPNotFound();
        return item;
      }
      @Delete('/{id}')
      remove(@Param('id') id: string) {
        this.items.delete(id);
      }
    }
    @Controller('/cats')
    class CatsController extends CrudController<Cat> {
      protected readonly items = new Map([
        ['1', { id: '1', name: 'Tom' }],
        ['2', { id: '2', name: 'Felix' }],
      ]);
      constructor() {
        super();
        built++;
      }
      @Get('/all')
      all() {
        return this.list();
      }
    }
    const client = await new TestClient(createApp({ controllers: [CatsController], logger })).start();
    try {
      expect((await client.delete('/cats/2')).status).toBe(204);
      expect((await client.get('/cats/2')).status).toBe(404);
      expect((await client.get('/cats')).json()).toEqual([{ id: '1', name: 'Tom' }]);
      expect((await client.get('/cats/all')).json()).toEqual([{ id: '1', name: 'Tom' }]);
      expect(built).toBe(1);
    } finally {
      await client.close();
    }
  });

  test('a @Middleware() class used on several routes and layers is built once', async () => {
    let built = 0;
    @MiddlewareClass()
    class Counting {
      #seen = 0;
      constructor() {
        built++;
      }
      async handle(_request: Request, next: () => Promise<import('weft').StreamResponse>) {
        this.#seen++;
        const response = await next();
        response.headers.set('X-Seen', String(this.#seen));
        return response;
      }
    }
    @Controller('/c')
    @Use(Counting)
    class Counted {
      @Get('/a')
      a() {
        return 'a';
      }
      @Get('/b')
      @Use(Counting)
      b() {
        return 'b';
      }
    }
    const client = await new TestClient(createApp({ controllers: [Counted], logger })).start();
    try {
      expect((await client.get('/c/a')).headers['x-seen']).toBe('1');
      expect((await client.get('/c/b')).headers['x-seen']).toBe('3'); // the class runs twice on /c/b, one instance
      expect(built).toBe(1);
    } finally {
      await client.close();
    }
  });
});

describe('@Optional() handler parameters', () => {
  test('@Optional() without @Inject() injects by the parameter type; a type giving no token is a startup error', async () => {
    @Injectable()
    class Clock {
      now() {
        return 'noon';
      }
    }
    @Controller('/t')
    class Times {
      @Get('')
      show(@Optional() clock?: Clock) {
        return { time: clock?.now() ?? null };
      }
    }
    const client = await new TestClient(createApp({ controllers: [Times], providers: [Clock], logger })).start();
    try {
      expect((await client.get('/t')).json()).toEqual({ time: 'noon' });
    } finally {
      await client.close();
    }
    const without = await new TestClient(createApp({ controllers: [Times], logger })).start();
    try {
      expect((await without.get('/t')).json()).toEqual({ time: null });
    } finally {
      await without.close();
    }
    @Controller('/u')
    class Untyped {
      @Get('')
      show(@Optional() value?: string) {
        return value;
      }
    }
    await expect(createApp({ controllers: [Untyped], logger }).startup()).rejects.toThrow(
      /Untyped\.show parameter #1: @Optional\(\) needs @Inject\(token\) here, its type gives no token \(String\)/,
    );
  });

  test('a declared per-request value nothing provided is undefined with @Optional(), a 500 without', async () => {
    const CurrentUser = new Key<string>('currentUser');
    const maybeLogIn: import('weft').Middleware = (request, next) => {
      if (request.headers.get('x-user') !== undefined) request.scope.provide(CurrentUser, request.headers.get('x-user')!);
      return next();
    };
    @Controller('/who')
    class Who {
      @Get('/maybe')
      maybe(@Optional() @Inject(CurrentUser) user?: string) {
        return { user: user ?? null };
      }
      @Get('/must')
      must(@Inject(CurrentUser) user: string) {
        return { user };
      }
    }
    const app = createApp({ controllers: [Who], providers: [{ provide: CurrentUser, scope: 'request' }], middlewares: [maybeLogIn], logger });
    const client = await new TestClient(app).start();
    try {
      expect((await client.get('/who/maybe')).json()).toEqual({ user: null });
      expect((await client.get('/who/maybe', { headers: { 'X-User': 'ada' } })).json()).toEqual({ user: 'ada' });
      expect((await client.get('/who/must')).status).toBe(500);
    } finally {
      await client.close();
    }
  });
});
