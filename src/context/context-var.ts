import { AsyncLocalStorage } from 'node:async_hooks';

type Context = Map<ContextVar<unknown>, unknown>;

const storage = new AsyncLocalStorage<Context>();
/** The context outside any app or request: module top level, app factories. */
const rootContext: Context = new Map();
const appContexts = new WeakMap<object, Context>();
/** Until a ContextVar exists, apps and requests never touch the storage (see runInAppContext). */
let anyVariable = false;
/** Whether an app lifecycle or a request ran before any ContextVar existed (so without a context). */
let ranWithoutContext = false;

/**
 * A context-local variable, with the semantics of aiohttp's `contextvars` support:
 * startup, shutdown and cleanup of an app share one context (a value set at startup is
 * seen at cleanup); each request runs in a copy of it, so a value set by a handler or a
 * middleware is seen by everything that request awaits, and by no other request.
 *
 * @example
 * ```ts
 * // at module level, before any app starts (as Python's contextvars): a ContextVar first
 * // created while requests are in flight cannot give those requests contexts of their own
 * // (a warning, WEFT_CONTEXTVAR_LATE, says so)
 * const RequestId = new ContextVar<string>('requestId', { default: '-' });
 *
 * const tagRequests: Middleware = async (request, next) => {
 *   RequestId.set(randomUUID());
 *   return next();
 * };
 * // anywhere below, in the same request: RequestId.get()
 * ```
 */
export class ContextVar<T> {
  readonly #default: { value: T } | undefined;

  constructor(
    readonly name: string,
    options?: { default: T },
  ) {
    this.#default = options && 'default' in options ? { value: options.default } : undefined;
    if (!anyVariable && ranWithoutContext) {
      // work already in flight (a request, a startup) has no context of its own to hold a value
      process.emitWarning(
        `ContextVar ${name} was created after requests or app lifecycles had run without a ContextVar: what is in flight now shares one context. Create context variables at module level, before any app starts.`,
        { code: 'WEFT_CONTEXTVAR_LATE' },
      );
    }
    anyVariable = true;
  }

  /** The value in the current context, else the default; throws if there is neither. */
  get(): T {
    const context = storage.getStore() ?? rootContext;
    if (context.has(this)) return context.get(this) as T;
    if (this.#default !== undefined) return this.#default.value;
    throw new LookupError(`ContextVar ${this.name} has no value in this context and no default`);
  }

  /** Sets the value in the current context (this request, or this app's lifecycle). */
  set(value: T): void {
    (storage.getStore() ?? rootContext).set(this, value);
  }

  /** Removes the value from the current context, so `get()` gives the default again. */
  delete(): void {
    (storage.getStore() ?? rootContext).delete(this);
  }
}

/**
 * `ContextVar.get()` found no value and no default.
 *
 * @example
 * ```ts
 * const user = new ContextVar<string>('user');
 * try {
 *   user.get();
 * } catch (err) {
 *   if (err instanceof LookupError) console.log('no user in this context');
 * }
 * ```
 */
export class LookupError extends Error {
  override name = 'LookupError';
}

/**
 * Runs an app's lifecycle step in the app's context: a copy of the context current when
 * the app first ran one, shared by all of its later steps.
 */
export function runInAppContext<R>(app: object, fn: () => Promise<R>): Promise<R> {
  // On Node 20 the first AsyncLocalStorage.run() turns on promise hooks for the rest of
  // the process, costing every await ~3x (measured: 8-12% of a hello-world server's time).
  // So nothing touches the storage until a ContextVar exists.
  if (!anyVariable) {
    ranWithoutContext = true;
    return fn();
  }
  let context = appContexts.get(app);
  if (context === undefined) {
    context = new Map(storage.getStore() ?? rootContext);
    appContexts.set(app, context);
  }
  return storage.run(context, fn);
}

/**
 * Runs `fn(arg)` for a request in a copy of its app's context (free when no ContextVar
 * exists). The argument is passed through rather than closed over: no closure per request.
 */
export function runInRequestContext<A, R>(app: object, fn: (arg: A) => R, arg: A): R {
  if (!anyVariable) {
    // hot path
    ranWithoutContext = true;
    return fn(arg);
  }
  const base = appContexts.get(app) ?? storage.getStore() ?? rootContext;
  return storage.run(new Map(base), fn, arg);
}

/**
 * Wraps `fn` to run in a copy of the values current when it is wrapped (each call gets its
 * own copy): what it sets stays its own, as an asyncio task runs in a copy of the context it
 * was created in. For background jobs, which must see what their request had set when it
 * spawned them, also if they start later from the queue, without changing it. Free when no
 * ContextVar exists.
 *
 * @example
 * ```ts
 * const run = AsyncResource.bind(inCopyOfContext(job)); // the spawner's values now, its own changes
 * ```
 */
export function inCopyOfContext<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const values = anyVariable ? new Map(storage.getStore() ?? rootContext) : undefined;
  return (...args) => {
    if (!anyVariable) return fn(...args);
    return storage.run(new Map(values ?? storage.getStore() ?? rootContext), fn, ...args);
  };
}
