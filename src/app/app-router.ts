import { type RouteOptions } from '../../decorators/metadata.js';
import { WeftError } from '../errors.js';
import { checkKnownOptions, isOptionsObject, shownValue } from '../option-checks.js';
import { type Request } from '../http/request.js';
import { PathPattern, buildUrl, type PredicateRequest } from '../router/index.js';
import { type Application } from './application.js';
import { checkRouteOptions } from './check-options.js';
import { isDotfileName, resolveInsideSync } from '../static/safe-path.js';
import { type StaticRoot } from '../static/static-options.js';
import { versionHash } from '../static/version-hash.js';

/** A plain function handler for `app.router.add`: receives the Request, returns a result. */
export type PlainHandler = (request: Request) => unknown;

/** @internal a route added with `app.router.add`. */
export interface PlainRoute {
  method: string;
  path: string;
  handler: PlainHandler;
  options: RouteOptions;
}

const URL_OPTIONS = ['params', 'query', 'filename', 'appendVersion'];

/**
 * A custom resource (aiohttp's `register_resource`): routes requests by its own rules,
 * e.g. paths looked up in a table loaded at startup. It is asked after every declared
 * route missed, in registration order, with the raw (percent-encoded) path relative to
 * the app's prefix for a sub-app. It answers a handler (with its parameters), the methods
 * it would allow (405 with `Allow`), or null (not its path). Its handlers run through the
 * app's middlewares like any route; return the same handler functions each time (pass
 * what varies as `params`): a handler's pipeline is composed once and kept.
 *
 * @example
 * ```ts
 * const pages = new Map([['/about', 'About us'], ['/terms', 'Terms']]);
 * const showPage = (request: Request) => pages.get(request.params.page);
 * app.router.addResource({
 *   resolve(method, rawPath) {
 *     if (!pages.has(rawPath)) return null;
 *     if (method !== 'GET' && method !== 'HEAD') return { allow: ['GET', 'HEAD'] };
 *     return { handler: showPage, params: { page: rawPath } };
 *   },
 * });
 * ```
 */
export interface AppResource {
  resolve(
    method: string,
    rawPath: string,
    request: PredicateRequest,
  ): { handler: PlainHandler; params?: Record<string, string> } | { allow: string[] } | null;
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
  readonly resources: AppResource[] = [];
  readonly #named = new Map<string, { path: string; pattern?: PathPattern; static?: StaticRoot }>();

  constructor(private readonly app: Application) {}

  /**
   * Adds a plain function route. `method` is an HTTP method or `'*'`; `path` uses the
   * route syntax (`/users/{id}`, `{n:\d+}`, `{tail:.*}`).
   */
  add(method: string, path: string, handler: PlainHandler, options: RouteOptions = {}): void {
    this.app.assertNotFrozen(`add route ${method} ${path}`);
    if (typeof handler !== 'function') throw new WeftError('WEFT_ERR_INVALID_HANDLER', `${method} ${path}: the handler must be a function`);
    new PathPattern(path); // validates now, so the error points at this call
    checkRouteOptions(options, `${method} ${path}`);
    this.routes.push({ method: method.toUpperCase(), path, handler, options });
    if (options.name !== undefined) this.nameRoute(options.name, path);
  }

  /** Registers a custom resource (aiohttp's `register_resource`). */
  addResource(resource: AppResource): void {
    this.app.assertNotFrozen('add a resource');
    if (typeof resource?.resolve !== 'function') throw new WeftError('WEFT_ERR_INVALID_HANDLER', 'a resource needs a resolve(method, rawPath, request) method');
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

  /** @internal route names and their paths (without the mount prefix), read by `weft routes`. */
  names(): Array<[name: string, path: string]> {
    return [...this.#named].map(([name, { path }]) => [name, path]);
  }

  /** @internal marks a named route as `app.static`'s, so `url()` takes `filename` and `appendVersion`. */
  nameStatic(name: string, path: string, settings: StaticRoot): void {
    this.nameRoute(name, path);
    this.#named.get(name)!.static = settings;
  }

  /** Whether a route of this app has that name. */
  has(name: string): boolean {
    return this.#named.has(name);
  }

  /**
   * Builds the URL of a named route of this app, with the app's mount prefix. Parameters
   * are encoded so that the URL matches the route with the same values. For a static
   * route, `filename` is the file (`'css/site.css'`) and `appendVersion` (default: the
   * route's option) appends `v=<content hash>` when the file exists inside the directory.
   */
  url(name: string, options: { params?: Record<string, string | number>; query?: UrlQuery; filename?: string; appendVersion?: boolean } = {}): string {
    if (!isOptionsObject(options)) throw new WeftError('WEFT_ERR_URL_PARAMS', `router.url(${JSON.stringify(name)}): options must be an object, got ${shownValue(options)}`);
    checkKnownOptions(options, URL_OPTIONS, `router.url(${JSON.stringify(name)})`, 'WEFT_ERR_URL_PARAMS');
    const named = this.#named.get(name);
    if (named === undefined) {
      const known = [...this.#named.keys()].join(', ') || 'none';
      // controller routes are compiled, and their names registered, at startup only
      const hint = this.app.frozen ? '' : '; controller routes are named at startup: call url() after app.startup()';
      throw new WeftError('WEFT_ERR_ROUTE_NAME', `no route named ${JSON.stringify(name)} in ${this.app.name} (known: ${known}${hint})`);
    }
    // The prefix is final once the app is frozen: only then is the compiled pattern kept.
    const pattern = named.pattern ?? new PathPattern(this.app.prefix + named.path);
    if (this.app.frozen) named.pattern = pattern;
    if (named.static === undefined || options.filename === undefined) return buildUrl(pattern, { params: options.params, query: options.query });
    return this.#staticUrl(pattern, named.static, options.filename, options.appendVersion ?? named.static.appendVersion, options.query);
  }

  #staticUrl(pattern: PathPattern, settings: StaticRoot, filename: string, appendVersion: boolean, query: UrlQuery | undefined): string {
    const url = buildUrl(pattern, { params: { filename: filename.replace(/^\/+/, '') }, query });
    if (!appendVersion) return url;
    const name = filename.replace(/^\/+/, '');
    // a dotfile the route would not serve gets no version, as any refused name
    if (settings.dotfiles !== 'allow' && isDotfileName(name)) return url;
    const real = resolveInsideSync(settings.root, name, settings.followSymlinks);
    const hash = real === null ? undefined : versionHash(real);
    if (hash === undefined) return url;
    return `${url}${url.includes('?') ? '&' : '?'}v=${hash}`;
  }
}
