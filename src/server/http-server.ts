import { createServer, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TlsOptions } from 'node:tls';
import { type RequestListener } from '../pipeline/handle-request.js';
import { upgradeListener } from '../ws/upgrade.js';
import { keepOwedResponses, refuseConnect } from './client-error.js';
import { boundPipelining } from './pipelining.js';
import { applyServerLimits, serverOptionsOf, type ConnectionOptions } from './connection-options.js';

/**
 * Options of {@link createHttpServer}: node's server options, weft's connection limits
 * (with weft's defaults: see {@link CONNECTION_DEFAULTS}) and, for HTTPS, `tls`.
 *
 * @example
 * ```ts
 * createHttpServer(app.callback(), { keepAliveTimeout: 65_000, tls: { key, cert } });
 * ```
 */
export interface HttpServerOptions extends ServerOptions, ConnectionOptions {
  /** Serve HTTPS with these TLS options (at least `key` and `cert`, PEM). */
  tls?: TlsOptions;
}

/**
 * A server made by {@link createHttpServer}: `node:http`'s, or `node:https`'s with `tls`.
 *
 * @example
 * ```ts
 * const server: HttpServer | undefined = site.server;
 * server?.keepAliveTimeout; // 75_000
 * ```
 */
export type HttpServer = Server | HttpsServer;

/**
 * A `node:http` server (or `node:https` with `tls`) for a weft request listener, with
 * weft's connection defaults (keep-alive 75 s, headers 30 s, request 300 s). `Expect`
 * requests go to the listener too (node would otherwise answer `100 Continue` or `417`
 * itself, before routing, middlewares and `onResponsePrepare` could see them), and so do
 * `Upgrade` requests (websockets: see `src/ws/upgrade.ts`). A malformed request behind
 * others on a connection is answered 400 after them, in order (see `keepOwedResponses`),
 * and a connection with more than 64 responses queued is not read until half went out
 * (see `boundPipelining`).
 *
 * @example
 * ```ts
 * await app.startup();
 * const server = createHttpServer(app.callback());
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createHttpServer(listener: RequestListener, options?: HttpServerOptions & { tls?: undefined }): Server;
export function createHttpServer(listener: RequestListener, options: HttpServerOptions): HttpServer;
export function createHttpServer(listener: RequestListener, options: HttpServerOptions = {}): HttpServer {
  const { tls, keepAliveTimeout, headersTimeout, requestTimeout, maxHeadersCount, maxRequestsPerSocket, ...nodeOptions } = options;
  const limits = { keepAliveTimeout, headersTimeout, requestTimeout, maxHeadersCount, maxRequestsPerSocket };
  const serverOptions = { ...serverOptionsOf(limits), ...nodeOptions };
  const bounded = boundPipelining(listener);
  // the TLS handshake comes before the head headersTimeout bounds: bound it the same way
  // (node's own default is 120 s); tls.handshakeTimeout sets it apart
  const server: HttpServer =
    tls === undefined ? createServer(serverOptions, bounded) : createHttpsServer({ handshakeTimeout: serverOptions.headersTimeout, ...serverOptions, ...tls }, bounded);
  applyServerLimits(server as Server, limits);
  server.on('checkContinue', listener);
  server.on('checkExpectation', listener);
  // websocket upgrades take the same path: router, middlewares, in-flight tracking
  server.on('upgrade', upgradeListener(listener, () => server.requestTimeout));
  // a request node cannot parse is answered after the responses owed before it
  server.on('clientError', keepOwedResponses);
  server.on('connect', refuseConnect);
  return server;
}
