/**
 * The one metadata store. Decorators write here and return; only `src/compile/` reads.
 *
 * Metadata is kept per class, for the class's own declarations only (a WeakMap, so
 * classes can be collected). Inheritance is resolved by the compile step, which walks the
 * prototype chain: a subclass of a decorated controller inherits its routes, and an
 * overriding method keeps its route unless it is decorated again.
 */

/**
 * The request and `next` types of middleware functions and expect handlers. Empty here,
 * since decorators/ cannot import src/; `src/pipeline/middleware.ts` fills it in by module
 * augmentation, so an inline `async (request, next) => ...` in decorator options is typed
 * with weft's `Request` and `Next` instead of `never`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-empty-object-type -- filled in by augmentation
export interface MiddlewareFunctionTypes {}

type MiddlewareRequest = MiddlewareFunctionTypes extends { request: infer R } ? R : never;
type MiddlewareNext = MiddlewareFunctionTypes extends { next: infer N } ? N : never;

/** A middleware reference as written in decorators: a function or a `@Middleware()` class. */
export type MiddlewareRef = ((request: MiddlewareRequest, next: MiddlewareNext) => unknown) | (abstract new (...args: never[]) => unknown);

/** A route predicate: the route is a candidate only when it returns true. */
export type RoutePredicate = (request: { headers: { get(name: string): string | undefined | null } }) => boolean;

/** Options shared by every route decorator and `app.router.add`. */
export interface RouteOptions {
  /** A name for URL reversal with `app.router.url(name)`. */
  name?: string;
  /** Middlewares for this route only, innermost. */
  middlewares?: MiddlewareRef[];
  /** Media types the route produces; chosen by the request's `Accept` (406 when none fits). */
  accept?: string[];
  /** Further routing criteria: several routes may share a method and path. */
  predicates?: RoutePredicate[];
  /** Runs before the middlewares when the request carries `Expect` (see DESIGN.md). */
  expectHandler?: (request: MiddlewareRequest) => unknown;
  /** Body size limit in bytes for this route (default: the app's, 1 MiB). */
  clientMaxSize?: number;
  /**
   * The handler runs to completion even if the client disconnects: with
   * `handlerCancellation`, its `request.signal` does not abort then (`@Atomic()` on methods).
   */
  atomic?: boolean;
  /**
   * Turns the data the handler returns into JSON text, instead of `JSON.stringify`: for
   * example a serialiser compiled from a schema by fast-json-stringify, as fastify's response
   * schemas do (about a third of `JSON.stringify`'s cost for small objects). Applies only
   * where weft would send JSON (a handler's plain data, not a string, bytes, a Response or an
   * HttpError). The text is sent as `application/json; charset=utf-8` unchanged.
   *
   * @example
   * ```ts
   * import fastJson from 'fast-json-stringify';
   * const quoteJson = fastJson({ type: 'object', properties: { sku: { type: 'string' }, price: { type: 'number' } } });
   * @Get('/{sku}', { serializer: quoteJson })
   * show(@Param('sku') sku: string) { return this.quotes.quote(sku); }
   * ```
   */
  serializer?: (data: never) => string;
}

/** What `@Get`, `@Post`, … record for one method. */
export interface RouteMetadata {
  method: string;
  path: string;
  propertyKey: string | symbol;
  options: RouteOptions;
  /** Set by `@WebSocket()`: the route answers a websocket upgrade with these options. */
  websocket?: WebSocketRouteOptions;
}

/**
 * Options of a websocket: `@WebSocket(path, options)` and `new WebSocketResponse(options)`.
 * Declared here, since decorators/ cannot import src/.
 */
export interface WebSocketRouteOptions {
  /** Subprotocols the server speaks, preferred first; the first one the client offers is chosen. */
  protocols?: string[];
  /** Largest message accepted, in bytes (default 4 MiB, as aiohttp); a bigger one closes with 1009. 0: no limit. */
  maxMsgSize?: number;
  /** Ping interval in ms; a pong missing for half of it closes the connection (1006). Off by default. */
  heartbeat?: number;
  /** Negotiates permessage-deflate when the client offers it (off by default). */
  compress?: boolean;
  /**
   * `send*` waits for the socket to drain while more than this many bytes are buffered, and
   * reading from the socket pauses while more than this many bytes of messages are unread
   * (default 1 MiB).
   */
  highWaterMark?: number;
  /** ms that `close()` waits for the peer's close frame before dropping the connection (default 10 000). */
  closeTimeout?: number;
}

/** How one handler parameter is filled. */
export type ParamMetadata =
  | { index: number; kind: 'param' | 'query' | 'headers'; name?: string }
  | { index: number; kind: 'body' | 'req' | 'signal' }
  | { index: number; kind: 'inject'; token: unknown; optional: boolean };

/** What `@Controller` records. */
export interface ControllerMetadata {
  prefix: string;
  /** The options as given: the compile step checks them and reads their middlewares. */
  options: { middlewares?: MiddlewareRef[] };
}

/** What `@Module` records. */
export interface ModuleMetadata {
  imports?: Array<abstract new (...args: never[]) => unknown>;
  controllers?: Array<abstract new (...args: never[]) => unknown>;
  providers?: unknown[];
  middlewares?: MiddlewareRef[];
}

/** Everything recorded on one class by its own decorators. */
export interface ClassMetadata {
  controller?: ControllerMetadata;
  module?: ModuleMetadata;
  /** Set by `@Middleware()`: the class is built by DI and has `handle(request, next)`. */
  middleware?: true;
  routes: RouteMetadata[];
  params: Map<string | symbol, ParamMetadata[]>;
  /** `@Use` on the class. */
  uses: MiddlewareRef[];
  /** `@Use` on methods. */
  methodUses: Map<string | symbol, MiddlewareRef[]>;
  /** Methods marked `@Atomic()`. */
  atomic: Set<string | symbol>;
}

const store = new WeakMap<object, ClassMetadata>();

/** The class's own metadata, created on first write. For decorators only. */
export function ownMetadata(target: object): ClassMetadata {
  let meta = store.get(target);
  if (meta === undefined) {
    meta = { routes: [], params: new Map(), uses: [], methodUses: new Map(), atomic: new Set() };
    store.set(target, meta);
  }
  return meta;
}

/**
 * The metadata of the class a method decorator's `target` belongs to: the prototype's
 * constructor, or the class itself for a static method (recorded there, refused at compile).
 * For decorators only.
 */
export function methodOwnerMetadata(target: object): ClassMetadata {
  return ownMetadata(typeof target === 'function' ? target : target.constructor);
}

/**
 * Reads what a class's own decorators recorded (not its parents'). For `src/compile/`.
 *
 * @example
 * ```ts
 * const meta = readMetadata(UsersController);
 * meta?.routes.forEach((route) => console.log(route.method, route.path));
 * ```
 */
export function readMetadata(target: object): Readonly<ClassMetadata> | undefined {
  return store.get(target);
}
