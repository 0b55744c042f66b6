import { type Container, type ProviderToken, type Token, tokenName } from '../../container/index.js';
import { failedProviderOf } from '../../container/async-init.js';
import { assertProviderToken, providerRegistration } from '../../container/registration.js';
import { StartupError } from '../lifecycle/startup-error.js';
import { type MiddlewareRef } from '../../decorators/metadata.js';
import { WeftError } from '../errors.js';
import { type Request } from '../http/request.js';
import { type StreamResponse } from '../http/stream-response.js';
import { CleanupError } from '../lifecycle/cleanup-error.js';
import { type CleanupStack, type LifecycleSlot, type LifecycleTree, runCleanup, runShutdown, runStartup } from '../lifecycle/lifecycle.js';
import { Scheduler } from '../jobs/scheduler.js';
import { resolveSchedulerOptions, type SchedulerOptions } from '../jobs/scheduler-options.js';
import { type Logger, createLogger } from '../logging/logger.js';
import { AppRouter } from './app-router.js';
import { checkAppOptions } from './check-options.js';
import { type AppRegistrations, type ProviderLike, type ClassRef, type OverrideProvider } from './app-registrations.js';
import { Signal } from './signal.js';
import { compileApp, type CompiledApp } from '../compile/compile-app.js';
import { runInAppContext } from '../context/context-var.js';
import { checkStaticOptions, type StaticOptions } from '../static/static-options.js';
import { staticHandler } from '../static/static-handler.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** `@Module` classes: their controllers, providers and imports are registered. */
  modules?: ClassRef[];
  /** `@Controller` classes registered directly. */
  controllers?: ClassRef[];
  /** Providers registered directly: classes or provider objects. */
  providers?: ProviderLike[];
  /** App-level middlewares, outermost first. */
  middlewares?: MiddlewareRef[];
  /** Request body limit in bytes; a larger body is 413 (default 1 MiB, inclusive). */
  clientMaxSize?: number;
  /**
   * Decode request bodies sent with a `Content-Encoding` (gzip, deflate, br; zstd on
   * node ≥ 22.15) while reading them, as aiohttp does (default true). `clientMaxSize` bounds
   * the decoded bytes too; a coding weft cannot decode is 415, a corrupt body 400. Off:
   * `read()` and `stream()` give the encoded bytes, and `text()`, `json()`, `formData()` are 415.
   */
  autoDecompress?: boolean;
  /** Show error details in 500 responses. Never in production. */
  debug?: boolean;
  /** A name for logs and errors (default `app`). */
  name?: string;
  /** Where errors and events are logged (default: pino, JSON or pretty on a terminal). */
  logger?: Logger;
  /**
   * A root container to build on, e.g. one backed by an inversify container; not frozen (the
   * app registers into it). Root apps only: mounting an app that has one is `WEFT_ERR_MOUNT`.
   */
  container?: Container;
  /** Limits of the app's background-job {@link Scheduler}. Root apps only: sub-apps share it. */
  jobs?: SchedulerOptions;
}

/** A startup hook of the functional form: `app.onStartup.push(fn)`. */
export type AppHook = (app: Application) => unknown;
/** A cleanup context of the functional form: an async generator that yields once. */
export type CleanupContextFn = (app: Application) => AsyncGenerator<unknown, unknown, unknown>;

/**
 * A weft application: routes, middlewares, providers, lifecycle signals and mounted
 * sub-applications. Built with {@link createApp}; compiled and frozen at startup.
 *
 * @example
 * ```ts
 * const app = createApp({ controllers: [UsersController], providers: [UsersService] });
 * app.router.add('GET', '/health', () => ({ ok: true }));
 * app.mount('/admin/', createApp({ controllers: [AdminController] }));
 * await runApp(app, { port: 8080 });
 * ```
 */
export class Application {
  readonly name: string;
  readonly router: AppRouter;
  readonly middlewares: MiddlewareRef[];
  readonly #clientMaxSize: number | undefined;
  readonly #autoDecompress: boolean | undefined;
  readonly #debug: boolean | undefined;
  #logger: Logger | undefined;

  /** Startup hooks, run in registration order. */
  readonly onStartup = new Signal<[Application]>('onStartup', (fn) => this.#addSlot({ kind: 'startup', label: hookLabel(fn, 'onStartup'), run: fn }));
  /** Shutdown notifications, run in registration order while requests may still be in flight. */
  readonly onShutdown = new Signal<[Application]>('onShutdown', (fn) => this.#addSlot({ kind: 'shutdown', label: hookLabel(fn, 'onShutdown'), run: fn }));
  /** Cleanup hooks: each runs if startup reached its slot, in reverse order. */
  readonly onCleanup = new Signal<[Application]>('onCleanup', (fn) => this.#addSlot({ kind: 'cleanup', label: hookLabel(fn, 'onCleanup'), run: fn }));
  /** Cleanup contexts: async generators whose code before `yield` is startup and after it cleanup. */
  readonly cleanupCtx = new Signal<[Application]>('cleanupCtx', (fn) =>
    this.#addSlot({ kind: 'context', label: label(fn, 'cleanupCtx'), open: fn as CleanupContextFn }),
  );
  /** Runs before any response's headers are written (parent app first). */
  readonly onResponsePrepare = new Signal<[Request, StreamResponse]>('onResponsePrepare');

  /** @internal what is registered, until compile. */
  readonly registrations: AppRegistrations;
  /** @internal lifecycle slots in registration order (functional hooks and mounts). */
  readonly slots: LifecycleSlot<Application>[] = [];
  /** @internal the `jobs` option, checked; used when the root container is built. */
  readonly jobOptions: SchedulerOptions | undefined;

  #parent: Application | undefined;
  #prefix = '';
  #container: Container | undefined;
  #compiled: CompiledApp | undefined;
  #cleanupStack: CleanupStack = [];
  /** Lifecycle providers found at compile: their slots come before the functional ones. */
  #providerSlots: LifecycleSlot<Application>[] = [];
  #scheduler: Scheduler | undefined;
  #state: 'new' | 'starting' | 'started' | 'stopped' = 'new';

  /** @throws WeftError `WEFT_ERR_INVALID_OPTION` for an unknown or mistyped option. */
  constructor(options: AppOptions = {}) {
    checkAppOptions(options);
    this.name = options.name ?? 'app';
    this.middlewares = [...(options.middlewares ?? [])];
    this.#clientMaxSize = options.clientMaxSize;
    this.#autoDecompress = options.autoDecompress;
    this.#debug = options.debug;
    this.#logger = options.logger;
    if (options.jobs !== undefined) resolveSchedulerOptions(options.jobs); // a bad option fails here, where it was written
    this.jobOptions = options.jobs === undefined ? undefined : { ...options.jobs };
    this.registrations = {
      modules: [...(options.modules ?? [])],
      controllers: [...(options.controllers ?? [])],
      providers: [...(options.providers ?? [])],
      values: [],
      overrides: [],
      container: options.container,
    };
    this.router = new AppRouter(this);
  }

  /** Request body limit in bytes (inclusive); a sub-app without its own uses its parent's (default 1 MiB). */
  get clientMaxSize(): number {
    return this.#clientMaxSize ?? this.#parent?.clientMaxSize ?? 1024 * 1024;
  }

  /** Whether request bodies are decoded while read; a sub-app without its own setting uses its parent's (default true). */
  get autoDecompress(): boolean {
    return this.#autoDecompress ?? this.#parent?.autoDecompress ?? true;
  }

  /** Whether 500 responses show error details; a sub-app without its own setting uses its parent's. */
  get debug(): boolean {
    return this.#debug ?? this.#parent?.debug ?? false;
  }

  /** Where the app logs; a sub-app without its own logger uses its parent's. */
  get logger(): Logger {
    return this.#logger ?? this.#parent?.logger ?? (this.#logger = createLogger());
  }

  /** The parent application, for a mounted sub-application. */
  get parent(): Application | undefined {
    return this.#parent;
  }

  /** The full path prefix this app is served under ('' for the root). */
  get prefix(): string {
    return (this.#parent?.prefix ?? '') + this.#prefix;
  }

  /** The app's container: a child of the parent's for a sub-app. Exists after compile. */
  get container(): Container {
    if (this.#container === undefined) throw new WeftError('WEFT_ERR_NOT_STARTED', `${this.name}: the container exists once the app is compiled (await app.startup())`);
    return this.#container;
  }

  /** True once startup has begun: registration then throws. */
  get frozen(): boolean {
    return this.#state !== 'new' || this.#parent?.frozen === true;
  }

  /**
   * Mounts a sub-application under `prefix` (e.g. `/admin/`). Its routes, middlewares
   * (after this app's) and lifecycle (in this slot) join this app's; its container is made
   * as a child of this app's at startup.
   *
   * @throws WeftError `WEFT_ERR_MOUNT` for a bad prefix, an app already mounted or started,
   *   or one with the root-only options `jobs` or `container`.
   * @example
   * ```ts
   * app.mount('/admin/', createApp({ name: 'admin', controllers: [AdminController] }));
   * ```
   */
  mount(prefix: string, app: Application): void {
    this.assertNotFrozen('mount a sub-application');
    if (app === this || app.#parent !== undefined) throw new WeftError('WEFT_ERR_MOUNT', `${app.name} is already mounted or is the app itself`);
    for (let ancestor = this.#parent; ancestor !== undefined; ancestor = ancestor.#parent) {
      if (ancestor === app) throw new WeftError('WEFT_ERR_MOUNT', `${app.name} cannot be mounted in ${this.name}: ${this.name} is mounted in it`);
    }
    // a started app ran its startup already; as a sub-app it would run it again (aiohttp: "Cannot add frozen application")
    if (app.frozen) throw new WeftError('WEFT_ERR_MOUNT', `${app.name} was started: mount an application before its startup, and start the root only`);
    if (!prefix.startsWith('/') || prefix === '/' || /[{}]/.test(prefix)) {
      throw new WeftError('WEFT_ERR_MOUNT', `prefix ${JSON.stringify(prefix)} must start with '/', not be '/', and hold no parameters`);
    }
    if (app.jobOptions !== undefined) throw new WeftError('WEFT_ERR_MOUNT', `${app.name} has jobs options: a sub-application shares its root's scheduler; set jobs on the root app`);
    if (app.registrations.container !== undefined) {
      throw new WeftError(
        'WEFT_ERR_MOUNT',
        `${app.name} has a container option: a sub-application's container is a child of its root's, made at startup; give the container (and its fallbacks, e.g. fromInversify) to the root app, and list the sub-app's own providers in its providers`,
      );
    }
    app.#parent = this;
    app.#prefix = prefix.replace(/\/+$/, '');
    this.#addSlot({ kind: 'app', label: `${app.name} at ${prefix}`, app });
  }

  /**
   * Serves the files of `directory` under `prefix` (aiohttp's `web.static`): a GET/HEAD
   * route `prefix/{filename:.*}` that goes through the app's middlewares. Paths outside
   * the directory, missing files and (without `followSymlinks`) symlinks leading out all
   * answer 404, and so do dotfiles (`.env`, `.git/config`) unless the `dotfiles` option
   * says otherwise; a directory (the bare prefix too) 403 unless `showIndex`. Throws
   * `WEFT_ERR_STATIC` for a bad prefix, a missing directory or a bad option.
   *
   * @example
   * ```ts
   * app.static('/static', './public', { name: 'static', maxAge: 3600, appendVersion: true });
   * app.router.url('static', { filename: 'css/site.css' }); // '/static/css/site.css?v=...'
   * ```
   */
  static(prefix: string, directory: string, options: StaticOptions = {}): void {
    this.assertNotFrozen(`add static route ${prefix}`);
    const settings = checkStaticOptions(prefix, directory, options);
    const path = `${settings.prefix}/{filename:.*}`;
    const handler = staticHandler(settings);
    this.router.add('GET', path, handler);
    // the bare prefix is the directory too (403, or the listing with showIndex), as aiohttp's static resource matches it;
    // for the prefix '/' that is '/', which the route itself matches
    if (settings.prefix !== '') this.router.add('GET', settings.prefix, handler);
    if (options.name !== undefined) this.router.nameStatic(options.name, path, settings);
  }

  /** The sub-applications mounted directly on this app, in mount order. */
  get subApps(): Application[] {
    return this.slots.flatMap((slot) => (slot.kind === 'app' ? [slot.app] : []));
  }

  /**
   * Sets an app-level value before startup (aiohttp's `app[key] = value`).
   *
   * @throws DiError `WEFT_DI_INVALID_TOKEN` for a string, a symbol or another non-token (here,
   *   not at startup). @throws WeftError `WEFT_ERR_APP_FROZEN` after startup began.
   * @example
   * ```ts
   * const Settings = new Key<{ debug: boolean }>('settings');
   * app.provide(Settings, { debug: false });
   * ```
   */
  provide<T>(token: ProviderToken<T>, value: T): void {
    this.assertNotFrozen('provide a value');
    assertProviderToken(token, 'provide');
    this.registrations.values.push({ token, value });
  }

  /**
   * Replaces a provider before startup, for tests. A provider written with `provide` (as in
   * a providers list) must name the same token; the `provide` is then dropped. The token is a
   * class or a Key: a string or symbol lives in a fallback container, where it is replaced.
   *
   * @throws DiError `WEFT_DI_INVALID_TOKEN` for a string, a symbol or another non-token; `WEFT_DI_INVALID_PROVIDER` for what is no provider.
   * @throws WeftError `WEFT_ERR_INVALID_OPTION` for a provider of another token, `WEFT_ERR_APP_FROZEN` after startup began.
   * @example
   * ```ts
   * app.override(Mailer, { useValue: fakeMailer });
   * ```
   */
  override(token: unknown, provider: OverrideProvider): void {
    this.assertNotFrozen('override a provider');
    // a string or symbol would only fail at startup: refused here, saying how to replace it
    assertProviderToken(token, 'override');
    if (typeof provider === 'object' && provider !== null && 'provide' in provider) {
      const { provide, ...definition } = provider;
      if (provide !== token) {
        throw new WeftError('WEFT_ERR_INVALID_OPTION', `override(${tokenName(token as Token)}): the provider provides ${tokenName(provide as Token)}, another token; leave out provide`);
      }
      provider = definition as OverrideProvider;
    }
    // checked here, where it is written, not when start() compiles it
    if (typeof provider !== 'function') providerRegistration(token, provider);
    this.registrations.overrides.push({ token, provider });
  }

  /** @internal throws `WEFT_ERR_APP_FROZEN` once startup began. */
  assertNotFrozen(action: string): void {
    if (this.frozen) throw new WeftError('WEFT_ERR_APP_FROZEN', `cannot ${action} on ${this.name}: the application is frozen after startup`);
  }

  /** @internal set by the compile step. */
  attachContainer(container: Container): void {
    this.#container = container;
  }

  /**
   * @internal set by the compile step: one slot per lifecycle provider, in registration
   * order. They come before the slots of `app.onStartup.push(...)`, `cleanupCtx`, and mounts.
   */
  attachProviderSlots(slots: LifecycleSlot<Application>[]): void {
    this.#providerSlots = slots;
  }

  /** @internal every lifecycle slot in walk order: providers first, then the functional slots and mounts. */
  get lifecycleSlots(): readonly LifecycleSlot<Application>[] {
    return this.#providerSlots.length === 0 ? this.slots : [...this.#providerSlots, ...this.slots];
  }

  /**
   * The background-job {@link Scheduler} of the app tree (a sub-app uses its root's).
   * Exists once startup began and stays usable for inspection after cleanup (closed).
   */
  get scheduler(): Scheduler {
    const root = this.#parent === undefined ? this : rootOf(this);
    if (root.#scheduler === undefined) throw new WeftError('WEFT_ERR_NOT_STARTED', `${this.name}: the scheduler exists once the app has started (await app.startup())`);
    return root.#scheduler;
  }

  /** @internal the compiled request handling, after startup. */
  get compiled(): CompiledApp | undefined {
    return this.#compiled;
  }

  /**
   * Compiles the app tree, then runs startup: async singletons, startup hooks and
   * cleanup contexts in registration order (sub-apps in their mount slot). On failure the
   * cleanups owed run before the original error is rethrown. Root apps only.
   */
  async startup(): Promise<void> {
    if (this.#parent !== undefined) throw new WeftError('WEFT_ERR_MOUNT', `${this.name} is mounted: start its root application`);
    if (this.#state === 'stopped') throw new WeftError('WEFT_ERR_APP_FROZEN', `${this.name} was cleaned up: an app starts once; build a new one (from your factory)`);
    if (this.#state !== 'new') throw new WeftError('WEFT_ERR_APP_FROZEN', `${this.name} was already started`);
    this.#state = 'starting';
    this.#starting = this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    await runInAppContext(this, async () => {
      try {
        this.#compiled = compileApp(this);
        this.#cleanupStack.push({ label: 'container', run: () => this.container.dispose() });
        // Parents first: a sub-app's async singletons may depend on its parents'.
        for (const app of treeOf(this)) await initContainer(app);
        this.#scheduler = this.container.getOptional(Scheduler);
        await runStartup(this, LIFECYCLE_TREE, this.#cleanupStack);
        this.#state = 'started';
      } catch (err) {
        await this.#cleanupAfterFailure(err);
        throw err;
      }
    });
  }

  /**
   * Sends `onShutdown` to this app and its sub-apps (providers and functional handlers), in
   * registration order; every handler runs, errors are gathered. Root apps only.
   */
  async shutdown(): Promise<void> {
    if (this.#parent !== undefined) throw new WeftError('WEFT_ERR_MOUNT', `${this.name} is mounted: shut down its root application`);
    const errors = await runInAppContext(this, () => runShutdown(this, LIFECYCLE_TREE));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new CleanupError(errors);
  }

  /**
   * Closes the scheduler (jobs still running are aborted and get its `closeTimeout` to
   * finish, while what they use is still open), runs every cleanup owed, in reverse
   * startup order, and disposes the containers; errors gathered (see CleanupError).
   * Called while the startup runs, it waits for the startup to end first (its cleanups
   * would otherwise run under it). Calling it again, also while it runs, gives the same
   * promise: every cleanup runs once. Root apps only.
   */
  async cleanup(): Promise<void> {
    // a sub-app's cleanups are on its root's stack: here they would silently not run
    if (this.#parent !== undefined) throw new WeftError('WEFT_ERR_MOUNT', `${this.name} is mounted: clean up its root application`);
    return (this.#cleaning ??= this.#cleanup());
  }

  /** The running or finished `cleanup()`: a second call must not pop the stack alongside the first. */
  #cleaning: Promise<void> | undefined;

  async #cleanup(): Promise<void> {
    if (this.#state === 'starting') await this.#starting!.catch(() => undefined); // a failed startup cleaned up after itself
    this.#state = 'stopped';
    await runInAppContext(this, () => runCleanup(this.#withJobsFirst()));
  }

  /**
   * The cleanup stack with the scheduler's close on top: jobs are stopped first (aborted,
   * `closeTimeout` to finish) while the resources they use are still open, then the
   * cleanups run, then the containers are disposed.
   */
  #withJobsFirst(): CleanupStack {
    const scheduler = this.#scheduler;
    if (scheduler !== undefined && !scheduler.closed) this.#cleanupStack.push({ label: 'Scheduler', run: () => scheduler.close() });
    return this.#cleanupStack;
  }

  /**
   * A `node:http` request listener for this app, e.g. for supertest or your own server.
   * The app starts (compile and startup hooks) on the first request if it has not been
   * started; call `await app.startup()` first to control when, and `await app.cleanup()`
   * when done. Requests that arrive while the startup runs wait for it; once it failed,
   * or after `cleanup()`, they are answered 503 (the app's resources are gone).
   *
   * @example
   * ```ts
   * const server = createHttpServer(app.callback());
   * await request(app.callback()).get('/health').expect(200); // supertest
   * ```
   */
  callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void {
    return (req, res) => {
      if (this.#state === 'started') return this.#compiled!.listener(req, res); // hot path
      if (this.#state === 'new') void this.startup().catch((err: unknown) => this.logger.error({ err }, 'startup failed'));
      if (this.#state === 'starting') {
        this.#starting!.then(
          () => this.#compiled!.listener(req, res),
          () => unavailable(res),
        );
        return;
      }
      unavailable(res);
    };
  }

  /** The running startup, for requests that arrive through `callback()` before it ends. */
  #starting: Promise<void> | undefined;

  async #cleanupAfterFailure(original: unknown): Promise<void> {
    try {
      await runCleanup(this.#withJobsFirst());
    } catch (cleanupErr) {
      this.logger.error({ err: cleanupErr }, 'cleanup after a failed startup failed too');
    }
    this.#state = 'stopped';
    void original;
  }

  #addSlot(slot: LifecycleSlot<Application>): void {
    this.assertNotFrozen(`register ${slot.label}`);
    this.slots.push(slot);
  }
}

/** How the lifecycle walk sees an app tree: provider slots first, then the functional ones. */
const LIFECYCLE_TREE: LifecycleTree<Application> = { slotsOf: (app) => app.lifecycleSlots, nameOf: (app) => app.name };

/** The app and its sub-apps, parents before children. */
function treeOf(app: Application): Application[] {
  return [app, ...app.subApps.flatMap(treeOf)];
}

function rootOf(app: Application): Application {
  let root = app;
  while (root.parent !== undefined) root = root.parent;
  return root;
}

function label(fn: (...args: never[]) => unknown, kind: string): string {
  return fn.name ? `${kind} ${fn.name}` : `${kind} #anonymous`;
}

/**
 * The label of an onStartup, onShutdown or onCleanup hook. A generator function, async or
 * not, is refused: calling it only makes a generator, so its body would never run (aiohttp's
 * `await` of one fails the startup); an async one belongs in `cleanupCtx`.
 */
function hookLabel(fn: (...args: never[]) => unknown, kind: string): string {
  const name = label(fn, kind);
  const tag = Object.prototype.toString.call(fn);
  if (tag === '[object AsyncGeneratorFunction]') {
    throw new WeftError(
      'WEFT_ERR_LIFECYCLE',
      `${name} is an async generator function: called as a hook, its body would never run; push it to app.cleanupCtx (its code before the yield runs at startup, after it at cleanup)`,
    );
  }
  if (tag === '[object GeneratorFunction]') {
    throw new WeftError('WEFT_ERR_LIFECYCLE', `${name} is a generator function: called as a hook, its body would never run; make it an async function, or an async generator in app.cleanupCtx`);
  }
  return name;
}

/**
 * Creates an application.
 *
 * @example
 * ```ts
 * @Controller('/hello')
 * class Hello {
 *   @Get('/{name}')
 *   greet(@Param('name') name: string) {
 *     return `Hello, ${name}`;
 *   }
 * }
 *
 * const app = createApp({ controllers: [Hello] });
 * ```
 */
export function createApp(options: AppOptions = {}): Application {
  return new Application(options);
}

/** The answer of `callback()` when the app cannot serve: its startup failed, or it was cleaned up. */
function unavailable(res: import('node:http').ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end('503: Service Unavailable');
}

/**
 * `init()` of an app's container: its async singletons. A failure is a `StartupError` like
 * any startup step's, naming the provider whose factory failed (`async provider Pool`).
 */
async function initContainer(app: Application): Promise<void> {
  try {
    await app.container.init();
  } catch (err) {
    const provider = failedProviderOf(err);
    throw new StartupError(provider === undefined ? 'container init()' : `async provider ${provider}`, app.name, err);
  }
}
