/**
 * Connection limits of weft's HTTP servers, with defaults that are safe behind a reverse
 * proxy and against slow clients. docs/running.md explains each choice.
 */
import type { Server, ServerOptions } from 'node:http';
import { WeftError } from '../errors.js';

/**
 * Connection limits of a server. Every one is optional; weft's defaults apply (also to one
 * given as `undefined`: typed `number | undefined`, as node's `ServerOptions` types the
 * same names, so that `HttpServerOptions` extends both under `exactOptionalPropertyTypes`).
 *
 * @example
 * ```ts
 * runApp(app, { keepAliveTimeout: 120_000, requestTimeout: 0, maxRequestsPerSocket: 1000 });
 * ```
 */
export interface ConnectionOptions {
  /**
   * How long an idle keep-alive connection stays open, in ms. Default 75 s (aiohttp's and
   * nginx's value): above the idle timeouts of common proxies and load balancers (nginx
   * upstream keepalive 60 s, AWS ALB 60 s), so the proxy closes first and never sends a
   * request on a connection the server is closing; node's own default (5 s) causes
   * intermittent 502s behind them.
   */
  keepAliveTimeout?: number | undefined;
  /**
   * Time allowed to receive the request headers, in ms, from the request's first byte.
   * Default 30 s: any real client (or proxy) sends headers in one go, while a slowloris
   * client dripping header bytes holds a socket no longer than this. Checked every
   * `connectionsCheckingInterval` (10 s), so the effective limit is 30–40 s.
   */
  headersTimeout?: number | undefined;
  /**
   * Time allowed to receive the whole request (headers and body), in ms. Default 300 s
   * (node's): bounds slow uploads; raise it (or 0 for no limit) for large uploads over slow
   * links. Must be 0 or at least `headersTimeout`.
   */
  requestTimeout?: number | undefined;
  /** Most header fields accepted per request (node's default 2000). */
  maxHeadersCount?: number | undefined;
  /** Requests served on one connection before it is closed (default 0: no limit). */
  maxRequestsPerSocket?: number | undefined;
}

/**
 * weft's connection defaults.
 *
 * @example
 * ```ts
 * CONNECTION_DEFAULTS.keepAliveTimeout; // 75_000
 * ```
 */
export const CONNECTION_DEFAULTS = Object.freeze({
  keepAliveTimeout: 75_000,
  headersTimeout: 30_000,
  requestTimeout: 300_000,
  connectionsCheckingInterval: 10_000,
});

const NAMES = ['keepAliveTimeout', 'headersTimeout', 'requestTimeout', 'maxHeadersCount', 'maxRequestsPerSocket'] as const;

/** The names of {@link ConnectionOptions}, to tell a misspelt option from a known one. */
export const CONNECTION_OPTION_NAMES: readonly string[] = NAMES;

/**
 * Checks connection options, naming the first invalid one.
 * @throws WeftError `WEFT_ERR_INVALID_OPTION`.
 */
export function checkConnectionOptions(options: ConnectionOptions): void {
  for (const name of NAMES) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `${name} must be a non-negative integer (ms or a count), got ${String(value)}`);
    }
  }
  const headers = options.headersTimeout ?? CONNECTION_DEFAULTS.headersTimeout;
  const request = options.requestTimeout ?? CONNECTION_DEFAULTS.requestTimeout;
  if (request > 0 && headers > request) {
    throw new WeftError('WEFT_ERR_INVALID_OPTION', `headersTimeout (${headers} ms) must not exceed requestTimeout (${request} ms); requestTimeout 0 means no limit`);
  }
}

/** node's `createServer` options for these limits, weft's defaults filled in. */
export function serverOptionsOf(options: ConnectionOptions): ServerOptions {
  checkConnectionOptions(options);
  return {
    keepAliveTimeout: options.keepAliveTimeout ?? CONNECTION_DEFAULTS.keepAliveTimeout,
    headersTimeout: options.headersTimeout ?? CONNECTION_DEFAULTS.headersTimeout,
    requestTimeout: options.requestTimeout ?? CONNECTION_DEFAULTS.requestTimeout,
    connectionsCheckingInterval: CONNECTION_DEFAULTS.connectionsCheckingInterval,
  };
}

/** Sets the limits node only takes as server properties. */
export function applyServerLimits(server: Server, options: ConnectionOptions): void {
  if (options.maxHeadersCount !== undefined) server.maxHeadersCount = options.maxHeadersCount;
  if (options.maxRequestsPerSocket !== undefined) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
}
