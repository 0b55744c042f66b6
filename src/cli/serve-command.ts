/**
 * `weft serve`: one process serving with `runApp`, or a supervisor over pre-forked workers.
 */
import type { Application } from '../app/application.js';
import type { RunAppOptions, AppOrFactory } from '../server/run-app.js';
import type { ServeOptions } from './cli-options.js';

/**
 * The `runApp` options of one process serving `options`: worker `n` listens on its own
 * unix sockets (`{n}` expanded), on the shared TCP address, or on the inherited descriptors.
 *
 * @example
 * ```ts
 * runAppOptions({ ...options, path: ['/run/app/w{n}.sock'] }, 2); // { path: ['/run/app/w2.sock'], ... }
 * ```
 */
export function runAppOptions(options: ServeOptions, n: number): RunAppOptions {
  const result: RunAppOptions = {};
  if (options.host.length > 0) result.host = options.host;
  if (options.port !== undefined) result.port = options.port;
  if (options.path.length > 0) result.path = options.path.map((p) => expandWorkerNumber(p, n));
  if (options.mode !== undefined) result.mode = options.mode;
  if (options.sock.length > 0) result.sock = options.sock;
  if (options.shutdownTimeout !== undefined) result.shutdownTimeout = options.shutdownTimeout;
  if (!options.accessLog) result.accessLog = null;
  if (options.accessLogFormat !== undefined) result.accessLogFormat = options.accessLogFormat;
  return result;
}

/**
 * Replaces `{n}` with the worker number, as supervisord's `%(process_num)s`.
 *
 * @example
 * ```ts
 * expandWorkerNumber('/tmp/example_{n}.sock', 3); // '/tmp/example_3.sock'
 * ```
 */
export function expandWorkerNumber(template: string, n: number): string {
  return template.replaceAll('{n}', String(n));
}

/**
 * Wraps an app or factory so that the app counts its responses and calls `onLimit` once
 * when `limit` were prepared (for `--max-requests`); `limit` 0 leaves it as it is.
 *
 * @example
 * ```ts
 * const counted = countResponses(factory, 1000, () => recycle());
 * ```
 */
export function countResponses(appOrFactory: AppOrFactory, limit: number, onLimit: () => void): AppOrFactory {
  if (limit <= 0) return appOrFactory;
  return async () => {
    const app: Application = await (typeof appOrFactory === 'function' ? appOrFactory() : appOrFactory);
    let count = 0;
    // onResponsePrepare fires once per response, errors included: a request served
    app.onResponsePrepare?.push(() => {
      count += 1;
      if (count === limit) onLimit();
    });
    return app;
  };
}

/**
 * The limit of `--max-requests` with `--max-requests-jitter` (gunicorn's): `max + random(0..jitter)`.
 *
 * @example
 * ```ts
 * requestLimit(1000, 50); // 1000 to 1050
 * ```
 */
export function requestLimit(maxRequests: number, jitter: number, random: () => number = Math.random): number {
  if (maxRequests <= 0) return 0;
  return maxRequests + Math.floor(random() * (jitter + 1));
}
