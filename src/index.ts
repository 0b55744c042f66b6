/**
 * weft: a TypeScript web framework for Node.js.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

/**
 * The package version, as published.
 *
 * @example
 * ```ts
 * app.onResponsePrepare.push((request, response) => response.headers.set('server', `weft/${VERSION}`));
 * ```
 */
export const VERSION = '0.1.0';

// Application
export { Application, createApp, type AppOptions, type AppHook, type CleanupContextFn } from './app/application.js';
export { AppRouter, type AppResource, type PlainHandler, type UrlQuery } from './app/app-router.js';
export { type ClassRef, type ProviderLike, type RequestValueDeclaration, type OverrideProvider } from './app/app-registrations.js';
export { CleanupError } from './lifecycle/cleanup-error.js';
export { ContextVar, LookupError } from './context/context-var.js';
export { WeftError, ERROR_CODES, type ErrorCode } from './errors.js';
export { createLogger, type Logger } from './logging/logger.js';
export { createHttpServer } from './server/http-server.js';

// Lifecycle
export { type OnStartup, type OnShutdown, type OnCleanup, type CleanupContext } from './lifecycle/lifecycle-hooks.js';
export { StartupError } from './lifecycle/startup-error.js';
export { Scheduler, type SpawnOptions } from './jobs/scheduler.js';
export { Job, type JobFunction, type JobState } from './jobs/job.js';
export { JobsFullError } from './jobs/jobs-full-error.js';
export { type SchedulerOptions } from './jobs/scheduler-options.js';
export { spawn } from './jobs/spawn.js';

// Running
export { runApp, type RunAppOptions, type AppOrFactory } from './server/run-app.js';
export { AppRunner, type AppRunnerOptions } from './server/app-runner.js';
export { BaseSite, type SiteOptions } from './server/base-site.js';
export { TCPSite, type TCPSiteOptions } from './server/tcp-site.js';
export { UnixSite, type UnixSiteOptions } from './server/unix-site.js';
export { SockSite, type SockSiteOptions } from './server/sock-site.js';
export { type HttpServer, type HttpServerOptions } from './server/http-server.js';
export { CONNECTION_DEFAULTS, type ConnectionOptions } from './server/connection-options.js';
export { type AccessLogger, LoggerAccessLogger, StreamAccessLogger } from './logging/access-log.js';
export { compileAccessLogFormat, formatLogTime, DEFAULT_ACCESS_LOG_FORMAT, type AccessLogFormatter } from './logging/access-log-format.js';
export { shield } from './cancellation/shield.js';
export { Atomic } from '../decorators/atomic.js';

// Deployment
export { parseCommandLine, type CommandLine, type ServeOptions } from './cli/cli-options.js';
export type { NginxOptions, SystemdOptions, SupervisordOptions, ProcessOptions } from './cli/deploy-options.js';
export { loadTarget } from './cli/load-target.js';
export { listRoutes, formatRoutes, type RouteRow } from './cli/routes-command.js';
export { nginxConfig } from './cli/nginx-config.js';
export { Supervisor, type SupervisorOptions } from './cluster/supervisor.js';

// Requests, responses, errors
export * from './http/index.js';

// Static files and templates
export { FileResponse, type FileResponseOptions } from './static/file-response.js';
export { type StaticDotfiles, type StaticOptions } from './static/static-options.js';
export { setupTemplates, render, type TemplateOptions } from './templates/templates.js';
export { Render } from '../decorators/render.js';

// Routing
export { type Resource, type PredicateRequest, type MatchResult } from './router/index.js';

// Middlewares
export { type MiddlewareClass, type Next } from './pipeline/middleware.js';

// Decorators
export { Controller, type ControllerOptions } from '../decorators/controller.js';
export { Route, Get, Post, Put, Patch, Delete, Head, Options } from '../decorators/route.js';
export { Param, Query, Body, Headers, Req } from '../decorators/params.js';
export { Use } from '../decorators/middleware.js';
export { Module } from '../decorators/module.js';
export { type RouteOptions, type RoutePredicate, type MiddlewareRef, type ModuleMetadata } from '../decorators/metadata.js';

// Dependency injection
export { Inject, Optional } from '../decorators/inject.js';
export { Injectable } from '../decorators/injectable.js';
export * from '../container/index.js';

// One name, two meanings, as users expect: `@Middleware()` marks a class and `Middleware`
// types a middleware function; `@Signal()` injects the AbortSignal and `Signal<Args>`
// types a signal such as `app.onStartup`.
import { Middleware as MiddlewareDecorator } from '../decorators/middleware.js';
import { Signal as SignalDecorator } from '../decorators/params.js';
import { type Middleware as MiddlewareFunction } from './pipeline/middleware.js';
import { type Signal as SignalList } from './app/signal.js';

/**
 * `@Middleware()` marks a class as a middleware built by dependency injection: its
 * `handle(request, next)` runs around the handlers it is attached to. As a type,
 * `Middleware` is a function middleware `(request, next) => response`.
 *
 * @example
 * ```ts
 * @Middleware()
 * class Auth {
 *   constructor(private readonly sessions: Sessions) {}
 *   handle(request: Request, next: Next) {
 *     if (!this.sessions.find(request.cookies.sid)) throw new HTTPUnauthorized();
 *     return next();
 *   }
 * }
 * const timing: Middleware = async (request, next) => {
 *   const response = await next();
 *   response.headers.set('x-handled-by', 'weft');
 *   return response;
 * };
 * ```
 */
export const Middleware = MiddlewareDecorator;
/** A function middleware `(request, next) => response`; see the `@Middleware()` decorator of the same name. */
export type Middleware = MiddlewareFunction;
/**
 * `@Signal()` injects the request's `AbortSignal`, aborted when the handler is cancelled.
 * As a type, `Signal<Args>` is a list of async handlers such as `app.onStartup` or
 * `app.onResponsePrepare`.
 *
 * @example
 * ```ts
 * @Get('/slow')
 * slow(@Signal() signal: AbortSignal) { return fetchSlowly({ signal }); }
 *
 * app.onResponsePrepare.push((request, response) => {
 *   response.headers.set('x-served-by', 'weft');
 * });
 * ```
 */
export const Signal = SignalDecorator;
/** A list of async handlers run in order, such as `app.onStartup`; see the `@Signal()` decorator of the same name. */
export type Signal<Args extends unknown[]> = SignalList<Args>;

// WebSockets
export { WebSocketResponse } from './ws/websocket-response.js';
export { type WebSocketMessage } from './ws/websocket-message.js';
export { DEFAULT_MAX_MSG_SIZE } from './ws/websocket-options.js';
export { Broadcaster, type BroadcasterOptions } from './ws/broadcaster.js';
export { Subscription } from './ws/subscription.js';
export { type PubSubBackend } from './ws/pubsub-backend.js';
export { InMemoryPubSub } from './ws/in-memory-pubsub.js';
export { RedisPubSub, type RedisPubSubOptions } from './ws/redis-pubsub.js';
export { WebSocket, type WebSocketDecoratorOptions } from '../decorators/websocket.js';
export { type WebSocketRouteOptions } from '../decorators/metadata.js';
