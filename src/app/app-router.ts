import { type RouteOptions } from '../../decorators/metadata.js';
import { WeftError } from '../errors.js';
import { type Request } from '../http/request.js';
import { PathPattern, buildUrl, type Resource } from '../router/index.js';
import { type Application } from './application.js';

/** A plain function handler for `app.router.add`: receives the Request, returns a result. */
export type PlainHandler = (request: Request) => unknown;

/** @internal a route added with `app.router.add`. */
export interface PlainRoute {
  method: string;
  path: string;
  handler: PlainHandler;
  options: RouteOptions;
}

/** Query values accepted by {@link AppRouter.url}. */
export type UrlQuery = Record<string, string | number | boolean | Array<string | number | boolean>> | URLSearchParams;

/**
 * The routes of one application: plain function routes, custom resources, and named
 * routes for URL reversal (prefixed correctly when the app is mounted).
 *
 * @example
 * ```ts
 * app.router.add('GET', '/users/{id}', (request) => ({ id: request.params.id }), { name: 'user' });
 * await app.startup();
 * app.router.url('user', { params: { id: 'a/b' } }); // '/users/a%2Fb'
 * ```
 */
export class AppRouter {
  /** @internal */
  readonly routes: PlainRoute[] = [];
  /** @internal */
  readonly resources: Resource<never, never>[] = [];
  readonly #named = new Map<string, { path: string; pattern?: PathPattern }>();

  constructor(private readonly app: Application) {}

  /**
   * Adds a plain function route. `method` is an HTTP method or `'*'`; `path` uses the
   * route syntax (`/users/{id}`, `{n:\d+}`, `{tail:.*}`).
   */
  add(method: string, path: string, handler: PlainHandler, options: RouteOptions = {}): void {
    this.app.assertNotFrozen(`add route ${method} ${path}`);
    if (typeof handler !== 'function') throw new WeftError('WEFT_ERR_INVALID_HANDLER', `${method} ${path}: the handler must be a function`);
    new PathPattern(path); // validates now, so the error points at this call
    this.routes.push({ method: method.toUpperCase(), path, handler, options });
    if (options.name !== undefined) this.nameRoute(options.name, path);
  }

  /** Registers a custom resource (aiohttp's `register_resource`). */
  addResource(resource: Resource<never, never>): void {
    this.app.assertNotFrozen('add a resource');
    this.resources.push(resource);
  }

  /** @internal gives a route a name; names are unique within one application. */
  nameRoute(name: string, path: string): void {
    const known = this.#named.get(name);
    if (known !== undefined && known.path !== path) {
      throw new WeftError('WEFT_ERR_ROUTE_NAME', `route name ${JSON.stringify(name)} is used twice in ${this.app.name} (${known.path} and ${path})`);
    }
    this.#named.set(name, { path });
  }

  /** Whether a route of this app has that name. */
  has(name: string): boolean {
    return this.#named.has(name);
  }

  /**
   * Builds the URL of a named route of this app, with the app's mount prefix. Parameters
   * are encoded so that the URL matches the route with the same values.
   */
  url(name: string, options: { params?: Record<string, string | number>; query?: UrlQuery } = {}): string {
    const named = this.#named.get(name);
    if (named === undefined) {
      const known = [...this.#named.keys()].join(', ') || 'none';
      throw new WeftError('WEFT_ERR_ROUTE_NAME', `no route named ${JSON.stringify(name)} in ${this.app.name} (known: ${known})`);
    }
    // The prefix is final once the app is frozen: only then is the compiled pattern kept.
    const pattern = named.pattern ?? new PathPattern(this.app.prefix + named.path);
    if (this.app.frozen) named.pattern = pattern;
    return buildUrl(pattern, { params: options.params, query: options.query });
  }
}
