import { inspect } from 'node:util';
import pino from 'pino';
import type pretty from 'pino-pretty';
import { WeftError } from '../errors.js';
import { checkKnownOptions, shownValue } from '../option-checks.js';

/**
 * The logger weft writes to: pino's interface, so any pino logger, or an object shaped like
 * one, fits. A call takes an object of fields and then a message, or a message alone (as
 * pino does). weft itself always passes an object first (`{ err }`, `{ requestId }`, ...):
 * an implementation written for `(obj: object, msg?: string)` stays valid, and sees a string
 * first only from application code that logs a bare message.
 *
 * @example
 * ```ts
 * app.logger.info('cache warmed');
 * app.logger.error({ err, orderId }, 'payment failed');
 *
 * // a logger of your own: four methods
 * const lines: string[] = [];
 * const logger: Logger = {
 *   error: (obj, msg) => lines.push(`error ${msg ?? ''} ${JSON.stringify(obj)}`),
 *   warn: (obj, msg) => lines.push(`warn ${msg ?? ''}`),
 *   info: (obj, msg) => lines.push(`info ${msg ?? ''}`),
 *   debug: () => {},
 * };
 * createApp({ logger });
 * ```
 */
export interface Logger {
  error(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/**
 * The methods of a {@link Logger} that `value` lacks (all four for a non-object): what the
 * option checks name when a logger does not fit.
 *
 * @example
 * ```ts
 * missingLoggerMethods(console);         // []
 * missingLoggerMethods({ info() {} });   // ['error', 'warn', 'debug']
 * ```
 */
export function missingLoggerMethods(value: unknown): string[] {
  const candidate = (typeof value === 'object' || typeof value === 'function') && value !== null ? (value as Record<string, unknown>) : {};
  return ['error', 'warn', 'info', 'debug'].filter((method) => typeof candidate[method] !== 'function');
}

/**
 * Whether `value` can serve as a {@link Logger}: it has the four methods weft calls.
 *
 * @example
 * ```ts
 * isLogger(console); // true
 * isLogger(5);       // false
 * ```
 */
export function isLogger(value: unknown): value is Logger {
  return missingLoggerMethods(value).length === 0;
}

/**
 * Writes one line to `logger`, swallowing what a broken logger throws (a destroyed pino
 * destination, an adapter with a bug): on the request path a log line must never cost a
 * client its response, nor crash the process from a socket event. Internal.
 *
 * @example
 * ```ts
 * logSafely(request.log, 'error', { err, requestId: request.id }, 'sending the response failed');
 * ```
 */
export function logSafely(logger: Logger, level: 'error' | 'warn' | 'info', fields: object, msg: string): void {
  try {
    logger[level](fields, msg);
  } catch {
    // the logger itself failed: there is nowhere left to say so
  }
}

/** The levels pino knows, most severe first, and `silent`. */
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Creates weft's default logger: pino writing JSON lines to stdout, or pretty lines when a
 * person watches a terminal. The level is `options.level`, else `LOG_LEVEL` (unset or
 * empty: `info`): one of `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`
 * (which mutes), in any case.
 *
 * @throws WeftError `WEFT_ERR_INVALID_OPTION` for an unknown option, a `pretty` that is not a
 *   boolean, or another level, naming `LOG_LEVEL` or the
 *   `level` option and the levels accepted.
 * @example
 * ```ts
 * const app = createApp({ logger: createLogger({ level: 'debug' }) });
 * app.logger.info('ready');
 * app.logger.info({ port: 8080 }, 'listening');
 * ```
 */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  checkKnownOptions(options, ['level', 'pretty'], 'createLogger()');
  if (options.pretty !== undefined && typeof options.pretty !== 'boolean') {
    throw new WeftError('WEFT_ERR_INVALID_OPTION', `createLogger(): pretty must be a boolean, got ${shownValue(options.pretty)}`);
  }
  const level = checkLevel(options.level);
  const wantPretty = options.pretty ?? process.stdout.isTTY === true;
  return wantPretty ? pino({ level }, loadPretty()({ sync: true, colorize: true })) : pino({ level });
}

/** pino's own error for a bad level names neither the variable nor the levels it accepts. */
function checkLevel(given: unknown): string {
  const fromEnv = given === undefined;
  const env = process.env.LOG_LEVEL;
  const level = fromEnv ? (env === undefined || env === '' ? 'info' : env) : given;
  if (typeof level === 'string' && LEVELS.includes(level.toLowerCase())) return level.toLowerCase();
  const what = fromEnv ? 'LOG_LEVEL' : 'createLogger() option level';
  throw new WeftError('WEFT_ERR_INVALID_OPTION', `${what} must be one of ${LEVELS.join(', ')} (in any case), got ${shownValue(level)}`);
}

/**
 * The logger of last resort: plain `level: message` lines on stderr (debug dropped), for
 * when {@link createLogger} cannot make one (a bad `LOG_LEVEL`) and that very error must
 * still be reported. Internal: `runApp` uses it until the app's logger exists.
 *
 * @example
 * ```ts
 * stderrLogger.error({ err }, `startup failed: ${err.message}`); // "error: startup failed: ..."
 * ```
 */
export const stderrLogger: Logger = {
  error: stderrLine('error'),
  warn: stderrLine('warn'),
  info: stderrLine('info'),
  debug: () => {},
};

function stderrLine(level: string): Logger['error'] {
  return (obj, msg) => {
    process.stderr.write(`${level}: ${msg ?? (typeof obj === 'string' ? obj : inspect(obj))}\n`);
  };
}

/** pino-pretty is loaded only when a person watches a terminal: servers log JSON. */
function loadPretty(): typeof pretty {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  return require('pino-pretty') as typeof pretty;
}
