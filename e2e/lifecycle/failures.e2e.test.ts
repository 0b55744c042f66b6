import {
  type Application,
  type CleanupContext,
  CleanupError,
  Injectable,
  Key,
  type Logger,
  type OnCleanup,
  type OnShutdown,
  type OnStartup,
  StartupError,
  WeftError,
  createApp,
  createLogger,
} from 'weft';
import { TestClient } from 'weft/testing';

const silent = createLogger({ level: 'silent' });

function recordingLogger(): Logger & { errors: Array<{ obj: object; msg?: string }> } {
  const errors: Array<{ obj: object; msg?: string }> = [];
  return { errors, error: (obj: object, msg?: string) => void errors.push({ obj, msg }), warn: () => undefined, info: () => undefined, debug: () => undefined };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('startup failure', () => {
  function threeContexts(log: string[], options: { exitFails?: boolean } = {}) {
    class First implements CleanupContext {
      async *lifespan() {
        log.push('First:enter');
        yield;
        log.push('First:exit');
        if (options.exitFails) throw new Error('First could not close');
      }
    }
    class Second implements CleanupContext {
      async *lifespan() {
        log.push('Second:enter');
        throw new Error('database unreachable');
        yield; // never reached: the startup part failed
      }
    }
    class Third implements CleanupContext {
      async *lifespan() {
        log.push('Third:enter');
        yield;
        log.push('Third:exit');
      }
    }
    const admin = createApp({ name: 'admin', logger: silent });
    admin.onStartup.push(() => void log.push('admin:startup'));
    return { First, Second, Third, admin };
  }

  test("the second of three cleanup contexts throws: the first's cleanup runs, the third never starts, the error names the provider", async () => {
    const log: string[] = [];
    const { First, Second, Third, admin } = threeContexts(log);
    const app = createApp({ name: 'main', providers: [First, Second, Third], logger: silent });
    app.onCleanup.push(() => void log.push('onCleanup after the failing slot'));
    app.mount('/admin/', admin);

    const error = await failure(app.startup());
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toBeInstanceOf(WeftError);
    expect((error as StartupError).code).toBe('WEFT_ERR_STARTUP');
    expect((error as Error).message).toBe("WEFT_ERR_STARTUP: startup failed in CleanupContext Second (app 'main'): database unreachable");
    expect((error as StartupError).hook).toBe('CleanupContext Second');
    expect((error as StartupError).appName).toBe('main');
    expect(((error as StartupError).cause as Error).message).toBe('database unreachable');
    expect(log).toEqual(['First:enter', 'Second:enter', 'First:exit']);

    // The app is stopped: cleaning up again does nothing, starting again is refused.
    await app.cleanup();
    expect(log).toEqual(['First:enter', 'Second:enter', 'First:exit']);
    await expect(app.startup()).rejects.toThrow('WEFT_ERR_APP_FROZEN');
  });

  test('TestClient.start() fails the same way, after the same cleanups', async () => {
    const log: string[] = [];
    const { First, Second, Third } = threeContexts(log);
    const client = new TestClient(createApp({ name: 'main', providers: [First, Second, Third], logger: silent }));
    await expect(client.start()).rejects.toThrow("startup failed in CleanupContext Second (app 'main')");
    expect(log).toEqual(['First:enter', 'Second:enter', 'First:exit']);
  });

  test('a cleanup failing after a failed startup is logged; the original error is what the caller gets', async () => {
    const log: string[] = [];
    const logger = recordingLogger();
    const { First, Second, Third } = threeContexts(log, { exitFails: true });
    const app = createApp({ name: 'main', providers: [First, Second, Third], logger });
    await expect(app.startup()).rejects.toThrow('database unreachable');
    expect(log).toEqual(['First:enter', 'Second:enter', 'First:exit']);
    expect(logger.errors).toHaveLength(1);
    expect((logger.errors[0].obj as { err: Error }).err.message).toBe('First could not close');
  });

  test('shutdown() after a failed startup notifies the providers startup reached; one it never reached is not built from the disposed container', async () => {
    const log: string[] = [];
    class Reached implements OnStartup, OnShutdown {
      onStartup() {
        log.push('Reached:startup');
      }
      onShutdown() {
        log.push('Reached:shutdown');
      }
    }
    class Failing implements OnStartup {
      onStartup() {
        throw new Error('migrations failed');
      }
    }
    class NeverReached implements OnShutdown {
      constructor() {
        log.push('NeverReached:constructed');
      }
      onShutdown() {
        log.push('NeverReached:shutdown');
      }
    }
    const app = createApp({ name: 'main', providers: [Reached, Failing, NeverReached], logger: silent });
    // aiohttp's runner idiom: try { setup } finally { cleanup }, which sends on_shutdown too
    const error = await failure(
      (async () => {
        try {
          await app.startup();
        } finally {
          await app.shutdown();
          await app.cleanup();
        }
      })(),
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toContain('migrations failed');
    expect(log).toEqual(['Reached:startup', 'Reached:shutdown']);
  });

  test("a sub-app's failing onStartup: the error names the sub-app; the parent's slots are cleaned up in reverse", async () => {
    const log: string[] = [];
    class MainResource implements OnStartup, OnCleanup {
      onStartup(app: Application) {
        log.push(`${app.name}.MainResource:startup`);
      }
      onCleanup(app: Application) {
        log.push(`${app.name}.MainResource:cleanup`);
      }
    }
    const admin = createApp({ name: 'admin', logger: silent });
    admin.cleanupCtx.push(async function* adminCtx() {
      log.push('admin.ctx:enter');
      yield;
      log.push('admin.ctx:exit');
    });
    admin.onStartup.push(async function loadTemplates() {
      throw new Error('templates missing');
    });
    admin.onCleanup.push(() => void log.push('admin: onCleanup after the failure'));
    const app = createApp({ name: 'main', providers: [MainResource], logger: silent });
    app.onCleanup.push(() => void log.push('main: onCleanup before the mount'));
    app.mount('/admin/', admin);
    app.onStartup.push(() => void log.push('main: onStartup after the mount'));

    await expect(app.startup()).rejects.toThrow("WEFT_ERR_STARTUP: startup failed in onStartup loadTemplates (app 'admin'): templates missing");
    expect(log).toEqual(['main.MainResource:startup', 'admin.ctx:enter', 'admin.ctx:exit', 'main: onCleanup before the mount', 'main.MainResource:cleanup']);
  });

  test("a provider whose onStartup fails: its own onCleanup is not owed, its lifespan's exit is", async () => {
    const log: string[] = [];
    class Both implements CleanupContext, OnStartup, OnCleanup {
      async *lifespan() {
        log.push('lifespan:enter');
        yield;
        log.push('lifespan:exit');
      }
      onStartup() {
        throw new Error('warm-up failed');
      }
      onCleanup() {
        log.push('onCleanup');
      }
    }
    const app = createApp({ name: 'main', providers: [Both], logger: silent });
    await expect(app.startup()).rejects.toThrow("startup failed in OnStartup Both (app 'main'): warm-up failed");
    expect(log).toEqual(['lifespan:enter', 'lifespan:exit']);
  });

  test("a provider's constructor failing is a startup error naming the provider", async () => {
    class Exploding implements OnStartup {
      constructor() {
        throw new Error('bad config');
      }
      onStartup() {}
    }
    const app = createApp({ name: 'main', providers: [Exploding], logger: silent });
    await expect(app.startup()).rejects.toThrow("WEFT_ERR_STARTUP: startup failed in provider Exploding (app 'main'): bad config");
  });

  test("an async singleton factory failing is a startup error naming the provider and its app, after the cleanups owed", async () => {
    const log: string[] = [];
    class Pool {}
    const Settings = new Key<{ url: string }>('settings');
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const root = createApp({ name: 'main', providers: [{ provide: Settings, useFactory: async () => ({ url: 'pg://' }) }], logger: silent });
    root.cleanupCtx.push(async function* opened() {
      log.push('opened');
      yield;
      log.push('closed');
    });
    const admin = createApp({ name: 'admin', providers: [{ provide: Pool, useFactory: async () => Promise.reject(refused), deps: [Settings] }], logger: silent });
    root.mount('/admin', admin);
    const err = await failure(root.startup());
    expect(err).toBeInstanceOf(StartupError);
    expect(err).toMatchObject({ code: 'WEFT_ERR_STARTUP', hook: 'async provider Pool', appName: 'admin', cause: refused });
    expect((err as Error).message).toBe("WEFT_ERR_STARTUP: startup failed in async provider Pool (app 'admin'): connect ECONNREFUSED 127.0.0.1:5432");
    // containers are readied before the first lifecycle slot: nothing was opened, nothing is owed
    expect(log).toEqual([]);
  });

  test('startup() after cleanup() says the app was cleaned up, also when it never started', async () => {
    const neverStarted = createApp({ name: 'main', logger: silent });
    await neverStarted.cleanup();
    await expect(neverStarted.startup()).rejects.toThrow("WEFT_ERR_APP_FROZEN: main was cleaned up: an app starts once; build a new one (from your factory)");
    const started = createApp({ name: 'main', logger: silent });
    await started.startup();
    await expect(started.startup()).rejects.toThrow('WEFT_ERR_APP_FROZEN: main was already started');
    await started.cleanup();
    await expect(started.startup()).rejects.toThrow('WEFT_ERR_APP_FROZEN: main was cleaned up');
  });

  test('a request-scoped lifecycle provider is a coded startup error, before any startup code runs', async () => {
    const log: string[] = [];
    @Injectable({ scope: 'request' })
    class PerRequest implements OnStartup {
      onStartup() {
        log.push('never');
      }
    }
    const app = createApp({ name: 'main', providers: [PerRequest], logger: silent });
    app.onStartup.push(() => void log.push('never either'));
    const error = await failure(app.startup());
    expect((error as WeftError).code).toBe('WEFT_ERR_LIFECYCLE_SCOPE');
    expect((error as Error).message).toBe(
      "WEFT_ERR_LIFECYCLE_SCOPE: PerRequest implements OnStartup but is request-scoped in app 'main': a lifecycle provider is resolved once, at startup, so it must be a singleton",
    );
    expect(log).toEqual([]);
  });
});

describe('cleanup contexts must yield exactly once', () => {
  test('a second yield is a coded error at cleanup; the rest of the cleanup still runs', async () => {
    const log: string[] = [];
    class Twice implements CleanupContext {
      async *lifespan() {
        yield;
        log.push('after the first yield');
        yield;
        log.push('never: the generator is closed');
      }
    }
    const app = createApp({ name: 'main', providers: [Twice], logger: silent });
    app.onCleanup.push(() => void log.push('other cleanup'));
    await app.startup();
    const error = await failure(app.cleanup());
    expect((error as WeftError).code).toBe('WEFT_ERR_LIFECYCLE');
    expect((error as Error).message).toBe('WEFT_ERR_LIFECYCLE: CleanupContext Twice yielded more than once: a cleanup context must yield exactly once');
    expect(log).toEqual(['other cleanup', 'after the first yield']);
  });

  test('no yield at all is a coded startup error', async () => {
    const app = createApp({ name: 'main', logger: silent });
    app.cleanupCtx.push(async function* noYield() {});
    const error = (await failure(app.startup())) as StartupError;
    expect(error.message).toBe(
      "WEFT_ERR_STARTUP: startup failed in cleanupCtx noYield (app 'main'): WEFT_ERR_LIFECYCLE: cleanupCtx noYield returned without yielding: a cleanup context must yield exactly once",
    );
    expect((error.cause as WeftError).code).toBe('WEFT_ERR_LIFECYCLE');
  });

  test('an async function instead of an async generator is a coded startup error', async () => {
    const app = createApp({ name: 'main', logger: silent });
    app.cleanupCtx.push((async function notAGenerator() {}) as never);
    await expect(app.startup()).rejects.toThrow('cleanupCtx notAGenerator must be an async generator function');
  });
});

describe('the wrong kind of function', () => {
  test('an async generator function pushed to onStartup, onShutdown or onCleanup is refused where it is pushed (its body would never run)', () => {
    const app = createApp({ name: 'main', logger: silent });
    const log: string[] = [];
    async function* pool() {
      log.push('open');
      yield;
      log.push('close');
    }
    expect(() => app.onStartup.push(pool)).toThrow(
      'WEFT_ERR_LIFECYCLE: onStartup pool is an async generator function: called as a hook, its body would never run; push it to app.cleanupCtx (its code before the yield runs at startup, after it at cleanup)',
    );
    expect(() => app.onShutdown.push(pool)).toThrow('WEFT_ERR_LIFECYCLE: onShutdown pool is an async generator function');
    expect(() => app.onCleanup.push(pool)).toThrow('WEFT_ERR_LIFECYCLE: onCleanup pool is an async generator function');
    expect([app.onStartup.length, app.onShutdown.length, app.onCleanup.length]).toEqual([0, 0, 0]);
    app.cleanupCtx.push(pool);
    expect(app.cleanupCtx.length).toBe(1);
  });

  test('so is a generator function: calling it only makes a generator too', () => {
    const app = createApp({ name: 'main', logger: silent });
    function* seed() {
      yield;
    }
    expect(() => app.onStartup.push(seed)).toThrow(
      'WEFT_ERR_LIFECYCLE: onStartup seed is a generator function: called as a hook, its body would never run; make it an async function, or an async generator in app.cleanupCtx',
    );
    expect(() => app.onShutdown.push(seed)).toThrow('WEFT_ERR_LIFECYCLE: onShutdown seed is a generator function');
    expect(() => app.onCleanup.push(seed)).toThrow('WEFT_ERR_LIFECYCLE: onCleanup seed is a generator function');
    expect([app.onStartup.length, app.onShutdown.length, app.onCleanup.length]).toEqual([0, 0, 0]);
  });
});

describe('cleanup errors', () => {
  test('several cleanup errors form one CleanupError with all of them, in the order the cleanups ran; every cleanup runs', async () => {
    const log: string[] = [];
    class Cache implements OnCleanup {
      onCleanup() {
        throw new Error('cache flush failed');
      }
    }
    class Queue implements CleanupContext {
      async *lifespan() {
        yield;
        throw new Error('queue drain failed');
      }
    }
    class Disposed {
      dispose() {
        log.push('container disposal still ran');
      }
      onStartup() {}
    }
    const app = createApp({ name: 'main', providers: [Disposed, Cache, Queue], logger: silent });
    app.onCleanup.push(() => void log.push('healthy cleanup ran'));
    app.onCleanup.push(() => Promise.reject(new Error('metrics flush failed')));
    await app.startup();

    const error = await failure(app.cleanup());
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as CleanupError).errors.map((e: Error) => e.message)).toEqual(['metrics flush failed', 'queue drain failed', 'cache flush failed']);
    expect((error as Error).message).toBe('3 cleanup step(s) failed: metrics flush failed; queue drain failed; cache flush failed');
    expect(log).toEqual(['healthy cleanup ran', 'container disposal still ran']);
  });

  test('TestClient.close() reports the CleanupError too', async () => {
    const app = createApp({ name: 'main', logger: silent });
    app.onCleanup.push(() => {
      throw new Error('one');
    });
    app.onCleanup.push(() => {
      throw new Error('two');
    });
    const client = await new TestClient(app).start();
    await expect(client.close()).rejects.toBeInstanceOf(CleanupError);
  });
});
