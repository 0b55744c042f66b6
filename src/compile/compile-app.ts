import { METHODS } from 'node:http';
import { WeftError } from '../errors.js';
import { withSerializer } from './with-serializer.js';
import { type MiddlewareRef, type RouteOptions } from '../../decorators/metadata.js';
import { type Application } from '../app/application.js';
import { type ClassRef } from '../app/app-registrations.js';
import { type Request } from '../http/request.js';
import { type StreamResponse } from '../http/stream-response.js';
import { compose, type Pipeline } from '../pipeline/compose.js';
import { createRequestListener, type RequestListener } from '../pipeline/handle-request.js';
import { type Middleware } from '../pipeline/middleware.js';
import { RouteTable, type Resource } from '../router/index.js';
import { type AppResource, type PlainHandler } from '../app/app-router.js';
import { compileControllerHandler } from './compile-handler.js';
import { withRender } from './render-handler.js';
import { compileWebSocketHandler } from '../ws/websocket-route.js';
import { WEBSOCKET_OPTION_NAMES } from '../ws/websocket-options.js';
import { compileMiddleware, isMiddlewareClass } from './compile-middlewares.js';
import { buildContainer, flattenModules, type ModuleContents } from './compile-container.js';
import { lifecycleProviderSlots } from '../lifecycle/lifecycle-providers.js';
import { joinPath, readController, type ControllerDefinition } from './controller-routes.js';
import { checkRouteOptions } from '../app/check-options.js';

/** Runs the `onResponsePrepare` handlers of an app and its parents, parents first. */
export type PrepareHook = (request: Request, response: StreamResponse) => Promise<void>;

/** A route ready to serve: everything the request path needs, built once. */
export interface CompiledRoute {
  readonly app: Application;
  readonly label: string;
  readonly pipeline: Pipeline;
  readonly clientMaxSize: number;
  readonly expectHandler: ((request: Request) => unknown) | null;
  readonly prepareHook: PrepareHook | null;
  /** `@Atomic()` / `{ atomic: true }`: the client leaving does not abort the handler's signal. */
  readonly atomic: boolean;
}

/** The compiled application tree. */
export interface CompiledApp {
  readonly root: Application;
  readonly table: RouteTable<CompiledRoute, Application>;
  /** Per app: the pipeline for requests under its prefix that match no route. */
  readonly misses: Map<Application, CompiledRoute>;
  readonly listener: RequestListener;
}

interface AppPlan {
  app: Application;
  contents: ModuleContents;
  controllers: ControllerDefinition[];
}

/**
 * Compiles an application tree: containers and their registrations (validated and
 * frozen), the route table with every route's precomposed pipeline, the pipelines for
 * misses, and the request listener. After this, nothing on the request path reads
 * metadata or looks anything up that could be known now.
 */
export function compileApp(root: Application): CompiledApp {
  const plans = appsOf(root).map((app): AppPlan => {
    const contents = flattenModules(app.registrations.modules);
    const controllers = [...new Set([...contents.controllers, ...app.registrations.controllers])].map(readController);
    return { app, contents, controllers };
  });
  for (const plan of plans) buildContainer(plan.app, plan.contents, middlewareClassesOf(plan));
  for (const plan of plans) plan.app.container.freeze();
  for (const { app, contents } of plans) app.attachProviderSlots(lifecycleProviderSlots([...contents.providers, ...app.registrations.providers], app.container, app.name));

  const table = new RouteTable<CompiledRoute, Application>(root);
  const chains = new Map<Application, Middleware[]>();
  const misses = new Map<Application, CompiledRoute>();
  for (const { app, contents, controllers } of plans) {
    const container = app.container;
    const chain = [...(app.parent ? chains.get(app.parent)! : []), ...app.middlewares.map((m) => compileMiddleware(m, container))];
    chains.set(app, chain);
    const prepareHook = prepareHookOf(app);
    const routeOf = (label: string, handler: (request: Request) => unknown, middlewares: MiddlewareRef[], options: RouteOptions, atomic = false): CompiledRoute => ({
      app,
      label,
      pipeline: compose([...chain, ...middlewares.map((m) => compileMiddleware(m, container))], withSerializer(handler, options.serializer, label)),
      clientMaxSize: options.clientMaxSize ?? app.clientMaxSize,
      expectHandler: (options.expectHandler as ((request: Request) => unknown) | undefined) ?? null,
      prepareHook,
      atomic: atomic || options.atomic === true,
    });

    if (app.parent !== undefined) table.addPrefix(app.prefix + '/', app);
    for (const definition of controllers) {
      for (const { route, params, uses, atomic } of definition.routes) {
        const path = joinPath(definition.prefix, route.path);
        const label = `${definition.controller.name}.${String(route.propertyKey)}`;
        checkRouteOptions(route.options, label, route.websocket === undefined ? [] : WEBSOCKET_OPTION_NAMES);
        if (route.options.name !== undefined) app.router.nameRoute(route.options.name, path);
        const handler =
          route.websocket === undefined
            ? withRender(compileControllerHandler(definition.controller, route.propertyKey, params, container), definition.controller, route.propertyKey, app, label)
            : compileWebSocketHandler(definition.controller, route.propertyKey, params, container, route.websocket);
        const moduleMiddlewares = contents.controllerMiddlewares.get(definition.controller) ?? [];
        const middlewares = [...moduleMiddlewares, ...definition.middlewares, ...uses, ...(route.options.middlewares ?? [])];
        addRoute(table, app, route.method, path, routeOf(label, handler, middlewares, route.options, atomic), label, route.options);
      }
    }
    for (const plain of app.router.routes) {
      const label = `${plain.method} ${plain.path} (${plain.handler.name || 'router.add'})`;
      addRoute(table, app, plain.method, plain.path, routeOf(label, plain.handler, plain.options.middlewares ?? [], plain.options), label, plain.options);
    }
    for (const resource of app.router.resources) {
      table.addResource(adaptResource(resource, app, (handler) => routeOf(`${app.name} resource ${handler.name || 'handler'}`, handler, [], {})), app.parent === undefined ? undefined : { prefix: app.prefix + '/' });
    }
    misses.set(app, routeOf(`${app.name} miss`, raiseMatchError, [], {}));
    freezeSignals(app);
  }
  table.freeze();
  const compiled = { root, table, misses } as Omit<CompiledApp, 'listener'>;
  return { ...compiled, listener: createRequestListener(compiled) };
}

function addRoute(
  table: RouteTable<CompiledRoute, Application>,
  app: Application,
  method: string,
  path: string,
  value: CompiledRoute,
  label: string,
  options: RouteOptions,
): void {
  // node's parser answers 400 for any other method before weft sees the request: such a route could never be reached
  if (method === 'CONNECT') {
    throw new WeftError('WEFT_ERR_INVALID_ROUTE', `${label}: CONNECT opens a tunnel, which node hands to its 'connect' event, never to a request listener: weft answers it 501`);
  }
  if (typeof method === 'string' && method !== '*' && !METHODS.includes(method)) {
    throw new WeftError(
      'WEFT_ERR_INVALID_ROUTE',
      `${label}: node's HTTP parser does not accept the method ${JSON.stringify(method)} (it answers 400 before weft sees the request); use one of node:http's METHODS, or '*'`,
    );
  }
  table.add({ method, path: app.prefix + path, value, owner: app, label, accept: options.accept, predicates: options.predicates });
}

/**
 * Wraps a user resource for the route table: the first time it answers a handler, that
 * handler's pipeline is composed (with the app's middlewares) and kept, so later requests
 * reuse it (weakly: a resource that makes a new handler per request costs a composition
 * per request, never memory).
 */
function adaptResource(resource: AppResource, app: Application, compile: (handler: PlainHandler) => CompiledRoute): Resource<CompiledRoute, Application> {
  const compiled = new WeakMap<PlainHandler, CompiledRoute>();
  return {
    resolve(method, rawPath, request) {
      const answer = resource.resolve(method, rawPath, request);
      if (answer === null) return null;
      if ('allow' in answer) return { kind: 'method-not-allowed', allow: [...answer.allow].sort() };
      let route = compiled.get(answer.handler);
      if (route === undefined) compiled.set(answer.handler, (route = compile(answer.handler)));
      return { kind: 'found', value: route, params: answer.params ?? {}, owner: app };
    },
  };
}

/** The terminal handler of a miss pipeline: raises the 400/404/405/406 the match produced. */
function raiseMatchError(request: Request): never {
  throw request.matchError;
}

/** The app and its sub-apps, parents before children, in mount order. */
function appsOf(app: Application): Application[] {
  return [app, ...app.subApps.flatMap(appsOf)];
}

/** `@Middleware()` classes an app refers to, which its container must be able to build. */
function middlewareClassesOf({ app, contents, controllers }: AppPlan): ClassRef[] {
  const refs: MiddlewareRef[] = [...app.middlewares, ...contents.middlewares];
  for (const definition of controllers) {
    refs.push(...definition.middlewares);
    for (const route of definition.routes) refs.push(...route.uses, ...(route.route.options.middlewares ?? []));
  }
  for (const route of app.router.routes) refs.push(...(route.options.middlewares ?? []));
  return refs.filter(isMiddlewareClass) as ClassRef[];
}

function prepareHookOf(app: Application): PrepareHook | null {
  const handlers: Array<(request: Request, response: StreamResponse) => unknown> = [];
  for (let a: Application | undefined = app; a !== undefined; a = a.parent) handlers.unshift(...a.onResponsePrepare);
  if (handlers.length === 0) return null;
  return async (request, response) => {
    for (const handler of handlers) await handler(request, response);
  };
}

function freezeSignals(app: Application): void {
  for (const signal of [app.onStartup, app.onShutdown, app.onCleanup, app.cleanupCtx, app.onResponsePrepare]) signal.freeze();
}

