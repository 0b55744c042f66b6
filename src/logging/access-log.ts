/**
 * Access logging: one line per request, written after its response went out. The seam is
 * the {@link AccessLogger} interface; weft ships two implementations on aiohttp's format
 * language (see access-log-format.ts).
 */
import type { Writable } from 'node:stream';
import type { Request } from '../http/request.js';
import type { StreamResponse } from '../http/stream-response.js';
import { compileAccessLogFormat, DEFAULT_ACCESS_LOG_FORMAT, type AccessLogFormatter } from './access-log-format.js';
import type { Logger } from './logger.js';

/**
 * Receives every finished request (aiohttp's `AbstractAccessLogger`). Called once per
 * request, after the response's last byte was written (or the connection was lost) and the
 * handler settled; it must not throw (an error is logged and dropped) and should be quick,
 * since it runs on the request path.
 *
 * @example
 * ```ts
 * class JsonAccessLogger implements AccessLogger {
 *   log(request: Request, response: StreamResponse, timeMs: number, bytesSent: number): void {
 *     metrics.observe({ route: request.route?.label, status: response.status, timeMs, bytesSent });
 *   }
 * }
 * new AppRunner(app, { accessLog: new JsonAccessLogger() });
 * ```
 */
export interface AccessLogger {
  /**
   * @param response the response sent; when node's parser failed inside the request's body
   *   and an error status line went out in its place (a bad chunk: 400; an h2c body past
   *   `requestTimeout`: 408), a bare `StreamResponse` with that status and no headers.
   * @param timeMs from the request's arrival to the end of its response, in milliseconds.
   * @param bytesSent bytes written for the response: status line, headers and body.
   */
  log(request: Request, response: StreamResponse, timeMs: number, bytesSent: number): void;
}

/** Shared by every line, so logging allocates no bindings object per request. */
const ACCESS_BINDINGS = Object.freeze({ log: 'access' });

/**
 * The default access logger: each line goes to a weft/pino {@link Logger} at `info`, with
 * `{ log: 'access' }` beside it, so access lines share the application's log pipeline
 * (JSON in production, pretty on a terminal, silenced by `LOG_LEVEL=warn`).
 *
 * @example
 * ```ts
 * new AppRunner(app, { accessLog: new LoggerAccessLogger(app.logger, '%a "%r" %s %Tf') });
 * ```
 */
export class LoggerAccessLogger implements AccessLogger {
  readonly #format: AccessLogFormatter;

  /** @throws WeftError `WEFT_ERR_ACCESS_LOG_FORMAT` for an invalid format. */
  constructor(
    readonly logger: Logger,
    format: string = DEFAULT_ACCESS_LOG_FORMAT,
  ) {
    this.#format = compileAccessLogFormat(format);
  }

  log(request: Request, response: StreamResponse, timeMs: number, bytesSent: number): void {
    this.logger.info(ACCESS_BINDINGS, this.#format(request, response, timeMs, bytesSent));
  }
}

/**
 * Writes plain lines (Apache style, one per request, `\n`-terminated) to a stream: stdout,
 * or a file for log shippers that parse the combined format.
 *
 * @example
 * ```ts
 * const file = fs.createWriteStream('/var/log/app/access.log', { flags: 'a' });
 * new AppRunner(app, { accessLog: new StreamAccessLogger(file) });
 * ```
 */
export class StreamAccessLogger implements AccessLogger {
  readonly #format: AccessLogFormatter;

  /** @throws WeftError `WEFT_ERR_ACCESS_LOG_FORMAT` for an invalid format. */
  constructor(
    readonly stream: Pick<Writable, 'write'>,
    format: string = DEFAULT_ACCESS_LOG_FORMAT,
  ) {
    this.#format = compileAccessLogFormat(format);
  }

  log(request: Request, response: StreamResponse, timeMs: number, bytesSent: number): void {
    this.stream.write(`${this.#format(request, response, timeMs, bytesSent)}\n`);
  }
}
