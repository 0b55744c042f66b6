import pino from 'pino';
import type pretty from 'pino-pretty';

/**
 * The logger weft writes to: pino's interface (an object first, then a message), so any
 * pino logger, or an object shaped like one, fits.
 */
export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
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
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ['error', 'warn', 'info', 'debug'].every((method) => typeof candidate[method] === 'function');
}

/**
 * Creates weft's default logger: pino writing JSON lines to stdout, or pretty lines when a
 * person watches a terminal. `LOG_LEVEL` sets the level (default `info`; `silent` mutes).
 *
 * @example
 * ```ts
 * const app = createApp({ logger: createLogger({ level: 'debug' }) });
 * ```
 */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const wantPretty = options.pretty ?? process.stdout.isTTY === true;
  return wantPretty ? pino({ level }, loadPretty()({ sync: true, colorize: true })) : pino({ level });
}

/** pino-pretty is loaded only when a person watches a terminal: servers log JSON. */
function loadPretty(): typeof pretty {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  return require('pino-pretty') as typeof pretty;
}
