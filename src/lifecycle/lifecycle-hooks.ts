import { type Application } from '../app/application.js';

/**
 * A provider whose `onStartup(app)` runs at startup, in the provider's lifecycle slot
 * (aiohttp's `on_startup`). Implement it on a singleton class listed in a module's or the
 * app's `providers`: weft finds it, no wiring needed. A rejection stops the startup.
 *
 * @example
 * ```ts
 * @Injectable()
 * class Migrations implements OnStartup {
 *   constructor(private readonly db: Database) {}
 *   async onStartup() {
 *     await this.db.migrate();
 *   }
 * }
 * ```
 */
export interface OnStartup {
  onStartup(app: Application): unknown;
}

/**
 * A provider notified when the application starts shutting down (aiohttp's
 * `on_shutdown`): the listener is closed but requests may still be in flight. Shutdown
 * notifications run in registration order, every one of them even if one fails.
 *
 * @example
 * ```ts
 * class Sockets implements OnShutdown {
 *   readonly open = new Set<WebSocketResponse>();
 *   async onShutdown() {
 *     for (const ws of this.open) await ws.close({ code: 1001, message: 'server shutdown' });
 *   }
 * }
 * ```
 */
export interface OnShutdown {
  onShutdown(app: Application): unknown;
}

/**
 * A provider whose `onCleanup(app)` runs at cleanup, in the exact reverse of startup
 * (aiohttp's `on_cleanup`). It runs if and only if startup reached the provider's slot and
 * its `onStartup` (if it has one) completed.
 *
 * @example
 * ```ts
 * class Metrics implements OnStartup, OnCleanup {
 *   #timer?: NodeJS.Timeout;
 *   onStartup() {
 *     this.#timer = setInterval(() => this.flush(), 10_000);
 *   }
 *   onCleanup() {
 *     clearInterval(this.#timer);
 *     return this.flush();
 *   }
 *   flush() {}
 * }
 * ```
 */
export interface OnCleanup {
  onCleanup(app: Application): unknown;
}

/**
 * A provider that owns a resource for the application's lifetime (aiohttp's
 * `cleanup_ctx`): `lifespan(app)` is an async generator whose code before its one `yield`
 * runs at startup and after it at cleanup. The cleanup part runs if and only if the
 * startup part completed; no yield, or a second one, is a `WEFT_ERR_LIFECYCLE` error.
 *
 * @example
 * ```ts
 * @Injectable()
 * class DbPool implements CleanupContext {
 *   pool!: Pool;
 *   async *lifespan() {
 *     this.pool = await createPool(process.env.DATABASE_URL);
 *     yield;
 *     await this.pool.end();
 *   }
 * }
 * ```
 */
export interface CleanupContext {
  lifespan(app: Application): AsyncGenerator<unknown, unknown, unknown>;
}
