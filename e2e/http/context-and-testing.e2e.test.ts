import request from 'supertest';
import { type AddressInfo } from 'node:net';
import { ContextVar, Controller, Get, WebSocketResponse, createApp, createLogger, runApp, text, type Application, type OverrideProvider, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });
/** The seed's VAR, at module level as the docs ask. */
const SEED_VAR = new ContextVar<string>('VAR', { default: 'default' });

/** The app of the seed's ContextVar example: its handler, on_startup and on_cleanup, logging what each sees. */
function seedApp(VAR: ContextVar<string>, log: string[]): Application {
  const app = createApp({ logger });
  app.router.add('GET', '/', async () => {
    const before = VAR.get();
    VAR.set('handler');
    await new Promise((resolve) => setTimeout(resolve, 5));
    return [before, VAR.get()].join('\n');
  });
  app.onStartup.push(() => {
    log.push(`on_startup ${VAR.get()}`);
    VAR.set('on_startup');
  });
  app.onCleanup.push(() => {
    log.push(`on_cleanup ${VAR.get()}`);
    VAR.set('on_cleanup');
  });
  return app;
}

describe('ContextVar', () => {
  test("the seed's semantics: startup and cleanup share a context, each request gets a copy", async () => {
    const VAR = new ContextVar<string>('VAR', { default: 'default' });
    const log: string[] = [];
    const app = seedApp(VAR, log);
    const client = await new TestClient(app).start();
    const [a, b] = await Promise.all([client.get('/'), client.get('/')]);
    expect(a.text).toBe('on_startup\nhandler');
    expect(b.text).toBe('on_startup\nhandler');
    await client.close();
    expect(log).toEqual(['on_startup default', 'on_cleanup on_startup']);
    expect(VAR.get()).toBe('default');
  });

  test("the seed's whole example through runApp(factory): the factory's value reaches startup, not the caller", async () => {
    const log: string[] = [];
    const init = async () => {
      log.push(`init ${SEED_VAR.get()}`);
      SEED_VAR.set('init');
      return seedApp(SEED_VAR, log);
    };
    const stop = new AbortController();
    let port = 0;
    const running = runApp(init, {
      host: '127.0.0.1',
      port: 0,
      printUrl: false,
      handleSignals: false,
      signal: stop.signal,
      logger,
      accessLog: null,
      onStarted: (runner) => (port = (runner.addresses[0] as AddressInfo).port),
    });
    let seen: string[];
    try {
      while (port === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // the factory ran, and the caller's context is untouched
      seen = [SEED_VAR.get(), await (await fetch(`http://127.0.0.1:${port}/`)).text()];
    } finally {
      stop.abort();
      await running;
    }
    expect(seen).toEqual(['default', 'on_startup\nhandler']);
    log.push(`done ${SEED_VAR.get()}`);
    expect(log).toEqual(['init default', 'on_startup init', 'on_cleanup on_startup', 'done default']);
  });
});

@Controller('/hello')
class Hello {
  @Get('/{name}')
  greet(request: Request) {
    return { hello: request.params.name };
  }
}

describe('supertest', () => {
  test("works against app.callback(): the app starts on the first request", async () => {
    const started: string[] = [];
    const app = createApp({ controllers: [Hello], logger });
    app.onStartup.push(() => void started.push('started'));
    await request(app.callback()).get('/hello/ada').expect(200, { hello: 'ada' });
    await request(app.callback()).get('/nope').expect(404);
    expect(started).toEqual(['started']);
    await app.cleanup();
  });

  test('a request arriving while app.startup() runs waits for it to finish', async () => {
    let release!: () => void;
    const app = createApp({ controllers: [Hello], logger });
    const ready: string[] = [];
    app.onStartup.push(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      ready.push('pool');
    });
    const starting = app.startup();
    const answered = request(app.callback()).get('/hello/ada').then((res) => [res.status, [...ready]]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await starting;
    expect(await answered).toEqual([200, ['pool']]);
    await app.cleanup();
  });

  test('after cleanup, or once the startup failed, app.callback() answers 503 without calling the app', async () => {
    const app = createApp({ controllers: [Hello], logger });
    await app.startup();
    await app.cleanup();
    await request(app.callback()).get('/hello/ada').expect(503, '503: Service Unavailable');

    const errors: unknown[] = [];
    const failing = createApp({ controllers: [Hello], logger: { ...logger, error: (fields: unknown) => void errors.push(fields) } as typeof logger });
    failing.onStartup.push(() => {
      throw new Error('no database');
    });
    const listener = failing.callback();
    const [first, second] = await Promise.all([request(listener).get('/hello/a'), request(listener).get('/hello/b')]);
    expect([first.status, second.status]).toEqual([503, 503]);
    await request(listener).get('/hello/c').expect(503);
    expect(errors).toHaveLength(1); // the failure is logged once, not per request
  });

  test.each(['socket', 'inject'] as const)('close() ends a request still waiting (%s transport): it rejects instead of hanging', async (transport) => {
    const app = createApp({ logger });
    app.router.add('GET', '/hang', () => new Promise(() => undefined));
    const client = await new TestClient(app, { transport }).start();
    const pending = client.get('/hang');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.close();
    await expect(pending).rejects.toThrow();
  });

  test('close() runs every step when onShutdown throws: websockets still get 1001, cleanup still runs', async () => {
    const app = createApp({ logger });
    const events: string[] = [];
    app.onShutdown.push(() => {
      throw new Error('shutdown hook failed');
    });
    app.onCleanup.push(() => void events.push('cleanup'));
    app.router.add('GET', '/ws', async (request: Request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      for await (const message of ws) void message;
      return ws;
    });
    const client = await new TestClient(app).start();
    const ws = await client.ws('/ws');
    await expect(client.close()).rejects.toThrow('shutdown hook failed');
    expect(await ws.closed).toEqual({ code: 1001, reason: 'Server shutdown' });
    expect(events).toEqual(['cleanup']);
  });

  test.each(['socket', 'inject'] as const)('TestClient keeps the cookies responses set and sends them back (%s transport)', async (transport) => {
    const app = createApp({ logger });
    app.router.add('POST', '/login', () => {
      const response = text('welcome');
      response.setCookie('sid', 'token-1', { path: '/', httpOnly: true });
      return response;
    });
    app.router.add('POST', '/logout', () => {
      const response = text('bye');
      response.deleteCookie('sid', { path: '/' });
      return response;
    });
    app.router.add('GET', '/me', (request: Request) => ({ sid: request.cookies.sid ?? null }));
    const client = await new TestClient(app, { transport }).start();
    try {
      expect((await client.get('/me')).json()).toEqual({ sid: null });
      await client.post('/login');
      expect(client.cookies.get('sid')).toBe('token-1');
      expect((await client.get('/me')).json()).toEqual({ sid: 'token-1' });
      expect((await client.get('/me', { headers: { Cookie: 'sid=mine' } })).json()).toEqual({ sid: 'mine' });
      await client.post('/logout');
      expect((await client.get('/me')).json()).toEqual({ sid: null });
    } finally {
      await client.close();
    }
  });

  test("works against the TestClient's server", async () => {
    const client = await new TestClient(createApp({ controllers: [Hello], logger })).start();
    await request(client.server).get('/hello/bob').expect('content-type', /json/).expect(200, { hello: 'bob' });
    await client.close();
  });
});

describe('TestClient.override', () => {
  class NotesStore {
    list(): string[] {
      return ['real'];
    }
  }
  @Controller('/notes')
  class Notes {
    constructor(private readonly store: NotesStore) {}

    @Get('')
    list() {
      return this.store.list();
    }
  }

  test.each([
    ['a provider definition', { useValue: { list: () => ['fake'] } }],
    ['a provider written as in a providers list, with provide (as testing.md shows)', { provide: NotesStore, useValue: { list: () => ['fake'] } }],
  ])('replaces a provider before start(): %s', async (_case, provider) => {
    const client = new TestClient(createApp({ controllers: [Notes], providers: [NotesStore], logger }));
    client.override(NotesStore, provider);
    await client.start();
    try {
      expect((await client.get('/notes')).json()).toEqual(['fake']);
    } finally {
      await client.close();
    }
  });

  test('a provider that provides another token is WEFT_ERR_INVALID_OPTION', () => {
    const client = new TestClient(createApp({ controllers: [Notes], providers: [NotesStore], logger }));
    class OtherStore {}
    expect(() => client.override(NotesStore, { provide: OtherStore, useValue: {} })).toThrow(
      'WEFT_ERR_INVALID_OPTION: override(NotesStore): the provider provides OtherStore, another token; leave out provide',
    );
  });

  test('a provider that is not one (a typo, null) is WEFT_DI_INVALID_PROVIDER at override(), not at start()', () => {
    const client = new TestClient(createApp({ controllers: [Notes], providers: [NotesStore], logger }));
    const none = 'WEFT_DI_INVALID_PROVIDER: invalid provider for NotesStore: a provider needs exactly one of useClass, useValue, useFactory, useExisting (found none)';
    expect(() => client.override(NotesStore, { usevalue: {} } as unknown as OverrideProvider)).toThrow(none);
    expect(() => client.override(NotesStore, null as unknown as OverrideProvider)).toThrow(none);
    expect(() => client.override(NotesStore, { useValue: {}, scope: 'request' } as unknown as OverrideProvider)).toThrow(/^WEFT_DI_INVALID_PROVIDER: invalid provider for NotesStore: a useValue provider takes useValue/);
  });

  test('a string or symbol token (bound in a fallback container) is refused at override(), saying how to replace it', () => {
    const client = new TestClient(createApp({ controllers: [Notes], providers: [NotesStore], logger }));
    expect(() => client.override(Symbol.for('Mailer'), { useValue: {} })).toThrow(
      'WEFT_DI_INVALID_TOKEN: override() got Symbol(Mailer) as token: strings and symbols are only looked up in a fallback container (inversify, tsyringe), never provided by weft, so weft cannot override them; ' +
        'replace the binding in that container for the test (inversify: rebind(id).toConstantValue(fake); tsyringe: register(id, { useValue: fake })), ' +
        'or inject the service through a class or a Key, which override() takes',
    );
    expect(() => client.override('Mailer', { useValue: {} })).toThrow(/^WEFT_DI_INVALID_TOKEN: override\(\) got "Mailer" as token/);
  });

  test('app.provide() with a string or symbol token is refused where it is written, not at startup', () => {
    const app = createApp({ logger });
    expect(() => app.provide('settings' as never, {})).toThrow(
      'WEFT_DI_INVALID_TOKEN: provide() got "settings" as token: strings and symbols are only looked up in a fallback container (inversify, tsyringe); register a class or a Key',
    );
    expect(() => app.provide(Symbol('settings') as never, {})).toThrow(/^WEFT_DI_INVALID_TOKEN: provide\(\) got Symbol\(settings\) as token/);
  });
});
