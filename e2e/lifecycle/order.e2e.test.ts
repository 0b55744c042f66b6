import {
  type Application,
  type CleanupContext,
  Injectable,
  Module,
  type OnCleanup,
  type OnShutdown,
  type OnStartup,
  createApp,
  createLogger,
} from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

/**
 * main  (module provider MainPool, app provider MainSeeder)
 *   cleanupCtx ctx1, onStartup h1, onShutdown s1, onCleanup c1
 *   mount /admin/ admin  (provider AdminCache, which injects main's MainPool)
 *       onStartup h, mount /deep/ deep (provider DeepWorker; cleanupCtx ctx), onCleanup c, onShutdown s
 *   cleanupCtx ctx2, onStartup h2, onCleanup c2
 */
function buildApp(log: string[]) {
  @Injectable()
  class MainPool implements CleanupContext, OnShutdown {
    open = false;
    async *lifespan(app: Application) {
      this.open = true;
      log.push(`${app.name}.MainPool:enter`);
      yield;
      this.open = false;
      log.push(`${app.name}.MainPool:exit`);
    }
    onShutdown(app: Application) {
      log.push(`${app.name}.MainPool:shutdown`);
    }
    dispose() {
      log.push('MainPool:disposed by the container');
    }
  }

  @Injectable()
  class MainSeeder implements OnStartup, OnCleanup {
    constructor(private readonly pool: MainPool) {}
    async onStartup(app: Application) {
      await new Promise((resolve) => setTimeout(resolve, 5)); // awaited before the next slot
      log.push(`${app.name}.MainSeeder:startup (pool open: ${this.pool.open})`);
    }
    onCleanup(app: Application) {
      log.push(`${app.name}.MainSeeder:cleanup`);
    }
  }

  @Module({ providers: [MainPool] })
  class DataModule {}

  @Injectable()
  class AdminCache implements CleanupContext, OnStartup, OnCleanup, OnShutdown {
    constructor(private readonly pool: MainPool) {}
    async *lifespan(app: Application) {
      log.push(`${app.name}.AdminCache:enter`);
      yield;
      log.push(`${app.name}.AdminCache:exit (main pool still open: ${this.pool.open})`);
    }
    onStartup(app: Application) {
      log.push(`${app.name}.AdminCache:startup`);
    }
    onCleanup(app: Application) {
      log.push(`${app.name}.AdminCache:cleanup`);
    }
    onShutdown(app: Application) {
      log.push(`${app.name}.AdminCache:shutdown`);
    }
  }

  class DeepWorker implements OnStartup, OnCleanup {
    onStartup(app: Application) {
      log.push(`${app.name}.DeepWorker:startup (parent: ${app.parent?.name})`);
    }
    onCleanup(app: Application) {
      log.push(`${app.name}.DeepWorker:cleanup`);
    }
  }

  const hook = (name: string, part: string) => {
    const fn = (app: Application) => void log.push(`${app.name}.${name}:${part}`);
    Object.defineProperty(fn, 'name', { value: name });
    return fn;
  };
  const context = (name: string) =>
    async function* (app: Application) {
      log.push(`${app.name}.${name}:enter`);
      yield;
      log.push(`${app.name}.${name}:exit`);
    };

  const deep = createApp({ name: 'deep', providers: [DeepWorker], logger });
  deep.cleanupCtx.push(context('ctx'));

  const admin = createApp({ name: 'admin', providers: [AdminCache], logger });
  admin.onStartup.push(hook('h', 'startup'));
  admin.mount('/deep/', deep);
  admin.onCleanup.push(hook('c', 'cleanup'));
  admin.onShutdown.push(hook('s', 'shutdown'));

  const main = createApp({ name: 'main', modules: [DataModule], providers: [MainSeeder], logger });
  main.router.add('GET', '/', () => {
    log.push('request');
    return 'ok';
  });
  main.cleanupCtx.push(context('ctx1'));
  main.onStartup.push(hook('h1', 'startup'));
  main.onShutdown.push(hook('s1', 'shutdown'));
  main.onCleanup.push(hook('c1', 'cleanup'));
  main.mount('/admin/', admin);
  main.cleanupCtx.push(context('ctx2'));
  main.onStartup.push(hook('h2', 'startup'));
  main.onCleanup.push(hook('c2', 'cleanup'));
  return main;
}

describe('lifecycle order', () => {
  test('providers first, then functional slots and mounts in registration order; cleanup the exact reverse across the tree', async () => {
    const log: string[] = [];
    const client = new TestClient(buildApp(log));
    await client.start();
    expect((await client.get('/')).text).toBe('ok');
    await client.close();

    expect(log).toEqual([
      // startup: main's providers (module providers, then the app's), then its slots
      'main.MainPool:enter',
      'main.MainSeeder:startup (pool open: true)',
      'main.ctx1:enter',
      'main.h1:startup',
      // admin's whole startup in its mount slot, with the sub-app as argument
      'admin.AdminCache:enter',
      'admin.AdminCache:startup',
      'admin.h:startup',
      'deep.DeepWorker:startup (parent: admin)',
      'deep.ctx:enter',
      'main.ctx2:enter',
      'main.h2:startup',
      'request',
      // shutdown: a notification, registration order
      'main.MainPool:shutdown',
      'main.s1:shutdown',
      'admin.AdminCache:shutdown',
      'admin.s:shutdown',
      // cleanup: the exact reverse of startup, a stack across the tree
      'main.c2:cleanup',
      'main.ctx2:exit',
      'admin.c:cleanup',
      'deep.ctx:exit',
      'deep.DeepWorker:cleanup',
      'admin.AdminCache:cleanup',
      'admin.AdminCache:exit (main pool still open: true)',
      'main.c1:cleanup',
      'main.ctx1:exit',
      'main.MainSeeder:cleanup',
      'main.MainPool:exit',
      // then the container disposes what it created
      'MainPool:disposed by the container',
    ]);
  });

  test('app.startup() / shutdown() / cleanup() directly give the same sequence; cleanup twice does nothing more', async () => {
    const viaClient: string[] = [];
    const client = new TestClient(buildApp(viaClient));
    await client.start();
    await client.close();

    const direct: string[] = [];
    const app = buildApp(direct);
    await app.startup();
    await app.shutdown();
    await app.cleanup();
    await app.cleanup();
    expect(direct).toEqual(viaClient.filter((entry) => entry !== 'request'));
  });

  test('cleanup() called while startup runs waits for it, then cleans up everything it started', async () => {
    const log: string[] = [];
    let opened!: () => void;
    const slowOpen = new Promise<void>((resolve) => (opened = resolve));
    class Pool implements CleanupContext {
      async *lifespan() {
        await slowOpen;
        log.push('Pool:open');
        yield;
        log.push('Pool:close');
      }
      dispose() {
        log.push('Pool:disposed');
      }
    }
    const app = createApp({ name: 'main', providers: [Pool], logger });
    app.cleanupCtx.push(async function* later() {
      log.push('later:open');
      yield;
      log.push('later:close');
    });
    const starting = app.startup();
    await new Promise((resolve) => setTimeout(resolve, 5)); // the startup waits in Pool's lifespan
    const cleaning = app.cleanup();
    opened();
    await starting;
    await cleaning;
    expect(log).toEqual(['Pool:open', 'later:open', 'later:close', 'Pool:close', 'Pool:disposed']);
    await expect(app.startup()).rejects.toThrow('WEFT_ERR_APP_FROZEN');
  });

  test('cleanup() called again while it runs waits for the same cleanup: each step once, in reverse order, one after the other', async () => {
    const log: string[] = [];
    const app = createApp({ name: 'main', logger });
    for (const name of ['pool', 'cache']) {
      app.cleanupCtx.push(async function* context() {
        yield;
        log.push(`${name}:closing`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`${name}:closed`);
      });
    }
    await app.startup();
    await Promise.all([app.cleanup().then(() => log.push('first call resolved')), app.cleanup().then(() => log.push('second call resolved'))]);
    expect(log).toEqual(['cache:closing', 'cache:closed', 'pool:closing', 'pool:closed', 'first call resolved', 'second call resolved']);
  });

  test("a mounted sub-app's startup(), shutdown() and cleanup() are WEFT_ERR_MOUNT: its lifecycle runs with its root's", async () => {
    const log: string[] = [];
    const app = createApp({ name: 'main', logger });
    const admin = createApp({ name: 'admin' });
    admin.cleanupCtx.push(async function* pool() {
      log.push('admin.pool:open');
      yield;
      log.push('admin.pool:close');
    });
    app.mount('/admin/', admin);
    await expect(admin.startup()).rejects.toThrow('WEFT_ERR_MOUNT: admin is mounted: start its root application');
    await app.startup();
    await expect(admin.shutdown()).rejects.toThrow('WEFT_ERR_MOUNT: admin is mounted: shut down its root application');
    await expect(admin.cleanup()).rejects.toThrow('WEFT_ERR_MOUNT: admin is mounted: clean up its root application');
    expect(log).toEqual(['admin.pool:open']);
    await app.cleanup();
    expect(log).toEqual(['admin.pool:open', 'admin.pool:close']);
  });

  test('registration after startup is refused: the slots are frozen', async () => {
    const app = buildApp([]);
    await app.startup();
    expect(() => app.onStartup.push(() => undefined)).toThrow('WEFT_ERR_APP_FROZEN');
    expect(() => app.cleanupCtx.push(async function* () {})).toThrow('WEFT_ERR_APP_FROZEN');
    expect(() => app.subApps[0].onCleanup.push(() => undefined)).toThrow('WEFT_ERR_APP_FROZEN');
    await app.cleanup();
  });
});
